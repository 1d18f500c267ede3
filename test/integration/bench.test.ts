import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MECHANISM_IDS } from '../../src/core/bench/catalogue';
import type { MechanismId } from '../../src/core/bench/catalogue';
import { runBenchCli } from '../../src/core/bench/cli';
import { allowedCpus } from '../../src/core/bench/machine';
import { buildPlan } from '../../src/core/bench/plan';
import type { BenchCase } from '../../src/core/bench/plan';
import { NAME_PREFIX } from '../../src/core/bench/resources';
import type { BenchResult } from '../../src/core/bench/results';
import { AbortError, runCase } from '../../src/core/bench/runner';

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
