// Integration: the ring-buffer demo's producer and consumer run as real processes over a POSIX shm ring
// in the seed's layout; the inspector reads the header with pread only and sees the occupancy move; Stop
// (or the parent going away) ends both processes and leaves nothing in /dev/shm.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { RingDemo } from '../../native/demo/ringDemo';
import { headerReader } from '../../src/core/live/shmHeader';
import { ringSample } from '../../src/core/live/sampler';
import { PRESETS } from '../../src/core/live/ringLayout';

const ROOT = path.join(__dirname, '..', '..');
// Bundled inside the repository so that require('koffi') resolves from node_modules, as in dist/.
const OUT = path.join(ROOT, 'out', 'test-live');
const WORKER = path.join(OUT, 'ringDemo.worker.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Stop the demo and return the consumer's final report (bytes moved, out-of-order or corrupt bytes). */
async function stopAndCollect(d: RingDemo): Promise<{ moved: number; errors: number }> {
  const report = d.lastReport('consumer');
  await d.stop();
  const r = d.lastReport('consumer') ?? report;
  assert.ok(r, 'the consumer reported');
  return r;
}
function used(file: string): number {
  const r = ringSample(headerReader(file, 24), PRESETS.seed);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.sample.capacity, 4095, 'seed ring of 4096 bytes, one slot free');
  return r.sample.used;
}
async function waitFor(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('live: ring-buffer demo over POSIX shared memory', function () {
  this.timeout(60_000);
  let demo: RingDemo | undefined;

  before(async () => {
    await build({
      entryPoints: [path.join(ROOT, 'native/demo/ringDemo.worker.ts')], bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', external: ['koffi'], outfile: WORKER, logLevel: 'silent',
    });
  });
  after(async () => {
    await demo?.stop(500);
  });

  it('occupancy rises, fills, drains as the rates change; Stop ends both processes and unlinks the segment', async () => {
    demo = await RingDemo.start({ command: [process.execPath, WORKER], rates: { producer: 0, consumer: 0, burstiness: 0 } });
    const file = demo.file;
    const st = fs.statSync(file);
    assert.equal(st.size, 24 + 4096);
    assert.equal(st.mode & 0o777, 0o600, 'the demo segment is private to its owner');
    assert.equal(used(file), 0);
    assert.equal(demo.accessMode, 'view', 'plain Node: both sides use the zero-copy view with Atomics');
    const [producer, consumer] = demo.pids;
    assert.ok(alive(producer!) && alive(consumer!));

    // Producer only: occupancy rises until the ring is full (write + 1 == read).
    demo.setRates({ producer: 20_000, consumer: 0, burstiness: 0 });
    await sleep(100);
    const early = used(file);
    await waitFor('the ring to fill', () => used(file) === 4095);
    assert.ok(early < 4095, `rising (${early} after 100 ms)`);

    // Consumer faster than producer: it drains.
    demo.setRates({ producer: 1000, consumer: 40_000, burstiness: 0 });
    await waitFor('the ring to drain', () => used(file) < 200);

    // Both running: the positions keep moving round the ring.
    const first = ringSample(headerReader(file, 24), PRESETS.seed);
    await sleep(300);
    const second = ringSample(headerReader(file, 24), PRESETS.seed);
    assert.ok(first.ok && second.ok);
    assert.notEqual(second.sample.ring!.readIndex, first.sample.ring!.readIndex, 'the read position moves');

    const report = await stopAndCollect(demo);
    assert.equal(report.errors, 0, 'the consumer read every byte in order (zero-copy view + Atomics path)');
    assert.equal(fs.existsSync(file), false, 'nothing left in /dev/shm');
    await waitFor('both demo processes to be gone', () => !alive(producer!) && !alive(consumer!), 3000);
    assert.equal(demo.running, false);
    demo = undefined;
  });

  it('the portable memory access (used where external buffers are forbidden, e.g. Electron) moves data intact', async () => {
    process.env.IPC_INSPECTOR_DEMO_PORTABLE = '1';
    try {
      demo = await RingDemo.start({ command: [process.execPath, WORKER], rates: { producer: 20_000, consumer: 20_000, burstiness: 0.5 } });
      const file = demo.file;
      assert.equal(demo.accessMode, 'copy', 'the processes report the copy path');
      const before = ringSample(headerReader(file, 24), PRESETS.seed);
      await sleep(600);
      const after = ringSample(headerReader(file, 24), PRESETS.seed);
      assert.ok(before.ok && after.ok);
      assert.notEqual(after.sample.ring!.rawRead, before.sample.ring!.rawRead, 'the consumer advances');
      const stopped = await stopAndCollect(demo);
      assert.equal(stopped.errors, 0, 'the consumer saw every byte in order');
      assert.ok(stopped.moved > 1000, `moved ${stopped.moved} bytes`);
      demo = undefined;
    } finally {
      delete process.env.IPC_INSPECTOR_DEMO_PORTABLE;
    }
  });

  it('a demo process whose parent goes away (stdin closed) exits and removes the segment it created', async () => {
    const name = `/ipc-inspector-demo-test-${process.pid}`;
    const child = spawn(process.execPath, [WORKER, 'producer', name, '64'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const ready = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())));
    assert.match(ready, /"type":"ready"/);
    assert.ok(fs.existsSync(`/dev/shm${name}`));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.stdin!.end();
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(`/dev/shm${name}`), false);
  });

  it('refuses names that are not plain segment names', async () => {
    const child = spawn(process.execPath, [WORKER, 'producer', '/../../tmp/x', '64'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 2);
  });
});
