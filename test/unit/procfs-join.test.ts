// Unit tests for the pure join (fd records + socket records -> objects) and the record conversions.

import { strict as assert } from 'node:assert';
import type { FdRecord } from '../../src/core/scan/fds';
import { readEnds } from '../../src/core/scan/fill';
import { joinObjects, mayHoldInflight, socketObjects } from '../../src/core/scan/join';
import type { InetSocket } from '../../src/core/scan/inet';
import { fromProcNetUnix, type UnixSocket } from '../../src/core/scan/unixSockets';

const PIPE_DEV = 15;
const SOCK_DEV = 9;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;

const fd = (pid: number, n: number, type: number, dev: number, ino: number, access: FdRecord['access'], link: string | Buffer | null = null): FdRecord =>
  ({ pid, fd: n, type, dev, ino, access, link: typeof link === 'string' ? Buffer.from(link) : link });

const sock = (ino: number, over: Partial<UnixSocket> = {}): UnixSocket => ({
  ino, type: 'stream', state: 'connected', address: 'unnamed', name: null, peer: null, icons: [], rqueue: 0, wqueue: 0,
  uid: 0, boundFile: null, ...over,
});

describe('join: pipes and FIFOs', () => {
  it('groups every end of one pipe inode, sorted by pid and fd, with a stable id', () => {
    const objs = joinObjects({
      fds: [fd(20, 4, S_IFIFO, PIPE_DEV, 100, 'r'), fd(10, 7, S_IFIFO, PIPE_DEV, 100, 'w'), fd(10, 3, S_IFIFO, PIPE_DEV, 100, 'w')],
      pipeDev: PIPE_DEV, sockDev: SOCK_DEV, unixSockets: [],
    });
    assert.equal(objs.length, 1);
    assert.equal(objs[0]!.id, 'pipe:15:100');
    assert.equal(objs[0]!.name, '', 'pipes have no name');
    assert.deepEqual(objs[0]!.endpoints, [
      { pid: 10, fd: 3, access: 'w' }, { pid: 10, fd: 7, access: 'w' }, { pid: 20, fd: 4, access: 'r' },
    ]);
  });
  it('a FIFO is keyed by (dev, ino) and named by its link bytes, even when the name looks like "pipe:[N]"', () => {
    const objs = joinObjects({
      fds: [fd(1, 3, S_IFIFO, 2049, 100, 'r', '/tmp/pipe:[100]'), fd(2, 3, S_IFIFO, 2050, 100, 'w', '/mnt/other')],
      pipeDev: PIPE_DEV, sockDev: SOCK_DEV, unixSockets: [],
    });
    assert.deepEqual(objs.map((o) => [o.kind, o.id, o.name]), [
      ['fifo', 'fifo:2049:100', '/tmp/pipe:[100]'],
      ['fifo', 'fifo:2050:100', '/mnt/other'],
    ]);
  });
  it('keeps invalid UTF-8 FIFO names as nameBase64', () => {
    const raw = Buffer.from([0x2f, 0x78, 0xff, 0x0a]);
    const [o] = joinObjects({ fds: [fd(1, 3, S_IFIFO, 2049, 5, 'r', raw)], pipeDev: PIPE_DEV, sockDev: SOCK_DEV, unixSockets: [] });
    assert.equal(o!.nameBase64, raw.toString('base64'));
  });
  it('samples through read ends only, preferring pure readers', () => {
    assert.deepEqual(readEnds([{ pid: 1, fd: 1, access: 'w' }, { pid: 2, fd: 2, access: 'rw' }, { pid: 3, fd: 3, access: 'r' }, { pid: 4, fd: null, access: 'map' }]),
      [{ pid: 3, fd: 3, access: 'r' }, { pid: 2, fd: 2, access: 'rw' }]);
  });
});

describe('join: Unix sockets', () => {
  it('links peers, holders, listener backlog, pending clients and in-flight fds', () => {
    const objs = joinObjects({
      fds: [fd(5, 3, S_IFSOCK, SOCK_DEV, 1, 'rw'), fd(6, 4, S_IFSOCK, SOCK_DEV, 2, 'rw'), fd(7, 9, S_IFSOCK, 99, 1, 'rw')],
      pipeDev: PIPE_DEV, sockDev: SOCK_DEV,
      unixSockets: [
        sock(1, { peer: 2, rqueue: 10 }), sock(2, { peer: 1 }),
        sock(3, { state: 'listen', address: 'path', name: Buffer.from('/run/x.sock'), icons: [4], rqueue: 1, wqueue: 128 }),
        sock(4, { peer: null }),
      ],
      scmFds: new Map([[1, 2]]),
    });
    const by = new Map(objs.map((o) => [o.inode, o]));
    assert.equal(by.get(1)!.unix!.peer, 'unix:9:2');
    assert.equal(by.get(2)!.unix!.peer, 'unix:9:1');
    assert.deepEqual(by.get(1)!.endpoints, [{ pid: 5, fd: 3, access: 'rw' }], 'a socket fd on another device is not this socket');
    assert.deepEqual(by.get(1)!.queue, { used: 10, capacity: null, unit: 'bytes' });
    assert.equal(by.get(1)!.unix!.inflightFds, 2);
    assert.deepEqual(by.get(3)!.queue, { used: 1, capacity: 128, unit: 'connections' });
    assert.equal(by.get(3)!.unix!.pendingConnections, 1);
    assert.equal(by.get(3)!.name, '/run/x.sock');
    assert.equal(by.get(4)!.unix!.pendingOn, 'unix:9:3');
    assert.equal(by.get(4)!.name, '', 'unnamed');
    assert.equal(by.get(4)!.endpoints.length, 0, 'sockets without holders still appear');
  });
  it('abstract names get "@" and their raw bytes; a repeated record is reported once', () => {
    const objs = joinObjects({
      fds: [], pipeDev: PIPE_DEV, sockDev: SOCK_DEV,
      unixSockets: [sock(8, { address: 'abstract', name: Buffer.from('a\0b') }), sock(8, { address: 'abstract', name: Buffer.from('a\0b') })],
    });
    assert.equal(objs.length, 1);
    assert.equal(objs[0]!.name, '@a\0b');
    assert.equal(objs[0]!.nameBase64, Buffer.from('a\0b').toString('base64'));
  });
  it('socket objects built ahead from the dumps join to the same objects, holders of TCP ones included', () => {
    const lo = Buffer.from([127, 0, 0, 1]);
    const tcp = (ino: number, sport: number, dport: number): InetSocket =>
      ({ protocol: 'tcp', family: 4, state: 1, src: lo, sport, dst: lo, dport, rqueue: 3, wqueue: 0, uid: 0, ino, netns: null });
    const unixSockets = [sock(2, { peer: 1 }), sock(1, { peer: 2 }), sock(3, { state: 'listen', icons: [4], rqueue: 1, wqueue: 5 }), sock(4)];
    const inetSockets = [tcp(21, 40000, 80), tcp(20, 80, 40000)];
    // Holders out of order, a socket in no dump (made after it: left out), a pipe and a second TCP holder.
    const fds = [
      fd(9, 5, S_IFSOCK, SOCK_DEV, 20, 'rw'), fd(7, 3, S_IFSOCK, SOCK_DEV, 2, 'rw'), fd(7, 4, S_IFSOCK, SOCK_DEV, 21, 'rw'),
      fd(3, 8, S_IFSOCK, SOCK_DEV, 20, 'rw'), fd(3, 1, S_IFSOCK, SOCK_DEV, 1, 'rw'), fd(3, 2, S_IFSOCK, SOCK_DEV, 99, 'rw'),
      fd(3, 0, S_IFIFO, PIPE_DEV, 50, 'r'),
    ];
    const input = { fds, pipeDev: PIPE_DEV, sockDev: SOCK_DEV, unixSockets, inetSockets };
    const direct = joinObjects(input);
    const ahead = joinObjects({ ...input, unixSockets: [], inetSockets: [], sockets: socketObjects(unixSockets, inetSockets, SOCK_DEV) });
    assert.deepEqual(ahead, direct);
    assert.deepEqual(direct.map((o) => o.id), ['pipe:15:50', 'unix:9:1', 'unix:9:2', 'unix:9:3', 'unix:9:4', 'tcp:9:20', 'tcp:9:21']);
    const by = new Map(direct.map((o) => [o.inode, o]));
    assert.deepEqual(by.get(20)!.endpoints, [{ pid: 3, fd: 8, access: 'rw' }, { pid: 9, fd: 5, access: 'rw' }]);
    assert.equal(by.get(20)!.inet!.peer, 'tcp:9:21');
    assert.deepEqual(by.get(21)!.endpoints, [{ pid: 7, fd: 4, access: 'rw' }]);
    assert.equal(by.get(4)!.unix!.pendingOn, 'unix:9:3');
    assert.ok(!by.has(99), 'a socket fd in neither dump makes no object');
  });
  it('reads fdinfo only where in-flight fds can be', () => {
    assert.equal(mayHoldInflight(sock(1, { rqueue: 0 })), false);
    assert.equal(mayHoldInflight(sock(1, { rqueue: 1 })), true);
    assert.equal(mayHoldInflight(sock(1, { type: 'dgram', rqueue: 0 })), true, 'an empty datagram can carry fds');
    assert.equal(mayHoldInflight(sock(1, { state: 'listen', rqueue: 3 })), true, 'fds sent over connections not yet accepted');
    assert.equal(mayHoldInflight(sock(1, { state: 'listen', rqueue: 0 })), false);
    assert.equal(mayHoldInflight(sock(1, { rqueue: null })), true, 'without queues (fallback) every socket');
    assert.equal(mayHoldInflight(undefined), false);
  });
  it('/proc/net/unix records: listening flag, SS_ states, "@" read as abstract', () => {
    const l = fromProcNetUnix({ refCount: 2, flags: 0x10000, type: 1, st: 1, inode: 3, path: Buffer.from('@x') })!;
    assert.equal(l.state, 'listen');
    assert.equal(l.address, 'abstract');
    assert.equal(l.peer, null);
    assert.equal(fromProcNetUnix({ refCount: 2, flags: 0, type: 5, st: 3, inode: 4, path: null })!.state, 'connected');
    assert.equal(fromProcNetUnix({ refCount: 2, flags: 0, type: 3, st: 3, inode: 4, path: null }), null);
  });
});
