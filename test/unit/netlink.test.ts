// Unit tests for the sock_diag message parsers: a real captured dump (test/fixtures/netlink) and
// truncated or random buffers, which must never throw.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  NLMSG_HDRLEN, SOCK_DIAG_BY_FAMILY, UDIAG_SHOW_NAME, UDIAG_SHOW_PEER, buildUnixDiagRequest, kernelDevToUser,
  UnixQueueTable, makedev, parseDiagDump, parseNetlinkMessages, parseRtattrs, parseUnixDiag, parseUnixQueues,
  type UnixDiagRecord,
} from '../../native/netlinkParse';
import { fromDiag } from '../../src/core/scan/unixSockets';

const dump = readFileSync(path.join(__dirname, '../fixtures/netlink/unix-dump.bin'));

describe('netlink: unix sock_diag dump parser', () => {
  const parsed = parseUnixDiag(dump);
  const named = (latin1: string) => parsed.sockets.find((s) => s.name?.toString('latin1') === latin1);

  it('reads every record of a real dump and its NLMSG_DONE', () => {
    assert.equal(parsed.done, true);
    assert.equal(parsed.error, null);
    assert.equal(parsed.truncated, false);
    assert.equal(parsed.skipped, 0);
    assert.ok(parsed.sockets.length > 5);
    for (const s of parsed.sockets) {
      assert.ok(s.ino > 0);
      assert.ok([1, 2, 5].includes(s.type));
      assert.ok(s.rqlen, 'RQLEN requested for every socket');
    }
  });
  it('keeps an abstract name with an embedded NUL as raw bytes', () => {
    const s = named('\0fixture-abs\0tail');
    assert.ok(s);
    assert.equal(s.state, 10);
    assert.equal(s.vfs, null);
    // One client connected and not accepted: ICONS names it, RQLEN counts it, wqueue is the backlog.
    assert.equal(s.icons?.length, 1);
    assert.deepEqual(s.rqlen, { rqueue: 1, wqueue: 4 });
    const u = fromDiag(s)!;
    assert.equal(u.address, 'abstract');
    assert.equal(u.name!.toString('latin1'), 'fixture-abs\0tail');
  });
  it('a relative path starting with "@" is a path (the bound file is reported), not abstract', () => {
    const s = named('@fixture-rel\0');
    assert.ok(s);
    assert.ok(s.vfs && s.vfs.ino > 0);
    const u = fromDiag(s)!;
    assert.equal(u.address, 'path');
    assert.equal(u.name!.toString(), '@fixture-rel');
    assert.equal(u.state, 'listen');
  });
  it('reads peers (both directions) and the bytes queued on a dgram socket', () => {
    const q = parsed.sockets.find((s) => s.type === 2 && s.rqlen?.rqueue === 123);
    assert.ok(q, 'the socketpair end with 123 bytes queued');
    const peer = parsed.sockets.find((s) => s.ino === q.peer);
    assert.ok(peer);
    assert.equal(peer.peer, q.ino);
  });
  it('truncated at every byte offset: never throws, returns only whole records', () => {
    const whole = new Map(parsed.sockets.map((s) => [s.ino, s]));
    for (let i = 0; i <= dump.length; i++) {
      const p = parseUnixDiag(dump.subarray(0, i));
      assert.ok(p.sockets.length <= parsed.sockets.length);
      for (const s of p.sockets) assert.deepEqual(s, whole.get(s.ino));
      if (i < dump.length) assert.equal(p.done && !p.truncated && p.sockets.length === parsed.sockets.length, false);
    }
  });
  it('never throws on random bytes or on a dump with random bytes flipped', function () {
    this.timeout(10000);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => { parseUnixDiag(Buffer.from(b)); }), { numRuns: 1000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(dump.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), (flips) => {
        const b = Buffer.from(dump);
        for (const [at, v] of flips) b[at] = v;
        const p = parseUnixDiag(b);
        for (const s of p.sockets) fromDiag(s);
      }),
      { numRuns: 300 },
    );
  });
  it('reads attributes in place exactly as splitting them with parseRtattrs does (real dump, random flips)', function () {
    this.timeout(10000);
    // The attribute walk as it was written over parseRtattrs: the reference for the in-place one.
    const reference = (p: Buffer): { record: UnixDiagRecord; partial: boolean } | null => {
      if (p.length < 16 || p[0] !== 1) return null;
      const rec: UnixDiagRecord = { type: p[1]!, state: p[2]!, ino: p.readUInt32LE(4), name: null, vfs: null, peer: null, icons: null, rqlen: null, uid: null, shutdown: null };
      const { attrs, truncated } = parseRtattrs(p.subarray(16));
      let partial = truncated;
      for (const { type, data: d } of attrs) {
        if (type === 0) rec.name = Buffer.from(d);
        else if (type === 1) d.length >= 8 ? (rec.vfs = { ino: d.readUInt32LE(0), dev: d.readUInt32LE(4) }) : (partial = true);
        else if (type === 2) d.length >= 4 ? (rec.peer = d.readUInt32LE(0)) : (partial = true);
        else if (type === 3) {
          rec.icons = [];
          for (let i = 0; i + 4 <= d.length; i += 4) rec.icons.push(d.readUInt32LE(i));
        } else if (type === 4) d.length >= 8 ? (rec.rqlen = { rqueue: d.readUInt32LE(0), wqueue: d.readUInt32LE(4) }) : (partial = true);
        else if (type === 7) d.length >= 4 ? (rec.uid = d.readUInt32LE(0)) : (partial = true);
        else if (type === 6 && d.length >= 1) rec.shutdown = d[0]!;
      }
      return { record: rec, partial };
    };
    const same = (b: Buffer): void => {
      const got = parseUnixDiag(b);
      const want = parseDiagDump(b, reference);
      assert.deepEqual(got.sockets, want.sockets);
      assert.equal(got.skipped, want.skipped);
    };
    same(dump);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(dump.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), (flips) => {
        const b = Buffer.from(dump);
        for (const [at, v] of flips) b[at] = v;
        same(b);
      }),
      { numRuns: 500 },
    );
  });
  it('reports an NLMSG_ERROR errno', () => {
    const b = Buffer.alloc(NLMSG_HDRLEN + 4 + NLMSG_HDRLEN);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(2, 4);
    b.writeInt32LE(-2, NLMSG_HDRLEN);
    const p = parseUnixDiag(b);
    assert.equal(p.error, 2);
    assert.equal(p.done, true);
  });
});

describe('netlink: message and attribute framing', () => {
  it('builds the unix_diag_req dump request', () => {
    const r = buildUnixDiagRequest(7, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER);
    assert.equal(r.length, 40);
    assert.equal(r.readUInt32LE(0), 40);
    assert.equal(r.readUInt16LE(4), SOCK_DIAG_BY_FAMILY);
    assert.equal(r.readUInt16LE(6), 0x301);
    assert.equal(r.readUInt32LE(8), 7);
    assert.equal(r[16], 1); // AF_UNIX
    assert.equal(r.readUInt32LE(20), 0xffffffff); // every state
    assert.equal(r.readUInt32LE(28), UDIAG_SHOW_NAME | UDIAG_SHOW_PEER);
  });
  it('stops at a header that claims more bytes than there are', () => {
    const b = Buffer.alloc(32);
    b.writeUInt32LE(1000, 0);
    assert.deepEqual(parseNetlinkMessages(b), { messages: [], truncated: true });
    const zero = Buffer.alloc(32); // nlmsg_len 0 would loop forever if trusted
    assert.equal(parseNetlinkMessages(zero).truncated, true);
    const a = Buffer.from([3, 0, 0, 0]); // rta_len 3 < header
    assert.equal(parseRtattrs(a).truncated, true);
  });
  it('converts a kernel dev_t to the st_dev encoding', () => {
    assert.equal(kernelDevToUser((254 << 20) | 1), makedev(254, 1));
    assert.equal(makedev(254, 1), 65025);
    assert.equal(makedev(0, 0x12345), 0x12300045);
  });
});

describe('netlink: unix queue table (the refresh path parser)', () => {
  it('reads the same inode, type, state and queues as the full parser, from the real dump', () => {
    const t = new UnixQueueTable();
    const r = parseUnixQueues(dump, t);
    assert.deepEqual(r, { done: true, error: null, interrupted: false, skipped: 0 });
    const full = parseUnixDiag(dump).sockets;
    assert.equal(t.size, new Set(full.map((s) => s.ino)).size);
    for (const s of full) {
      const i = t.row(s.ino);
      assert.ok(i >= 0, `inode ${s.ino}`);
      assert.deepEqual([t.type[i], t.state[i], t.rqueue[i], t.wqueue[i]], [s.type, s.state, s.rqlen?.rqueue ?? -1, s.rqlen?.wqueue ?? -1]);
    }
    assert.equal(t.row(0x7fffffff), -1);
  });
  it('truncated at every byte offset or random: never throws, keeps only whole records, says so', () => {
    const whole = new UnixQueueTable();
    parseUnixQueues(dump, whole);
    for (let i = 0; i <= dump.length; i++) {
      const t = new UnixQueueTable();
      const r = parseUnixQueues(dump.subarray(0, i), t);
      assert.ok(t.size <= whole.size);
      for (let k = 0; k < t.type.length; k++) assert.ok([1, 2, 5].includes(t.type[k]!));
      if (i < dump.length) assert.ok(!r.done || r.skipped >= 0);
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      parseUnixQueues(Buffer.from(b), new UnixQueueTable());
    }), { numRuns: 2000 });
  });
  it('a later record for the same inode (an interrupted dump repeats sockets) replaces the earlier one', () => {
    const t = new UnixQueueTable();
    t.add(7, 1, 1, 5, 0);
    t.add(7, 1, 10, 2, 128);
    assert.equal(t.size, 1);
    assert.deepEqual([t.state[t.row(7)], t.rqueue[t.row(7)], t.wqueue[t.row(7)]], [10, 2, 128]);
  });
});
