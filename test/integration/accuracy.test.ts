// Integration: figures and states that were easy to misreport, on real kernel objects (helpers/accuracy_objects.py):
// a Unix datagram queue (the kernel reports the next datagram's size), a UDP one (receive-buffer memory), a TCP
// send queue, a connection waiting in an accept queue, a deleted FIFO and one literally named "... (deleted)",
// socket files deleted or replaced under their listener, an unlinked shm segment known only by a mapping, and a
// SysV segment removed while attached.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderTable } from '../../src/core/cliTable';
import { formatQueue } from '../../src/core/format';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { refreshQueues } from '../../src/core/scan/refresh';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { objectDescription } from '../../src/core/view/treeModel';
import { ownFdTargets, startHelper, type Holder } from './helpers/holders';

interface Info {
  pid: number; dgram: number; udp: number; tcpSender: number; unacceptedClient: number;
  goneFifo: number; goneFifoPath: string; realFifo: number; realFifoPath: string;
  deletedSock: number; deletedSockPath: string; replacedSock: number; replacedSockPath: string;
  shmIno: number; shmName: string; sysvShmid: number; unreadPipe: number; unreadPipeFd: number; unreadFifo: number;
}

describe('figures and states that are easy to misreport (real objects)', function () {
  this.timeout(30000);
  let dir: string;
  let h: Holder<Info>;
  let snap: Snapshot;
  const obj = (kind: IpcObject['kind'], inode: number): IpcObject => {
    const o = snap.objects.find((x) => x.kind === kind && x.inode === inode);
    assert.ok(o, `${kind} ${inode} in the snapshot`);
    return o;
  };
  /** The table row of an object (INODE column). */
  const row = (o: IpcObject) => renderTable(snap).split('\n').find((l) => l.startsWith(`${o.kind} `) && l.split(/\s+/)[1] === String(o.inode)) ?? '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipci-acc-'));
    h = await startHelper<Info>('accuracy_objects.py', [dir]);
    snap = takeSnapshot({});
  });
  after(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a Unix datagram queue is the next datagram\'s size, and says so', () => {
    const o = obj('unix', h.info.dgram);
    assert.deepEqual(o.queue, { used: 50, capacity: null, unit: 'bytes', measure: 'next-datagram' });
    assert.equal(formatQueue(o.queue!), 'next datagram 50 B');
    // The refresh path (live views, watch) says the same.
    const r = refreshQueues([o]).samples.find((x) => x.id === o.id);
    assert.deepEqual(r?.queue, { used: 50, capacity: null, unit: 'bytes', measure: 'next-datagram' });
  });

  it('a UDP queue is receive-buffer memory (three 100-byte datagrams and their overhead), and says so', () => {
    const o = obj('udp', h.info.udp);
    assert.equal(o.queue?.measure, 'memory');
    assert.ok(o.queue!.used >= 300, `used ${o.queue!.used}`);
    assert.match(formatQueue(o.queue!), /rcvbuf memory$/);
    assert.equal(refreshQueues([o]).samples.find((x) => x.id === o.id)?.queue?.measure, 'memory');
  });

  it('a TCP send queue shows in the table, and a connection waiting in an accept queue is its client\'s "unaccepted" peer', () => {
    const s = obj('tcp', h.info.tcpSender);
    assert.ok((s.inet!.sendQueue ?? 0) > 0, `sendQueue ${s.inet!.sendQueue}`);
    assert.match(row(s), /sendq=\d/, row(s));
    const c = obj('tcp', h.info.unacceptedClient);
    assert.ok(c.inet!.peer, 'the client has the embryo connection as peer');
    const embryo = snap.objects.find((x) => x.id === c.inet!.peer)!;
    assert.deepEqual([embryo.inode, embryo.queue?.used], [0, 123]);
    assert.match(row(c), /peer=unaccepted/, row(c));
  });

  it('a FIFO unlinked while held is "deleted" with its name; a live FIFO named "real (deleted)" keeps its name', () => {
    const gone = obj('fifo', h.info.goneFifo);
    assert.deepEqual([gone.name, gone['deleted']], [h.info.goneFifoPath, true]);
    assert.match(objectDescription(gone, new Map()), /deleted/);
    const real = obj('fifo', h.info.realFifo);
    assert.deepEqual([real.name, real['deleted']], [h.info.realFifoPath, undefined]);
  });

  it('a listener whose socket file was deleted, or replaced by another file, is marked so', () => {
    const del = obj('unix', h.info.deletedSock);
    assert.deepEqual([del.name, del['deleted'], del['replaced']], [h.info.deletedSockPath, true, undefined]);
    assert.match(objectDescription(del, new Map()), /socket file deleted/);
    const rep = obj('unix', h.info.replacedSock);
    assert.deepEqual([rep['deleted'], rep['replaced']], [undefined, true]);
    assert.match(row(rep), / replaced/);
  });

  it('an unlinked shm segment known by a mapping only has no made-up size, owner or mode', () => {
    const o = obj('posix-shm', h.info.shmIno);
    assert.deepEqual([o.name, o['deleted'], o['size'], o['uid'], o['mode']], [h.info.shmName, true, null, null, null]);
    assert.doesNotMatch(row(o), /size=|mode=|uid=/, row(o));
    assert.ok(o.endpoints.some((e) => e.pid === h.info.pid && e.access === 'map'));
  });

  it('a pipe and a FIFO no process reads any more show the bytes still queued (through the writer, nothing added)', () => {
    const p = obj('pipe', h.info.unreadPipe);
    assert.deepEqual(p.endpoints, [{ pid: h.info.pid, fd: h.info.unreadPipeFd, access: 'w' }], 'held by its writer only');
    assert.deepEqual(p.queue, { used: 12000, capacity: 65536, unit: 'bytes' });
    const f = obj('fifo', h.info.unreadFifo);
    assert.deepEqual(f.queue, { used: 3000, capacity: 65536, unit: 'bytes' });
    const fdsBefore = ownFdTargets();
    const r = refreshQueues([p, f]).samples;
    assert.deepEqual(r.map((x) => x.queue?.used), [12000, 3000], 'the refresh path too');
    assert.deepEqual(ownFdTargets(), fdsBefore, 'no fd of ours left behind');
    // Still no reader: the sample added no open file (a re-open would have made the pipe readable again).
    assert.deepEqual(takeSnapshot({ kinds: ['pipe'] }).objects.find((o) => o.id === p.id)?.endpoints, p.endpoints);
  });

  it('a SysV segment removed while attached says "dest" (freed on the last detach)', () => {
    const o = obj('sysv-shm', h.info.sysvShmid);
    assert.ok(((o['perms'] as number) & 0o1000) !== 0, `perms ${(o['perms'] as number).toString(8)}`);
    assert.match(row(o), / dest\b/, row(o));
  });
});
