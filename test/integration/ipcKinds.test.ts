// Integration: POSIX shm/sem, memfd, POSIX mqueues, SysV shm/msg/sem, eventfd, signalfd and per-process
// signals created in child processes, found by takeSnapshot() with exact holders and figures.

import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderSignalTable, renderTable } from '../../src/core/cliTable';
import type { Endpoint, IpcObject, Snapshot } from '../../src/core/model';
import { Pidfds } from '../../src/core/scan/fill';
import { mqFiguresViaFd } from '../../src/core/scan/heldMq';
import { readThreadSignals } from '../../src/core/scan/processes';
import { refreshQueues } from '../../src/core/scan/refresh';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { mapsFileOnDevices, procmapQuery } from '../../src/core/scan/mapsQuery';
import { openPidDir, closeFd } from '../../src/core/scan/procio';
import { startHelper, type Holder } from './helpers/holders';

interface Ident { dev: number; ino: number }

const work = mkdtempSync(path.join(tmpdir(), 'ipci-kinds-'));
const holders: Holder<unknown>[] = [];
async function start<T>(scenario: string): Promise<Holder<T>> {
  const h = await startHelper<T>('ipc_kinds.py', [scenario, work]);
  holders.push(h);
  return h;
}
before(() => {
  // As in CI: the mqueue filesystem must be mounted for POSIX queues to be visible (we run as root).
  execFileSync('sh', ['-c', 'mountpoint -q /dev/mqueue || mount -t mqueue none /dev/mqueue']);
});
after(async () => {
  await Promise.all(holders.map((h) => h.stop()));
  rmSync(work, { recursive: true, force: true });
});

function find(s: Snapshot, id: string): IpcObject {
  const o = s.objects.find((x) => x.id === id);
  assert.ok(o, `${id} not in the snapshot`);
  return o;
}
const sorted = (e: Endpoint[]): Endpoint[] => [...e].sort((a, b) => a.pid - b.pid || (a.fd ?? -1) - (b.fd ?? -1));
const bytesOf = (o: IpcObject, prefix: string): string =>
  o.nameBase64 !== undefined ? (o.nameBase64 as string) : Buffer.from(o.name.slice(prefix.length), 'utf8').toString('base64');

// Mapping-only holders are found through PROCMAP_QUERY where the kernel has it (then the maps text is read only
// for processes that map a file of those devices) and through the maps text of every process otherwise.
for (const via of ['PROCMAP_QUERY', 'the maps text of every process'] as const) describe(`takeSnapshot: shared memory (real kernel objects), mappings through ${via}`, function () {
  this.timeout(20000);
  let usable = true;
  before(function () {
    usable = procmapQuery.usable;
    if (via === 'PROCMAP_QUERY' && !mapsQuerySupported()) this.skip(); // a kernel before 6.11
    procmapQuery.usable = via === 'PROCMAP_QUERY';
  });
  after(() => {
    procmapQuery.usable = usable;
  });
  // (The switch is this thread's: the text variant walks on this thread alone, helper threads have their own.)
  const snap = (): Snapshot => takeSnapshot(via === 'PROCMAP_QUERY' ? {} : { threads: 1 });

  it('POSIX shm with an fd holder and a mapping-only holder, hostile names byte for byte; a named semaphore', async () => {
    type Shm = Ident & { fd: number; raw: string };
    const h = await start<{ pid: number; mapper: number; shm: Shm[]; sem: Ident & { raw: string } }>('shm');
    const s = snap();
    for (const x of h.info.shm) {
      const o = find(s, `posix-shm:${x.dev}:${x.ino}`);
      assert.equal(o.kind, 'posix-shm');
      assert.equal(bytesOf(o, '/'), x.raw);
      assert.ok(o.name.startsWith('/ipci-'));
      assert.deepEqual(o.endpoints, sorted([{ pid: h.info.pid, fd: x.fd, access: 'rw' }, { pid: h.info.mapper, fd: null, access: 'map' }]));
      assert.equal(o['size'], 8192);
      assert.equal(o['uid'], 0);
      assert.equal(o['mode'], 0o640);
      assert.equal(o['path'], '/dev/shm/' + Buffer.from(x.raw, 'base64').toString('utf8'));
    }
    const sem = find(s, `posix-sem:${h.info.sem.dev}:${h.info.sem.ino}`);
    assert.equal(sem.name, '/' + Buffer.from(h.info.sem.raw, 'base64').toString());
    // sem_open maps the file and closes its fd; the child forked before sem_open does not have it.
    assert.deepEqual(sem.endpoints, [{ pid: h.info.pid, fd: null, access: 'map' }]);
  });

  it('memfd with an fd holder and a mapping-only holder', async () => {
    const h = await start<Ident & { pid: number; mapper: number; fd: number; size: number }>('memfd');
    const s = snap();
    const o = find(s, `memfd:${h.info.dev}:${h.info.ino}`);
    assert.equal(o.name, 'memfd:ipci-memfd\x1b[31m');
    assert.deepEqual(o.endpoints, sorted([{ pid: h.info.pid, fd: h.info.fd, access: 'rw' }, { pid: h.info.mapper, fd: null, access: 'map' }]));
    assert.equal(o['size'], 12288);
  });

  it('SysV shm attached by two processes, msg queue with messages, semaphore set', async () => {
    const h = await start<{
      pid: number; child: number; key: number; shmid: number; size: number; msqid: number; qnum: number; cbytes: number;
      msgmnb: number; semid: number; nsems: number;
    }>('sysv');
    const s = snap();
    const ns = s.processes.find((p) => p.pid === h.info.pid)!.ipcns;
    const keyHex = '0x' + h.info.key.toString(16).padStart(8, '0');
    const shm = find(s, `sysv-shm:${ns}:${h.info.shmid}`);
    assert.equal(shm.name, `key ${keyHex}`);
    assert.deepEqual(shm.endpoints, sorted([{ pid: h.info.pid, fd: null, access: 'map' }, { pid: h.info.child, fd: null, access: 'map' }]));
    assert.equal(shm['nattch'], 2);
    assert.equal(shm['size'], h.info.size);
    assert.equal(shm['mode'], 0o600);
    assert.equal(shm['cpid'], h.info.pid);
    assert.equal(shm['ipcns'], ns);
    const msg = find(s, `sysv-msg:${ns}:${h.info.msqid}`);
    assert.deepEqual(msg.queue, { used: h.info.qnum, capacity: null, unit: 'messages' });
    assert.equal(msg['bytes'], h.info.cbytes);
    assert.equal(msg['maxBytes'], h.info.msgmnb);
    const sem = find(s, `sysv-sem:${ns}:${h.info.semid}`);
    assert.equal(sem['nsems'], h.info.nsems);
    assert.equal(sem.name, `key ${keyHex}`);
  });
});

/** Whether this kernel answers PROCMAP_QUERY (asked about our own mappings). */
function mapsQuerySupported(): boolean {
  const saved = procmapQuery.usable;
  procmapQuery.usable = true;
  const dir = openPidDir(process.pid);
  try {
    return typeof dir !== 'string' && mapsFileOnDevices(dir, [], []) !== null;
  } finally {
    if (typeof dir !== 'string') closeFd(dir);
    procmapQuery.usable = saved && procmapQuery.usable;
  }
}

describe('mapsFileOnDevices (PROCMAP_QUERY on /proc/PID/maps)', function () {
  this.timeout(20000);
  it('says which processes map a file of a device, and nothing more; null where the ioctl is off', async function () {
    if (!mapsQuerySupported()) this.skip();
    const h = await start<Ident & { pid: number; mapper: number; fd: number; size: number }>('memfd');
    const dev = (st: number): [number, number] => [Math.floor((st % 2 ** 32) / 256) & 0xfff, (st & 0xff) | (Math.floor((st % 2 ** 32) / 4096) & 0xfff00)];
    const [major, minor] = dev(h.info.dev);
    const ask = (pid: number, majors: number[], minors: number[]): boolean | null => {
      const dir = openPidDir(pid);
      assert.ok(typeof dir !== 'string', String(dir));
      try {
        return mapsFileOnDevices(dir, majors, minors);
      } finally {
        closeFd(dir);
      }
    };
    // The mapper maps the memfd (and holds no fd of it); `sleep` maps no file of that device, only its
    // program and libraries, which are files of another device, found among several.
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200)); // exec'd and linked
      assert.equal(ask(h.info.mapper, [major], [minor]), true);
      assert.equal(ask(sleeper.pid!, [major], [minor]), false);
      const [pmaj, pmin] = dev(statSync('/usr/bin/sleep').dev);
      assert.equal(ask(sleeper.pid!, [major, pmaj], [minor, pmin]), true);
      assert.equal(ask(sleeper.pid!, [], []), false);
    } finally {
      sleeper.kill();
    }
    const saved = procmapQuery.usable;
    procmapQuery.usable = false;
    try {
      assert.equal(ask(h.info.mapper, [major], [minor]), null);
    } finally {
      procmapQuery.usable = saved;
    }
  });
});

describe('takeSnapshot: SysV permissions audit (real kernel objects)', function () {
  this.timeout(20000);

  it('flags every SysV object other users can write through (0777, 0622, 0666), not private ones (0660, 0644)', async () => {
    const h = await start<{ objects: { kind: string; id: number; mode: number }[] }>('sysv_modes');
    const s = takeSnapshot({ kinds: ['sysv-shm', 'sysv-msg', 'sysv-sem'] });
    const ns = s.processes.find((p) => p.pid === process.pid)!.ipcns;
    for (const x of h.info.objects) {
      const o = find(s, `${x.kind}:${ns}:${x.id}`);
      assert.equal(o['mode'], x.mode);
      const codes = o.findings.map((f) => `${f.code} ${f.severity}`);
      if (x.mode & 0o002) {
        assert.deepEqual(codes, ['world-writable warning'], `${x.kind} ${x.mode.toString(8)}`);
        assert.match(o.findings[0]!.message, new RegExp(`^mode 0${x.mode.toString(8)}: any local user can `));
      } else assert.deepEqual(codes, [], `${x.kind} ${x.mode.toString(8)}`);
    }
  });
});

describe('takeSnapshot: SysV objects of another IPC namespace', function () {
  this.timeout(20000);

  it('are read inside that namespace, labelled with its ipcns, attachments only from its processes', async function () {
    if (process.getuid!() !== 0 || spawnSync('unshare', ['--ipc', 'true']).status !== 0) this.skip();
    type Info = { pid: number; child: number; shmid: number; msqid: number; qnum: number; cbytes: number; semid: number };
    const h = await startHelper<Info>('ipc_kinds.py', ['sysv', work], ['unshare', '--ipc']);
    holders.push(h);
    const s = takeSnapshot();
    const mine = s.processes.find((p) => p.pid === process.pid)!.ipcns;
    const theirs = s.processes.find((p) => p.pid === h.info.pid)!.ipcns;
    assert.notEqual(theirs, mine);
    assert.ok(!s.notes.some((n) => n.includes('could not be entered')), s.notes.join('; '));
    const shm = find(s, `sysv-shm:${theirs}:${h.info.shmid}`);
    assert.equal(shm['ipcns'], theirs);
    assert.equal(shm['nattch'], 2);
    assert.deepEqual(shm.endpoints, sorted([{ pid: h.info.pid, fd: null, access: 'map' }, { pid: h.info.child, fd: null, access: 'map' }]));
    const msg = find(s, `sysv-msg:${theirs}:${h.info.msqid}`);
    assert.deepEqual([msg.queue?.used, msg['bytes']], [h.info.qnum, h.info.cbytes]);
    find(s, `sysv-sem:${theirs}:${h.info.semid}`);
    // Nothing of theirs leaks into our namespace's objects, and the mqueue limitation is said.
    for (const o of s.objects.filter((x) => x.kind.startsWith('sysv-') && x['ipcns'] === mine)) {
      assert.ok(!o.endpoints.some((e) => e.pid === h.info.pid || e.pid === h.info.child), o.id);
    }
    // It shares our mount namespace, so it has no mqueue mount of its own: only queues held open can be listed.
    assert.ok(s.notes.some((n) => /\d+ process(es)? in other IPC namespaces without a readable mqueue mount: only the POSIX message queues they hold open are shown/.test(n)), s.notes.join('; '));
  });
});

describe('takeSnapshot: POSIX shared memory in another mount namespace\'s own /dev/shm (a container)', function () {
  this.timeout(20000);

  it('is listed through that /dev/shm, with fd and mapping-only holders, hostile names byte for byte, labelled', async function () {
    if (process.getuid!() !== 0 || spawnSync('unshare', ['--mount', 'true']).status !== 0) this.skip();
    type Shm = Ident & { fd: number; raw: string };
    // A container-like process: its own mount namespace with a tmpfs of its own at /dev/shm, as Docker gives.
    const h = await startHelper<{ pid: number; mapper: number; shm: Shm[]; sem: Ident & { raw: string } }>('ipc_kinds.py', ['shm', work],
      ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=4m tmpfs /dev/shm && exec "$0" "$@"']);
    holders.push(h);
    const s = takeSnapshot();
    const theirNs = statSync(`/proc/${h.info.pid}/ns/mnt`).ino;
    assert.notEqual(theirNs, statSync('/proc/self/ns/mnt').ino);
    assert.notEqual(h.info.shm[0]!.dev, statSync('/dev/shm').dev, 'their /dev/shm is not ours');
    for (const x of h.info.shm) {
      const o = find(s, `posix-shm:${x.dev}:${x.ino}`);
      assert.equal(bytesOf(o, '/'), x.raw);
      assert.deepEqual(o.endpoints, sorted([{ pid: h.info.pid, fd: x.fd, access: 'rw' }, { pid: h.info.mapper, fd: null, access: 'map' }]));
      assert.deepEqual([o['size'], o['uid'], o['mode']], [8192, 0, 0o640]);
      assert.equal(o['mntns'], theirNs);
      // Its path is reachable from here (through their root), never our /dev/shm.
      assert.match(String(o['path']), /^\/proc\/\d+\/root\/dev\/shm\/ipci-/);
    }
    const sem = find(s, `posix-sem:${h.info.sem.dev}:${h.info.sem.ino}`);
    assert.equal(sem.name, '/' + Buffer.from(h.info.sem.raw, 'base64').toString());
    assert.deepEqual(sem.endpoints, [{ pid: h.info.pid, fd: null, access: 'map' }]);
    // Listed once each, and none of them as one of ours.
    // The table tells it from a host segment of the same name.
    const row = renderTable(s).split('\n').find((l) => l.startsWith('posix-shm ') && l.includes(`python3[${h.info.pid}]${h.info.shm[0]!.fd}rw`));
    assert.match(row ?? '', new RegExp(` mntns=${theirNs} size=8 KiB mode=0640`));
    const ids = s.objects.filter((o) => o.kind.startsWith('posix-s') && o['dev'] === h.info.shm[0]!.dev).map((o) => o.id);
    assert.equal(ids.length, h.info.shm.length + 1);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('takeSnapshot: POSIX message queues of another IPC namespace', function () {
  this.timeout(20000);

  it('are listed through that namespace\'s own mqueue mount, with exact attributes and holders, labelled, not mixed with ours', async function () {
    if (process.getuid!() !== 0 || spawnSync('unshare', ['--ipc', '--mount', 'true']).status !== 0) this.skip();
    type Q = { dev: number; ino: number; fd: number; raw: string; curmsgs: number; bytes: number };
    // A container-like process: its own IPC and mount namespaces, with mqueue mounted where it expects it.
    const h = await startHelper<{ pid: number; queues: Q[]; maxmsg: number; msgsize: number }>('ipc_kinds.py', ['mqueue', work],
      ['unshare', '--ipc', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t mqueue none /dev/mqueue && exec "$0" "$@"']);
    holders.push(h);
    const s = takeSnapshot();
    const mine = s.processes.find((p) => p.pid === process.pid)!.ipcns;
    const theirs = s.processes.find((p) => p.pid === h.info.pid)!.ipcns;
    assert.notEqual(theirs, mine);
    // (Other tests' processes in other IPC namespaces without a mount of their own may still be noted.)
    for (const q of h.info.queues) {
      const o = s.objects.find((x) => x.kind === 'posix-mq' && x.inode === q.ino && x['ipcns'] === theirs);
      assert.ok(o, `queue ${q.raw} of ipc:[${theirs}] not found`);
      assert.deepEqual(o.queue, { used: q.curmsgs, capacity: h.info.maxmsg, unit: 'messages' });
      assert.equal(o['msgsize'], h.info.msgsize);
      assert.equal(o['bytes'], q.bytes);
      assert.deepEqual(o.endpoints, [{ pid: h.info.pid, fd: q.fd, access: 'rw' }]);
      assert.equal(bytesOf(o, '/'), q.raw);
      // Its path is reachable from here (through their mount), never our /dev/mqueue.
      assert.match(String(o.path), new RegExp(`^/proc/\\d+/root/dev/mqueue/`));
    }
    // The refresh path re-reads them through the same mount.
    const r = refreshQueues(s.objects.filter((o) => o.kind === 'posix-mq' && o['ipcns'] === theirs));
    assert.equal(r.samples.length, h.info.queues.length);
    for (const q of h.info.queues) {
      const o = s.objects.find((x) => x.kind === 'posix-mq' && x.inode === q.ino && x['ipcns'] === theirs)!;
      assert.deepEqual(r.samples.find((x) => x.id === o.id)?.queue, { used: q.curmsgs, capacity: h.info.maxmsg, unit: 'messages' });
    }
    // None of their queues is shown as one of ours.
    const theirInodes = new Set(h.info.queues.map((q) => q.ino));
    assert.ok(!s.objects.some((o) => o.kind === 'posix-mq' && o['ipcns'] === mine && theirInodes.has(o.inode) && o.endpoints.some((e) => e.pid === h.info.pid)));
  });
});

describe('another namespace\'s mqueue path turned into a symlink to a host directory', function () {
  this.timeout(30000);

  it('the refresh path opens nothing there: no FIFO (or device) of the host is opened as "a queue"', async function () {
    // A container's root is the container's to shape: its /dev/mqueue may become a symlink, and an absolute one
    // is followed from the inspector's root, through /proc/PID/root. Here a chroot whose /dev/mqueue points to a
    // host directory holding a FIFO named like the queue a snapshot listed; a writer waits for a reader there.
    if (process.getuid!() !== 0) this.skip();
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-jail-'));
    const jail = path.join(dir, 'root');
    const host = path.join(dir, 'host');
    execFileSync('mkdir', ['-p', path.join(jail, 'dev'), host]);
    try {
      execFileSync('gcc', ['-static', '-O2', '-o', path.join(jail, 'sleep'), path.join(__dirname, 'helpers/jail_sleep.c')]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      this.skip();
    }
    execFileSync('ln', ['-s', host, path.join(jail, 'dev', 'mqueue')]);
    execFileSync('mkfifo', [path.join(host, 'q')]);
    const jailed = spawn('chroot', [jail, '/sleep'], { stdio: ['pipe', 'ignore', 'inherit'] });
    // Opening the FIFO for writing blocks until someone opens it for reading.
    const writer = spawn(process.execPath, ['-e', `require('fs').openSync(${JSON.stringify(path.join(host, 'q'))}, 'w'); console.log('opened')`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let opened = false;
    writer.stdout!.on('data', () => (opened = true));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const own = takeSnapshot({ kinds: [] }).processes.find((p) => p.pid === process.pid)!.ipcns!;
      const target = { id: 'posix-mq:99:4242', kind: 'posix-mq' as const, inode: 4242, endpoints: [], ipcns: own + 1, name: '/q', path: `/proc/${jailed.pid}/root/dev/mqueue/q` };
      const r = refreshQueues([target]);
      assert.deepEqual(r.samples, [{ id: target.id, queue: null }]);
      await new Promise((res) => setTimeout(res, 300));
      assert.equal(opened, false, 'the host FIFO was opened for reading by the refresh');
    } finally {
      jailed.stdin!.end();
      writer.kill();
      jailed.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('takeSnapshot: a POSIX message queue of another IPC namespace unlinked while held', function () {
  this.timeout(20000);

  it('is listed from its holder\'s fd, deleted, with exact figures, labelled with that namespace; the queue now of that name once', async function () {
    if (process.getuid!() !== 0 || spawnSync('unshare', ['--ipc', '--mount', 'true']).status !== 0) this.skip();
    type Q = Ident & { curmsgs: number; bytes: number; maxmsg: number; msgsize: number };
    const h = await startHelper<{ pid: number; gone: Q; new: Q }>('ipc_kinds.py', ['mqueue_held', work],
      ['unshare', '--ipc', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t mqueue none /dev/mqueue && exec "$0" "$@"']);
    holders.push(h);
    const s = takeSnapshot();
    const theirs = s.processes.find((p) => p.pid === h.info.pid)!.ipcns;
    const gone = s.objects.filter((o) => o.kind === 'posix-mq' && o.inode === h.info.gone.ino && o['dev'] === h.info.gone.dev);
    assert.equal(gone.length, 1, JSON.stringify(gone.map((o) => o.id)));
    assert.equal(gone[0]!['deleted'], true);
    assert.equal(gone[0]!['ipcns'], theirs);
    assert.equal(gone[0]!['path'], undefined);
    assert.deepEqual(gone[0]!.queue, { used: h.info.gone.curmsgs, capacity: h.info.gone.maxmsg, unit: 'messages' });
    assert.equal(gone[0]!['bytes'], h.info.gone.bytes);
    const now = s.objects.filter((o) => o.kind === 'posix-mq' && o.inode === h.info.new.ino && o['dev'] === h.info.new.dev);
    assert.equal(now.length, 1);
    assert.equal(now[0]!['ipcns'], theirs);
    assert.match(String(now[0]!['path']), /^\/proc\/\d+\/root\/dev\/mqueue\//);
  });
});

describe('takeSnapshot: POSIX message queues (real kernel objects)', function () {
  this.timeout(20000);

  it('exact curmsgs/maxmsg/msgsize, fd holders, hostile names byte for byte; refresh re-reads them', async () => {
    type Q = Ident & { fd: number; raw: string; curmsgs: number; bytes: number };
    const h = await start<{ pid: number; queues: Q[]; maxmsg: number; msgsize: number }>('mqueue');
    const s = takeSnapshot();
    for (const q of h.info.queues) {
      const o = find(s, `posix-mq:${q.dev}:${q.ino}`);
      assert.equal(bytesOf(o, '/'), q.raw);
      assert.deepEqual(o.queue, { used: q.curmsgs, capacity: h.info.maxmsg, unit: 'messages' });
      assert.equal(o['msgsize'], h.info.msgsize);
      assert.equal(o['bytes'], q.bytes);
      assert.deepEqual(o.endpoints, [{ pid: h.info.pid, fd: q.fd, access: 'rw' }]);
    }
    // Sampling consumed nothing: a second snapshot and the refresh path see the same counts.
    const again = takeSnapshot();
    const ids = h.info.queues.map((q) => `posix-mq:${q.dev}:${q.ino}`);
    const r = refreshQueues(again.objects.filter((o) => ids.includes(o.id)));
    for (const q of h.info.queues) {
      const id = `posix-mq:${q.dev}:${q.ino}`;
      assert.equal(find(again, id).queue?.used, q.curmsgs);
      assert.deepEqual(r.samples.find((x) => x.id === id)?.queue, { used: q.curmsgs, capacity: h.info.maxmsg, unit: 'messages' });
    }
  });
});

describe('takeSnapshot: POSIX message queues known only through their holders (real kernel objects)', function () {
  this.timeout(30000);
  type Q = Ident & { curmsgs: number; bytes: number; maxmsg: number; msgsize: number };
  type Held = { pid: number; raw: string; gone: Q & { w: number; r: number }; new: Q & { fd: number } };

  it('a queue unlinked while held is listed as deleted, with exact figures through a holder and no path; the new queue of that name is another object', async () => {
    const h = await start<Held>('mqueue_held');
    const { gone, new: now } = h.info;
    const s = takeSnapshot();
    const o = find(s, `posix-mq:${gone.dev}:${gone.ino}`);
    assert.equal(o['deleted'], true);
    assert.equal(bytesOf(o, '/'), h.info.raw);
    assert.equal(o['path'], undefined, 'an unlinked queue has no path (its name is now another queue\'s)');
    assert.deepEqual(o.queue, { used: gone.curmsgs, capacity: gone.maxmsg, unit: 'messages' });
    assert.equal(o['msgsize'], gone.msgsize);
    // The status line (QSIZE) read through the read-only holder: a write-only descriptor cannot be read.
    assert.equal(o['bytes'], gone.bytes);
    assert.deepEqual(o.endpoints, sorted([{ pid: h.info.pid, fd: gone.w, access: 'w' }, { pid: h.info.pid, fd: gone.r, access: 'r' }]));
    assert.equal(o['mode'], 0o640);
    const n = find(s, `posix-mq:${now.dev}:${now.ino}`);
    assert.equal(n['deleted'], undefined);
    assert.equal(n['path'], '/dev/mqueue/' + Buffer.from(h.info.raw, 'base64').toString());
    assert.deepEqual(n.queue, { used: now.curmsgs, capacity: now.maxmsg, unit: 'messages' });
    assert.equal(n['bytes'], now.bytes);
    // The refresh path reads the unlinked queue through its holder, never by its name (now the new queue's).
    await h.command('send-gone');
    const r = refreshQueues([o, n]);
    assert.deepEqual(r.samples.find((x) => x.id === o.id)?.queue, { used: gone.curmsgs + 1, capacity: gone.maxmsg, unit: 'messages' });
    assert.deepEqual(r.samples.find((x) => x.id === n.id)?.queue, { used: now.curmsgs, capacity: now.maxmsg, unit: 'messages' });
    // A name read for a queue it no longer means (the listed object as a stale snapshot would keep it) gives no figures.
    const stale = refreshQueues([{ ...n, inode: gone.ino, dev: gone.dev, id: 'stale' }]);
    assert.deepEqual(stale.samples, [{ id: 'stale', queue: null }]);
    // Without pidfd rights (the re-open of /proc/PID/fd/N): the same figures, and nothing for a reused fd number.
    class NoPidfds extends Pidfds {
      override get(): number {
        return -1;
      }
    }
    assert.deepEqual(mqFiguresViaFd(h.info.pid, gone.r, gone.dev, gone.ino, new NoPidfds()), {
      attr: { curmsgs: gone.curmsgs + 1, maxmsg: gone.maxmsg, msgsize: gone.msgsize }, qsize: gone.bytes + 7, notifyPid: 0,
    });
    assert.equal(mqFiguresViaFd(h.info.pid, now.fd, gone.dev, gone.ino, new NoPidfds()), null);
    // Nothing was consumed.
    const again = find(takeSnapshot(), o.id);
    assert.equal(again.queue?.used, gone.curmsgs + 1);
  });

  it('without a /dev/mqueue mount, every queue a process holds is listed from its fd, exact, and the note says what is missing', async function () {
    if (process.getuid!() !== 0 || spawnSync('unshare', ['--mount', 'true']).status !== 0) this.skip();
    const h = await start<Held>('mqueue_held');
    const { gone, new: now } = h.info;
    // A process of another IPC namespace that shares our mount namespace: the /dev/mqueue it sees is our
    // namespace's mount (not its own queues), which must not be listed as its namespace's.
    const other = await startHelper<{ pid: number }>('ipc_kinds.py', ['sysv', work], ['unshare', '--ipc']);
    holders.push(other);
    const ownIpcns = statSync('/proc/self/ns/ipc').ino;
    const script = path.join(__dirname, 'helpers/snapshot-mq.ts');
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'umount /dev/mqueue && exec "$0" "$@"', process.execPath, '--import', 'tsx', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { notes: string[]; queues: IpcObject[]; samples: { id: string; queue: unknown }[] };
    assert.ok(out.notes.some((x) => /\/dev\/mqueue is not mounted, so only the queues a process holds open are shown/.test(x)), out.notes.join('; '));
    for (const q of [gone, now]) {
      const o = out.queues.find((x) => x.id === `posix-mq:${q.dev}:${q.ino}`);
      assert.ok(o, `queue ${q.ino} not found without the mount: ${out.queues.map((x) => x.id).join(", ")}; ${out.notes.join("; ")}`);
      assert.deepEqual(o.queue, { used: q.curmsgs, capacity: q.maxmsg, unit: 'messages' });
      assert.equal(o['bytes'], q.bytes);
      assert.equal(o['msgsize'], q.msgsize);
      assert.equal(o['path'], undefined);
      assert.equal(bytesOf(o, '/'), h.info.raw);
      assert.equal(o['ipcns'], ownIpcns);
      assert.equal(out.queues.filter((x) => x.inode === q.ino && x['dev'] === q.dev).length, 1, 'listed once, as our namespace\'s');
      assert.deepEqual(out.samples.find((x) => x.id === o.id)?.queue, { used: q.curmsgs, capacity: q.maxmsg, unit: 'messages' });
    }
    assert.equal(out.queues.find((x) => x.id === `posix-mq:${gone.dev}:${gone.ino}`)?.['deleted'], true);
    assert.equal(out.queues.find((x) => x.id === `posix-mq:${now.dev}:${now.ino}`)?.['deleted'], undefined);
  });
});

describe('takeSnapshot: eventfd, signalfd and signals (real kernel objects)', function () {
  this.timeout(20000);

  it('an eventfd shared by two processes is one object (eventfd-id), with its count; a signalfd with its mask', async () => {
    type Ev = { fd: number; id: number; count: number };
    const h = await start<{ pid: number; child: number; shared: Ev; alone: Ev; signalfd: { fd: number; signals: string[] } }>('events');
    const s = takeSnapshot();
    const shared = find(s, `eventfd:${h.info.shared.id}`);
    assert.deepEqual(shared.endpoints, sorted([{ pid: h.info.pid, fd: h.info.shared.fd, access: 'rw' }, { pid: h.info.child, fd: h.info.shared.fd, access: 'rw' }]));
    assert.equal(shared['count'], 7);
    const alone = find(s, `eventfd:${h.info.alone.id}`);
    assert.deepEqual(alone.endpoints, [{ pid: h.info.pid, fd: h.info.alone.fd, access: 'rw' }]);
    assert.equal(alone['count'], 0);
    const sfd = find(s, `signalfd:${h.info.pid}:${h.info.signalfd.fd}`);
    assert.deepEqual(sfd['signals'], h.info.signalfd.signals);
    assert.equal(sfd.name, 'SIGUSR2, SIGRTMIN+2');
  });

  it('each thread\'s own mask and pending set, which the process\'s status does not show; ls --signals gives the thread a row', async () => {
    const h = await start<{ pid: number; tid: number; blocked: string[]; pending: string[] }>('thread_signals');
    const s = takeSnapshot({ kinds: [] });
    const p = s.processes.find((x) => x.pid === h.info.pid)!;
    const sig = p['signals'] as { blocked: string[]; pendingThread: string[]; threads?: number };
    // The process's status is its main thread's: nothing blocked or pending there.
    assert.deepEqual([sig.blocked, sig.pendingThread], [[], []]);
    assert.ok((sig.threads ?? 0) >= 2, `threads ${sig.threads}`);
    const threads = readThreadSignals(h.info.pid);
    assert.ok(threads);
    const worker = threads.find((t) => t.tid === h.info.tid);
    assert.ok(worker, `thread ${h.info.tid} among ${threads.map((t) => t.tid).join(', ')}`);
    assert.deepEqual(worker.blocked, h.info.blocked);
    assert.deepEqual(worker.pending, h.info.pending);
    assert.equal(typeof worker.name, 'string');
    assert.deepEqual(threads.find((t) => t.tid === h.info.pid)?.blocked, []);
    const table = renderSignalTable(s, new Map([[h.info.pid, threads]]));
    const row = table.split('\n').find((l) => l.trimStart().startsWith(`${h.info.tid} `));
    assert.ok(row, table);
    assert.match(row, /thread .*USR1,RTMIN\+6 +thread USR1,RTMIN\+6/);
    assert.equal(readThreadSignals(2 ** 22 + 7), null, 'a process that does not exist');
  });

  it('caught, ignored, blocked and pending (process and thread) signals, real-time ones by name', async () => {
    const h = await start<{ pid: number; blocked: string[]; pending: string[]; pendingThread: string[] }>('signals');
    const s = takeSnapshot();
    const sig = s.processes.find((p) => p.pid === h.info.pid)?.['signals'] as Record<string, string[]>;
    assert.ok(sig);
    assert.ok(sig['caught']!.includes('SIGUSR1'));
    assert.ok(!sig['caught']!.includes('SIGUSR2'));
    assert.ok(sig['ignored']!.includes('SIGUSR2'));
    assert.deepEqual(sig['blocked'], h.info.blocked);
    assert.deepEqual(sig['pending'], h.info.pending);
    assert.deepEqual(sig['pendingThread'], h.info.pendingThread);
  });
});
