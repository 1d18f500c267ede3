// Integration: the refresh path follows queues of known objects as real processes write, read and accept.

import { strict as assert } from 'node:assert';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { refreshQueues, type QueueRefresh } from '../../src/core/scan/refresh';
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
