// Integration: the live sampler's worker thread reads real kernel objects: a pipe's fill through the
// holder of its read end (the engine's refresh path) and shm ring headers by pread, never by mmap.

import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { LiveSamplerClient } from '../../src/core/live/client';
import { targetFor, type LiveTarget } from '../../src/core/live/sampler';
import { PRESETS } from '../../src/core/live/ringLayout';
import { preadFile, preadProcFd } from '../../src/core/live/shmHeader';
import { PYTHON, startHelper, type Holder } from './helpers/holders';
import { peekSource } from '../../src/core/live/peek';
import { seedHeader } from '../unit/liveHelpers';

const ROOT = path.join(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'out', 'test-live', 'live.worker.js');


let built: Promise<unknown> | undefined;
/** Bundle the worker as esbuild.mjs does, once per run (koffi stays external, resolved from node_modules). */
const buildWorker = () => (built ??= build({
  entryPoints: [path.join(ROOT, 'src/core/live/live.worker.ts')], bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', external: ['koffi'], outfile: WORKER, logLevel: 'silent',
}));

describe('live: sampler worker on real objects', function () {
  this.timeout(30_000);
  let client: LiveSamplerClient;
  const holders: Holder<unknown>[] = [];
  const files: string[] = [];

  before(async () => {
    await buildWorker();
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
    // The worker reports how long the tick took (its cost is measured by `npm run bench:live`, not here).
    assert.ok(Number.isFinite(client.lastDurationMs) && client.lastDurationMs >= 0, `tick duration ${client.lastDurationMs}`);
  });

  it('follows a SysV message queue in bytes against its msg_qbytes limit', async () => {
    const h = await startHelper<{ msqid: number }>('watch_objects.py', ['sysvmsg']);
    holders.push(h);
    const o = takeSnapshot({ kinds: ['sysv-msg'] }).objects.find((x) => x.kind === 'sysv-msg' && x.inode === h.info.msqid);
    assert.ok(o, 'the helper\'s queue is in the snapshot');
    const t = targetFor(o, () => undefined)!;
    const limit = o['maxBytes'] as number;
    assert.ok(limit > 0, `msg_qbytes ${limit}`);
    let r = (await client.sample([t])).get(o.id);
    assert.deepEqual(r, { ok: true, sample: { used: 20, capacity: limit, unit: 'bytes' } });
    await h.command('send 500');
    r = (await client.sample([t])).get(o.id);
    assert.deepEqual(r, { ok: true, sample: { used: 520, capacity: limit, unit: 'bytes' } });
  });

  it('reads a shm ring header by pread each tick, and survives the owner truncating the segment', async () => {
    const file = `/dev/shm/ipc-inspector-live-test-${process.pid}`;
    files.push(file);
    fs.writeFileSync(file, seedHeader(4000, 100, 4096, true), { mode: 0o600 });
    const t: LiveTarget = { id: 'ring', kind: 'shm-ring', file, layout: PRESETS.seed };
    let r = (await client.sample([t])).get('ring');
    assert.ok(r?.ok);
    assert.equal(r.sample.used, 196);
    assert.deepEqual(r.sample.ring, { capacity: 4096, readIndex: 4000, writeIndex: 100, rawRead: '4000', rawWrite: '100', stable: true });
    // A truncating owner would SIGBUS a process that mapped the segment; pread just sees fewer bytes.
    fs.truncateSync(file, 10);
    r = (await client.sample([t])).get('ring');
    assert.deepEqual(r, { ok: false, error: 'short: header needs 24 bytes, got 10' });
    fs.writeFileSync(file, seedHeader(4000, 100, 4096)); // header claims 4096 data bytes that are not there
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

describe('live: hex peek by pread', function () {
  this.timeout(20_000);

  it('through a holder\'s fd number that another file takes meanwhile: only the memfd\'s file is ever opened, never a FIFO', async function () {
    const dir = fs.mkdtempSync('/tmp/ipci-peekswap-');
    const bin = path.join(dir, 'fdswap');
    try {
      execFileSync('gcc', ['-O2', '-pthread', '-o', bin, path.join(__dirname, 'helpers/fdswap.c')]);
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      this.skip();
    }
    // A regular file (as a memfd would be) and a FIFO take turns at fd 100 of the helper as fast as dup2 goes.
    fs.writeFileSync(path.join(dir, 'data'), 'ring bytes');
    const child = spawn(bin, [path.join(dir, 'data'), path.join(dir, 'fifo')], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const info = JSON.parse(await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fdswap exited with ${code}`)));
      })) as { pid: number; a: number };
      const seen: Record<string, number> = {};
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        const r = preadProcFd(info.pid, 100, info.a, 16);
        const k = 'error' in r ? r.error : r.bytes.toString();
        seen[k] = (seen[k] ?? 0) + 1;
      }
      // "changed while opening": an open that got the FIFO (its open handler ran) and was noticed only after.
      assert.equal(seen['the file changed while opening it'], undefined, JSON.stringify(seen));
      assert.ok(seen['ring bytes']! > 0, JSON.stringify(seen));
    } finally {
      child.stdin!.end();
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the first 64 KiB of a /dev/shm segment, and a memfd through the fd of the process holding it', async () => {
    const name = `ipc-inspector-peek-test-${process.pid}`;
    const file = `/dev/shm/${name}`;
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    fs.writeFileSync(file, data, { mode: 0o600 });
    try {
      const src = peekSource({ id: 's', kind: 'posix-shm', inode: 0, name: `/${name}`, endpoints: [], findings: [] });
      assert.ok(typeof src !== 'string');
      const r = src.read();
      assert.ok(!('error' in r));
      assert.equal(r.size, 100_000);
      assert.deepEqual(r.bytes, data.subarray(0, 64 * 1024));
    } finally {
      fs.rmSync(file, { force: true });
    }

    // A child holds a memfd with known bytes; it is read via /proc/PID/fd/N and only if the inode matches.
    const { spawn } = await import('node:child_process');
    const py = spawn(PYTHON, ['-c', [
      'import os, sys',
      'fd = os.memfd_create("peek-test")',
      'os.write(fd, b"memfd says hello")',
      'print(fd, os.fstat(fd).st_ino, flush=True)',
      'sys.stdin.read()',
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((res) => createInterface({ input: py.stdout! }).once('line', res));
      const [fd, ino] = line.trim().split(' ').map(Number);
      const mem = { id: 'm', kind: 'memfd' as const, inode: ino!, name: 'memfd:peek-test', endpoints: [{ pid: py.pid!, fd: fd!, access: 'rw' as const }], findings: [] };
      const src = peekSource(mem);
      assert.ok(typeof src !== 'string');
      const r = src.read();
      assert.ok(!('error' in r), JSON.stringify(r));
      assert.equal(r.bytes.toString(), 'memfd says hello');
      const wrong = peekSource({ ...mem, inode: ino! + 1 });
      assert.ok(typeof wrong !== 'string');
      assert.deepEqual(wrong.read(), { error: 'the descriptor now refers to another file' });
    } finally {
      py.stdin!.end();
      await new Promise((r) => py.once('exit', r));
    }
  });
});

describe('live: a POSIX message queue through the sampler worker', function () {
  this.timeout(30_000);
  before(buildWorker);

  it('follows mq_curmsgs against mq_maxmsg as messages are sent', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const c = koffi.load('libc.so.6');
    const mqOpen = c.func('int mq_open(const char *name, int oflag, uint32_t mode, void *attr)');
    const mqSend = c.func('int mq_send(int mqd, const void *msg, size_t len, uint32_t prio)');
    const mqUnlink = c.func('int mq_unlink(const char *name)');
    const close = c.func('int close(int fd)');
    const name = `/ipc-inspector-live-test-${process.pid}`;
    const attr = Buffer.alloc(64); // struct mq_attr: flags, maxmsg, msgsize, curmsgs (longs), padding
    attr.writeBigInt64LE(10n, 8);
    attr.writeBigInt64LE(64n, 16);
    const mqd = mqOpen(name, 0o100 | 2 /* O_CREAT|O_RDWR */, 0o600, attr) as number;
    assert.ok(mqd >= 0, 'mq_open (is /dev/mqueue available?)');
    const client = new LiveSamplerClient(WORKER);
    try {
      for (let i = 0; i < 3; i++) assert.equal(mqSend(mqd, Buffer.from('hello'), 5, 0), 0);
      const o = takeSnapshot().objects.find((x) => x.kind === 'posix-mq' && x.name === name);
      assert.ok(o, 'the queue is in the snapshot');
      const t = targetFor(o, () => undefined);
      assert.ok(t);
      assert.deepEqual((await client.sample([t])).get(o.id), { ok: true, sample: { used: 3, capacity: 10, unit: 'messages' } });
      for (let i = 0; i < 4; i++) mqSend(mqd, Buffer.from('more'), 4, 1);
      assert.deepEqual((await client.sample([t])).get(o.id), { ok: true, sample: { used: 7, capacity: 10, unit: 'messages' } });
    } finally {
      client.dispose();
      close(mqd);
      mqUnlink(name);
    }
  });
});
