// Latency statistics over round-trip samples: nearest-rank percentiles, mean, and a CDF sketch.

/**
 * Nearest-rank percentile (the definition used throughout): for N sorted samples the p-th percentile
 * is the sample at 1-based rank ceil(p/100 * N), clamped to [1, N]. p = 0 gives the minimum, p = 100
 * the maximum, and every result is an actual sample (no interpolation).
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  // The small epsilon keeps p*N that is an integer in exact arithmetic (e.g. 99.9% of 1000) from
  // rounding up through floating-point error.
  const rank = Math.ceil((p / 100) * n - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function sortSamples(samples: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(samples as ArrayLike<number>);
  a.sort();
  return a;
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const s = sortSamples(samples);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return {
    count: s.length,
    min: s.length ? s[0]! : NaN,
    p50: nearestRank(s, 50),
    p90: nearestRank(s, 90),
    p99: nearestRank(s, 99),
    p999: nearestRank(s, 99.9),
    max: s.length ? s[s.length - 1]! : NaN,
    mean: s.length ? sum / s.length : NaN,
  };
}

/** Probabilities (percent) at which the CDF sketch is taken: enough for a log-scale CDF plot. */
export const CDF_POINTS: readonly number[] = [
  0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 100,
];

/** [percent, ns] pairs by nearest rank, so a panel can draw a CDF without the raw samples. */
export function cdfSketch(samples: ArrayLike<number>): Array<[number, number]> {
  const s = sortSamples(samples);
  if (s.length === 0) return [];
  return CDF_POINTS.map((p) => [p, nearestRank(s, p)]);
}

export function median(values: readonly number[]): number {
  return nearestRank(sortSamples(values), 50);
}

/** MB/s with MB = 10^6 bytes. */
export function mbPerSecond(bytes: number, ns: number): number {
  return ns > 0 ? (bytes / ns) * 1e3 : NaN;
}
