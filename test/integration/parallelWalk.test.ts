// Integration: the per-process pass shared with helper threads finds exactly what the single-threaded pass
// finds (objects, holders, access, fills) on a real population of pipes, socketpairs and FIFOs held by ~30
// processes, and the inspector's own fds (walked last, by the caller) are found too.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { O_CLOEXEC, libc } from '../../native/libc';
import type { Snapshot } from '../../src/core/model';
import { stopHelpers } from '../../src/core/scan/helperPool';
import { readEnds } from '../../src/core/scan/fill';
import { samplePipesShared, type PipeEnd } from '../../src/core/scan/parallelSample';
import { readInflight, scmCandidates } from '../../src/core/scan/inflight';
import { walkProcesses } from '../../src/core/scan/parallelWalk';
import { listPids } from '../../src/core/scan/processes';
import { pseudoDevices } from '../../src/core/scan/snapshot';
import { readUnixSockets } from '../../src/core/scan/sockets';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper, type Holder } from './helpers/holders';

describe('parallel per-process pass (helper threads, real kernel objects)', function () {
  this.timeout(60000);
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-par-'));
  let pop: Holder<{ pids: number[]; fds: number }>;
  const own = new Int32Array(2);

  before(async function () {
    pop = await startHelper('population.py', [work, '30', '300', '300', '20', '20', '10', '0']);
    assert.equal(libc().pipe2(own, O_CLOEXEC), 0);
  });
  after(async function () {
    libc().close(own[0]!);
    libc().close(own[1]!);
    await pop?.stop();
    await stopHelpers();
    rmSync(work, { recursive: true, force: true });
  });

  /** What the population's processes hold, as comparable rows: object, holder, fd, access, fill. */
  function rows(s: Snapshot, pids: ReadonlySet<number>): string[] {
    const out: string[] = [];
    for (const o of s.objects) {
      for (const e of o.endpoints) {
        if (!pids.has(e.pid)) continue;
        out.push(`${o.kind} ${o.inode} ${e.pid}:${e.fd}:${e.access} ${o.queue ? `${o.queue.used}/${o.queue.capacity}` : '-'} peer=${String(o.peer ?? '')}`);
      }
    }
    return out.sort();
  }

  it('finds the same objects, holders and fills with 3 threads as with 1', async function () {
    const pids = new Set(pop.info.pids);
    const single = takeSnapshot({ threads: 1 });
    let parallel: Snapshot | undefined;
    // A scan may finish before a helper has loaded (helpers start on the first scan that wants them, and a scan
    // of this small machine takes milliseconds): a warm one shares the work.
    for (let i = 0; i < 50; i++) {
      parallel = takeSnapshot({ threads: 3 });
      if ((parallel.scan?.walkThreads ?? 1) > 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(parallel);
    assert.ok((parallel.scan?.walkThreads ?? 1) > 1, `no helper thread took part (walkThreads ${parallel.scan?.walkThreads})`);
    assert.equal(single.scan?.walkThreads, 1);
    const a = rows(single, pids);
    const b = rows(parallel, pids);
    assert.ok(a.length >= 2 * 300 + 2 * 300, `population not found (${a.length} rows)`);
    const onlyA = a.filter((r) => !b.includes(r));
    const onlyB = b.filter((r) => !a.includes(r));
    assert.deepEqual({ onlyParallel: onlyB, onlySingle: onlyA }, { onlyParallel: [], onlySingle: [] });
    assert.equal(b.length, a.length);
    // Processes come out in pid order either way.
    const order = parallel.processes.map((p) => p.pid);
    assert.deepEqual(order, [...order].sort((x, y) => x - y));
    for (const pid of pop.info.pids) assert.ok(parallel.processes.some((p) => p.pid === pid), `process ${pid} missing`);
  });

  it("walks the inspector's own process (last, on the calling thread) and never lists a helper's scanning fds", function () {
    for (let i = 0; i < 3; i++) {
      const s = takeSnapshot({ threads: 3 });
      const pipe = s.objects.find((o) => o.kind === 'pipe' && o.endpoints.some((e) => e.pid === process.pid && e.fd === own[0]));
      assert.ok(pipe, 'our own pipe is missing');
      assert.deepEqual(pipe.endpoints.filter((e) => e.pid === process.pid).map((e) => `${e.fd}:${e.access}`).sort(), [`${own[0]}:r`, `${own[1]}:w`].sort());
      // Sampling dups (O_PATH/re-open or pidfd_getfd) of other processes' pipes must not show us as a
      // holder: our pipes are the same as in a single-threaded pass (ours and the helper's stdio).
      const mine = (x: Snapshot): string[] => x.objects.filter((o) => (o.kind === 'pipe' || o.kind === 'fifo') && o.endpoints.some((e) => e.pid === process.pid)).map((o) => o.id).sort();
      assert.deepEqual(mine(s), mine(takeSnapshot({ threads: 1 })));
    }
  });

  it('samples hundreds of pipes with helper threads exactly as the caller alone does', function () {
    const pids = new Set(pop.info.pids);
    const snap = takeSnapshot({ threads: 1 });
    const ends: PipeEnd[] = [];
    for (const o of snap.objects) {
      if ((o.kind !== 'pipe' && o.kind !== 'fifo') || typeof o['dev'] !== 'number') continue;
      const e = readEnds(o.endpoints).find((x) => pids.has(x.pid));
      if (e) ends.push({ pid: e.pid, fd: e.fd!, dev: o['dev'] as number, ino: o.inode });
    }
    assert.ok(ends.length >= 300, `only ${ends.length} pipes`);
    // A wrong inode at a real fd and an fd that does not exist: no sample, whichever thread takes them.
    ends.push({ ...ends[0]!, ino: ends[0]!.ino + 1e9 }, { ...ends[1]!, fd: 999_999 });
    const alone = samplePipesShared(ends, 0);
    const shared = samplePipesShared(ends, 2);
    assert.deepEqual(shared, alone);
    // The job's buffers are reused from call to call: a shorter job after a longer one, then a longer one
    // again (the buffers grow), give exactly the samples of their own items.
    const part = ends.slice(100, 260).reverse();
    assert.deepEqual(samplePipesShared(part, 2), alone.slice(100, 260).reverse());
    const twice = [...ends, ...ends];
    assert.deepEqual(samplePipesShared(twice, 2), [...alone, ...alone]);
    assert.equal(alone.filter((x) => x === null).length, 2);
    assert.ok(alone.slice(0, -2).every((x) => x && x.capacity > 0), 'every population pipe sampled');
    // Six pipes in seven and every FIFO of the population have bytes queued.
    assert.ok(alone.filter((x) => x && x.used >= 1).length >= 250);
  });

  it('reads the in-flight fds of hundreds of sockets with helper threads exactly as the caller alone does', async function () {
    const h = await startHelper<{ pid: number; receiver: { ino: number }; sender: { ino: number } }>('ipc_objects.py', ['inflight', work]);
    try {
      const unix = readUnixSockets(true, { ino: null }).sockets;
      // Every socket with bytes queued (the population's socketpairs and the receiver of the in-flight pipe).
      const wanted = new Set(unix.filter((u) => (u.rqueue ?? 0) > 0).map((u) => u.ino));
      assert.ok(wanted.has(h.info.receiver.ino));
      const { pipeDev } = pseudoDevices();
      const walk = walkProcesses(listPids(), { pipeDev, selfPid: process.pid, sampleFill: false, ipc: null, mapDevs: [] }, 0).walk;
      const items = scmCandidates(walk.fds, wanted);
      assert.ok(items.pids.length >= 200, `only ${items.pids.length} candidates`);
      assert.equal(new Set(items.inos).size, items.pids.length, 'one fd per socket');
      for (let g = 0; g + 1 < items.starts.length; g++) {
        for (let i = items.starts[g]! + 1; i < items.starts[g + 1]!; i++) assert.equal(items.pids[i], items.pids[items.starts[g]!], 'groups are per process');
      }
      // A candidate whose fd no longer names that socket (closed and reused): left out, whoever reads it.
      const bogus = { ...items, inos: Float64Array.from(items.inos, (x, i) => (i === 0 ? x + 1e9 : x)) };
      const alone = readInflight(bogus, 0);
      const shared = readInflight(bogus, 2);
      assert.deepEqual([...shared].sort((a, b) => a[0] - b[0]), [...alone].sort((a, b) => a[0] - b[0]));
      assert.equal(alone.size, items.pids.length - 1);
      assert.equal(alone.get(h.info.receiver.ino), 2, 'the pipe in flight: 2 fds');
      // The population's sockets carry bytes, never fds.
      const popPids = new Set(pop.info.pids);
      const popInos = new Set(walk.fds.filter((f) => popPids.has(f.pid)).map((f) => f.ino));
      const popRead = [...alone].filter(([ino]) => popInos.has(ino));
      assert.ok(popRead.length >= 200, `only ${popRead.length} population sockets read`);
      assert.ok(popRead.every(([, n]) => n === 0), 'no fds in flight on the population\'s sockets');
      // A job of the caller alone runs `meanwhile` first; a shared one too, before the caller joins in.
      let ran = 0;
      readInflight(items, 2, () => ran++);
      readInflight(items, 0, () => ran++);
      assert.equal(ran, 2);
    } finally {
      await h.stop();
    }
  });
});
