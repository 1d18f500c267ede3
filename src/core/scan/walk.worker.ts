// Helper thread of the parallel per-process pass (parallelWalk.ts): claims processes from the shared
// counter, walks them with the same code as the caller and posts its part back. Bundled to dist/walk.worker.js.

import { workerData, type MessagePort } from 'node:worker_threads';
import { CLAIM_HELPER0, HelperState, type WalkJob } from './parallelWalk';
import { emptyProcessWalk, walkOneProcess, walkOptions } from './processWalk';

const port = (workerData as { port: MessagePort }).port;

port.on('message', (job: WalkJob) => {
  if (job?.type !== 'walk') return;
  const control = new Int32Array(job.control);
  const claims = new Int32Array(job.claims);
  const cell = 1 + job.helper;
  // The caller may have finished (and declined us) while this thread was starting: then do nothing.
  if (Atomics.compareExchange(control, cell, HelperState.Pending, HelperState.Running) !== HelperState.Pending) return;
  const out = emptyProcessWalk();
  try {
    const opts = walkOptions(job.options);
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= job.pids.length) break;
      claims[i] = CLAIM_HELPER0 + job.helper;
      walkOneProcess(job.pids[i]!, opts, out);
    }
    port.postMessage(out);
  } catch (e) {
    // No part: the caller walks this helper's processes again.
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    Atomics.store(control, cell, HelperState.Done);
    Atomics.notify(control, cell);
  }
});
