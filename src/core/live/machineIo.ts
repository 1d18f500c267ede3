// The real machine access behind sampleTargets(): the engine's refresh path (FIONREAD through a holder of
// the read end, sock_diag dumps), header pread of shm segments, and a snapshot for the remaining kinds.

import type { SamplerIo } from './sampler';
import { headerReader } from './shmHeader';
import { refreshQueues } from '../scan/refresh';
import { takeSnapshot } from '../scan/snapshot';

export const machineIo: SamplerIo = {
  refresh: (objects) => refreshQueues(objects),
  headerReader,
  snapshot: (kinds) => takeSnapshot({ kinds }),
};
