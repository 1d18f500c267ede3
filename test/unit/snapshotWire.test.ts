// Unit: the scan worker's snapshot wire format round-trips exactly, hostile names included.

import { strict as assert } from 'node:assert';
import type { Snapshot } from '../../src/core/model';
import fc from 'fast-check';
import { decodeSnapshotDelta, encodeSnapshotDelta, jsonEqual, objectKey } from '../../src/core/worker/snapshotWire';

const roundTrip = async (s: Snapshot) => (await decodeSnapshotDelta(encodeSnapshotDelta(s, undefined, 'g').encoded, undefined, 0)).snapshot;

describe('snapshot wire (worker -> client)', () => {
  it('round-trips processes and objects, names with newlines, NUL, bidi and invalid-UTF-8 fallbacks', async () => {
    const objects = Array.from({ length: 500 }, (_, i) => ({
      id: `fifo:1:${i}`, kind: 'fifo' as const, inode: i, name: `/tmp/a\nb\u0000c\u202e${i}\ud800`,
      nameBase64: 'L3RtcC9h/w==', endpoints: [{ pid: i, fd: 3, access: 'r' as const }], findings: [], dev: 1,
    }));
    const s: Snapshot = {
      schemaVersion: 1, takenAt: '2026-01-01T00:00:00.000Z', durationMs: 12.5, self: { pid: 1 }, hidden: { processes: 2 },
      notes: ['x\ny'], processes: [{ pid: 1, ppid: 0, comm: 'a\nb', cmdline: ['x', '\n'], uid: 0, netns: null, ipcns: 5 }],
      objects, scan: { fds: 3, vanishedProcesses: 0, vanishedFds: 1, phasesMs: { join: 1 } },
    };
    const bytes = encodeSnapshotDelta(s, undefined, 'g').encoded;
    assert.ok(bytes.buffer.byteLength === bytes.byteLength, 'own buffer (transferable)');
    assert.deepEqual(await roundTrip(s), JSON.parse(JSON.stringify(s)));
  });

  it('an empty snapshot round-trips', async () => {
    const s: Snapshot = { schemaVersion: 1, takenAt: 't', durationMs: 0, self: { pid: 1 }, hidden: { processes: 0 }, notes: [], processes: [], objects: [] };
    assert.deepEqual(await roundTrip(s), s);
  });

  describe('deltas: unchanged processes and objects come back as the previous instances', () => {
    const obj = (i: number, used = 0) => ({
      id: `fifo:1:${i}\n"=x`, kind: 'fifo' as const, inode: i, name: `/tmp/<b>\n${i}`, endpoints: [{ pid: 7, fd: i, access: 'r' as const }],
      findings: [], dev: 1, queue: { used, capacity: 65536, unit: 'bytes' as const },
    });
    const proc = (pid: number, comm = 'p') => ({ pid, ppid: 1, comm, cmdline: ['x'], uid: 0, netns: 1, ipcns: 2 });
    const snap = (objects: ReturnType<typeof obj>[], processes = [proc(7), proc(8)]): Snapshot => ({
      schemaVersion: 1, takenAt: 't', durationMs: 1, self: { pid: 7 }, hidden: { processes: 0 }, notes: [], processes, objects,
    });

    it('a delta reuses instances, parses changes, drops the removed and keeps the order', async () => {
      const s1 = snap([obj(1), obj(2), obj(3)]);
      const e1 = encodeSnapshotDelta(s1, undefined, 'g1');
      const d1 = await decodeSnapshotDelta(e1.encoded, undefined, 0);
      assert.deepEqual(d1.snapshot, JSON.parse(JSON.stringify(s1)));
      // Object 2 fills, 3 goes, 4 comes; process 8 changes its comm; the order of objects changes.
      const s2 = snap([obj(4), obj(2, 100), obj(1)], [proc(7), proc(8, 'q')]);
      const e2 = encodeSnapshotDelta(s2, e1.memory, 'g2');
      const lines = new TextDecoder().decode(e2.encoded).split('\n');
      assert.equal(lines.filter((l) => l.startsWith('=')).length, 2, 'process 7 and object 1 go by reference');
      const d2 = await decodeSnapshotDelta(e2.encoded, d1.memory, 0);
      assert.deepEqual(d2.snapshot, JSON.parse(JSON.stringify(s2)));
      assert.equal(d2.snapshot.objects[2], d1.snapshot.objects[0], 'object 1: the same instance');
      assert.equal(d2.snapshot.processes[0], d1.snapshot.processes[0], 'process 7: the same instance');
      assert.notEqual(d2.snapshot.objects[1], d1.snapshot.objects[1], 'object 2 changed: a new instance');
      assert.equal(d2.snapshot.objects[1]!.queue?.used, 100);
      assert.equal(d2.memory?.gen, 'g2');
      assert.deepEqual([...d2.memory!.objects.keys()].length, 3);
      // The worker's memory keeps last time's instance of what did not change (one long-lived copy), and
      // the new instance of what did; the next delta still compares correctly against either.
      assert.equal(e2.memory.values.get(objectKey(s2.objects[2]!)), s1.objects[0], 'unchanged: the old instance kept');
      assert.equal(e2.memory.values.get(objectKey(s2.objects[1]!)), s2.objects[1], 'changed: the new instance kept');
      assert.equal(e2.memory.values.get('p7'), s1.processes[0]);
      const s3 = snap([obj(4), obj(2, 100), obj(1, 5)], [proc(7), proc(8, 'q')]);
      const e3 = encodeSnapshotDelta(s3, e2.memory, 'g3');
      const d3 = await decodeSnapshotDelta(e3.encoded, d2.memory, 0);
      assert.deepEqual(d3.snapshot, JSON.parse(JSON.stringify(s3)));
      assert.equal(d3.snapshot.objects[1], d2.snapshot.objects[1], 'object 2 unchanged since g2: reused');
      assert.equal(d3.snapshot.objects[2]!.queue?.used, 5, 'object 1 changed against the kept old instance');
    });

    it('a delta against another generation is refused, a full encoding always decodes', async () => {
      const s1 = snap([obj(1)]);
      const e1 = encodeSnapshotDelta(s1, undefined, 'g1');
      const d1 = await decodeSnapshotDelta(e1.encoded, undefined, 0);
      const e2 = encodeSnapshotDelta(s1, e1.memory, 'g2');
      await assert.rejects(decodeSnapshotDelta(e2.encoded, undefined, 0), /generation g1/);
      await assert.rejects(decodeSnapshotDelta(e2.encoded, { ...d1.memory!, gen: 'other' }, 0), /generation g1/);
      // The same memory but missing an entry (a bug elsewhere) is an error, not a silent gap.
      await assert.rejects(decodeSnapshotDelta(e2.encoded, { gen: 'g1', processes: d1.memory!.processes, objects: new Map() }, 0), /does not hold/);
      const full = encodeSnapshotDelta(s1, undefined, 'g3');
      assert.deepEqual((await decodeSnapshotDelta(full.encoded, { ...d1.memory!, gen: 'stale' }, 0)).snapshot, JSON.parse(JSON.stringify(s1)));
    });
  });
});

describe('jsonEqual (what lets the worker skip JSON.stringify of unchanged objects)', () => {
  // Values as scans produce them: JSON data, some keys undefined, in any key order.
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, -0, 1, 2, NaN, Infinity, undefined), fc.integer(), fc.double(), fc.string(),
      fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'id', 'name'), tie('v'), { maxKeys: 4 })),
  })).v;
  const json = (x: unknown): unknown => (x === undefined ? undefined : JSON.parse(JSON.stringify(x) ?? 'null'));
  const shuffled = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(shuffled);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).reverse().map(([k, v]) => [k, shuffled(v)]));
    return x;
  };

  it('equal only when the JSON says the same (keys in any order, undefined keys absent)', () => {
    fc.assert(fc.property(value, value, (a, b) => {
      if (jsonEqual(a, b)) assert.deepStrictEqual(json(a), json(b));
    }), { numRuns: 3000 });
  });

  it('a copy with the keys in another order is equal; a changed leaf is not', () => {
    fc.assert(fc.property(value, (a) => {
      const finite = JSON.stringify(a) === JSON.stringify(json(a)) && !/null/.test(JSON.stringify(a) ?? '');
      if (finite && a !== undefined) assert.ok(jsonEqual(a, shuffled(a)), JSON.stringify(a));
    }), { numRuns: 2000 });
    const o = { id: 'pipe:1:2', endpoints: [{ pid: 1, fd: 3, access: 'r' }], queue: { used: 4, capacity: 65536 }, gone: undefined };
    assert.ok(jsonEqual(o, { queue: { capacity: 65536, used: 4 }, endpoints: [{ access: 'r', fd: 3, pid: 1 }], id: 'pipe:1:2' }));
    assert.ok(!jsonEqual(o, { ...o, queue: { used: 5, capacity: 65536 } }));
    assert.ok(!jsonEqual(o, { ...o, endpoints: [{ pid: 1, fd: 3, access: 'w' }] }));
    assert.ok(!jsonEqual(o, { ...o, extra: null }));
    assert.ok(!jsonEqual([1, 2], [2, 1]));
  });
});
