// Worker-thread entry point of the live sampler (bundled to dist/live.worker.js): every tick's reads run
// here, off the extension host's event loop. Native code (koffi) loads on the first pipe or socket target.

import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { LiveRequest, LiveResponse } from './protocol';
import { sampleTargets } from './sampler';
import { machineIo } from './machineIo';

parentPort?.on('message', (req: LiveRequest) => {
  let res: LiveResponse;
  const t0 = performance.now();
  try {
    if (req.type !== 'sample') throw new Error(`unknown request ${String((req as { type: unknown }).type)}`);
    res = { id: req.id, type: 'samples', results: [...sampleTargets(req.targets, machineIo)], durationMs: performance.now() - t0 };
  } catch (e) {
    res = { id: req.id, type: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(res);
});
