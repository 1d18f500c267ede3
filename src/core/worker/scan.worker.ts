// Entry point of the scan worker (bundled to dist/scan.worker.js): runs snapshots off the caller's event loop,
// either as a worker thread (parentPort) or as a child process forked with an IPC channel (process.send).

import { parentPort } from 'node:worker_threads';
import type { ScanRequest, ScanResponse } from './protocol';
import type { IpcObject } from '../model';
import { refreshQueues } from '../scan/refresh';
import { takeSnapshot } from '../scan/snapshot';
import { encodeSnapshotDelta, objectKey, type WireMemory } from './snapshotWire';

/** Objects of the last snapshot by id: the refresh request samples these without a new fd walk. */
let lastObjects = new Map<string, IpcObject>();
/** The lines of the snapshot sent last, for a delta next time; generations are unique to this worker. */
let sent: WireMemory | undefined;
const epoch = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
let generation = 0;

// Developer aid (as IPC_INSPECTOR_PROFILE_HOST for the extension host): a CPU profile of this worker thread.
const profileFile = process.env['IPC_INSPECTOR_PROFILE_WORKER'];
if (profileFile) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Session } = require('node:inspector') as typeof import('node:inspector');
  const seconds = Number(process.env['IPC_INSPECTOR_PROFILE_SECONDS'] ?? 60);
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start', () => {
    setTimeout(() => session.post('Profiler.stop', (err, r) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (!err) (require('node:fs') as typeof import('node:fs')).writeFileSync(profileFile, JSON.stringify(r.profile));
      session.disconnect();
    }), seconds * 1000).unref();
  }));
}

function isNativeError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /koffi|libc|native/i.test(msg);
}

/** Where requests come from and replies go: the parent thread's port, or the IPC channel of a forked process. */
const channel: { on(l: (m: ScanRequest) => void): void; post(m: ScanResponse): void } | null = parentPort
  ? { on: (l) => parentPort!.on('message', l), post: (m) => parentPort!.postMessage(m, m.type === 'snapshot-encoded' ? [m.encoded.buffer as ArrayBuffer] : []) }
  : process.send
    ? {
      on: (l) => process.on('message', (m) => l(m as ScanRequest)),
      post: (m) => void process.send!(m),
    }
    : null;
// A forked scan process ends with its parent (the IPC channel closes when the extension host exits or kills it).
if (!parentPort && process.send) process.on('disconnect', () => process.exit(0));

channel?.on((req: ScanRequest) => {
  let res: ScanResponse;
  try {
    if (req.type === 'refresh') {
      const targets: IpcObject[] = [];
      const unknown: string[] = [];
      for (const id of req.ids) {
        const o = lastObjects.get(id);
        if (o) targets.push(o);
        else unknown.push(id);
      }
      res = { id: req.id, type: 'refresh', refresh: refreshQueues(targets), unknown };
    } else if (req.type === 'snapshot') {
      const snapshot = takeSnapshot(req.options);
      const prev = sent && typeof req.base === 'string' && req.base === sent.gen ? sent : undefined;
      const { encoded, memory } = encodeSnapshotDelta(snapshot, prev, `${epoch}.${++generation}`);
      sent = memory;
      // The instances the wire memory kept (last time's where nothing changed), so both refer to the same ones.
      lastObjects = new Map(snapshot.objects.map((o) => [o.id, (memory.values.get(objectKey(o)) as IpcObject | undefined) ?? o]));
      res = { id: req.id, type: 'snapshot-encoded', encoded };
    } else throw new Error(`unknown request ${String((req as { type: unknown }).type)}`);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    res = { id: req.id, type: 'error', error: { message: err.message, stack: err.stack, native: isNativeError(e) } };
  }
  channel!.post(res);
});
