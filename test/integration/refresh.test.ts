// Integration: the refresh path follows queues of known objects as real processes write, read and accept.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { orphanTuple, refreshQueues, type QueueRefresh } from '../../src/core/scan/refresh';
import { mqueueMounted } from '../../src/core/scan/ipcSources';
import { startHelper, type Holder } from './helpers/holders';

interface SockRef { fd: number; ino: number }

describe('refreshQueues: re-reads only the queues of known objects', function () {
  this.timeout(20000);
  const holders: Holder<unknown>[] = [];
  after(async () => Promise.all(holders.map((h) => h.stop())));
  const sampleOf = (r: QueueRefresh, id: string) => r.samples.find((s) => s.id === id);

  it('pipes, Unix and TCP sockets: new bytes, drained bytes, accepted connections, closed objects', async () => {
    const pipe = await startHelper<{ pipe: { ino: number } }>('ipc_objects.py', ['pipe', '/tmp']);
    const pairs = await startHelper<{ pairs: Record<string, { a: SockRef; b: SockRef }> }>('ipc_objects.py', ['socketpairs', '/tmp']);
    const inet = await startHelper<{ listener: SockRef; accepted: SockRef }>('ipc_objects.py', ['inet', '/tmp']);
    holders.push(pipe, pairs, inet);
    const snap = takeSnapshot();
    const byIno = (kind: string, ino: number) => {
      const o = snap.objects.find((x) => x.kind === kind && x.inode === ino);
      assert.ok(o, `${kind} ${ino}`);
      return o;
    };
    const p = byIno('pipe', pipe.info.pipe.ino);
    const b = byIno('unix', pairs.info.pairs['stream']!.b.ino);
    const acc = byIno('tcp', inet.info.accepted.ino);
    const lst = byIno('tcp', inet.info.listener.ino);
    const targets = [p, b, acc, lst];

    let r = refreshQueues(targets);
    assert.deepEqual(sampleOf(r, p.id)?.queue, { used: 1234, capacity: 65536, unit: 'bytes' });
    assert.deepEqual(sampleOf(r, b.id), { id: b.id, queue: { used: 511, capacity: null, unit: 'bytes' }, state: 'connected' });
    assert.equal(sampleOf(r, acc.id)?.queue?.used, 300);
    assert.deepEqual(sampleOf(r, lst.id)?.queue, { used: 1, capacity: 7, unit: 'connections' });

    await pipe.command('write 100');
    await pairs.command('send-stream 89');
    await pairs.command('recv-stream 11'); // b reads 11 of the 600 now queued
    await inet.command('send-tcp 25');
    await inet.command('accept');
    await new Promise((res) => setTimeout(res, 50));
    r = refreshQueues(targets);
    assert.equal(sampleOf(r, p.id)?.queue?.used, 1334);
    assert.equal(sampleOf(r, b.id)?.queue?.used, 511 + 89 - 11);
    assert.equal(sampleOf(r, acc.id)?.queue?.used, 325);
    assert.equal(sampleOf(r, lst.id)?.queue?.used, 0);
    assert.deepEqual(r.notes, []);

    await pairs.stop();
    r = refreshQueues(targets);
    assert.deepEqual(sampleOf(r, b.id), { id: b.id, queue: null }, 'a closed socket reports no queue');
    assert.equal(sampleOf(r, p.id)?.queue?.used, 1334, 'the others are unaffected');
  });
});

describe('refreshQueues: message queues, TCP send queues, inode-less sockets', function () {
  this.timeout(30000);
  const holders: Holder<unknown>[] = [];
  afterEach(async () => {
    await Promise.all(holders.map((h) => h.stop()));
    holders.length = 0;
  });
  const sampleOf = (r: QueueRefresh, id: string) => r.samples.find((s) => s.id === id);

  it('a POSIX mqueue: messages against maxmsg, following sends and receives', async function () {
    if (!mqueueMounted()) this.skip(); // watchCli.test.ts mounts it; here the sampler alone is under test
    const h = await startHelper<{ dev: number; ino: number }>('watch_objects.py', ['mq']);
    holders.push(h);
    const o = takeSnapshot({ kinds: ['posix-mq'] }).objects.find((x) => x.kind === 'posix-mq' && x.inode === h.info.ino);
    assert.ok(o, 'the queue is in the snapshot');
    assert.deepEqual(sampleOf(refreshQueues([o]), o.id), { id: o.id, queue: { used: 3, capacity: 10, unit: 'messages' } });
    await h.command('send');
    await h.command('send');
    await h.command('receive');
    assert.equal(sampleOf(refreshQueues([o]), o.id)?.queue?.used, 4);
  });

  it('a SysV msg queue: messages, and bytes against msg_qbytes', async () => {
    const h = await startHelper<{ msqid: number }>('watch_objects.py', ['sysvmsg']);
    holders.push(h);
    const o = takeSnapshot({ kinds: ['sysv-msg'] }).objects.find((x) => x.kind === 'sysv-msg' && x.inode === h.info.msqid);
    assert.ok(o, 'the queue is in the snapshot');
    const maxBytes = o['maxBytes'];
    assert.equal(typeof maxBytes, 'number', 'root reads msg_qbytes');
    let r = refreshQueues([o]);
    assert.deepEqual(sampleOf(r, o.id), { id: o.id, queue: { used: 2, capacity: null, unit: 'messages' }, bytes: { used: 20, capacity: maxBytes } });
    await h.command('send 300');
    r = refreshQueues([o]);
    assert.deepEqual(sampleOf(r, o.id)?.bytes, { used: 320, capacity: maxBytes });
    assert.equal(sampleOf(r, o.id)?.queue?.used, 3);
    assert.deepEqual(r.notes, []);
  });

  it('TCP: the send queue beside the receive queue (queue keeps its meaning); a listener has none', async () => {
    const h = await startHelper<{ sender: { ino: number; local: [string, number] }; receiver: { ino: number } }>('watch_objects.py', ['tcpfull']);
    holders.push(h);
    const snap = takeSnapshot({ kinds: ['tcp'] });
    const snd = snap.objects.find((x) => x.kind === 'tcp' && x.inode === h.info.sender.ino);
    const rcv = snap.objects.find((x) => x.kind === 'tcp' && x.inode === h.info.receiver.ino);
    const lst = snap.objects.find((x) => x.kind === 'tcp' && x.inet?.state === 'LISTEN' && x.endpoints.some((e) => e.pid === h.child.pid));
    assert.ok(snd && rcv && lst);
    const r = refreshQueues([snd, rcv, lst]);
    const s = sampleOf(r, snd.id)!;
    assert.equal(s.state, 'ESTABLISHED');
    assert.deepEqual(s.queue, { used: 0, capacity: null, unit: 'bytes' }, 'queue is still the receive queue');
    assert.ok(s.sendQueue! > 1 << 20, `a full send queue (${s.sendQueue} bytes)`);
    // ss's Send-Q of the same socket, read just after (the kernel still moves a few kB between the buffers).
    const ss = spawnSync('ss', ['-tnH', 'src', `127.0.0.1:${h.info.sender.local[1]}`], { encoding: 'utf8' });
    if (ss.status === 0) {
      const sendQ = Number(ss.stdout.trim().split(/\s+/)[2]);
      assert.ok(Math.abs(sendQ - s.sendQueue!) < sendQ / 4, `ss Send-Q ${sendQ}, sampled ${s.sendQueue}`);
    }
    assert.ok(sampleOf(r, rcv.id)!.queue!.used > 0, 'the receiver holds what it did not read');
    assert.equal(sampleOf(r, rcv.id)!.sendQueue, 0);
    assert.equal(sampleOf(r, lst.id)!.queue!.unit, 'connections');
    assert.equal('sendQueue' in sampleOf(r, lst.id)!, false, 'a listener has no send queue');
  });

  it('an unaccepted connection (no inode) is sampled by its tuple, and reports no queue once accepted', async () => {
    const h = await startHelper<{ listener: { local: [string, number] }; client: { local: [string, number] } }>('watch_objects.py', ['unaccepted']);
    holders.push(h);
    const name = `127.0.0.1:${h.info.listener.local[1]} -> 127.0.0.1:${h.info.client.local[1]}`;
    const o = takeSnapshot({ kinds: ['tcp'] }).objects.find((x) => x.kind === 'tcp' && x.name === name);
    assert.ok(o, name);
    assert.equal(o.inode, 0);
    assert.match(o.id, /^tcp:orphan:/);
    assert.equal(orphanTuple(o.id, 'tcp'), `127.0.0.1:${h.info.listener.local[1]}>127.0.0.1:${h.info.client.local[1]}`);
    let r = refreshQueues([o]);
    assert.deepEqual(sampleOf(r, o.id), { id: o.id, queue: { used: 1000, capacity: null, unit: 'bytes' }, state: 'ESTABLISHED', sendQueue: 0 });
    await h.command('accept');
    r = refreshQueues([o]);
    assert.deepEqual(sampleOf(r, o.id), { id: o.id, queue: null }, 'accepted: it has an inode (and another id) now');
  });
});
