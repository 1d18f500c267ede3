// Integration: real pipes, FIFOs and Unix sockets created in child processes, found by takeSnapshot()
// with exact inodes, pids, fds, access modes, peers and byte counts.

import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { O_CLOEXEC, inspectorFds, libc } from '../../native/libc';
import { refreshQueues } from '../../src/core/scan/refresh';
import { walkFds } from '../../src/core/scan/fds';
import { pseudoDevices, takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper, type Holder } from './helpers/holders';

interface Ident { dev: number; ino: number }
interface End { pid: number; fd: number }
interface SockRef { fd: number; ino: number }

const work = mkdtempSync(path.join(tmpdir(), 'ipci-it-'));
const holders: Holder<unknown>[] = [];
async function start<T>(scenario: string): Promise<Holder<T>> {
  const h = await startHelper<T>('ipc_objects.py', [scenario, work]);
  holders.push(h);
  return h;
}
after(async () => {
  await Promise.all(holders.map((h) => h.stop()));
  rmSync(work, { recursive: true, force: true });
});

function unixById(s: Snapshot): Map<number, IpcObject> {
  return new Map(s.objects.filter((o) => o.kind === 'unix').map((o) => [o.inode, o]));
}
function find(s: Snapshot, kind: string, ino: number): IpcObject {
  const o = s.objects.find((x) => x.kind === kind && x.inode === ino);
  assert.ok(o, `${kind} inode ${ino} not in the snapshot`);
  return o;
}

describe('takeSnapshot: pipes and FIFOs (real kernel objects)', function () {
  this.timeout(20000);

  it('finds an anonymous pipe with both ends and the bytes queued in it', async () => {
    const h = await start<{ pipe: Ident; writer: End; reader: End; queued: number }>('pipe');
    const s = takeSnapshot();
    const o = find(s, 'pipe', h.info.pipe.ino);
    assert.equal(o.id, `pipe:${h.info.pipe.dev}:${h.info.pipe.ino}`);
    assert.deepEqual(o.endpoints, [
      { pid: h.info.writer.pid, fd: h.info.writer.fd, access: 'w' },
      { pid: h.info.reader.pid, fd: h.info.reader.fd, access: 'r' },
    ].sort((a, b) => a.pid - b.pid));
    assert.deepEqual(o.queue, { used: 1234, capacity: 65536, unit: 'bytes' });
  });

  it('finds a FIFO by its path with a reader, a writer and its fill (never opened by path)', async () => {
    const h = await start<{ fifo: Ident; path: string; writer: End; reader: End }>('fifo');
    const s = takeSnapshot();
    const o = find(s, 'fifo', h.info.fifo.ino);
    assert.equal(o.id, `fifo:${h.info.fifo.dev}:${h.info.fifo.ino}`);
    assert.equal(o.name, h.info.path);
    assert.equal(o.nameBase64, undefined);
    // The writer also holds an O_PATH fd on the FIFO: not an end, so not listed.
    assert.deepEqual(o.endpoints, [
      { pid: h.info.writer.pid, fd: h.info.writer.fd, access: 'w' },
      { pid: h.info.reader.pid, fd: h.info.reader.fd, access: 'r' },
    ].sort((a, b) => a.pid - b.pid));
    assert.deepEqual(o.queue, { used: 777, capacity: 65536, unit: 'bytes' });
  });

  it('sampling the fill neither consumes data nor keeps the pipe open (EOF and EPIPE still happen)', async () => {
    const h = await startHelper<{ writer: number; reader: number; pipe1: { ino: number }; pipe2: { ino: number } }>('undisturbed.py');
    holders.push(h);
    for (let i = 0; i < 5; i++) {
      const s = takeSnapshot();
      assert.equal(find(s, 'pipe', h.info.pipe1.ino).queue?.used, 100);
      assert.equal(find(s, 'pipe', h.info.pipe2.ino).queue?.used, 10);
    }
    assert.deepEqual(await h.command('eof'), { read: 100, eof: true });
    assert.deepEqual(await h.command('epipe'), { epipe: true });
  });
});

describe('takeSnapshot: Unix sockets (real kernel objects)', function () {
  this.timeout(20000);

  it('socketpairs of each type: holders, peers both ways, bytes queued', async () => {
    type Pair = { a: SockRef; b: SockRef; sent: number[] };
    const h = await start<{ pid: number; pairs: Record<'stream' | 'dgram' | 'seqpacket', Pair> }>('socketpairs');
    const s = takeSnapshot();
    const byIno = unixById(s);
    const expectQueued = { stream: 511, dgram: 300 /* the next datagram */, seqpacket: 300 };
    for (const type of ['stream', 'dgram', 'seqpacket'] as const) {
      const p = h.info.pairs[type];
      const a = byIno.get(p.a.ino);
      const b = byIno.get(p.b.ino);
      assert.ok(a && b, `${type} pair found`);
      assert.deepEqual(a.endpoints, [{ pid: h.info.pid, fd: p.a.fd, access: 'rw' }]);
      assert.deepEqual(b.endpoints, [{ pid: h.info.pid, fd: p.b.fd, access: 'rw' }]);
      assert.equal(a.unix?.type, type);
      assert.equal(a.unix?.state, 'connected');
      assert.equal(a.unix?.address, 'unnamed');
      assert.equal(a.unix?.peer, b.id);
      assert.equal(b.unix?.peer, a.id);
      assert.deepEqual(b.queue, { used: expectQueued[type], capacity: null, unit: 'bytes', ...(type === 'dgram' ? { measure: 'next-datagram' } : {}) });
      assert.equal(a.queue?.used, 0);
    }
  });

  it('path listener with an accepted and a pending connection; abstract (NUL inside), relative "@" and unnamed sockets', async () => {
    const h = await start<{
      pid: number; path: string; pathFile: Ident; listener: SockRef; client: SockRef; accepted: SockRef; pending: SockRef;
      abstract: SockRef & { nameBase64: string }; unnamed: SockRef; relative: SockRef & { name: string };
    }>('listeners');
    const i = h.info;
    const s = takeSnapshot();
    const byIno = unixById(s);
    const get = (r: SockRef) => {
      const o = byIno.get(r.ino);
      assert.ok(o, `socket ${r.ino}`);
      assert.deepEqual(o.endpoints, [{ pid: i.pid, fd: r.fd, access: 'rw' }]);
      return o;
    };
    const listener = get(i.listener);
    assert.equal(listener.name, i.path);
    assert.deepEqual(listener.unix, {
      type: 'stream', state: 'listen', address: 'path', peer: null, pendingConnections: 1, inflightFds: 0,
      uid: process.getuid!(), boundFile: i.pathFile,
    });
    assert.deepEqual(listener.queue, { used: 1, capacity: 5, unit: 'connections' });
    const client = get(i.client);
    const accepted = get(i.accepted);
    assert.equal(client.unix?.peer, accepted.id);
    assert.equal(accepted.unix?.peer, client.id);
    assert.equal(client.queue?.used, 42);
    assert.equal(accepted.name, i.path, 'the accepted socket carries the listener address');
    const pending = get(i.pending);
    assert.equal(pending.unix?.state, 'connected');
    // Its peer is the embryo socket (no inode yet): linked to the listener through the accept queue.
    assert.equal(pending.unix?.peer, null);
    assert.equal(pending.unix?.pendingOn, listener.id);
    assert.equal(client.unix?.pendingOn, undefined);

    const abs = get(i.abstract);
    assert.equal(abs.unix?.address, 'abstract');
    assert.equal(abs.nameBase64, i.abstract.nameBase64, 'raw bytes, embedded NUL kept');
    assert.equal(abs.name, '@' + Buffer.from(i.abstract.nameBase64, 'base64').toString('latin1'));
    assert.deepEqual(abs.queue, { used: 0, capacity: 3, unit: 'connections' });

    const rel = get(i.relative);
    assert.equal(rel.unix?.address, 'path');
    assert.equal(rel.name, i.relative.name);

    const un = get(i.unnamed);
    assert.equal(un.unix?.address, 'unnamed');
    assert.equal(un.unix?.type, 'dgram');
    assert.equal(un.unix?.state, 'unconnected');
  });

  it('hostile names come back byte for byte (markup, newline, ESC, bidi, invalid UTF-8, long)', async () => {
    type Raw = { fd: number; ino: number; raw: string; abstract?: boolean };
    const h = await start<{ pid: number; sockets: Raw[]; fifos: (Ident & { r: number; w: number; raw: string })[] }>('hostile');
    const s = takeSnapshot();
    const byIno = unixById(s);
    for (const sock of h.info.sockets) {
      const o = byIno.get(sock.ino);
      assert.ok(o, `socket ${sock.raw}`);
      const raw = Buffer.from(sock.raw, 'base64');
      const expected = sock.abstract ? raw.subarray(1) : raw;
      const got = o.nameBase64 !== undefined ? Buffer.from(o.nameBase64, 'base64') : Buffer.from(o.name.slice(sock.abstract ? 1 : 0), 'utf8');
      assert.deepEqual(got, expected);
      assert.equal(o.unix?.address, sock.abstract ? 'abstract' : 'path');
    }
    for (const f of h.info.fifos) {
      const o = find(s, 'fifo', f.ino);
      const raw = Buffer.from(f.raw, 'base64');
      const got = o.nameBase64 !== undefined ? Buffer.from(o.nameBase64, 'base64') : Buffer.from(o.name, 'utf8');
      assert.deepEqual(got, raw);
      assert.deepEqual(o.endpoints.map((e) => [e.fd, e.access]), [[f.r, 'r'], [f.w, 'w']]);
      assert.equal(o.queue?.used, 5);
    }
    const proc = s.processes.find((p) => p.pid === h.info.pid);
    assert.deepEqual(Buffer.from(String(proc?.['commBase64']), 'base64'), Buffer.from('x) (y\nz\x1b\xff', 'latin1'));
    assert.equal(proc?.ppid, process.pid, 'the real ppid, whatever the comm says');
    // An argument that is not UTF-8: decoded for display, exact in cmdlineBase64 (every argument, NUL-ended).
    const arg = Buffer.from('arg-\xff\xfe\n<b>\x1b[31m', 'latin1');
    assert.equal(proc?.cmdline.at(-1), 'arg-\ufffd\ufffd\n<b>\x1b[31m');
    const raw = Buffer.from(String(proc?.['cmdlineBase64']), 'base64');
    assert.deepEqual(raw.subarray(raw.length - arg.length - 2), Buffer.concat([Buffer.from([0]), arg, Buffer.from([0])]));
    assert.deepEqual(raw.toString('utf8').split('\0').slice(0, -1), proc?.cmdline);
    assert.ok(s.processes.filter((p) => p.pid !== h.info.pid && p.cmdline.length > 0).every((p) => p['cmdlineBase64'] === undefined || p.cmdline.some((a) => a.includes('\ufffd'))));
    // A FIFO literally named "pipe:[4242]" is still a FIFO (identity from stat, not the link text).
    assert.ok(s.objects.some((o) => o.kind === 'fifo' && o.name.endsWith('/fifo-pipe:[4242]')));
    assert.ok(!s.objects.some((o) => o.kind === 'pipe' && o.inode === 4242));
  });

  it('in-flight fds: scm_fds counted on the receiving socket', async () => {
    const h = await start<{ pid: number; sender: SockRef; receiver: SockRef; inflight: number }>('inflight');
    const s = takeSnapshot();
    const byIno = unixById(s);
    assert.equal(byIno.get(h.info.receiver.ino)?.unix?.inflightFds, 2);
    assert.equal(byIno.get(h.info.receiver.ino)?.queue?.used, 1);
    assert.equal(byIno.get(h.info.sender.ino)?.unix?.inflightFds, 0);
  });

  it('in-flight fds on a connection not yet accepted are counted on its listener, as its fdinfo says', async () => {
    const h = await start<{ pid: number; listener: SockRef; client: SockRef; inflight: number }>('inflight_pending');
    const kernel = Number(/^scm_fds:\s*(\d+)$/m.exec(readFileSync(`/proc/${h.info.pid}/fdinfo/${h.info.listener.fd}`, 'utf8'))?.[1]);
    assert.equal(kernel, h.info.inflight, 'the kernel counts them on the listener');
    const byIno = unixById(takeSnapshot());
    const l = byIno.get(h.info.listener.ino);
    assert.equal(l?.unix?.state, 'listen');
    assert.equal(l?.unix?.pendingConnections, 1);
    assert.equal(l?.unix?.inflightFds, 3);
    assert.equal(byIno.get(h.info.client.ino)?.unix?.inflightFds, 0);
  });

  it('falls back to /proc/net/unix with a visible note and no peers', async () => {
    const h = await start<{ pid: number; path: string; listener: SockRef; client: SockRef }>('listeners');
    const s = takeSnapshot({ sockDiag: false });
    assert.ok(s.notes.some((n) => n.startsWith('no peer information (sock_diag unavailable:')));
    const byIno = unixById(s);
    const l = byIno.get(h.info.listener.ino);
    assert.ok(l);
    assert.equal(l.name, h.info.path);
    assert.equal(l.unix?.state, 'listen');
    assert.deepEqual(l.endpoints, [{ pid: h.info.pid, fd: h.info.listener.fd, access: 'rw' }]);
    assert.equal(byIno.get(h.info.client.ino)?.unix?.peer, null);
    // /proc/net/unix is read page by page: every socket that sock_diag saw before and after is there too.
    const inodes = (x: Snapshot) => new Set(x.objects.filter((o) => o.kind === 'unix').map((o) => o.inode));
    const before = inodes(takeSnapshot({ kinds: ['unix'], sampleFill: false }));
    const fallback = inodes(takeSnapshot({ kinds: ['unix'], sockDiag: false, sampleFill: false }));
    const afterSet = inodes(takeSnapshot({ kinds: ['unix'], sampleFill: false }));
    const stable = [...before].filter((i) => afterSet.has(i));
    assert.ok(stable.length > 10);
    assert.deepEqual(stable.filter((i) => !fallback.has(i)), []);
  });
});

describe('takeSnapshot: the snapshot itself', function () {
  this.timeout(20000);

  it('follows schema v1, lists this process, and excludes the inspector\'s own scanning fds', () => {
    const s = takeSnapshot();
    assert.equal(s.schemaVersion, 1);
    assert.equal(s.self.pid, process.pid);
    assert.ok(!Number.isNaN(Date.parse(s.takenAt)));
    assert.ok(s.durationMs > 0);
    const me = s.processes.find((p) => p.pid === process.pid);
    assert.ok(me);
    assert.equal(me.uid, process.getuid!());
    assert.ok(me.cmdline.length > 0 && typeof me.netns === 'number' && typeof me.ipcns === 'number');
    assert.ok(s.scan && s.scan.fds > 0 && s.scan.phasesMs['processes+fds+fill+maps']! >= 0);
    assert.equal(new Set(s.objects.map((o) => o.id)).size, s.objects.length, 'ids are unique');
  });

  it('reads each process\'s working directory (the explorer\'s workspace filter keys on it)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-cwd-'));
    const child = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const s = takeSnapshot();
      assert.equal(s.processes.find((p) => p.pid === process.pid)?.cwd, process.cwd());
      assert.equal(s.processes.find((p) => p.pid === child.pid)?.cwd, dir);
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kernel threads (PF_KTHREAD in /proc/PID/stat) are listed from stat alone; user processes are not taken for them', function () {
    const kthreads = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((n) => {
      try {
        const st = readFileSync(`/proc/${n}/stat`, 'latin1');
        return (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[6]) & 0x00200000) !== 0;
      } catch {
        return false;
      }
    }).map(Number);
    if (kthreads.length === 0) this.skip(); // a PID namespace without kernel threads (a container)
    const s = takeSnapshot();
    const k = s.processes.filter((p) => p['kernelThread'] === true);
    const listed = new Set(k.map((p) => p.pid));
    // Those still alive at the end of the scan (kworkers come and go).
    const alive = kthreads.filter((pid) => existsSync(`/proc/${pid}`));
    assert.ok(alive.filter((pid) => listed.has(pid)).length >= alive.length - 2, `kernel threads missing: ${alive.filter((p) => !listed.has(p)).join(' ')}`);
    for (const p of k) {
      assert.deepEqual([p.uid, p.cmdline, p.cwd, p['signals']], [0, [], undefined, undefined], JSON.stringify(p));
      assert.equal(s.objects.some((o) => o.endpoints.some((e) => e.pid === p.pid)), false, `kernel thread ${p.pid} holds an object`);
    }
    const self = s.processes.find((p) => p.pid === process.pid);
    assert.ok(self && self['kernelThread'] === undefined && self.cmdline.length > 0 && self.cwd === process.cwd());
  });

  it('skips the fds the inspector holds for scanning (inspectorFds) in its own process', () => {
    const c = libc();
    const fds = new Int32Array(2);
    assert.equal(c.pipe2(fds, O_CLOEXEC), 0);
    const [r, w] = [fds[0]!, fds[1]!];
    inspectorFds.add(r);
    try {
      const s = takeSnapshot();
      const mine = s.objects.find((o) => o.kind === 'pipe' && o.endpoints.some((e) => e.pid === process.pid && e.fd === w));
      assert.ok(mine, 'the write end we hold as a normal fd is reported');
      assert.deepEqual(mine.endpoints, [{ pid: process.pid, fd: w, access: 'w' }], 'the read end marked as the inspector\'s own is not');
    } finally {
      inspectorFds.delete(r);
      c.close(r);
      c.close(w);
    }
  });
});

describe('takeSnapshot under process churn', function () {
  this.timeout(45000);

  it('processes starting and dying during scans: no exception, consistent snapshots', async () => {
    const h = await startHelper<{ pid: number }>('churn.py', ['30']);
    holders.push(h);
    const start = Date.now();
    let n = 0;
    let sawChildren = 0;
    let vanished = 0;
    // At least 2.5 s and 3 scans; on a loaded machine (a scan of a second or more, children that live 20 ms)
    // longer, up to 20 s, until a child was caught alive and something vanished mid-scan.
    const done = (): boolean => Date.now() - start > 20000 || (Date.now() - start > 2500 && n >= 3 && sawChildren > 0 && vanished > 0);
    while (!done()) {
      const s = takeSnapshot();
      n++;
      const pids = new Set(s.processes.map((p) => p.pid));
      assert.equal(pids.size, s.processes.length, 'no duplicate processes');
      for (const o of s.objects) for (const e of o.endpoints) assert.ok(pids.has(e.pid), `endpoint pid ${e.pid} is a listed process`);
      if (s.processes.some((p) => p.ppid === h.info.pid)) sawChildren++;
      vanished += s.scan!.vanishedProcesses + s.scan!.vanishedFds;
      // Let the churner run between scans (the scan is synchronous).
      await new Promise((r) => setTimeout(r, 5));
    }
    await h.stop();
    assert.ok(sawChildren > 0, 'the churner\'s children were seen at least once');
    assert.ok(vanished > 0, 'some processes or fds vanished mid-scan (the path under test was taken)');
  });

  it('the refresh path (live views, watch) on objects whose holders are starting and dying: no exception, gone ones unsampled', async () => {
    // Children that live up to 300 ms: a snapshot catches some (however long a scan takes on a busy machine),
    // and they are gone a few refreshes later.
    const h = await startHelper<{ pid: number }>('churn.py', ['25', '0.3']);
    holders.push(h);
    // Until some churned objects were refreshed after their holders died (a loaded machine may need a while to
    // catch the short-lived children in a snapshot at all), 20 s at most.
    const end = Date.now() + 20000;
    let snap = takeSnapshot({ kinds: ['pipe', 'unix'] });
    let rounds = 0;
    let gone = 0;
    let sampled = 0;
    while (Date.now() < end && (rounds < 5 || gone < 3)) {
      // Objects of children that may have exited since the snapshot (and, for pipes, whose fds are gone).
      const churned = snap.objects.filter((o) => o.endpoints.some((e) => snap.processes.find((p) => p.pid === e.pid)?.ppid === h.info.pid));
      const r = refreshQueues(snap.objects);
      const ids = new Set(snap.objects.map((o) => o.id));
      for (const x of r.samples) assert.ok(ids.has(x.id), `a sample for ${x.id}, which was not asked for`);
      const by = new Map(r.samples.map((x) => [x.id, x]));
      for (const o of churned) {
        const x = by.get(o.id);
        if (x?.queue === null || x === undefined) gone++;
        else sampled++;
      }
      if (++rounds % 3 === 0) snap = takeSnapshot({ kinds: ['pipe', 'unix'] });
      await new Promise((res) => setTimeout(res, 5));
    }
    await h.stop();
    assert.ok(gone > 0, `some churned objects were gone when refreshed (the path under test was taken; ${sampled} sampled)`);
  });
});

describe('takeSnapshot: an fd number reused between the stat and the link read', function () {
  this.timeout(60000);

  it('a FIFO never gets the path of the FIFO that took its fd number meanwhile (the fd is skipped instead)', async function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-fdswap-'));
    const bin = path.join(dir, 'fdswap');
    try {
      execFileSync('gcc', ['-O2', '-pthread', '-o', bin, path.join(__dirname, 'helpers/fdswap.c')]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      this.skip();
    }
    // Two FIFOs whose read ends take turns at fd 100 as fast as dup2 goes.
    const child = spawn(bin, [path.join(dir, 'fifo-A'), path.join(dir, 'fifo-B')], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const info = JSON.parse(await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`fdswap exited with ${code}`)));
      })) as { pid: number; a: number; b: number };
      const { pipeDev } = pseudoDevices();
      const pathOf = new Map([[info.a, path.join(dir, 'fifo-A')], [info.b, path.join(dir, 'fifo-B')]]);
      let walks = 0;
      let listed = 0;
      const wrong: string[] = [];
      const end = Date.now() + 1500;
      while (Date.now() < end) {
        const w = walkFds([info.pid], { pipeDev, selfPid: process.pid });
        walks++;
        for (const f of w.fds.filter((x) => x.fd === 100)) {
          listed++;
          if (f.link?.toString() !== pathOf.get(f.ino)) wrong.push(`inode ${f.ino} named ${f.link?.toString()}`);
        }
      }
      assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} of ${listed} listings of fd 100 (${walks} walks) named the other FIFO`);
      assert.ok(listed > 0, 'fd 100 was listed at least once');
    } finally {
      child.stdin!.end();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
