// Integration: loopback TCP (IPv4, IPv6, v4-mapped) and UDP sockets created in a child process, found by
// takeSnapshot() with exact inodes, holders, states, addresses, peers and queues; and the /proc/net fallback.

import { strict as assert } from 'node:assert';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { dumpInetSockets, tcpCompat } from '../../native/netlink';
import { startHelper, type Holder } from './helpers/holders';

interface Ref { fd: number; ino: number; local: [string, number] }
type Info = Record<'listener' | 'client' | 'accepted' | 'pending' | 'l6' | 'c6' | 'a6' | 'cm' | 'am' | 'u1' | 'u2', Ref> & { pid: number };

describe('takeSnapshot: TCP and UDP (real loopback sockets)', function () {
  this.timeout(20000);
  let h: Holder<Info>;
  before(async () => {
    h = await startHelper<Info>('ipc_objects.py', ['inet', '/tmp']);
  });
  after(async () => h.stop());

  const get = (s: Snapshot, kind: string, r: Ref): IpcObject => {
    const o = s.objects.find((x) => x.kind === kind && x.inode === r.ino);
    assert.ok(o, `${kind} socket ${r.ino}`);
    assert.deepEqual(o.endpoints, [{ pid: h.info.pid, fd: r.fd, access: 'rw' }]);
    return o;
  };
  const port = (r: Ref) => r.local[1];

  function checkTcp(s: Snapshot, backlogKnown: boolean): void {
    const i = h.info;
    const lst = get(s, 'tcp', i.listener);
    assert.equal(lst.inet?.state, 'LISTEN');
    assert.equal(lst.inet?.local, `127.0.0.1:${port(i.listener)}`);
    assert.equal(lst.inet?.remote, null);
    assert.deepEqual(lst.queue, { used: 1, capacity: backlogKnown ? 7 : null, unit: 'connections' });
    const cli = get(s, 'tcp', i.client);
    const acc = get(s, 'tcp', i.accepted);
    assert.equal(cli.inet?.state, 'ESTABLISHED');
    assert.equal(cli.inet?.remote, `127.0.0.1:${port(i.listener)}`);
    assert.equal(acc.inet?.remote, `127.0.0.1:${port(i.client)}`);
    assert.equal(cli.inet?.peer, acc.id);
    assert.equal(acc.inet?.peer, cli.id);
    assert.deepEqual(acc.queue, { used: 300, capacity: null, unit: 'bytes' });
    assert.equal(cli.queue?.used, 50);
    assert.equal(cli.inet?.family, 4);
    // The pending client is established from its side; its server half waits in the accept queue.
    assert.equal(get(s, 'tcp', i.pending).inet?.state, 'ESTABLISHED');

    const c6 = get(s, 'tcp', i.c6);
    const a6 = get(s, 'tcp', i.a6);
    assert.equal(c6.inet?.family, 6);
    assert.equal(c6.inet?.remote, `[::1]:${port(i.l6)}`);
    assert.equal(c6.inet?.peer, a6.id);
    assert.equal(a6.inet?.peer, c6.id);
    assert.equal(a6.queue?.used, 66);
    // An IPv4 client accepted by a dual-stack IPv6 listener: linked across the v4-mapped address.
    const cm = get(s, 'tcp', i.cm);
    const am = get(s, 'tcp', i.am);
    assert.equal(am.inet?.local, `[::ffff:127.0.0.1]:${port(i.l6)}`);
    assert.equal(cm.inet?.peer, am.id);
    assert.equal(am.inet?.peer, cm.id);
  }

  it('inet_diag: states, addresses, holders, loopback peers both ways, queued bytes and backlog', () => {
    const s = takeSnapshot({ kinds: ['tcp', 'udp'] });
    assert.ok(s.objects.every((o) => o.kind === 'tcp' || o.kind === 'udp'));
    checkTcp(s, true);
    const u1 = get(s, 'udp', h.info.u1);
    const u2 = get(s, 'udp', h.info.u2);
    assert.equal(u1.inet?.state, 'ESTABLISHED');
    assert.equal(u1.inet?.peer, u2.id);
    assert.equal(u2.inet?.peer, u1.id);
    // UDP reports receive memory (payload plus per-datagram overhead), so at least the 300 bytes sent.
    assert.ok(u1.queue!.used >= 300, `udp queue ${u1.queue!.used}`);
    assert.equal(u2.queue?.used, 0);
  });

  it('TCP through the v1 request (one hash walk for IPv4 and IPv6) and through two v2 requests: the same sockets', () => {
    const key = (r: { family: number; state: number; sport: number; dport: number; ino: number; rqueue: number }) =>
      `${r.family} ${r.state} ${r.sport} ${r.dport} ${r.ino} ${r.rqueue}`;
    assert.equal(tcpCompat.usable, true, 'the v1 request works on this kernel');
    const one = dumpInetSockets('tcp').sockets.map(key).sort();
    tcpCompat.usable = false;
    try {
      const two = dumpInetSockets('tcp').sockets.map(key).sort();
      assert.deepEqual(one, two);
      checkTcp(takeSnapshot({ kinds: ['tcp'] }), true);
    } finally {
      tcpCompat.usable = true;
    }
    const fams = new Set(one.map((k) => k.split(' ')[0]));
    assert.deepEqual([...fams].sort(), ['10', '2'], 'both families in one dump');
    for (const r of [h.info.listener, h.info.client, h.info.l6, h.info.c6, h.info.cm]) assert.ok(one.some((k) => k.split(' ')[4] === String(r.ino)), `inode ${r.ino}`);
  });

  it('/proc/net/{tcp,tcp6,udp,udp6} fallback: same sockets and peers, with a note', () => {
    const s = takeSnapshot({ kinds: ['tcp', 'udp'], sockDiag: false });
    assert.ok(s.notes.some((n) => n.startsWith('TCP sockets from /proc/net (inet_diag unavailable')));
    checkTcp(s, false);
    assert.equal(get(s, 'udp', h.info.u1).inet?.peer, get(s, 'udp', h.info.u2).id);
  });
});
