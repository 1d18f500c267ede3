// Readable tables of benchmark results for the terminal (and Markdown export), with the seed's claims.

import { formatClaim } from './catalogue';
import type { BenchResult, BenchRun } from './results';
import { claimFor } from './results';

export function us(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '-';
  const v = ns / 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function table(head: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (r: string[]): string => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(head), `|${head.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map(line)].join('\n');
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

function claimCells(r: BenchResult): [string, string] {
  const c = claimFor(r);
  if (!c) return ['', ''];
  return [formatClaim(c.claim, r.kind), `${c.ratio >= 10 ? c.ratio.toFixed(0) : c.ratio.toFixed(2)}x`];
}

export function latencyTable(results: readonly BenchResult[], markdown = false): string {
  const rows = results.filter((r) => r.kind === 'latency' && r.status === 'ok').map((r) => {
    const l = r.latency!;
    return [r.mechanism, r.pin, String(r.msg_bytes), String(r.iterations), us(l.min), us(l.p50), us(l.p90), us(l.p99),
      us(l.p999), us(l.max), us(l.mean), ...claimCells(r)];
  });
  return rows.length
    ? table(['mechanism', 'pin', 'bytes', 'round trips', 'min µs', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'seed claim', 'p50/claim'], rows, markdown)
    : '';
}

export function throughputTable(results: readonly BenchResult[], markdown = false): string {
  const rows = results.filter((r) => r.kind === 'throughput' && r.status === 'ok').map((r) => {
    const t = r.throughput!;
    return [r.mechanism, r.pin, String(r.msg_bytes), String(r.iterations), `${(t.bytes / 1e6).toFixed(1)}`,
      t.mb_per_s.toFixed(0), ...claimCells(r)];
  });
  return rows.length
    ? table(['mechanism', 'pin', 'msg bytes', 'messages', 'MB', 'MB/s', 'seed claim', 'measured/claim'], rows, markdown)
    : '';
}

export function formatRun(run: BenchRun, markdown = false): string {
  const m = run.machine;
  const out: string[] = [];
  out.push(`${m.cpu_model}, ${m.cores} cores (allowed ${m.cpus_allowed.join(',')}), Linux ${m.kernel}${m.hypervisor ? ', virtual machine' : ''}, `
    + `load ${m.loadavg.map((x) => x.toFixed(2)).join(' ')} before the run; ${run.preset} preset.`);
  const lat = latencyTable(run.results, markdown);
  if (lat) out.push('', 'Latency (round trip, µs; percentiles by nearest rank):', lat);
  const thr = throughputTable(run.results, markdown);
  if (thr) out.push('', 'Throughput (MB = 10^6 bytes, every message verified at the receiver):', thr);
  const notes = [...new Set(run.results.flatMap((r) => r.notes.map((n) => `${r.mechanism} ${r.kind}: ${n}`)))];
  if (notes.length) out.push('', 'Notes:', ...notes.map((n) => `  ${n}`));
  const failed = run.results.filter((r) => r.status === 'failed');
  if (failed.length) out.push('', 'FAILED:', ...failed.map((r) => `  ${r.mechanism} ${r.kind} pin ${r.pin}: ${r.error}`));
  if (run.skipped.length) out.push('', 'Skipped:', ...run.skipped.map((s) => `  ${s.mechanism} ${s.kind}${s.pin ? ` pin ${s.pin}` : ''}: ${s.reason}`));
  // What the ratio columns mean, for the tables that have a ratio in them.
  const ratios = [
    ...(run.results.some((r) => r.kind === 'latency' && claimFor(r)) ? ['p50/claim compares our p50 round trip with the upper end of the claimed latency'] : []),
    ...(run.results.some((r) => r.kind === 'throughput' && claimFor(r)) ? ['measured/claim compares our MB/s with the claimed throughput'] : []),
  ];
  if (ratios.length) {
    out.push('', `Seed claims are from its section 8 (1-byte latency, 100 MB throughput, no method stated); ${ratios.join('; ')}.`);
  }
  return out.join('\n');
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote when needed; a leading =, +, - or @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV row per result (the JSON-line fields plus p90, status, impl and the seed claim). */
export function runToCsv(run: BenchRun): string {
  const head = ['mechanism', 'kind', 'pin', 'msg_bytes', 'iterations', 'min_ns', 'p50_ns', 'p90_ns', 'p99_ns', 'p999_ns',
    'max_ns', 'mean_ns', 'mb_per_s', 'status', 'error', 'impl', 'seed_claim', 'ratio_to_claim'];
  const rows = run.results.map((r) => {
    const l = r.latency;
    const c = claimFor(r);
    const n = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : String(Math.round(x)));
    return [r.mechanism, r.kind, r.pin, r.msg_bytes, r.iterations, n(l?.min), n(l?.p50), n(l?.p90), n(l?.p99), n(l?.p999),
      n(l?.max), n(l?.mean), r.throughput ? r.throughput.mb_per_s.toFixed(1) : '', r.status, r.error ?? '', r.impl,
      c ? formatClaim(c.claim, r.kind) : '', c ? c.ratio.toFixed(3) : ''];
  });
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
