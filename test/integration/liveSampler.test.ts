// Integration: the live sampler's worker thread reads real kernel objects: a pipe's fill through the
// holder of its read end (the engine's refresh path) and shm ring headers by pread, never by mmap.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { LiveSamplerClient } from '../../src/core/live/client';
import { targetFor, type LiveTarget } from '../../src/core/live/sampler';
import { PRESETS } from '../../src/core/live/ringLayout';
import { preadFile } from '../../src/core/live/shmHeader';
import { startHelper, type Holder } from './helpers/holders';

const ROOT = path.join(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'out', 'test-live', 'live.worker.js');

function seedHeader(read: number, write: number, cap: number): Buffer {
  const b = Buffer.alloc(24 + cap);
  b.writeBigUInt64LE(BigInt(read), 0);
  b.writeBigUInt64LE(BigInt(write), 8);
  b.writeBigUInt64LE(BigInt(cap), 16);
  return b;
}

describe('live: sampler worker on real objects', function () {
  this.timeout(30_000);
  let client: LiveSamplerClient;
  const holders: Holder<unknown>[] = [];
  const files: string[] = [];

  before(async () => {
    await build({
      entryPoints: [path.join(ROOT, 'src/core/live/live.worker.ts')], bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', external: ['koffi'], outfile: WORKER, logLevel: 'silent',
    });
    client = new LiveSamplerClient(WORKER);
  });
  after(async () => {
    client.dispose();
    await Promise.all(holders.map((h) => h.stop()));
    for (const f of files) fs.rmSync(f, { force: true });
  });

  it('follows a pipe as its writer adds bytes (read end held by another process)', async () => {
    const h = await startHelper<{ pipe: { ino: number } }>('ipc_objects.py', ['pipe', '/tmp']);
    holders.push(h);
    const o = takeSnapshot().objects.find((x) => x.kind === 'pipe' && x.inode === h.info.pipe.ino);
    assert.ok(o, 'the helper\'s pipe is in the snapshot');
    const t = targetFor(o, () => undefined);
    assert.ok(t);
    let r = (await client.sample([t])).get(o.id);
    assert.deepEqual(r, { ok: true, sample: { used: 1234, capacity: 65536, unit: 'bytes' } });
    await h.command('write 4000');
    r = (await client.sample([t])).get(o.id);
    assert.deepEqual(r, { ok: true, sample: { used: 5234, capacity: 65536, unit: 'bytes' } });
    assert.ok(client.lastDurationMs < 50, `one tick took ${client.lastDurationMs} ms in the worker`);
  });

  it('reads a shm ring header by pread each tick, and survives the owner truncating the segment', async () => {
    const file = `/dev/shm/ipc-inspector-live-test-${process.pid}`;
    files.push(file);
    fs.writeFileSync(file, seedHeader(4000, 100, 4096), { mode: 0o600 });
    const t: LiveTarget = { id: 'ring', kind: 'shm-ring', file, layout: PRESETS.seed };
    let r = (await client.sample([t])).get('ring');
    assert.ok(r?.ok);
    assert.equal(r.sample.used, 196);
    assert.deepEqual(r.sample.ring, { capacity: 4096, readIndex: 4000, writeIndex: 100, rawRead: '4000', rawWrite: '100', stable: true });
    // A truncating owner would SIGBUS a process that mapped the segment; pread just sees fewer bytes.
    fs.truncateSync(file, 10);
    r = (await client.sample([t])).get('ring');
    assert.deepEqual(r, { ok: false, error: 'short: header needs 24 bytes, got 10' });
    fs.writeFileSync(file, seedHeader(4000, 100, 4096).subarray(0, 24)); // header claims 4096 data bytes that are not there
    r = (await client.sample([t])).get('ring');
    assert.equal(r?.ok, false);
    assert.match(r && !r.ok ? r.error : '', /^capacity: .*does not fit/);
    fs.rmSync(file);
    r = (await client.sample([t])).get('ring');
    assert.deepEqual(r, { ok: false, error: 'io: ENOENT' });
  });

  it('never opens a FIFO or follows a symlink planted in /dev/shm', () => {
    const fifo = `/dev/shm/ipc-inspector-live-fifo-${process.pid}`;
    const link = `/dev/shm/ipc-inspector-live-link-${process.pid}`;
    files.push(fifo, link);
    execFileSync('mkfifo', [fifo]);
    fs.symlinkSync('/etc/hostname', link);
    // An open of the FIFO for reading would block or disturb a writer; it is refused after lstat.
    assert.deepEqual(preadFile(fifo, 24), { error: 'not a regular file' });
    assert.deepEqual(preadFile(link, 24), { error: 'not a regular file' });
  });
});
