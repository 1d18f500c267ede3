// The real machine access behind sampleTargets(): the engine's refresh path (FIONREAD through a holder of
// the read end, sock_diag dumps), header pread of shm segments, and a snapshot for the remaining kinds.

import type { IpcKind, Snapshot } from '../model';
import type { SamplerIo } from './sampler';
import { headerReader } from './shmHeader';
import { refreshQueues } from '../scan/refresh';
import { takeSnapshot } from '../scan/snapshot';

/**
 * The snapshot fallback walks every process's fds: at most one per second, however fast the views tick
 * (their other series keep their own rate; these repeat the last value).
 */
const FALLBACK_MIN_INTERVAL_MS = 1000;
let cached: { key: string; at: number; snap: Snapshot } | undefined;

function throttledSnapshot(kinds: IpcKind[]): Snapshot {
  const key = [...kinds].sort().join(',');
  const now = Date.now();
  if (cached && cached.key === key && now - cached.at < FALLBACK_MIN_INTERVAL_MS) return cached.snap;
  const snap = takeSnapshot({ kinds });
  cached = { key, at: now, snap };
  return snap;
}

export const machineIo: SamplerIo = {
  refresh: (objects) => refreshQueues(objects),
  headerReader,
  snapshot: throttledSnapshot,
};
