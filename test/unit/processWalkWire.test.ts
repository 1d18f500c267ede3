// A helper thread's part of the process walk crosses threads in columns (encodePart/decodePart): every field
// of every fd record must come back as it went.

import { strict as assert } from 'node:assert';
import type { FdRecord } from '../../src/core/scan/fds';
import { decodePart, emptyProcessWalk, encodePart } from '../../src/core/scan/processWalk';

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
  });
});
