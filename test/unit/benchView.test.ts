import { strict as assert } from 'node:assert';
import type { BenchRun } from '../../src/core/bench/results';
import { runView } from '../../src/core/benchView';
import { validateBenchFromWebview, validateBenchToWebview } from '../../webview/shared/benchProtocol';

const run: BenchRun = {
  id: 'r1', started_at: '2026-11-29T10:00:00.000Z', finished_at: '2026-11-29T10:01:00.000Z', preset: 'quick', cancelled: false,
  machine: { cpu_model: 'AMD EPYC, "x"', cores: 2, cpus_allowed: [0, 1], kernel: '6.18', arch: 'x64', node: 'v20', hypervisor: true, loadavg: [0.5, 0.4, 0.3], limits: { mqMsgsizeMax: 8192, sysvMsgmax: 8192, wmemDefault: 212992 } },
  results: [
    { mechanism: 'pipe', kind: 'latency', pin: 'same', cpus: [0, 0], msg_bytes: 1, iterations: 1000, warmup: 100, impl: 'node', status: 'ok', notes: [],
      latency: { count: 1000, min: 3000, p50: 4000, p90: 5000, p99: 9000, p999: 20000, max: 40000, mean: 4500, cdf: [[0, 3000], [50, 4000], [100, 40000]] }, duration_ms: 10 },
    { mechanism: 'unix-stream', kind: 'throughput', pin: 'split', cpus: [0, 1], msg_bytes: 65536, iterations: 512, warmup: 0, impl: 'node', status: 'ok', notes: ['n'],
      throughput: { bytes: 33554432, ns: 16777216, mb_per_s: 2000 }, duration_ms: 20 },
    { mechanism: 'udp', kind: 'throughput', pin: 'split', cpus: [0, 1], msg_bytes: 65000, iterations: 0, warmup: 0, impl: 'node', status: 'failed', error: 'checksum mismatch', notes: [], duration_ms: 5 },
  ],
  skipped: [{ mechanism: 'shm-spin', kind: 'latency', pin: 'same', reason: 'spins: both on one CPU would measure the scheduler' }],
};

describe('benchmark panel data', () => {
  it('converts a run with the seed claim ratio (p50 over the claim upper end)', () => {
    const v = runView(run);
    assert.equal(v.results[0]!.claim?.text, '5-10 µs');
    assert.equal(v.results[0]!.claim?.ratio, 0.4);
    assert.equal(v.results[0]!.claim?.holds, true);
    assert.equal(v.results[1]!.claim?.ratio, 0.2);
    assert.equal(v.results[2]!.status, 'failed');
    assert.ok(validateBenchToWebview({ type: 'runs', current: v, compare: null, history: [] }), 'a real run passes the validator');
  });
  it('rejects malformed or unexpected messages from the webview', () => {
    assert.deepEqual(validateBenchFromWebview({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.equal(validateBenchFromWebview({ type: 'export', format: 'exe' }), undefined);
    assert.equal(validateBenchFromWebview({ type: 'export', format: 'csv', extra: 1 }), undefined);
    assert.equal(validateBenchFromWebview({ type: 'select', runId: 'x'.repeat(101) }), undefined);
    assert.equal(validateBenchFromWebview({ type: 'runCommand', command: 'rm -rf' }), undefined);
    assert.equal(validateBenchFromWebview('export'), undefined);
    assert.equal(validateBenchToWebview({ type: 'runs', current: { id: 1 }, compare: null, history: [] }), undefined);
  });
});
