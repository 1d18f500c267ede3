// Unit tests for the pure join of shm, memfd, mqueue, SysV, eventfd and signalfd records into objects.

import { strict as assert } from 'node:assert';
import type { FdRecord, IpcDevices } from '../../src/core/scan/fds';
import { joinIpcObjects, type IpcJoinInput } from '../../src/core/scan/ipcJoin';
import type { MapEntry } from '../../src/core/procfs/maps';

const DEVS: IpcDevices = { shmDev: 26, mqDev: 19, memfdDev: 1, anonDev: 16 };
const S_IFREG = 0o100000;

const reg = (pid: number, fd: number, dev: number, ino: number, link: string | Buffer, access: FdRecord['access'] = 'rw'): FdRecord =>
  ({ pid, fd, type: S_IFREG, dev, ino, access, link: Buffer.from(link), size: 4096, uid: 1000, mode: 0o600 });
const map = (dev: number, ino: number, path: string | Buffer, deleted = false): MapEntry => ({ dev, ino, path: Buffer.from(path), deleted });
const input = (over: Partial<IpcJoinInput>): IpcJoinInput => ({ fds: [], maps: [], devs: DEVS, shm: [], mqueues: [], sysv: null, ipcns: 4026531839, ...over });

describe('join: shared memory', () => {
  it('POSIX shm: fd holders, plus a "map" endpoint only for processes that map it without an fd', () => {
    const [o] = joinIpcObjects(input({
      shm: [{ raw: Buffer.from('bad\xff', 'latin1'), dev: 26, ino: 7, size: 8192, uid: 1000, mode: 0o640 }],
      fds: [reg(30, 5, 26, 7, '/dev/shm/bad\xff')],
      maps: [{ pid: 30, entries: [map(26, 7, '/dev/shm/bad\xff')] }, { pid: 20, entries: [map(26, 7, '/dev/shm/bad\xff')] }],
    }));
    assert.equal(o!.id, 'posix-shm:26:7');
    assert.equal(o!.name, '/bad\ufffd');
    assert.equal(o!.nameBase64, Buffer.from('bad\xff', 'latin1').toString('base64'));
    assert.deepEqual(o!.endpoints, [{ pid: 20, fd: null, access: 'map' }, { pid: 30, fd: 5, access: 'rw' }]);
    assert.deepEqual([o!['size'], o!['uid'], o!['mode'], o!['mappedBy']], [8192, 1000, 0o640, [20, 30]]);
  });

  it('named semaphores are posix-sem named "/x"; unlinked shm still held is listed as deleted', () => {
    const objs = joinIpcObjects(input({
      shm: [{ raw: Buffer.from('sem.x'), dev: 26, ino: 8, size: 32, uid: 0, mode: 0o600 }],
      maps: [{ pid: 9, entries: [map(26, 8, '/dev/shm/sem.x'), map(26, 9, '/dev/shm/gone', true)] }],
    }));
    assert.deepEqual(objs.map((o) => [o.kind, o.name, o['deleted'] ?? false]), [['posix-sem', '/x', false], ['posix-shm', '/gone', true]]);
  });

  it('memfd from fds and mappings; SysV attachments from "/SYSV<key>" mappings by shmid; key 0 is named by id', () => {
    const objs = joinIpcObjects(input({
      fds: [reg(5, 3, 1, 100, '/memfd:buf (deleted)', 'r')],
      maps: [{ pid: 6, entries: [map(1, 100, '/memfd:buf', true), map(1, 3, '/SYSV0000abcd', true), map(1, 4, '/SYSV00000000', true)] },
        { pid: 7, entries: [map(1, 3, '/SYSV0000abcd', true), map(1, 50, '/dev/zero', true)] }],
      sysv: {
        shm: [{ key: 0xabcd, shmid: 3, perms: 0o666, size: 4096, cpid: 6, lpid: 7, nattch: 2, uid: 0 },
          { key: 0, shmid: 4, perms: 0o600, size: 4096, cpid: 6, lpid: 6, nattch: 1, uid: 0 }],
        msg: [{ key: 1, msqid: 2, perms: 0o600, cbytes: 60, qnum: 3, lspid: 6, lrpid: 0, uid: 0, qbytes: 16384 }],
        sem: [],
      },
    }));
    const byId = new Map(objs.map((o) => [o.id, o]));
    assert.deepEqual(byId.get('memfd:1:100')!.endpoints, [{ pid: 5, fd: 3, access: 'r' }, { pid: 6, fd: null, access: 'map' }]);
    assert.equal(byId.get('memfd:1:100')!.name, 'memfd:buf');
    const s3 = byId.get('sysv-shm:4026531839:3')!;
    assert.equal(s3.name, 'key 0x0000abcd');
    assert.deepEqual(s3.endpoints, [{ pid: 6, fd: null, access: 'map' }, { pid: 7, fd: null, access: 'map' }]);
    assert.equal(s3['mode'], 0o666);
    assert.equal(byId.get('sysv-shm:4026531839:4')!.name, 'shmid 4');
    const m = byId.get('sysv-msg:4026531839:2')!;
    assert.deepEqual([m.queue, m['bytes'], m['maxBytes']], [{ used: 3, capacity: null, unit: 'messages' }, 60, 16384]);
    assert.equal(objs.filter((o) => o.kind === 'memfd').length, 1, '/dev/zero shared mappings are no memfd');
  });
});

describe('join: mqueues, eventfd, signalfd', () => {
  it('mqueue: fds by (dev, ino), queue in messages, notify pid', () => {
    const [o] = joinIpcObjects(input({
      mqueues: [{ raw: Buffer.from('q'), dev: 19, ino: 70, size: 0, uid: 0, mode: 0o600, attr: { curmsgs: 3, maxmsg: 8, msgsize: 128 }, qsize: 60, notifyPid: 0 }],
      fds: [reg(11, 4, 19, 70, '/q', 'w'), reg(12, 4, 19, 71, '/other')],
    }));
    assert.equal(o!.name, '/q');
    assert.deepEqual(o!.endpoints, [{ pid: 11, fd: 4, access: 'w' }]);
    assert.deepEqual(o!.queue, { used: 3, capacity: 8, unit: 'messages' });
    assert.deepEqual([o!['msgsize'], o!['bytes'], o!['notifyPid']], [128, 60, null]);
  });

  it('eventfds group by eventfd-id (all share one anon inode); each signalfd is its own object', () => {
    const anon = (pid: number, fd: number, a: FdRecord['anon']): FdRecord => ({ pid, fd, type: 0, dev: 16, ino: 1038, access: 'rw', link: null, anon: a });
    const objs = joinIpcObjects(input({
      fds: [anon(2, 5, { kind: 'eventfd', eventfdId: 9, eventfdCount: 7, sigmask: null }), anon(1, 5, { kind: 'eventfd', eventfdId: 9, eventfdCount: 7, sigmask: null }),
        anon(1, 6, { kind: 'eventfd', eventfdId: 3, eventfdCount: 0, sigmask: null }), anon(1, 8, { kind: 'signalfd', eventfdId: null, eventfdCount: null, sigmask: 0x800000200n })],
    }));
    assert.deepEqual(objs.map((o) => o.id), ['eventfd:3', 'eventfd:9', 'signalfd:1:8']);
    assert.deepEqual(objs[1]!.endpoints, [{ pid: 1, fd: 5, access: 'rw' }, { pid: 2, fd: 5, access: 'rw' }]);
    assert.equal(objs[1]!['count'], 7);
    assert.deepEqual(objs[2]!['signals'], ['SIGUSR1', 'SIGRTMIN+2']);
  });
});
