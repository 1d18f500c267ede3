import { strict as assert } from 'node:assert';
import { formatDurationNs, formatRateMBps, trimNumber } from '../../webview/shared/axisFormat';

describe('benchmark axis labels (webview/shared/axisFormat)', () => {
  it('keeps up to 3 significant digits and drops trailing zeros', () => {
    assert.deepEqual([0.1, 0.25, 1, 10, 20, 100, 125.4, 999.6, 2000, 0].map(trimNumber), ['0.1', '0.25', '1', '10', '20', '100', '125', '1000', '2000', '0']);
    assert.equal(trimNumber(Number.NaN), '–');
  });
  it('labels each decade of a log time axis in the unit that keeps it short', () => {
    // The ticks d3's log scale gives from 100 ns to 100 ms: one unit change per 1 000, never "10.0 µs" or "100000 µs".
    const ticks = [100, 200, 500, 1e3, 2e3, 1e4, 2e4, 1e5, 1e6, 2e6, 1e7, 1e8, 1.5e9];
    assert.deepEqual(ticks.map(formatDurationNs), [
      '100 ns', '200 ns', '500 ns', '1 µs', '2 µs', '10 µs', '20 µs', '100 µs', '1 ms', '2 ms', '10 ms', '100 ms', '1.5 s',
    ]);
    assert.equal(formatDurationNs(0), '0');
    assert.equal(formatDurationNs(Number.POSITIVE_INFINITY), '–');
  });
  it('labels throughput in MB/s, and in GB/s from 1 000 MB/s', () => {
    assert.deepEqual([0, 250, 500, 1000, 2000, 3500, 10000].map(formatRateMBps), ['0', '250 MB/s', '500 MB/s', '1 GB/s', '2 GB/s', '3.5 GB/s', '10 GB/s']);
  });
});
