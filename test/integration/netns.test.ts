// Integration: sockets of other network namespaces (created with unshare --net) are listed through
// sock_diag entered per namespace, labelled with it, and loopback peers pair only within a namespace.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import type { Snapshot } from '../../src/core/model';
import { refreshQueues } from '../../src/core/scan/refresh';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper, type Holder } from './helpers/holders';

interface Ref { fd: number; ino: number }
interface Info { pid: number; netns: number; client: Ref; accepted: Ref; a: Ref; b: Ref }

const UNSHARE = ['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"'];

describe('takeSnapshot: other network namespaces', function () {
  this.timeout(30000);
  const holders: Holder<Info>[] = [];
  before(function () {
    if (process.getuid!() !== 0 || spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), 'true']).status !== 0) this.skip();
  });
  after(async () => Promise.all(holders.map((h) => h.stop())));

  function check(s: Snapshot, h: Holder<Info>): void {
    const get = (kind: string, r: Ref) => {
      const o = s.objects.find((x) => x.kind === kind && x.inode === r.ino);
      assert.ok(o, `${kind} ${r.ino} of netns ${h.info.netns}`);
      assert.equal(o['netns'], h.info.netns);
      assert.deepEqual(o.endpoints, [{ pid: h.info.pid, fd: r.fd, access: 'rw' }]);
      return o;
    };
    const cli = get('tcp', h.info.client);
    const acc = get('tcp', h.info.accepted);
    assert.equal(cli.inet?.local, '127.0.0.1:40002');
    assert.equal(cli.inet?.peer, acc.id);
    assert.equal(acc.inet?.peer, cli.id);
    const a = get('unix', h.info.a);
    const b = get('unix', h.info.b);
    assert.equal(a.unix?.peer, b.id);
    assert.equal(b.queue?.used, 17);
  }

  it('lists sockets of two namespaces with identical loopback tuples, each paired within its own namespace', async () => {
    const h1 = await startHelper<Info>('ipc_objects.py', ['tcpfixed', '/tmp'], UNSHARE);
    holders.push(h1);
    const h2 = await startHelper<Info>('ipc_objects.py', ['tcpfixed', '/tmp'], UNSHARE);
    holders.push(h2);
    assert.notEqual(h1.info.netns, h2.info.netns);
    const s = takeSnapshot();
    check(s, h1);
    check(s, h2);
    assert.ok(!s.notes.some((n) => n.includes('could not be entered')), s.notes.join('; '));
    // The refresh path samples them in their own namespace too.
    const targets = s.objects.filter((o) => [h1.info.b.ino, h2.info.accepted.ino].includes(o.inode));
    const r = refreshQueues(targets);
    assert.deepEqual(r.notes, []);
    assert.deepEqual(r.samples.map((x) => x.queue?.used).sort(), [0, 17]);
    const me = s.processes.find((p) => p.pid === process.pid)!;
    assert.ok(s.objects.filter((o) => o.kind === 'unix').every((o) => typeof o['netns'] === 'number'));
    assert.ok(s.objects.some((o) => o.kind === 'unix' && o['netns'] === me.netns), 'our own namespace too');
  });

  it('without sock_diag, reads /proc/PID/net of each namespace (no unix peers, TCP still paired)', async () => {
    const h = holders[0]!;
    const s = takeSnapshot({ sockDiag: false });
    const cli = s.objects.find((o) => o.kind === 'tcp' && o.inode === h.info.client.ino);
    const acc = s.objects.find((o) => o.kind === 'tcp' && o.inode === h.info.accepted.ino);
    assert.ok(cli && acc);
    assert.equal(cli['netns'], h.info.netns);
    assert.equal(cli.inet?.peer, acc.id);
    const b = s.objects.find((o) => o.kind === 'unix' && o.inode === h.info.b.ino);
    assert.equal(b?.['netns'], h.info.netns);
    assert.equal(b?.unix?.peer, null);
  });
});
