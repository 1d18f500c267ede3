// A helper thread's part of the process walk crosses threads in columns (encodePart/decodePart): every field
// of every fd record must come back as it went.

import { strict as assert } from 'node:assert';
import type { FdRecord } from '../../src/core/scan/fds';
import fc from 'fast-check';
import { decodePart, emptyProcessWalk, encodePart, mergeByPid, mergeProcessWalk, sortProcessWalk } from '../../src/core/scan/processWalk';

describe('processWalk: a helper part through the wire encoding', () => {
  it('keeps every fd record field: type, identity, access, link bytes, size/uid/mode, anonymous details, the mqueue flag', () => {
    const p = emptyProcessWalk();
    const fds: FdRecord[] = [
      { pid: 10, fd: 3, type: 0o010000, dev: 14, ino: 2 ** 40 + 5, access: 'r', link: null },
      { pid: 10, fd: 4, type: 0o100000, dev: 19, ino: 77, access: 'w', link: Buffer.from('/q\xff (deleted)', 'latin1'), size: 80, uid: 1000, mode: 0o640, mqueue: true },
      { pid: 11, fd: 5, type: 0o100000, dev: 25, ino: 8, access: 'rw', link: Buffer.from('/dev/shm/x'), size: 8192, uid: 0, mode: 0o600 },
      { pid: 11, fd: 6, type: 0, dev: 15, ino: 1, access: 'rw', link: Buffer.from('anon_inode:[eventfd]'), anon: { kind: 'eventfd', eventfdId: 9, eventfdCount: 3, sigmask: null } },
      { pid: 12, fd: 7, type: 0o140000, dev: 8, ino: 99, access: null, link: null },
    ];
    p.walk.fds.push(...fds);
    p.walk.fills.set('14:5', { used: 10, capacity: 65536 });
    const back = decodePart(structuredClone(encodePart(p)));
    assert.ok(back);
    assert.equal(back.walk.fds.length, fds.length);
    back.walk.fds.forEach((f, i) => {
      const want = fds[i]!;
      assert.deepEqual({ ...f, link: f.link && Buffer.from(f.link).toString('latin1') }, { ...want, link: want.link && want.link.toString('latin1') }, `record ${i}`);
    });
    assert.equal(back.walk.fds[0]!.mqueue, undefined);
    assert.deepEqual(back.walk.fills.get('14:5'), { used: 10, capacity: 65536 });
    // In-flight counts the iterator read, by socket inode.
    const q = emptyProcessWalk();
    q.walk.scm.set(99, 3).set(2 ** 33 + 1, 0);
    assert.deepEqual([...decodePart(structuredClone(encodePart(q)))!.walk.scm], [[99, 3], [2 ** 33 + 1, 0]]);
    // A malformed count list is no part (the caller walks those processes itself).
    assert.equal(decodePart({ ...encodePart(q), scmVals: new Int32Array(5) }), null);
  });

  it('merged fills and in-flight counts keep the first part\'s entry for a key in both, whichever map is larger', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }), fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }),
      (ka, kb) => {
        const a = emptyProcessWalk();
        const b = emptyProcessWalk();
        for (const k of ka) {
          a.walk.scm.set(k, k * 10);
          a.walk.fills.set(`1:${k}`, { used: k, capacity: 1 });
        }
        for (const k of kb) {
          b.walk.scm.set(k, k * 10 + 1);
          b.walk.fills.set(`1:${k}`, { used: k, capacity: 2 });
          b.walk.fillFailed.add(`1:${k + 100}`);
        }
        mergeProcessWalk(a, b);
        const keys = new Set([...ka, ...kb]);
        assert.equal(a.walk.scm.size, keys.size);
        assert.equal(a.walk.fills.size, keys.size);
        for (const k of keys) {
          assert.equal(a.walk.scm.get(k), ka.includes(k) ? k * 10 : k * 10 + 1);
          assert.equal(a.walk.fills.get(`1:${k}`)?.capacity, ka.includes(k) ? 1 : 2);
        }
        assert.equal(a.walk.fillFailed.size, kb.length);
      },
    ), { numRuns: 500 });
  });

  it('threads\' parts merge into the order one thread produces (by pid, then fd), whatever the claims were', () => {
    // Each thread lists its processes in pid order and their fds in fd order; which thread took which process is
    // arbitrary. Merged and sorted, the result is the single-threaded order.
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 40, maxLength: 40 }),
      (pidsIn, owner, fdCount) => {
        const pids = [...pidsIn].sort((a, b) => a - b);
        const parts = [0, 1, 2, 3].map(() => emptyProcessWalk());
        const all: FdRecord[] = [];
        pids.forEach((pid, i) => {
          const part = parts[owner[i]!]!;
          part.processes.push({ pid, ppid: 1, comm: 'x', cmdline: [], uid: 0, netns: null, ipcns: null });
          for (let fd = 0; fd < fdCount[i]!; fd++) {
            const f: FdRecord = { pid, fd, type: 0o010000, dev: 14, ino: pid * 10 + fd, access: 'r', link: null };
            part.walk.fds.push(f);
            all.push(f);
          }
        });
        const into = parts[0]!;
        for (const p of parts.slice(1)) mergeProcessWalk(into, p);
        sortProcessWalk(into);
        assert.deepEqual(into.processes.map((p) => p.pid), pids);
        assert.deepEqual(into.walk.fds, all);
      },
    ), { numRuns: 300 });
    assert.deepEqual(mergeByPid([{ pid: 1 }, { pid: 4 }], [{ pid: 2 }, { pid: 3 }, { pid: 9 }]).map((x) => x.pid), [1, 2, 3, 4, 9]);
    // Out of order in, out of order out: sortProcessWalk still sorts it.
    const w = emptyProcessWalk();
    w.walk.fds.push({ pid: 5, fd: 1, type: 0, dev: 1, ino: 1, access: null, link: null }, { pid: 2, fd: 1, type: 0, dev: 1, ino: 2, access: null, link: null });
    const o = emptyProcessWalk();
    o.walk.fds.push({ pid: 3, fd: 1, type: 0, dev: 1, ino: 3, access: null, link: null });
    mergeProcessWalk(w, o);
    sortProcessWalk(w);
    assert.deepEqual(w.walk.fds.map((f) => f.pid), [2, 3, 5]);
  });
});
