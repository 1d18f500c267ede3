// Benchmark runs as the results panel shows them: pure conversions from stored BenchRun records.

import { formatClaim, mechanism } from './bench/catalogue';
import type { BenchResult, BenchRun } from './bench/results';
import { claimFor } from './bench/results';
import type { ResultView, RunListEntry, RunView } from '../../webview/shared/benchProtocol';

export function resultKey(r: Pick<BenchResult, 'mechanism' | 'kind' | 'pin' | 'msg_bytes'>): string {
  return `${r.mechanism}|${r.kind}|${r.pin}|${r.msg_bytes}`;
}

function resultView(r: BenchResult): ResultView {
  const c = claimFor(r);
  const v: ResultView = {
    key: resultKey(r), mechanism: r.mechanism, label: mechanism(r.mechanism)?.label ?? r.mechanism, kind: r.kind, pin: r.pin,
    msgBytes: r.msg_bytes, iterations: r.iterations, status: r.status, notes: r.notes.slice(0, 50),
  };
  if (r.error !== undefined) v.error = r.error.slice(0, 10_000);
  if (r.latency) {
    const l = r.latency;
    v.latency = { min: l.min, p50: l.p50, p90: l.p90, p99: l.p99, p999: l.p999, max: l.max, mean: l.mean, cdf: l.cdf.slice(0, 1000) };
  }
  if (r.throughput) v.mbPerS = r.throughput.mb_per_s;
  if (c) v.claim = { text: formatClaim(c.claim, r.kind), ratio: c.ratio, holds: c.holds };
  return v;
}

export function runView(run: BenchRun): RunView {
  const m = run.machine;
  return {
    id: run.id, startedAt: run.started_at, preset: run.preset, cancelled: run.cancelled,
    machine: { cpu: m.cpu_model, cores: m.cores, kernel: m.kernel, hypervisor: m.hypervisor, loadavg: [...m.loadavg] },
    results: run.results.map(resultView),
    skipped: run.skipped.map((s) => ({ mechanism: s.mechanism, kind: s.kind, pin: s.pin, reason: s.reason })),
  };
}

export function runListEntry(run: BenchRun): RunListEntry {
  return { id: run.id, startedAt: run.started_at, preset: run.preset, count: run.results.length };
}
