// The real machine access behind sampleTargets(): the engine's refresh path (FIONREAD through a holder of
// the read end, sock_diag dumps, mq_getattr, /proc/sysvipc/msg) and header pread of shm segments.

import type { SamplerIo } from './sampler';
import { headerReader } from './shmHeader';
import { refreshQueues } from '../scan/refresh';

export const machineIo: SamplerIo = {
  refresh: (objects) => refreshQueues(objects),
  headerReader,
};
