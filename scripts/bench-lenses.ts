// Code-lens cost on a 5 000-line file: call-site finding (lex + rules) and resolution of every lens against
// this machine's real snapshot and against a synthetic 20 000-object one. Prints medians; not a timed test.
// Usage: npm run bench:lenses [-- --runs 15]

import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findCallSites, indexSnapshot, resolveCallSite, type CallSite } from '../src/core/callsites';
import type { IpcObject, Snapshot } from '../src/core/model';
import { takeSnapshot } from '../src/core/scan/snapshot';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Math.max(3, Number(values.runs) || 15);
const LINES = 5000;
const FIX = path.join(__dirname, '..', 'test', 'fixtures', 'callsites');

const SOURCES: { lang: string; file: string; filler: string[] }[] = [
  { lang: 'rust', file: 'rust/daemon.rs', filler: ['    let total: usize = items.iter().map(|x| x.len()).sum(); // bookkeeping', '    if total > limit { return Err(io::Error::other("too big")); }'] },
  { lang: 'c', file: 'c/ipcd.c', filler: ['    for (size_t i = 0; i < n; i++) sum += buf[i] * 31u; /* checksum */', '    if (sum > limit) { fprintf(stderr, "too big: %zu\\n", sum); return -1; }'] },
  { lang: 'python', file: 'python/worker.py', filler: ['    total = sum(len(x) for x in items)  # bookkeeping', '    if total > limit: raise ValueError(f"too big: {total}")'] },
  { lang: 'typescript', file: 'js/gateway.ts', filler: ['  const total = items.reduce((a, x) => a + x.length, 0); // bookkeeping', '  if (total > limit) throw new Error(`too big: ${total}`);'] },
  { lang: 'go', file: 'go/main.go', filler: ['\ttotal := 0; for _, x := range items { total += len(x) } // bookkeeping', '\tif total > limit { return fmt.Errorf("too big: %d", total) }'] },
];

/** `dense`: the fixture repeated to 5 000 lines (hundreds of sites); `typical`: the fixture once, then ordinary code. */
function build(file: string, filler: string[], dense: boolean): string {
  const fixture = readFileSync(path.join(FIX, file), 'utf8').split('\n');
  const out: string[] = [];
  while (out.length < LINES) {
    if (dense || out.length === 0) out.push(...fixture);
    else out.push(filler[out.length % filler.length]!);
  }
  return out.slice(0, LINES).join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

/** CPU time of this thread's process in ms: less sensitive than wall time to other load on the machine. */
function cpu<T>(fn: () => T): number {
  const c0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

function synthetic(n: number): Snapshot {
  const objects: IpcObject[] = [];
  for (let i = 0; i < n; i++) {
    objects.push({
      id: `unix:8:${i}`, kind: 'unix', inode: i, name: i % 2 ? `/run/svc${i}.sock` : `socket:[${i}]`, endpoints: [{ pid: 100 + (i % 500), fd: 3 + (i % 900), access: 'rw' }],
      queue: { used: i % 7, capacity: null, unit: 'bytes' },
      unix: { type: 'stream', state: i % 2 ? 'listen' : 'connected', address: i % 2 ? 'path' : 'unnamed', peer: null, pendingConnections: 0, inflightFds: 0 }, findings: [],
    });
  }
  return { schemaVersion: 1, takenAt: new Date().toISOString(), durationMs: 0, self: { pid: process.pid }, hidden: { processes: 0 }, notes: [], processes: [], objects };
}

function resolveAll(sites: CallSite[], snap: Snapshot): number {
  let live = 0;
  for (const s of sites) if (resolveCallSite(s, snap).objectId) live++;
  return live;
}

const [real, snapMs] = time(() => takeSnapshot());
const big = synthetic(20000);
console.log(`lens resolution on a ${LINES}-line file, median of ${RUNS} runs; node ${process.version}, ${new Date().toISOString()}`);
console.log(`this machine's snapshot: ${real.objects.length} objects, ${real.processes.length} processes (taken in ${snapMs.toFixed(0)} ms, not counted below)`);
console.log('');
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall times below include waiting for a CPU)`);
console.log('');
console.log('lang        file     sites  find ms  index ms (real / 20k)  resolve-all ms (real / 20k)  find+resolve ms (real)  same, CPU ms');
for (const { lang, file, filler } of SOURCES) {
  for (const dense of [false, true]) {
    const text = build(file, filler, dense);
    const finds: number[] = [];
    const idxReal: number[] = [];
    const idxBig: number[] = [];
    const resReal: number[] = [];
    const resBig: number[] = [];
    const totals: number[] = [];
    const cpuTotals: number[] = [];
    let sites: CallSite[] = [];
    for (let r = 0; r < RUNS; r++) {
      // Fresh snapshot objects so that each run pays for building the index, as after a new scan.
      const snapR: Snapshot = { ...real };
      const snapB: Snapshot = { ...big };
      const [s, f] = time(() => findCallSites(text, lang));
      sites = s;
      const [, ir] = time(() => indexSnapshot(snapR));
      const [, ib] = time(() => indexSnapshot(snapB));
      const [, rr] = time(() => resolveAll(sites, snapR));
      const [, rb] = time(() => resolveAll(sites, snapB));
      finds.push(f); idxReal.push(ir); idxBig.push(ib); resReal.push(rr); resBig.push(rb); totals.push(f + ir + rr);
      cpuTotals.push(cpu(() => resolveAll(findCallSites(text, lang), { ...real })));
    }
    console.log(
      `${lang.padEnd(11)} ${(dense ? 'dense' : 'typical').padEnd(8)} ${String(sites.length).padStart(5)}  ${median(finds).toFixed(2).padStart(7)}  `
      + `${median(idxReal).toFixed(2).padStart(8)} / ${median(idxBig).toFixed(2).padEnd(12)}  ${median(resReal).toFixed(2).padStart(10)} / ${median(resBig).toFixed(2).padEnd(15)}  ${median(totals).toFixed(2).padStart(8)}               ${median(cpuTotals).toFixed(2).padStart(7)}`,
    );
  }
}
// Calibration: one plain charCodeAt pass over a 5 000-line text, to scale the figures above to a quieter machine.
const sample = build('rust/daemon.rs', SOURCES[0]!.filler, false);
const passes: number[] = [];
for (let r = 0; r < RUNS; r++) {
  passes.push(time(() => { let h = 0; for (let i = 0; i < sample.length; i++) h = (h * 31 + sample.charCodeAt(i)) | 0; return h; })[1]);
}
console.log('');
console.log(`calibration: one charCodeAt pass over the ${(sample.length / 1024).toFixed(0)} KiB rust file takes ${median(passes).toFixed(2)} ms here`);
console.log('');
console.log('typical: the fixture once (~20 call sites) then ordinary code; dense: the fixture repeated (hundreds of sites).');
console.log('find = lex + rules over the whole file (provideCodeLenses, once per document version); resolve-all = every lens');
console.log('title (VS Code resolves only the visible ones); index = once per snapshot.');
