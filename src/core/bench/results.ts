// Benchmark result records, the CLI's JSON-line shape, and the comparison with the seed's claims.

import type { BenchKind, ClaimComparison, MechanismId, Pin } from './catalogue';
import { compareWithClaim } from './catalogue';
import type { MachineContext } from './machine';
import type { Preset, SkippedCase } from './plan';
import type { LatencySummary } from './stats';

export type Impl = 'node' | 'c';

export interface BenchResult {
  mechanism: MechanismId;
  kind: BenchKind;
  pin: Pin;
  cpus: number[];
  msg_bytes: number;
  iterations: number;
  warmup: number;
  impl: Impl;
  status: 'ok' | 'failed';
  /** Why it failed (data lost, timeout, worker error). */
  error?: string;
  notes: string[];
  /** Round-trip nanoseconds, plus [percent, ns] points for a CDF. */
  latency?: LatencySummary & { cdf: Array<[number, number]> };
  throughput?: { bytes: number; ns: number; mb_per_s: number };
  /** CPU nanoseconds per measured round trip (latency) or message (throughput) of each worker over the
   *  timed phase: `process` counts every thread, `thread` the one making the IPC calls. */
  cpu?: Record<'a' | 'b', { process: number; thread: number }>;
  duration_ms: number;
}

export interface BenchRun {
  id: string;
  started_at: string;
  finished_at: string;
  preset: Preset;
  machine: MachineContext;
  results: BenchResult[];
  skipped: SkippedCase[];
  cancelled: boolean;
}

/** The CLI's `--json` line for one result: exactly these keys, in this order, null where not applicable. */
export interface JsonLine {
  mechanism: MechanismId;
  kind: BenchKind;
  msg_bytes: number;
  iterations: number;
  min_ns: number | null;
  p50_ns: number | null;
  p99_ns: number | null;
  p999_ns: number | null;
  max_ns: number | null;
  mean_ns: number | null;
  mb_per_s: number | null;
  pin: Pin;
}

export function toJsonLine(r: BenchResult): JsonLine {
  const l = r.latency;
  const round = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : Math.round(x));
  return {
    mechanism: r.mechanism,
    kind: r.kind,
    msg_bytes: r.msg_bytes,
    iterations: r.iterations,
    min_ns: round(l?.min),
    p50_ns: round(l?.p50),
    p99_ns: round(l?.p99),
    p999_ns: round(l?.p999),
    max_ns: round(l?.max),
    mean_ns: round(l?.mean),
    mb_per_s: r.throughput && Number.isFinite(r.throughput.mb_per_s) ? Math.round(r.throughput.mb_per_s * 10) / 10 : null,
    pin: r.pin,
  };
}

/** The final `{"kind":"machine",...}` line: the context plus what was skipped or failed and why. */
export function machineLine(run: Pick<BenchRun, 'machine' | 'preset' | 'started_at' | 'skipped' | 'results' | 'cancelled'>): Record<string, unknown> {
  return {
    kind: 'machine',
    ...run.machine,
    preset: run.preset,
    started_at: run.started_at,
    pins: [...new Set(run.results.map((r) => r.pin))],
    cancelled: run.cancelled,
    skipped: run.skipped.map((s) => ({ mechanism: s.mechanism, kind: s.kind, pin: s.pin, reason: s.reason })),
    failed: run.results.filter((r) => r.status === 'failed')
      .map((r) => ({ mechanism: r.mechanism, kind: r.kind, pin: r.pin, error: r.error ?? '' })),
  };
}

/** The seed's claim next to a successful result (latency: p50 round trip; throughput: MB/s). */
export function claimFor(r: BenchResult): ClaimComparison | null {
  if (r.status !== 'ok') return null;
  if (r.kind === 'latency') return r.latency ? compareWithClaim(r.mechanism, 'latency', r.latency.p50) : null;
  return r.throughput ? compareWithClaim(r.mechanism, 'throughput', r.throughput.mb_per_s) : null;
}
