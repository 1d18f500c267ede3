// Unit tests for inet_diag and /proc/net/{tcp,udp}{,6} parsing, address formatting and the TCP/UDP join,
// on buffers and text captured while the integration helper's loopback sockets existed.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  AF_INET6, IPPROTO_TCP, TCPDIAG_GETSOCK, buildInetDiagRequest, buildTcpCompatRequest, endpointKey, formatAddress, formatEndpoint, parseInetDiag,
} from '../../native/inetDiagParse';
import type { Endpoint } from '../../src/core/model';
import { parseProcNetInet, type NetInetRecord } from '../../src/core/procfs/netinet';
import { fromInetDiag, fromProcNetInet, inetObjects } from '../../src/core/scan/inet';

const fx = (p: string) => readFileSync(path.join(__dirname, '../fixtures', p));
const dump = fx('netlink/tcp6-dump.bin');
const scenario = JSON.parse(fx('netlink/inet-scenario.json').toString()) as Record<string, { ino: number; local: [string, number] }>;

describe('netlink: inet_diag parser', () => {
  const parsed = parseInetDiag(dump);
  it('reads a real IPv6 TCP dump: listener backlog, v4-mapped and ::1 connections, queued bytes', () => {
    assert.equal(parsed.done, true);
    assert.equal(parsed.skipped, 0);
    const by = new Map(parsed.sockets.map((s) => [s.ino, s]));
    const l6 = by.get(scenario['l6']!.ino)!;
    assert.equal(l6.state, 10);
    assert.equal(l6.wqueue, 3);
    assert.equal(formatEndpoint(l6.src, l6.sport), `[::]:${scenario['l6']!.local[1]}`);
    const a6 = by.get(scenario['a6']!.ino)!;
    assert.equal(a6.rqueue, 66);
    assert.equal(formatEndpoint(a6.dst, a6.dport), `[::1]:${scenario['c6']!.local[1]}`);
    const am = by.get(scenario['am']!.ino)!;
    assert.equal(formatAddress(am.src), '::ffff:127.0.0.1');
    assert.equal(endpointKey(am.dst, am.dport), `127.0.0.1:${scenario['cm']!.local[1]}`);
  });
  it('truncated at every byte offset or randomly corrupted: never throws', () => {
    for (let i = 0; i <= dump.length; i++) {
      const p = parseInetDiag(dump.subarray(0, i));
      assert.ok(p.sockets.length <= parsed.sockets.length);
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => { parseInetDiag(Buffer.from(b)); }), { numRuns: 1000 });
  });
  it('builds an inet_diag_req_v2 for one family/protocol without TIME_WAIT and NEW_SYN_RECV', () => {
    const r = buildInetDiagRequest(3, AF_INET6, IPPROTO_TCP);
    assert.equal(r.length, 72);
    assert.equal(r[16], AF_INET6);
    assert.equal(r[17], IPPROTO_TCP);
    assert.equal(r.readUInt32LE(20) & (1 << 6), 0);
    assert.equal(r.readUInt32LE(20) & (1 << 10), 1 << 10);
  });
  it('builds the v1 TCP request (struct inet_diag_req, TCPDIAG_GETSOCK) and reads replies of that type only when asked', () => {
    const r = buildTcpCompatRequest(5);
    assert.equal(r.length, 16 + 60);
    assert.equal(r.readUInt32LE(0), r.length);
    assert.equal(r.readUInt16LE(4), TCPDIAG_GETSOCK);
    assert.equal(r.readUInt32LE(8), 5);
    assert.equal(r.readUInt32LE(16 + 52) & (1 << 6), 0);
    assert.equal(r.readUInt32LE(16 + 52) & (1 << 10), 1 << 10);
    // The captured dump re-typed as a v1 reply: the same records with the type named, none without.
    const retyped = Buffer.from(dump);
    for (let off = 0; off + 16 <= retyped.length;) {
      const len = retyped.readUInt32LE(off);
      if (len < 16) break;
      if (retyped.readUInt16LE(off + 4) === 20) retyped.writeUInt16LE(TCPDIAG_GETSOCK, off + 4);
      off += (len + 3) & ~3;
    }
    assert.deepEqual(parseInetDiag(retyped, TCPDIAG_GETSOCK).sockets, parsed.sockets);
    assert.equal(parseInetDiag(retyped).sockets.length, 0);
  });
  it('formats IPv6 addresses as RFC 5952', () => {
    const a = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
    assert.equal(formatAddress(a('2001:0db8:0000:0000:0000:0000:0002:0001')), '2001:db8::2:1');
    assert.equal(formatAddress(a('2001:0db8:0000:0001:0000:0000:0000:0001')), '2001:db8:0:1::1');
    assert.equal(formatAddress(a('0000:0000:0000:0000:0000:0000:0000:0000')), '::');
    assert.equal(formatAddress(a('2001:0db8:0001:0001:0001:0001:0001:0001')), '2001:db8:1:1:1:1:1:1');
    assert.equal(formatAddress(Buffer.from([127, 0, 0, 1])), '127.0.0.1');
  });
});

describe('procfs: /proc/net/{tcp,tcp6,udp}', () => {
  it('decodes real files: host-order hex addresses, queues, inodes', () => {
    const tcp = parseProcNetInet(fx('proc/net-tcp.txt').toString());
    assert.deepEqual(tcp.skipped, []);
    const byIno = new Map(tcp.sockets.map((s) => [s.ino, s]));
    const acc = byIno.get(scenario['accepted']!.ino)!;
    assert.equal(formatEndpoint(acc.src, acc.sport), `127.0.0.1:${scenario['accepted']!.local[1]}`);
    assert.equal(acc.rxQueue, 300);
    assert.equal(byIno.get(scenario['listener']!.ino)!.rxQueue, 1); // accept queue
    const tcp6 = parseProcNetInet(fx('proc/net-tcp6.txt').toString());
    const am = tcp6.sockets.find((s) => s.ino === scenario['am']!.ino)!;
    assert.equal(formatAddress(am.src), '::ffff:127.0.0.1');
    const udp = parseProcNetInet(fx('proc/net-udp.txt').toString());
    assert.ok(udp.sockets.some((s) => s.ino === scenario['u1']!.ino && s.rxQueue >= 300));
  });
  it('skips malformed lines and never throws', () => {
    const r = parseProcNetInet('  sl  local\n 0: zz:1 00:0 01 0:0 0 0 0 0 0\n');
    assert.equal(r.sockets.length, 0);
    assert.equal(r.skipped.length, 1);
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseProcNetInet(s); }), { numRuns: 1000 });
  });
  it('truncated anywhere: every socket read is one of the whole file (no inode "2" of "27366")', () => {
    const key = (x: NetInetRecord) => JSON.stringify({ ...x, src: x.src.toString('hex'), dst: x.dst.toString('hex') });
    for (const f of ['proc/net-tcp.txt', 'proc/net-tcp6.txt', 'proc/net-udp.txt']) {
      const text = fx(f).toString('latin1');
      const all = new Set(parseProcNetInet(text).sockets.map(key));
      assert.ok(all.size > 0);
      for (let i = 0; i <= text.length; i++) {
        const p = parseProcNetInet(text.slice(0, i));
        for (const x of p.sockets) assert.ok(all.has(key(x)), `${f}, prefix ${i}: ${key(x)}`);
      }
    }
  });
});

describe('join: TCP/UDP objects', () => {
  it('links the two halves of each captured loopback connection, from netlink and from /proc/net alike', () => {
    const holders = new Map<number, Endpoint[]>([[scenario['c6']!.ino, [{ pid: 9, fd: 8, access: 'rw' }]]]);
    const fromNl = inetObjects(parseInetDiag(dump).sockets.map((r) => fromInetDiag('tcp', r)), holders, 9);
    const fromText = inetObjects(parseProcNetInet(fx('proc/net-tcp6.txt').toString()).sockets.map((r) => fromProcNetInet('tcp', r)), holders, 9);
    for (const objs of [fromNl, fromText]) {
      const by = new Map(objs.map((o) => [o.inode, o]));
      assert.equal(by.get(scenario['c6']!.ino)!.inet!.peer, `tcp:9:${scenario['a6']!.ino}`);
      assert.equal(by.get(scenario['a6']!.ino)!.inet!.peer, `tcp:9:${scenario['c6']!.ino}`);
      assert.deepEqual(by.get(scenario['c6']!.ino)!.endpoints, [{ pid: 9, fd: 8, access: 'rw' }]);
      assert.equal(by.get(scenario['l6']!.ino)!.inet!.peer, null);
      assert.equal(by.get(scenario['l6']!.ino)!.name, `[::]:${scenario['l6']!.local[1]}`);
    }
    // The IPv4 half of the v4-mapped connection is in the IPv4 table, so it stays unlinked here.
    assert.equal(new Map(fromNl.map((o) => [o.inode, o])).get(scenario['am']!.ino)!.inet!.peer, null);
  });
  it('pairs identical loopback tuples only within one network namespace', () => {
    const lo = Buffer.from([127, 0, 0, 1]);
    const half = (ino: number, netns: number, sport: number, dport: number) =>
      ({ protocol: 'tcp' as const, family: 4 as const, state: 1, src: lo, sport, dst: lo, dport, rqueue: 0, wqueue: 0, uid: 0, ino, netns });
    const objs = inetObjects([half(1, 100, 5, 6), half(2, 200, 6, 5), half(3, 200, 5, 6), half(4, 100, 6, 5)], new Map(), 9);
    const peer = new Map(objs.map((o) => [o.inode, o.inet!.peer]));
    assert.deepEqual([...peer].sort(), [[1, 'tcp:9:4'], [2, 'tcp:9:3'], [3, 'tcp:9:2'], [4, 'tcp:9:1']]);
    assert.equal(objs[0]!['netns'], 100);
  });
  it('pairs a v4-mapped IPv6 half with its IPv4 half, and only a true v4-mapped address', () => {
    const lo = Buffer.from([127, 0, 0, 1]);
    const mapped = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    // Same last 6 bytes, but not ::ffff:0:0/96 (a byte of the zero prefix is set): never the IPv4 address.
    const near = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 127, 0, 0, 1]);
    const sock = (ino: number, src: Buffer, sport: number, dst: Buffer, dport: number) =>
      ({ protocol: 'tcp' as const, family: (src.length === 4 ? 4 : 6) as 4 | 6, state: 1, src, sport, dst, dport, rqueue: 0, wqueue: 0, uid: 0, ino, netns: null });
    const objs = inetObjects([
      sock(1, lo, 40000, lo, 8080), // client, AF_INET
      sock(2, mapped, 8080, mapped, 40000), // accepted on a dual-stack listener, AF_INET6
      sock(3, lo, 40001, lo, 8081),
      sock(4, near, 8081, near, 40001),
    ], new Map(), 9);
    const peer = new Map(objs.map((o) => [o.inode, o.inet!.peer]));
    assert.deepEqual([...peer].sort(), [[1, 'tcp:9:2'], [2, 'tcp:9:1'], [3, null], [4, null]]);
    assert.equal(objs.find((o) => o.inode === 2)!.inet!.local, '[::ffff:127.0.0.1]:8080');
  });
});
