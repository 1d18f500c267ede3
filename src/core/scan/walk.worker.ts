// Helper thread of the scan (helperPool.ts): takes shared jobs (the per-process pass, pipe sampling,
// in-flight fds),
// claims items from the job's shared counter and runs the same code as the caller. Bundled to
// dist/walk.worker.js.

import { workerData, type MessagePort } from 'node:worker_threads';
import { helperRun, type JobBase } from './helperPool';
import { scmPart, type ScmJob } from './inflight';
import { samplePart, type SampleJob } from './parallelSample';
import { walkPart, type WalkJob } from './parallelWalk';

const port = (workerData as { port: MessagePort }).port;

port.on('message', (job: JobBase) => {
  if (job?.type === 'walk') helperRun(job, port, () => walkPart(job as WalkJob));
  else if (job?.type === 'sample') helperRun(job, port, () => void samplePart(job as SampleJob));
  else if (job?.type === 'scm') helperRun(job, port, () => void scmPart(job as ScmJob));
});
