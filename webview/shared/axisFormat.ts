// Axis tick labels of the benchmark charts: the unit that keeps the number short, and no trailing zeros
// ("0.1 µs", "20 µs", "2 ms"; "500 MB/s", "2 GB/s"), so a log axis reads the same from one decade to the next.

/** Up to 3 significant digits, trailing zeros dropped (0.1, 20, 2.5, 125). */
export function trimNumber(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const s = Math.abs(x) >= 1000 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString();
  return s;
}

/** A duration in nanoseconds: ns below 1 µs, µs below 1 ms, ms below 1 s, then s. */
export function formatDurationNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const a = Math.abs(ns);
  if (a === 0) return '0';
  if (a < 1e3) return `${trimNumber(ns)} ns`;
  if (a < 1e6) return `${trimNumber(ns / 1e3)} µs`;
  if (a < 1e9) return `${trimNumber(ns / 1e6)} ms`;
  return `${trimNumber(ns / 1e9)} s`;
}

/** A rate in MB/s (10^6 bytes per second): MB/s below 1 000, GB/s above. */
export function formatRateMBps(mb: number): string {
  if (!Number.isFinite(mb)) return '–';
  if (mb === 0) return '0';
  return Math.abs(mb) < 1000 ? `${trimNumber(mb)} MB/s` : `${trimNumber(mb / 1000)} GB/s`;
}
