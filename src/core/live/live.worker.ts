// Worker-thread entry point of the live sampler (bundled to dist/live.worker.js): every tick's reads run
// here, off the extension host's event loop. Native code (koffi) loads on the first pipe or socket target.

import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { LiveRequest, LiveResponse } from './protocol';
import { sampleTargets, type SamplerIo, type UnixQueue } from './sampler';
import { headerReader } from './shmHeader';
import { samplePipe } from '../scan/fill';
import { takeSnapshot } from '../scan/snapshot';
import { dumpUnixSockets } from '../../../native/netlink';
import { UDIAG_SHOW_RQLEN } from '../../../native/netlinkParse';

const TCP_LISTEN = 10;

const io: SamplerIo = {
  samplePipe,
  unixQueues() {
    const m = new Map<number, UnixQueue>();
    for (const s of dumpUnixSockets(UDIAG_SHOW_RQLEN).sockets) {
      m.set(s.ino, { listening: s.state === TCP_LISTEN, rqueue: s.rqlen?.rqueue ?? null, wqueue: s.rqlen?.wqueue ?? null });
    }
    return m;
  },
  headerReader,
  snapshot: (kinds) => takeSnapshot({ kinds }),
};

parentPort?.on('message', (req: LiveRequest) => {
  let res: LiveResponse;
  const t0 = performance.now();
  try {
    if (req.type !== 'sample') throw new Error(`unknown request ${String((req as { type: unknown }).type)}`);
    res = { id: req.id, type: 'samples', results: [...sampleTargets(req.targets, io)], durationMs: performance.now() - t0 };
  } catch (e) {
    res = { id: req.id, type: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(res);
});
