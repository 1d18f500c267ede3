// npm run bench:scan: wall time of the inspector's scans next to the tools users would otherwise run, on
// populations built in child processes (~110 processes / 10k fds and ~130 / 20k fds), printed as ratios.
// Usage: tsx scripts/bench-scan.ts [--runs N] [--sizes 10k,20k] (dist/cli.js must be built: npm run build)
// It also prints what the kernel charges per fd for readlink and statx (scripts/fd-call-cost.c, needs gcc):
// the floor of goal 1 that no code of ours can remove; what the refresh's pipe samples cost from C, the
// floor of goal 2; and where a snapshot's CPU goes (by thread) and how many page faults it takes, with what
// one costs on this machine. Commands are timed as a shell runs them, through
// posix_spawn from scripts/run-times.c (gcc); Node's spawnSync would add its own ~6 ms per call to theirs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { PYTHON, helperPath } from '../test/integration/helpers/holders';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const PROC_WALK_LABEL = 'takeSnapshot({ fdIterator: false })';
import { SCAN_PROCESS_FLAGS } from '../src/core/worker/client';

// The snapshots and refreshes are timed under the V8 flags of the extension's scan process (where the
// explorer's scans run): this script starts itself again with them when they are missing.
if (!SCAN_PROCESS_FLAGS.every((f) => process.execArgv.includes(f))) {
  const again = spawnSync(process.execPath, [...process.execArgv, ...SCAN_PROCESS_FLAGS, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

/**
 * The engine as the extension ships it: scripts/bench-engine.ts and the helper threads' walk.worker.ts bundled
 * side by side (the helper pool finds walk.worker.js next to the bundle), minified, as `npm run package`
 * builds dist/scan.worker.js.
 */
function loadEngine(): typeof import('./bench-engine') {
  const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'ipc-inspector', 'bench-engine');
  esbuild.buildSync({
    entryPoints: { engine: path.join(__dirname, 'bench-engine.ts'), 'walk.worker': path.join(__dirname, '../src/core/scan/walk.worker.ts') },
    outdir: dir, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', external: ['koffi'], logLevel: 'warning',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, 'engine.js')) as typeof import('./bench-engine');
}
const { takeSnapshot, refreshQueues } = loadEngine();

// Each in-process series starts from a collected heap: otherwise a series pays for the garbage of the one
// before it (a 10k snapshot leaves ~30 MB), and the refresh figures measured after 24 snapshots would
// include their major GCs, which the live views' own worker never sees.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Start population.py and wait (up to 5 min on a loaded machine) for its first JSON line. */
async function startPopulation(args: string[]): Promise<{ info: { fds: number }; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(PYTHON, [helperPath('population.py'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('population.py: not ready within 300 s')), 300000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`population.py exited with ${code}`)));
  });
  return {
    info: JSON.parse(first) as { fds: number },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin!.end();
    }),
  };
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, sizes: { type: 'string', default: '10k,20k' } } });
const RUNS = Math.max(1, Number(values.runs));
const CLI = path.join(__dirname, '../dist/cli.js');

/**
 * procs, pipes, socketpairs, FIFOs, TCP connections, shm segments, mqueues (2 fds per pipe/pair/FIFO/TCP).
 * mqueues: 4, as RLIMIT_MSGQUEUE (800 KB) allows only ten default-size queues per user, shared with other tests.
 */
const SIZES: Record<string, number[]> = {
  '10k': [110, 1800, 1800, 500, 500, 300, 4],
  '20k': [130, 3700, 3700, 1000, 900, 500, 4],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** CPU time (user + system, every thread of this process) of the last timeIt() call's median run. */
let lastCpu: number | null = null;

function timeIt(f: () => void, runs = RUNS, warmups = 1): number {
  for (let i = 0; i < warmups; i++) f(); // warm-up (page cache, JIT, helper threads)
  const ts: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  lastCpu = median(cpu);
  return median(ts);
}

/** No snapshot taken by this process yet (the first one starts its helper threads cold). */
let processFresh = true;

/**
 * Warm-up rounds before the snapshot series (see benchSize), each a run of every variant: ten, after the first
 * snapshot and the five of the warming-up row: on a 10k-fd population the snapshots of a fresh process took 480, 286, 250, 175, 269, 137,
 * 220, 226, 138, 171 ms and then 62-103 ms (`scripts/tmp/warm.ts`, by hand): under --single-threaded V8
 * optimizes the scan's functions on the scan thread itself, and its heap grows to the snapshot's size.
 */
const SNAPSHOT_WARMUPS = 10;

/** Snapshots 2 to 6 of a population, timed apart as the warming-up row. */
const WARMING_RUNS = 5;

/** Warm-up runs before a refresh series (see benchSize). */
const REFRESH_WARMUPS = 10;

/** Pairs for the goal comparisons, in which our side and the command take turns. */
const PAIRS = Math.max(RUNS, 11);

/**
 * Medians of `f` and of the command `cmd args`, run in turns (after `warmups` runs of f and one of the
 * command, from a collected heap), and the median of the per-pair ratios; null when the command is missing.
 */
function timeTurns(f: () => void, cmd: string, args: string[], pairs: number, warmups = 1): { ours: number; theirs: number; pairRatio: number } | null {
  if (!runTimes(cmd, args, 1)) return null;
  collect();
  for (let i = 0; i < warmups; i++) f();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const t = performance.now();
    f();
    ours.push(performance.now() - t);
    const r = runTimes(cmd, args, 1);
    if (!r) return null;
    theirs.push(r[0]!);
  }
  return { ours: median(ours), theirs: median(theirs), pairRatio: median(ours.map((x, i) => x / theirs[i]!)) };
}

/** timeIt for in-process work, recording its CPU time for the table. */
const cpuOf = new Map<string, number>();
function timeOwn(name: string, f: () => void, warmups = 1, runs = RUNS): number {
  collect();
  const ms = timeIt(f, runs, warmups);
  if (lastCpu !== null) cpuOf.set(name, lastCpu);
  return ms;
}

/**
 * Medians of several in-process variants run in turns (one run of each, then the next round), after
 * `warmups` rounds, from a collected heap; their CPU is recorded for the table as timeOwn does.
 */
function timeTurnsOwn(variants: [string, () => void][], warmups: number, runs = RUNS): number[] {
  collect();
  for (let i = 0; i < warmups; i++) for (const [, f] of variants) f();
  const ts = variants.map((): number[] => []);
  const cpu = variants.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    variants.forEach(([, f], k) => {
      const c = process.cpuUsage();
      const t = performance.now();
      f();
      ts[k]!.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu[k]!.push((d.user + d.system) / 1000);
    });
  }
  variants.forEach(([name], k) => cpuOf.set(name, median(cpu[k]!)));
  return ts.map(median);
}

/** A C helper of this directory built with gcc into node_modules/.cache on first use; null without gcc. */
const built = new Map<string, string | null>();
function cHelper(name: string): string | null {
  if (built.has(name)) return built.get(name)!;
  const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'ipc-inspector');
  mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, name);
  const r = spawnSync('gcc', ['-O2', '-o', bin, path.join(__dirname, `${name}.c`)], { stdio: 'inherit' });
  const out = r.status === 0 ? bin : null;
  if (!out) console.log(`(gcc failed: no ${name})`);
  built.set(name, out);
  return out;
}

/** Wall times (ms) of `n` runs of a command, spawned from C as a shell would; null when it fails. */
function runTimes(cmd: string, args: string[], n: number): number[] | null {
  const runner = cHelper('run-times');
  if (!runner) {
    // Without gcc: timed around Node's spawnSync, which adds its own cost to every run (said in the header).
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = spawnSync(cmd, args, { stdio: 'ignore' });
      if (r.error || r.status !== 0) return null;
      out.push(performance.now() - t);
    }
    return out;
  }
  const r = spawnSync(runner, [String(n), cmd, ...args], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout) as number[]) : null;
}

function timeCmd(cmd: string, args: string[], runs = RUNS): number | null {
  const ts = runTimes(cmd, args, runs + 1); // the first run warms the page cache
  return ts ? median(ts.slice(1)) : null;
}

/** Per-fd kernel costs measured from C (scripts/fd-call-cost.c, built with gcc on first use), or null without gcc. */
let costBin: string | null | undefined;
function callCosts(): { fault_us: number; fds: number; readlink_us: number; statx_us: number; lstat_us: number; getppid_us: number; pipes: number; sample_us: number; samples_ms: number } | null {
  if (costBin === undefined) costBin = cHelper('fd-call-cost');
  if (!costBin) return null;
  const r = spawnSync(costBin, [], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : null;
}

let clockTicks: number | undefined;
/** CPU time (ms) and minor page faults of each thread of this process, by tid, from /proc/self/task/TID/stat. */
function threadTimes(): Map<number, { cpuMs: number; minflt: number }> {
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(r.stdout) > 0 ? Number(r.stdout) : 100;
  }
  const out = new Map<number, { cpuMs: number; minflt: number }>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'latin1');
      // Fields after "(comm)": state is field 3; minflt 10, utime 14, stime 15 (proc(5)).
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks, minflt: Number(f[7]) });
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

/**
 * Where a snapshot's CPU goes: the scanning thread (this one) against every other thread of the process
 * (the helper threads and V8's own: GC, compilers), and the minor page faults it takes, per snapshot.
 */
function snapshotThreads(runs: number): { main: number; others: number; faults: number } {
  void takeSnapshot();
  const a = threadTimes();
  for (let i = 0; i < runs; i++) void takeSnapshot();
  const b = threadTimes();
  let main = 0;
  let others = 0;
  let faults = 0;
  for (const [tid, v] of b) {
    const w = a.get(tid) ?? { cpuMs: 0, minflt: 0 };
    if (tid === process.pid) main += v.cpuMs - w.cpuMs;
    else others += v.cpuMs - w.cpuMs;
    faults += v.minflt - w.minflt;
  }
  return { main: main / runs, others: others / runs, faults: faults / runs };
}

/**
 * The scanning thread's garbage collection per snapshot over `runs` snapshots (PerformanceObserver 'gc': pauses of
 * this thread, scavenges and mark-compacts counted apart), and the process's RSS after them.
 */
async function gcPerSnapshot(runs: number): Promise<{ ms: number; minor: number; major: number; rssMiB: number }> {
  let ms = 0;
  let minor = 0;
  let major = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      ms += e.duration;
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) minor++; // NODE_PERFORMANCE_GC_MINOR
      else if (kind === 4) major++; // NODE_PERFORMANCE_GC_MAJOR
    }
  });
  void takeSnapshot();
  await new Promise((r) => setTimeout(r, 20));
  obs.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < runs; i++) void takeSnapshot();
  await new Promise((r) => setTimeout(r, 20));
  obs.disconnect();
  return { ms: ms / runs, minor: minor / runs, major: major / runs, rssMiB: process.memoryUsage().rss / 2 ** 20 };
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');

async function benchSize(label: string, size: number[]): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-bench-'));
  const pop = await startPopulation([work, ...size.map(String)]);
  try {
    // The first snapshot of the process: its helper thread starts cold (its own V8 heap and koffi, code not
    // yet optimized), as in the explorer's first scan. Printed apart from the series. For a later size the
    // process is warm already: its first snapshot of that population is printed under another name.
    const tFirst = performance.now();
    const snap = takeSnapshot();
    const first = performance.now() - tFirst;
    const firstLabel = processFresh ? 'first takeSnapshot() of this process (once)' : 'first takeSnapshot() of this population';
    processFresh = false;
    const fds = snap.scan?.fds ?? 0;
    const kinds = new Map<string, number>();
    for (const o of snap.objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    const loadBefore = load();
    cpuOf.clear();
    // The next few, while the process is still warming up (the explorer's first half minute of 5 s scans).
    const warmingLabel = `takeSnapshot(), snapshots 2-${WARMING_RUNS + 1} (warming up)`;
    const warming = timeOwn(warmingLabel, () => void takeSnapshot(), 0, WARMING_RUNS);
    // The explorer takes a snapshot every few seconds while it is shown: the series time that steady state,
    // after SNAPSHOT_WARMUPS more snapshots (see there).
    // The three variants take turns, run by run: timed one after the other, the last series met a process
    // warmed up for longer (and the machine minutes later), and the fill-less one seemed to save 37 ms of a
    // 79 ms snapshot where taking turns showed 5-13 ms (scripts/tmp/ab.ts, by hand).
    const [ours, single, noFill, procWalk] = timeTurnsOwn([
      ['takeSnapshot() in process', () => void takeSnapshot()],
      ['takeSnapshot({ threads: 1 })', () => void takeSnapshot({ threads: 1 })],
      // The same walk without pipe/FIFO fill sampling (5 syscalls per pipe): what lazy fill would save.
      ['takeSnapshot({ sampleFill: false })', () => void takeSnapshot({ sampleFill: false })],
      // Without the BPF fd iterator (as a user who is not root): /proc/PID/fd walked, PROCMAP_QUERY, fill samples.
      [PROC_WALK_LABEL, () => void takeSnapshot({ fdIterator: false })],
    ], SNAPSHOT_WARMUPS) as [number, number, number, number];
    // Live views refresh at 1-10 Hz: the refresh is timed in that steady state. Its first runs after a burst of
    // snapshots are slower while the helper thread's sampling code is optimized again (by hand: 19-28 µs per
    // pipe in the first four, 12 µs from the tenth on).
    const refresh = timeOwn('refreshQueues(all objects)', () => void refreshQueues(snap.objects), REFRESH_WARMUPS);
    const refreshSingle = timeOwn('refreshQueues(all, { threads: 1 })', () => void refreshQueues(snap.objects, { threads: 1 }), REFRESH_WARMUPS);
    const unixOnly = snap.objects.filter((o) => o.kind === 'unix');
    const refreshUnix = timeOwn('refreshQueues(unix objects)', () => void refreshQueues(unixOnly), REFRESH_WARMUPS);
    const cli = existsSync(CLI) ? timeCmd(process.execPath, [CLI, 'ls', '--json']) : null;
    const ssXap = timeCmd('ss', ['-xap']);
    const ssXa = timeCmd('ss', ['-xa']);
    const rows: [string, number | null][] = [
      ['ipc-inspector ls --json (node dist/cli.js)', cli],
      [firstLabel, first],
      [warmingLabel, warming],
      ['takeSnapshot() in process', ours],
      ['takeSnapshot({ threads: 1 })', single],
      ['takeSnapshot({ sampleFill: false })', noFill],
      [PROC_WALK_LABEL, procWalk],
      ['refreshQueues(all objects)', refresh],
      ['refreshQueues(all, { threads: 1 })', refreshSingle],
      ['refreshQueues(unix objects)', refreshUnix],
      ['ss -xap', ssXap],
      ['ss -xa', ssXa],
      ['ss -tuanp', timeCmd('ss', ['-tuanp'])],
      ['lsfd', timeCmd('lsfd', [])],
      ['lsof -n -P', timeCmd('lsof', ['-n', '-P'], Math.min(RUNS, 3))],
    ];
    const last = takeSnapshot().scan;
    const phases = last?.phasesMs;
    console.log(`\n== ${label}: population ${size[0]} processes (${pop.info.fds} fds); machine ${snap.processes.length} processes, ${fds} fds, ` +
      `${snap.objects.length} objects (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); median of ${RUNS}; load avg ${loadBefore} -> ${load()}; V8 flags of the scan process: ${SCAN_PROCESS_FLAGS.join(' ')}`);
    console.log(`${'what'.padEnd(44)} ${'median'.padStart(10)}  ${'snapshot / this'.padStart(15)}  ${'CPU (all threads)'.padStart(17)}`);
    for (const [name, ms] of rows) {
      const ratio = ms ? (ours / ms).toFixed(2) : '';
      const cpu = cpuOf.get(name);
      console.log(`${name.padEnd(44)} ${ms === null ? 'n/a'.padStart(10) : (ms.toFixed(1) + ' ms').padStart(10)}  ${ratio.padStart(15)}  ${(cpu === undefined ? '' : cpu.toFixed(1) + ' ms').padStart(17)}`);
    }
    console.log(`fds read by: ${last?.fdSource ?? 'n/a'}${last?.fdIteratorUnusable ? ` (the BPF iterator is not usable here: ${last.fdIteratorUnusable})` : ''}`);
    console.log(`goal 1 (the series above): takeSnapshot / ss -xap = ${ssXap ? (ours / ssXap).toFixed(2) : 'n/a'} (goal <= 1.00); `
      + `walking /proc instead of the fd iterator: ${ssXap ? (procWalk / ssXap).toFixed(2) : 'n/a'}`);
    console.log(`goal 2 (the series above): refresh / ss -xa = ${ssXa ? (refresh / ssXa).toFixed(2) : 'n/a'} (goal <= 1.50); unix-only refresh / ss -xa = ${ssXa ? (refreshUnix / ssXa).toFixed(2) : 'n/a'}`);
    // The same comparisons with the two sides taking turns, so that both meet the same machine (the series
    // above run minutes apart, and this VM's load drifts by tens of percent in that time).
    const g1 = timeTurns(() => void takeSnapshot(), 'ss', ['-xap'], PAIRS, SNAPSHOT_WARMUPS);
    const g2 = timeTurns(() => void refreshQueues(snap.objects), 'ss', ['-xa'], PAIRS * 2, REFRESH_WARMUPS);
    if (g1) console.log(`goal 1, taking turns (${PAIRS} pairs): takeSnapshot ${g1.ours.toFixed(1)} ms / ss -xap ${g1.theirs.toFixed(1)} ms = ${(g1.ours / g1.theirs).toFixed(2)}; median of the pairs' ratios ${g1.pairRatio.toFixed(2)} (goal <= 1.00)`);
    if (g2) console.log(`goal 2, taking turns (${PAIRS * 2} pairs): refresh ${g2.ours.toFixed(1)} ms / ss -xa ${g2.theirs.toFixed(1)} ms = ${(g2.ours / g2.theirs).toFixed(2)}; median of the pairs' ratios ${g2.pairRatio.toFixed(2)} (goal <= 1.50)`);
    console.log(`phases of one snapshot (ms): ${JSON.stringify(phases)}; threads that walked: ${last?.walkThreads ?? 1}`);
    const gc = await gcPerSnapshot(RUNS * 4);
    console.log(`GC of the scanning thread per snapshot (${RUNS * 4} runs, ${SCAN_PROCESS_FLAGS.join(' ')}): ${gc.ms.toFixed(1)} ms, `
      + `${gc.minor.toFixed(2)} scavenges and ${gc.major.toFixed(2)} mark-compacts; RSS after them ${gc.rssMiB.toFixed(0)} MiB`);
    const th = snapshotThreads(RUNS * 2);
    const cost = callCosts();
    console.log(`CPU of one snapshot (${RUNS * 2} runs, /proc/self/task): scanning thread ${th.main.toFixed(0)} ms, the other threads `
      + `(helpers, V8's GC and compilers) ${th.others.toFixed(0)} ms; ${th.faults.toFixed(0)} minor page faults`
      + (cost?.fault_us ? `, at ${cost.fault_us.toFixed(1)} µs each from C: ${((th.faults * cost.fault_us) / 1000).toFixed(1)} ms` : ''));
    if (cost) {
      // The part of goal 1 that no code can remove: per fd, ss -p makes one readlink; a snapshot makes one
      // statx (the same path walk through procfs, the same kernel time) and, for every pipe and FIFO fd,
      // one more statx of the link for its access mode. Fill samples, /proc files, dumps and JS come on top.
      const pipeFds = snap.objects.filter((o) => o.kind === 'pipe' || o.kind === 'fifo')
        .reduce((n, o) => n + o.endpoints.filter((e) => e.fd !== null).length, 0);
      const ssFloor = (cost.fds * cost.readlink_us) / 1000;
      const ourFloor = (cost.fds * cost.statx_us + pipeFds * cost.lstat_us) / 1000;
      console.log(`kernel time per fd (C, best of 4 over ${cost.fds} fds): readlink ${cost.readlink_us.toFixed(2)} µs, statx ${cost.statx_us.toFixed(2)} µs, `
        + `statx of the link ${cost.lstat_us.toFixed(2)} µs, a bare getppid ${cost.getppid_us.toFixed(2)} µs`);
      console.log(`floor of the /proc fd walk alone (the fd iterator replaces it as root), on one CPU: ss -xap's readlinks ${ssFloor.toFixed(1)} ms; its statx per fd + access mode of `
        + `${pipeFds} pipe/FIFO fds ${ourFloor.toFixed(1)} ms (${(ourFloor / ssFloor).toFixed(2)} x), before fills, /proc files, dumps and JS`);
      // What goal 1 leaves to JS: the walk's calls above and the fill samples (the same five calls per pipe as the
      // refresh's, below) from C, against ss -xap's wall time. Well under it, spread over the CPUs: the kernel
      // work does not decide goal 1 here; our CPU per snapshot, next to it, does.
      const snapFloor = ourFloor + cost.samples_ms;
      const snapCpu = cpuOf.get('takeSnapshot() in process');
      console.log(`floor of the /proc walk's fd calls (the walk's above + ${cost.pipes} fill samples): ${snapFloor.toFixed(1)} ms from C on one CPU`
        + `${ssXap ? ` (${(snapFloor / ssXap).toFixed(2)} x ss -xap; ${(snapFloor / 2 / ssXap).toFixed(2)} x spread over two CPUs)` : ''}; `
        + `ours: ${(snapCpu === undefined ? NaN : snapCpu).toFixed(1)} ms of CPU per snapshot (${(snapCpu === undefined ? NaN : snapCpu / snapFloor).toFixed(1)} x that floor)`);
      // The part of goal 2 that no code can remove: the refresh samples every pipe through its first read end,
      // five calls each (pidfd_getfd, an identity statx, FIONREAD, F_GETPIPE_SZ, close), where ss -xa makes one
      // dump. The same calls from C, before the socket dumps and JS.
      const refreshCpu = cpuOf.get('refreshQueues(all objects)');
      console.log(`floor of the refresh's pipe samples: ${cost.pipes} pipes x ${cost.sample_us.toFixed(2)} µs = ${cost.samples_ms.toFixed(1)} ms from C on one CPU`
        + `${ssXa ? ` (${(cost.samples_ms / ssXa).toFixed(2)} x ss -xa; ${(cost.samples_ms / 2 / ssXa).toFixed(2)} x spread over two CPUs)` : ''}; `
        + `ours: ${(refreshCpu === undefined ? NaN : refreshCpu).toFixed(1)} ms of CPU per refresh of every object, pipes, sockets and queues together`);
    }
  } finally {
    await pop.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
  console.log(`bench:scan on ${cpus} CPUs, node ${process.version}, uid ${process.getuid?.()}; ` +
    'the machine is shared: compare ratios from one run, not absolute figures across runs');
  const spawnOnly = runTimes('true', [], 6);
  if (spawnOnly) console.log(`commands are timed ${cHelper('run-times') ? 'through posix_spawn from C, as a shell runs them' : "around Node's spawnSync (no gcc)"}; ` +
    `starting /bin/true that way takes ${median(spawnOnly.slice(1)).toFixed(1)} ms here, included in every command's figure`);
  if (!existsSync(CLI)) console.log('(dist/cli.js missing: run npm run build for the CLI row)');
  for (const label of values.sizes!.split(',')) {
    const size = SIZES[label.trim()];
    if (!size) throw new Error(`unknown size ${label} (known: ${Object.keys(SIZES).join(', ')})`);
    await benchSize(label.trim(), size);
  }
}
void main();
