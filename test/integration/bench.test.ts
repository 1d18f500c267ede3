import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MECHANISM_IDS } from '../../src/core/bench/catalogue';
import type { MechanismId } from '../../src/core/bench/catalogue';
import { runBenchCli } from '../../src/core/bench/cli';
import { allowedCpus } from '../../src/core/bench/machine';
import { buildPlan } from '../../src/core/bench/plan';
import type { BenchCase } from '../../src/core/bench/plan';
import { IPC_CREAT, IPC_EXCL, IPC_RMID, libc } from '../../native/bench/libc';
import { NAME_PREFIX, SYSV_MARKER, sysvQueues } from '../../src/core/bench/resources';
import type { BenchResult } from '../../src/core/bench/results';
import { AbortError, runCase } from '../../src/core/bench/runner';
import { RUNS_FILE, readRuns } from '../../src/core/bench/storage';

const ours = new RegExp(`^${NAME_PREFIX}${process.pid}-`);

function ensureMqueueMount(): void {
  // posix-mq works without the mount; the leftover checks look in /dev/mqueue, so mount it (root).
  if (readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === '/dev/mqueue')) return;
  mkdirSync('/dev/mqueue', { recursive: true });
  execFileSync('mount', ['-t', 'mqueue', 'none', '/dev/mqueue']);
}

function sysvKeys(): number[] {
  return readFileSync('/proc/sysvipc/msg', 'utf8').trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Every IPC object a benchmark of this process could leave behind. */
function leftovers(): string[] {
  const out: string[] = [];
  for (const dir of ['/dev/shm', '/dev/mqueue', tmpdir(), '/tmp']) {
    for (const e of existsSync(dir) ? readdirSync(dir) : []) if (ours.test(e)) out.push(path.join(dir, e));
  }
  const mine = (0x40000000 | ((process.pid & 0x3fffff) << 8)) >>> 8;
  for (const k of sysvKeys()) if (k >>> 8 === mine) out.push(`sysv msg key ${k}`);
  return out;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function sane(r: BenchResult): void {
  const what = `${r.mechanism} ${r.kind} ${r.pin}`;
  assert.equal(r.status, 'ok', `${what}: ${r.error}`);
  if (r.kind === 'latency') {
    const l = r.latency!;
    assert.equal(l.count, r.iterations, what);
    assert.ok(l.min > 0 && l.min <= l.p50 && l.p50 <= l.p99 && l.p99 <= l.max, `${what}: ${JSON.stringify(l)}`);
    assert.ok(l.mean >= l.min && l.mean <= l.max, what);
  }
  // Both workers report the CPU time of the timed phase; the process clock covers the main thread's.
  for (const side of ['a', 'b'] as const) {
    const c = r.cpu?.[side];
    assert.ok(c && c.thread > 0 && c.process >= c.thread, `${what}: cpu ${side} ${JSON.stringify(r.cpu)}`);
  }
  if (r.kind === 'throughput') {
    const t = r.throughput!;
    // Every message arrived and was compared byte for byte at the receiver (else status would be failed).
    assert.equal(t.bytes, r.iterations * r.msg_bytes, what);
    assert.ok(t.ns > 0 && t.mb_per_s > 0 && Number.isFinite(t.mb_per_s), `${what}: ${JSON.stringify(t)}`);
  }
}

async function pool<T>(items: readonly T[], width: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => { while (next < items.length) await f(items[next++]!); };
  await Promise.all(Array.from({ length: width }, lane));
}

function quickCases(mechanisms: readonly MechanismId[]): BenchCase[] {
  return buildPlan({ preset: 'custom', mechanisms, pins: ['split'], iterations: 300, warmup: 30, totalBytes: 1 << 20 }, allowedCpus()).cases;
}

describe('benchmark engine on the real kernel', function () {
  this.timeout(120_000);
  before(ensureMqueueMount);

  it('runs every mechanism (quick, small counts) with data intact, sane figures and nothing left behind', async () => {
    const cases = quickCases(MECHANISM_IDS);
    assert.equal(cases.length, 15 + 13);
    const failures: string[] = [];
    // Three cases at a time: worker start-up (node + koffi) dominates these small runs; the figures are
    // only checked for sanity here, not compared.
    await pool(cases, 3, async (c) => {
      const r = await runCase(c);
      try { sane(r); } catch (e) { failures.push((e as Error).message); }
    });
    assert.deepEqual(failures, []);
    assert.deepEqual(leftovers(), []);
  });

  it('the blocking mechanisms also run with both workers on one CPU', async () => {
    const cases = buildPlan({ mechanisms: ['pipe', 'shm-futex', 'signal'], kinds: ['latency'], pins: ['same'], iterations: 200, warmup: 20 }, allowedCpus()).cases;
    assert.equal(cases.length, 3);
    for (const c of cases) sane(await runCase(c));
  });

  it('cancel kills both workers at once and removes every IPC object', async () => {
    const mechs: MechanismId[] = ['shm-spin', 'shm-futex', 'posix-mq', 'sysv-msg', 'fifo', 'unix-stream', 'unix-dgram'];
    for (const c of buildPlan({ mechanisms: mechs, kinds: ['latency'], pins: ['split'], iterations: 50_000_000, warmup: 0 }, allowedCpus()).cases) {
      const ac = new AbortController();
      let pids: number[] = [];
      const started = Date.now();
      const p = runCase(c, { signal: ac.signal }, (x) => { pids = x; });
      // Abort once the objects exist and the ping-pong is under way.
      while ((leftovers().length === 0 || pids.length === 0) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(leftovers().length > 0, `${c.mechanism}: no IPC object appeared`);
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      ac.abort();
      await assert.rejects(p, AbortError);
      assert.ok(Date.now() - t0 < 5_000, `${c.mechanism}: cancel took ${Date.now() - t0} ms`);
      assert.equal(pids.length, 2);
      assert.deepEqual(pids.filter(alive), [], `${c.mechanism}: worker still alive`);
      assert.deepEqual(leftovers(), [], `${c.mechanism}: left behind`);
    }
  });

  it('CLI --json prints exactly one object per result and a final machine line', async () => {
    let out = '';
    let err = '';
    const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
    const code = await runBenchCli(['--mechanism', 'pipe,eventfd', '--iterations', '200', '--warmup', '20', '--total', '1M', '--pin', 'split', '--json'], io);
    assert.equal(code, 0, err);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => `${l.mechanism ?? ''}:${l.kind}`), ['pipe:latency', 'eventfd:latency', 'pipe:throughput', ':machine']);
    for (const l of lines.slice(0, 3)) {
      assert.deepEqual(Object.keys(l), ['mechanism', 'kind', 'msg_bytes', 'iterations', 'min_ns', 'p50_ns', 'p99_ns', 'p999_ns', 'max_ns', 'mean_ns', 'mb_per_s', 'pin']);
    }
    assert.equal(lines[1]!.msg_bytes, 8);
    assert.equal(lines[2]!.p50_ns, null);
    assert.ok((lines[2]!.mb_per_s as number) > 0);
    const m = lines[3]!;
    assert.ok(typeof m.cpu_model === 'string' && typeof m.kernel === 'string' && Array.isArray(m.loadavg));
    assert.match(JSON.stringify(m.skipped), /eventfd.*latency only/);
  });

  it('the C reference program speaks the same protocol for every mechanism', function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'cref-'));
    const bin = path.join(dir, 'cref');
    try {
      execFileSync('gcc', ['-O2', '-o', bin, path.join(__dirname, '../../native/bench/cref.c')]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      this.skip();
    }
    return (async () => {
      try {
        await pool(quickCases(MECHANISM_IDS), 3, async (c) => sane(await runCase(c, { impl: 'c', crefPath: bin })));
        assert.deepEqual(leftovers(), []);
        // Mixed pairs (bench:fidelity's "ours receives" / "ours sends"): ours and C talk to each other in
        // both roles, shared-memory ring layout and acks included, and the receiver checks every byte.
        await pool(quickCases(MECHANISM_IDS), 3, async (c) => {
          sane(await runCase(c, { impl: 'c', crefPath: bin, roleImpl: { a: 'node' } }));
          sane(await runCase(c, { impl: 'c', crefPath: bin, roleImpl: { b: 'node' } }));
        });
        assert.deepEqual(leftovers(), []);
        // calldelay=N spins N ns after every call: the initiator's spins after its send and after its receive
        // lie on the round trip's path (the responder's overlap them), so p50 grows by at least 2 N.
        const [pipeLat] = quickCases(['pipe']).filter((c) => c.kind === 'latency');
        const slow = await runCase(pipeLat!, { impl: 'c', crefPath: bin, crefArgs: ['calldelay=50000'] });
        sane(slow);
        assert.ok(slow.latency!.p50 >= 100_000, `p50 ${slow.latency!.p50} ns with 50 µs per call`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
  });
});

// ---------------------------------------------------------------------------------------------------
// The CLI as a process (node dist/cli.js bench): what happens when it is cut short from outside.

const DIST_CLI = path.join(__dirname, '../../dist/cli.js');

/** dist/cli.js must be built from the current sources, else these tests would check an old CLI. */
function requireFreshBuild(): void {
  const root = path.join(__dirname, '../..');
  const sources = [path.join(root, 'src/cli.ts'), ...['src/core/bench', 'native/bench'].flatMap((d) =>
    readdirSync(path.join(root, d)).map((e) => path.join(root, d, e)))];
  assert.ok(existsSync(DIST_CLI), `${DIST_CLI} missing: run npm run build`);
  const built = statSync(DIST_CLI).mtimeMs;
  const newer = sources.filter((f) => statSync(f).mtimeMs > built);
  assert.deepEqual(newer, [], 'sources newer than dist/cli.js: run npm run build');
}

/** The System V key prefix of the runner with this pid (resources.ts: 0x40000000 | pid << 8 | counter). */
function keyPrefix(pid: number): number {
  return (0x40000000 | ((pid & 0x3fffff) << 8)) >>> 8;
}

/** Every IPC object a bench runner with this pid may have created: names carry the pid, SysV keys encode it. */
function runObjects(pid: number): string[] {
  const re = new RegExp(`^${NAME_PREFIX}${pid}-`);
  const out: string[] = [];
  for (const dir of ['/dev/shm', '/dev/mqueue', tmpdir(), '/tmp']) {
    for (const e of existsSync(dir) ? readdirSync(dir) : []) if (re.test(e)) out.push(path.join(dir, e));
  }
  for (const k of sysvKeys()) if (k >>> 8 === keyPrefix(pid)) out.push(`sysv msg key ${k}`);
  return [...new Set(out)];
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch { return []; }
}

interface BenchProc {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
  /** Objects of this run and worker pids seen while it ran (polled every 10 ms). */
  seen: Set<string>;
  workers: Set<number>;
}

/** Every bench process a test started, so that a failed test leaves no worker spinning. */
const spawned: BenchProc[] = [];

function killSpawned(): void {
  for (const p of spawned.splice(0)) {
    for (const pid of [p.pid, ...p.workers]) if (alive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

function spawnBench(args: string[]): BenchProc {
  const child = spawn(process.execPath, [DIST_CLI, 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stdout!.on('error', () => { /* destroyed on purpose */ });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const seen = new Set<string>();
  const workers = new Set<number>();
  const poll = setInterval(() => {
    for (const o of runObjects(pid)) seen.add(o);
    for (const w of childrenOf(pid)) workers.add(w);
  }, 10);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => { clearInterval(poll); resolve(code); }));
  const p = { child, pid, stdout: () => out, stderr: () => err, exit, seen, workers };
  spawned.push(p);
  return p;
}

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function exitWithin(p: BenchProc, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`bench ${p.pid} still running after ${ms} ms; stderr: ${p.stderr()}`)), ms); });
  try { return await Promise.race([p.exit, late]); } finally { clearTimeout(timer); }
}

/** The object each mechanism creates, as runObjects() names it. */
const OBJECT_OF: Record<string, RegExp> = {
  'sysv-msg': /^sysv msg key/,
  fifo: new RegExp(`^(${tmpdir()}|/tmp)/${NAME_PREFIX}`),
  'shm-futex': /^\/dev\/shm\//,
  'posix-mq': /^\/dev\/mqueue\//,
};

describe('bench CLI process: cut short from outside, nothing left behind', function () {
  this.timeout(120_000);
  before(ensureMqueueMount);
  before(requireFreshBuild);
  afterEach(killSpawned);

  for (const mech of Object.keys(OBJECT_OF)) {
    it(`stdout closed after the first byte (| head -c 1): ${mech} run cancelled, exit 141, workers and objects gone`, async () => {
      // Three cases of the same mechanism: the first line's first byte closes stdout; the second case runs
      // (its objects are seen) and its line meets EPIPE; that cancels the run as the third case starts.
      const p = spawnBench(['--mechanism', mech, '--latency-only', '--pin', 'split', '--size', '1,64,256',
        '--iterations', '1000', '--warmup', '10', '--json']);
      p.child.stdout!.once('data', () => p.child.stdout!.destroy());
      const code = await exitWithin(p, 60_000);
      assert.ok(p.stdout().length > 0, 'no output before the close');
      assert.ok([...p.seen].some((o) => OBJECT_OF[mech]!.test(o)), `${mech}: no object of the run was ever seen: ${[...p.seen].join(', ')}`);
      assert.ok(p.workers.size >= 4, `workers seen: ${[...p.workers].join(', ')}`);
      assert.equal(code, 141, p.stderr());
      assert.deepEqual(runObjects(p.pid), [], `${mech}: left behind`);
      assert.deepEqual([...p.workers].filter(alive), [], 'worker still alive');
      assert.match(p.stderr(), /stdout closed \(EPIPE\): run cancelled/);
    });
  }

  const signalled: Array<[NodeJS.Signals, string]> = [
    ...Object.keys(OBJECT_OF).map((m): [NodeJS.Signals, string] => ['SIGHUP', m]),
    ['SIGINT', 'sysv-msg'], ['SIGTERM', 'fifo'],
  ];
  for (const [sig, mech] of signalled) {
    it(`${sig} mid-case: ${mech} run cancelled, exit 130, workers and objects gone`, async () => {
      const p = spawnBench(['--mechanism', mech, '--latency-only', '--pin', 'split', '--iterations', '50000000', '--warmup', '0', '--json']);
      // Signal once the case's object exists and both workers run the ping-pong.
      await waitFor(`${mech} object and workers`, () => runObjects(p.pid).some((o) => OBJECT_OF[mech]!.test(o)) && childrenOf(p.pid).length === 2);
      await new Promise((r) => setTimeout(r, 300));
      const workers = childrenOf(p.pid);
      assert.equal(workers.length, 2);
      process.kill(p.pid, sig);
      const code = await exitWithin(p, 10_000);
      // (A process killed by the signal has no exit code: null here.)
      assert.equal(code, 130, p.stderr());
      assert.deepEqual(runObjects(p.pid), [], `${mech}: left behind`);
      assert.deepEqual(workers.filter(alive), [], 'worker still alive');
      assert.match(p.stderr(), new RegExp(`cancelled by ${sig}; workers stopped and IPC objects removed`));
    });
  }
});

describe('bench sweep: System V queues of a killed run', function () {
  this.timeout(120_000);
  before(requireFreshBuild);
  afterEach(killSpawned);

  /** SIGKILLs a long sysv-msg run once its queue exists and its marker names it. */
  async function killWhenQueued(p: BenchProc): Promise<{ pid: number; dir: string; key: number; msqid: number }> {
    const markerOf = (): string | undefined => [tmpdir(), '/tmp'].flatMap((b) => readdirSync(b)
      .filter((e) => e.startsWith(`${NAME_PREFIX}${p.pid}-`)).map((e) => path.join(b, e, SYSV_MARKER))).find(existsSync);
    await waitFor('queue and its id in the marker', () => {
      const m = markerOf();
      return !!m && /^id \d+$/m.test(readFileSync(m, 'utf8')) && sysvKeys().some((k) => k >>> 8 === keyPrefix(p.pid));
    });
    process.kill(p.pid, 'SIGKILL');
    assert.equal(await exitWithin(p, 10_000), null);
    const marker = markerOf()!;
    const key = Number(/^key (\d+)$/m.exec(readFileSync(marker, 'utf8'))![1]);
    const q = sysvQueues().find((r) => r.key === key);
    // Not vacuous: the killed run did leave its queue and run directory behind.
    assert.ok(q, `queue 0x${key.toString(16)} of killed run ${p.pid} not found`);
    assert.equal(Number(/^id (\d+)$/m.exec(readFileSync(marker, 'utf8'))![1]), q.msqid);
    return { pid: p.pid, dir: path.dirname(marker), key, msqid: q.msqid };
  }

  it('the next run removes a SIGKILLed run\'s queue and directory, and leaves queues it did not create alone', async () => {
    const c = libc();
    const unrelated: number[] = [];
    let decoyDir = '';
    try {
      // Two runs at once (each run's start sweeps, so one after the other the second would remove the
      // first's queue), with no warm-up so that their pinned ping-pongs start at once.
      const args = ['--mechanism', 'sysv-msg', '--latency-only', '--pin', 'split', '--iterations', '50000000', '--warmup', '0'];
      const [withId, noId] = await Promise.all([killWhenQueued(spawnBench(args)), killWhenQueued(spawnBench(args))]);
      // A runner killed before it recorded the id leaves a marker with the key only (same mtime as written).
      const marker = path.join(noId.dir, SYSV_MARKER);
      const st = statSync(marker);
      writeFileSync(marker, `key ${noId.key}\n`);
      utimesSync(marker, st.atime, st.mtime);

      // Not ours: a queue from ipcmk, and one whose key looks like the killed runner's but that no marker
      // names; and a run directory of the dead runner that this user does not own, naming the latter.
      const ipcmkId = Number(/(\d+)\s*$/.exec(execFileSync('ipcmk', ['-Q'], { encoding: 'utf8' }))![1]);
      unrelated.push(ipcmkId);
      const lookalikeKey = ((keyPrefix(withId.pid) << 8) | 0xfe) >>> 0;
      const lookalikeId = c.msgget(lookalikeKey | 0, IPC_CREAT | IPC_EXCL | 0o600) as number;
      assert.ok(lookalikeId >= 0, 'msgget lookalike');
      unrelated.push(lookalikeId);
      decoyDir = mkdtempSync(path.join('/tmp', `${NAME_PREFIX}${withId.pid}-`));
      writeFileSync(path.join(decoyDir, SYSV_MARKER), `key ${lookalikeKey}\nid ${lookalikeId}\n`);
      chownSync(path.join(decoyDir, SYSV_MARKER), 65534, 65534);
      chownSync(decoyDir, 65534, 65534);

      const before = sysvQueues().map((r) => r.msqid);
      for (const id of [withId.msqid, noId.msqid, ipcmkId, lookalikeId]) assert.ok(before.includes(id), `queue ${id} missing before the sweep`);

      const next = spawnBench(['--mechanism', 'pipe', '--latency-only', '--pin', 'split', '--iterations', '100', '--warmup', '10', '--json']);
      assert.equal(await exitWithin(next, 60_000), 0, next.stderr());

      const after = sysvQueues().map((r) => r.msqid);
      assert.ok(!after.includes(withId.msqid), 'queue of the killed run (id recorded) still there');
      assert.ok(!after.includes(noId.msqid), 'queue of the killed run (key only) still there');
      assert.ok(!existsSync(withId.dir) && !existsSync(noId.dir), 'run directory of a killed run still there');
      assert.ok(after.includes(ipcmkId), 'the ipcmk queue was removed');
      assert.ok(after.includes(lookalikeId), 'a queue no marker of ours names was removed');
      assert.ok(existsSync(path.join(decoyDir, SYSV_MARKER)), 'a run directory of another user was removed');
    } finally {
      for (const id of unrelated) c.msgctl(id, IPC_RMID, null);
      if (decoyDir) rmSync(decoyDir, { recursive: true, force: true });
    }
  });
});

describe('bench CLI process: --store', function () {
  this.timeout(60_000);
  before(requireFreshBuild);
  afterEach(killSpawned);
  const quick = ['--mechanism', 'pipe', '--latency-only', '--pin', 'split', '--iterations', '200', '--warmup', '10'];
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'bench-store-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a --store that fails still prints the results, says why on stderr and exits 1', async () => {
    // A regular file where the directory (or a directory on its path) should be.
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, 'not a directory\n');
    for (const [store, extra] of [[path.join(file, 'runs'), []], [file, ['--json']]] as const) {
      const p = spawnBench([...quick, ...extra, '--store', store]);
      const code = await exitWithin(p, 30_000);
      if (extra.length) {
        const lines = p.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        assert.deepEqual(lines.map((l) => `${l.mechanism ?? ''}:${l.kind}`), ['pipe:latency', ':machine']);
      } else {
        assert.match(p.stdout(), /^pipe\s+split\s+1\s+200\s/m, 'the table was not printed');
      }
      assert.match(p.stderr(), new RegExp(`the run was not stored in ${store}: E(NOTDIR|EXIST)`));
      assert.equal(code, 1, p.stderr());
    }
    assert.equal(readFileSync(file, 'utf8'), 'not a directory\n');
  });

  it('a --store that works appends the run after printing it, exit 0', async () => {
    const store = path.join(dir, 'a', 'b');
    const p = spawnBench([...quick, '--json', '--store', store]);
    assert.equal(await exitWithin(p, 30_000), 0, p.stderr());
    assert.equal(p.stdout().trim().split('\n').length, 2);
    const { runs, skipped } = readRuns(store);
    assert.equal(skipped, 0);
    assert.deepEqual(runs.map((r) => r.results.map((x) => `${x.mechanism}:${x.status}:${x.iterations}`)), [['pipe:ok:200']]);
    assert.ok(existsSync(path.join(store, RUNS_FILE)));
  });
});
