// Unit: the scan worker's snapshot wire format round-trips exactly, hostile names included.

import { strict as assert } from 'node:assert';
import type { Snapshot } from '../../src/core/model';
import { decodeSnapshot, encodeSnapshot } from '../../src/core/worker/snapshotWire';

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
    const bytes = encodeSnapshot(s);
    assert.ok(bytes.buffer.byteLength === bytes.byteLength, 'own buffer (transferable)');
    assert.deepEqual(await decodeSnapshot(bytes, 0), JSON.parse(JSON.stringify(s)));
  });

  it('an empty snapshot round-trips', async () => {
    const s: Snapshot = { schemaVersion: 1, takenAt: 't', durationMs: 0, self: { pid: 1 }, hidden: { processes: 0 }, notes: [], processes: [], objects: [] };
    assert.deepEqual(await decodeSnapshot(encodeSnapshot(s)), s);
  });
});
