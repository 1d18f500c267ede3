// `npm run bench:fidelity`: does our Node/koffi harness measure the mechanism, not Node? Builds the C
// reference (native/bench/cref.c, same protocol), runs ours and C interleaved in one run, and prints both
// medians and their ratio per mechanism. Goal: latency ratio <= 1.10, throughput ratio >= 0.90.
//
//   npm run bench:fidelity -- [--quick] [--mechanism a,b] [--reps N] [--iterations N] [--total 64M]
//                             [--pins split,same] [--json]

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchKind, MechanismId, Pin } from '../src/core/bench/catalogue';
import { MECHANISM_IDS, formatClaim, isMechanismId, seedClaim } from '../src/core/bench/catalogue';
import { us } from '../src/core/bench/format';
import { allowedCpus, machineContext, readLimits } from '../src/core/bench/machine';
import type { BenchCase } from '../src/core/bench/plan';
import { buildPlan, parseBytes } from '../src/core/bench/plan';
import type { BenchResult, Impl } from '../src/core/bench/results';
import { runCase } from '../src/core/bench/runner';
import { median } from '../src/core/bench/stats';

const LATENCY_GOAL = 1.1;
const THROUGHPUT_GOAL = 0.9;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    mechanism: { type: 'string' },
    reps: { type: 'string' },
    iterations: { type: 'string' },
    total: { type: 'string' },
    pins: { type: 'string' },
    json: { type: 'boolean' },
  },
});

const root = path.resolve(__dirname, '..');
const mechanisms = (values.mechanism?.split(',') ?? MECHANISM_IDS).map((m) => {
  if (!isMechanismId(m)) throw new Error(`unknown mechanism ${m}`);
  return m;
});
const reps = Number(values.reps ?? 3);
const iterations = Number(values.iterations ?? (values.quick ? 3_000 : 10_000));
const totalBytes = values.total ? parseBytes(values.total) : values.quick ? 16 << 20 : 64 << 20;
const pins = (values.pins?.split(',') ?? ['split', 'same']) as Pin[];

function buildCref(): string {
  const dir = path.join(root, 'node_modules', '.cache', 'ipc-inspector');
  mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, 'cref');
  execFileSync('gcc', ['-O2', '-Wall', '-o', bin, path.join(root, 'native', 'bench', 'cref.c')], { stdio: 'inherit' });
  return bin;
}

interface Row {
  mechanism: MechanismId; kind: BenchKind; pin: Pin; msg_bytes: number;
  ours: number; c: number; ratio: number; ok: boolean; runs: { node: number[]; c: number[] }; errors: string[];
  /** Latency only: medians of the runs' p99. */
  oursP99: number; cP99: number;
}

function figure(r: BenchResult): number | null {
  if (r.status !== 'ok') return null;
  return r.kind === 'latency' ? r.latency!.p50 : r.throughput!.mb_per_s;
}

async function compare(c: BenchCase, crefPath: string): Promise<Row> {
  const runs: Record<Impl, number[]> = { node: [], c: [] };
  const p99: Record<Impl, number[]> = { node: [], c: [] };
  const errors: string[] = [];
  for (let i = 0; i < reps; i++) {
    // Alternate which implementation goes first so drifting load does not favour one side.
    const order: Impl[] = i % 2 === 0 ? ['node', 'c'] : ['c', 'node'];
    for (const impl of order) {
      const r = await runCase(c, { impl, crefPath });
      const v = figure(r);
      if (v === null) errors.push(`${impl}: ${r.error}`); else runs[impl].push(v);
      if (r.latency) p99[impl].push(r.latency.p99);
    }
  }
  const ours = runs.node.length ? median(runs.node) : NaN, cm = runs.c.length ? median(runs.c) : NaN;
  const ratio = ours / cm;
  const ok = c.kind === 'latency' ? ratio <= LATENCY_GOAL : ratio >= THROUGHPUT_GOAL;
  const med = (xs: number[]): number => (xs.length ? median(xs) : NaN);
  return {
    mechanism: c.mechanism, kind: c.kind, pin: c.pin, msg_bytes: c.msgBytes, ours, c: cm, ratio, ok, runs, errors,
    oursP99: med(p99.node), cP99: med(p99.c),
  };
}

async function main(): Promise<number> {
  const crefPath = buildCref();
  const machine = machineContext();
  const plan = buildPlan({ preset: 'custom', mechanisms, pins, iterations, warmup: Math.ceil(iterations / 10), totalBytes }, allowedCpus(), readLimits());
  // Throughput once per mechanism (split), latency in every asked pin.
  const cases = plan.cases.filter((c) => c.kind === 'latency' || c.pin === pins[0]);
  const rows: Row[] = [];
  for (const [i, c] of cases.entries()) {
    process.stderr.write(`[${i + 1}/${cases.length}] ${c.mechanism} ${c.kind} ${c.pin} x${reps} (ours and C)\n`);
    rows.push(await compare(c, crefPath));
  }
  if (values.json) {
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    process.stdout.write(`${JSON.stringify({ kind: 'machine', ...machine, reps, iterations, total_bytes: totalBytes })}\n`);
    return 0;
  }
  const lines: string[] = [];
  lines.push(`${machine.cpu_model}, ${machine.cores} CPUs, Linux ${machine.kernel}${machine.hypervisor ? ' (VM)' : ''}, load ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')} at start`);
  lines.push(`medians of ${reps} interleaved runs each; latency = p50 of ${iterations} round trips; throughput = ${totalBytes / (1 << 20)} MiB`);
  lines.push('');
  lines.push('| mechanism | measure | pin | bytes | ours | C | ours/C | goal | ours p99 | C p99 | seed claim |');
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  for (const r of rows) {
    const lat = r.kind === 'latency';
    const fmt = (v: number): string => (Number.isNaN(v) ? 'failed' : lat ? `${us(v)} µs` : `${v.toFixed(0)} MB/s`);
    const claim = seedClaim(r.mechanism);
    lines.push(`| ${r.mechanism} | ${lat ? 'latency p50' : 'throughput'} | ${r.pin} | ${r.msg_bytes} | ${fmt(r.ours)} | ${fmt(r.c)} | `
      + `${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '-'} | ${lat ? '<= 1.10' : '>= 0.90'}${r.ok ? '' : ' MISSED'} | `
      + `${lat ? fmt(r.oursP99) : ''} | ${lat ? fmt(r.cP99) : ''} | ${claim ? formatClaim(claim, r.kind) : ''} |`);
  }
  const missed = rows.filter((r) => !r.ok);
  lines.push('');
  lines.push(`load ${machineContext().loadavg.map((x) => x.toFixed(2)).join(' ')} at the end (1, 5, 15 min)`);
  lines.push(missed.length ? `${missed.length} of ${rows.length} outside the goal: ${missed.map((r) => `${r.mechanism} ${r.kind} ${r.pin}`).join(', ')}` : `all ${rows.length} within the goal`);
  for (const r of rows.filter((x) => x.errors.length)) lines.push(`errors ${r.mechanism} ${r.kind} ${r.pin}: ${r.errors.join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
