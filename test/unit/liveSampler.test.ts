import { strict as assert } from 'node:assert';
import type { IpcKind, IpcObject, QueueFill } from '../../src/core/model';
import { sampleTargets, segmentName, targetFor, type LiveTarget, type SamplerIo } from '../../src/core/live/sampler';
import { PRESETS, type HeaderRead } from '../../src/core/live/ringLayout';
import { Ticker } from '../../src/core/live/ticker';
import { seedHeader } from './liveHelpers';

const obj = (o: Partial<IpcObject> & Pick<IpcObject, 'id' | 'kind'>): IpcObject => ({ inode: 1, name: '', endpoints: [], findings: [], ...o });


function fakeIo(over: Partial<SamplerIo> = {}): SamplerIo & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    refresh: (objects) => {
      calls.push(`refresh ${objects.map((o) => o.id).join(',')}`);
      const samples: { id: string; queue: QueueFill | null }[] = [];
      for (const o of objects) {
        if (o.id === 'pipe:a') samples.push({ id: o.id, queue: { used: 4096, capacity: 65536, unit: 'bytes' } });
        if (o.id === 'pipe:b') samples.push({ id: o.id, queue: null });
        if (o.id === 'unix:8') samples.push({ id: o.id, queue: { used: 3, capacity: 128, unit: 'connections' } });
        if (o.id === 'unix:9') samples.push({ id: o.id, queue: null });
        if (o.id === 'posix-mq:/q') samples.push({ id: o.id, queue: { used: 7, capacity: 10, unit: 'messages' } });
        if (o.id === 'posix-mq:/gone') samples.push({ id: o.id, queue: null });
        // tcp:1 gets no sample at all: its family could not be dumped (see notes)
      }
      return { samples, notes: objects.some((o) => o.kind === 'tcp') ? ['tcp queues: socket(AF_NETLINK): EPERM'] : [] };
    },
    headerReader: (file) => () => {
      calls.push(`pread ${file}`);
      return { bytes: seedHeader(10, 110, 4096), size: 4120 } as HeaderRead;
    },
    ...over,
  };
}

describe('live sampler: targets', () => {
  it('pipes, FIFOs and sockets go to the engine\'s refresh path with their whole record (dev, netns, holders)', () => {
    const fifo = obj({ id: 'fifo:2049:5', kind: 'fifo', inode: 5, dev: 2049, netns: 4026531840, name: '/tmp/f', endpoints: [{ pid: 3, fd: 6, access: 'r' }] });
    assert.deepEqual(targetFor(fifo, () => undefined), { id: 'fifo:2049:5', kind: 'engine', object: fifo });
    for (const kind of ['pipe', 'unix', 'tcp', 'udp'] as const) assert.equal(targetFor(obj({ id: 'x', kind }), () => undefined)?.kind, 'engine');
  });

  it('a shm segment is a ring only with a layout attached to its name', () => {
    const o = obj({ id: 'posix-shm:1:2', kind: 'posix-shm', name: '/ring' });
    assert.equal(targetFor(o, () => undefined), undefined);
    assert.deepEqual(targetFor(o, (n) => (n === 'ring' ? PRESETS.seed : undefined)), { id: 'posix-shm:1:2', kind: 'shm-ring', file: '/dev/shm/ring', layout: PRESETS.seed });
    assert.equal(targetFor(obj({ id: 'x', kind: 'posix-shm', name: '/../etc/passwd' }), () => PRESETS.seed), undefined);
  });

  it('message queues go to the refresh path too (by name, in their IPC namespace); kinds without a queue have no target', () => {
    const mq = obj({ id: 'posix-mq:/q', kind: 'posix-mq', name: '/q', ipcns: 4026531839 });
    assert.deepEqual(targetFor(mq, () => undefined), { id: 'posix-mq:/q', kind: 'engine', object: mq });
    assert.equal(targetFor(obj({ id: 'sysv-msg:7', kind: 'sysv-msg' }), () => undefined)?.kind, 'engine');
    assert.equal(targetFor(obj({ id: 'e', kind: 'eventfd' }), () => undefined), undefined);
    assert.equal(targetFor(obj({ id: 's', kind: 'sysv-shm' }), () => undefined), undefined);
  });

  it('segment names', () => {
    assert.equal(segmentName('/ring'), 'ring');
    assert.equal(segmentName('/dev/shm/ring'), 'ring');
    assert.equal(segmentName('/a/b'), undefined);
    assert.equal(segmentName(''), undefined);
  });
});

describe('live sampler: one tick', () => {
  const eng = (id: string, kind: IpcKind): LiveTarget => ({ id, kind: 'engine', object: { id, kind, inode: 1, endpoints: [], dev: 1 } });
  const targets: LiveTarget[] = [
    eng('pipe:a', 'pipe'), eng('pipe:b', 'pipe'), eng('unix:8', 'unix'), eng('unix:9', 'unix'), eng('tcp:1', 'tcp'),
    { id: 'ring', kind: 'shm-ring', file: '/dev/shm/ring', layout: PRESETS.seed },
    eng('posix-mq:/q', 'posix-mq'), eng('posix-mq:/gone', 'posix-mq'),
  ];

  it('reads every target once: one refresh call for every queue kind, one pread per ring', () => {
    const io = fakeIo();
    const r = sampleTargets(targets, io);
    assert.deepEqual(r.get('pipe:a'), { ok: true, sample: { used: 4096, capacity: 65536, unit: 'bytes' } });
    assert.deepEqual(r.get('pipe:b'), { ok: false, error: 'no accessible holder of the read end (or the pipe is gone)' });
    assert.deepEqual(r.get('unix:8'), { ok: true, sample: { used: 3, capacity: 128, unit: 'connections' } });
    assert.deepEqual(r.get('unix:9'), { ok: false, error: 'socket gone' });
    assert.deepEqual(r.get('tcp:1'), { ok: false, error: 'tcp queues: socket(AF_NETLINK): EPERM' });
    const ring = r.get('ring');
    assert.ok(ring?.ok);
    assert.equal(ring.sample.used, 100);
    assert.equal(ring.sample.capacity, 4095);
    assert.deepEqual(ring.sample.ring, { capacity: 4096, readIndex: 10, writeIndex: 110, rawRead: '10', rawWrite: '110', stable: true });
    assert.deepEqual(r.get('posix-mq:/q'), { ok: true, sample: { used: 7, capacity: 10, unit: 'messages' } });
    assert.deepEqual(r.get('posix-mq:/gone'), { ok: false, error: 'queue gone (or not readable)' });
    assert.deepEqual(io.calls.filter((c) => !c.startsWith('pread')), ['refresh pipe:a,pipe:b,unix:8,unix:9,tcp:1,posix-mq:/q,posix-mq:/gone']);
    assert.equal(r.size, targets.length);
  });

  it('a failing reader becomes that target\'s error, never an exception', () => {
    const io = fakeIo({
      refresh: () => { throw new Error('native layer failed to load: koffi'); },
      headerReader: () => { throw new Error('EMFILE'); },
    });
    const r = sampleTargets(targets, io);
    assert.deepEqual(r.get('unix:8'), { ok: false, error: 'native layer failed to load: koffi' });
    assert.deepEqual(r.get('posix-mq:/q'), { ok: false, error: 'native layer failed to load: koffi' });
    assert.deepEqual(r.get('ring'), { ok: false, error: 'EMFILE' });
    assert.equal(r.size, targets.length);
  });

  it('a SysV queue is followed in bytes against msg_qbytes (what makes msgsnd block), in messages when the limit is unreadable', () => {
    const io = fakeIo({
      refresh: () => ({
        samples: [
          { id: 'sysv-msg:0:1', queue: { used: 3, capacity: null, unit: 'messages' }, bytes: { used: 300, capacity: 16384 } },
          { id: 'sysv-msg:0:2', queue: { used: 2, capacity: null, unit: 'messages' }, bytes: { used: 20, capacity: null } },
        ],
        notes: [],
      }),
    });
    const r = sampleTargets([eng('sysv-msg:0:1', 'sysv-msg'), eng('sysv-msg:0:2', 'sysv-msg')], io);
    assert.deepEqual(r.get('sysv-msg:0:1'), { ok: true, sample: { used: 300, capacity: 16384, unit: 'bytes' } });
    assert.deepEqual(r.get('sysv-msg:0:2'), { ok: true, sample: { used: 2, capacity: null, unit: 'messages' } });
  });

  it('a ring whose segment vanished reports the errno', () => {
    const r = sampleTargets([targets[5]!], fakeIo({ headerReader: () => () => ({ error: 'ENOENT' }) }));
    assert.deepEqual(r.get('ring'), { ok: false, error: 'io: ENOENT' });
  });
});

describe('live sampler: ticker', () => {
  it('never overlaps a slow tick; it skips and counts instead', async () => {
    let running = 0;
    let maxRunning = 0;
    const t = new Ticker(100, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 45));
      running--;
    });
    t.start();
    await new Promise((r) => setTimeout(r, 200));
    t.stop();
    assert.equal(maxRunning, 1);
    assert.ok(t.skipped >= 5, `skipped ${t.skipped}`);
    assert.ok(t.ticks >= 3 && t.ticks <= 6, `ticks ${t.ticks}`);
  });
});
