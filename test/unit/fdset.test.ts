// Unit: the inspector's fd bookkeeping (FdSet) and the pid order of pipe samples (orderByPid).

import { strict as assert } from 'node:assert';
import { FdSet } from '../../native/libc';
import { orderByPid } from '../../src/core/scan/parallelSample';

describe('FdSet', () => {
  it('adds, finds and deletes fd numbers, growing past its initial size', () => {
    const s = new FdSet();
    for (const fd of [0, 3, 1023, 1024, 70_000, 1_048_575]) {
      assert.equal(s.has(fd), false);
      s.add(fd);
      assert.equal(s.has(fd), true);
    }
    assert.equal(s.has(4), false);
    assert.equal(s.has(1_048_574), false);
    s.delete(1024);
    assert.equal(s.has(1024), false);
    assert.equal(s.has(1023), true);
    assert.equal(s.has(70_000), true, 'entries survive growth');
  });

  it('ignores negative numbers and deletes of numbers never added', () => {
    const s = new FdSet();
    s.add(-1);
    assert.equal(s.has(-1), false);
    s.delete(-5);
    s.delete(5_000_000);
    assert.equal(s.has(5_000_000), false);
  });
});

describe('orderByPid', () => {
  it('orders item indices by pid, stable within one pid, like a comparison sort', () => {
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (const n of [0, 1, 2, 50, 5000]) {
      // Few distinct pids (many ties) and pids up to PID_MAX_LIMIT (2^22).
      const pids = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 4_194_304 - rand(4) : 1 + rand(40)));
      const want = Array.from(pids.keys()).sort((a, b) => pids[a]! - pids[b]! || a - b);
      assert.deepEqual(Array.from(orderByPid(pids)), want);
      // With reused scratch larger than needed and dirty from an earlier call, and from a plain array.
      const keys = new Float64Array(n + 9).fill(123.5);
      const into = new Int32Array(n + 9).fill(-7);
      const got = orderByPid(Array.from(pids), keys, into);
      assert.equal(got.length, n);
      assert.deepEqual(Array.from(got), want);
    }
  });
});
