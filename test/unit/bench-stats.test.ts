import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { cdfSketch, mbPerSecond, median, nearestRank, sortSamples, summarize } from '../../src/core/bench/stats';

describe('benchmark statistics (nearest-rank percentiles)', () => {
  it('matches the textbook nearest-rank examples', () => {
    // Wikipedia "Percentile", nearest-rank method: {15, 20, 35, 40, 50}.
    const s = sortSamples([50, 15, 40, 20, 35]);
    assert.equal(nearestRank(s, 5), 15);
    assert.equal(nearestRank(s, 30), 20);
    assert.equal(nearestRank(s, 40), 20);
    assert.equal(nearestRank(s, 50), 35);
    assert.equal(nearestRank(s, 100), 50);
    // {3, 6, 7, 8, 8, 10, 13, 15, 16, 20}: 25th = 7, 50th = 8, 75th = 15.
    const t = sortSamples([20, 3, 16, 8, 13, 6, 15, 10, 8, 7]);
    assert.equal(nearestRank(t, 25), 7);
    assert.equal(nearestRank(t, 50), 8);
    assert.equal(nearestRank(t, 75), 15);
    assert.equal(nearestRank(t, 0), 3);
  });

  it('summarizes 1..1000 exactly (p99.9 is the 999th sample, not rounded up by float error)', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const s = summarize(samples);
    assert.deepEqual(
      { min: s.min, p50: s.p50, p90: s.p90, p99: s.p99, p999: s.p999, max: s.max, mean: s.mean, count: s.count },
      { min: 1, p50: 500, p90: 900, p99: 990, p999: 999, max: 1000, mean: 500.5, count: 1000 },
    );
  });

  it('puts one outlier only in the top percentiles', () => {
    const samples = [...Array.from({ length: 999 }, () => 100), 1_000_000];
    const s = summarize(samples);
    assert.equal(s.p50, 100);
    assert.equal(s.p99, 100);
    assert.equal(s.p999, 100);
    assert.equal(s.max, 1_000_000);
    assert.equal(s.mean, (999 * 100 + 1_000_000) / 1000);
  });

  it('returns NaN for no samples instead of throwing', () => {
    const s = summarize([]);
    assert.ok(Number.isNaN(s.p50) && Number.isNaN(s.min) && s.count === 0);
    assert.deepEqual(cdfSketch([]), []);
  });

  it('keeps min <= p50 <= p90 <= p99 <= p99.9 <= max and every value a sample (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 500 }), (xs) => {
      const s = summarize(xs);
      assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max);
      for (const v of [s.p50, s.p90, s.p99, s.p999]) assert.ok(xs.includes(v));
      const cdf = cdfSketch(xs);
      for (let i = 1; i < cdf.length; i++) assert.ok(cdf[i]![1] >= cdf[i - 1]![1]);
    }));
  });

  it('median is the lower middle for an even count; MB/s uses 10^6 bytes', () => {
    assert.equal(median([4, 1, 3, 2]), 2);
    assert.ok(Math.abs(mbPerSecond(256 << 20, 1e9) - 268.435456) < 1e-9);
    assert.ok(Number.isNaN(mbPerSecond(1, 0)));
  });
});
