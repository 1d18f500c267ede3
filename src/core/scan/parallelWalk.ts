// The per-process pass of a snapshot (identity, fds, pipe fills) shared with helper threads. The pass is
// bound by syscalls (a statx per fd, five calls per pipe fill, each 1-4 µs on a VM), so with N cores it
// runs up to N times faster. `selfPid` is walked last by the caller, once no helper holds a scanning fd.

import { defaultHelperCount, runShared, type JobBase } from './helperPool';
import {
  emptyProcessWalk, mergeProcessWalk, decodePart, sortProcessWalk, walkOneProcess, walkOptions,
  encodePart, type ProcessWalk, type WalkJobOptions, type WirePart,
} from './processWalk';

export interface WalkJob extends JobBase {
  type: 'walk';
  /** Int32Array view: who claimed process i (CLAIM_CALLER or CLAIM_HELPER0 + helper). */
  claims: SharedArrayBuffer;
  pids: Int32Array;
  options: WalkJobOptions;
}

export const CLAIM_CALLER = 1;
export const CLAIM_HELPER0 = 2;
/** Below this many processes a helper costs more (messages, clone) than it saves. */
const MIN_PROCESSES = 24;

/**
 * The per-process pass over `pids`. `meanwhile` runs on this thread once the helpers have the job and
 * before this thread joins in (the snapshot reads the socket dumps there); without helpers, first.
 */
export function walkProcesses(pids: readonly number[], options: WalkJobOptions, helperCount = defaultHelperCount(), meanwhile?: () => void): ProcessWalk {
  const opts = walkOptions(options);
  const out = emptyProcessWalk();
  const others = Int32Array.from(pids.filter((p) => p !== options.selfPid));
  const walkSelf = others.length !== pids.length;
  const count = others.length >= MIN_PROCESSES ? helperCount : 0;
  if (count === 0) {
    meanwhile?.();
    for (const pid of others) walkOneProcess(pid, opts, out, options.mapDevs);
  } else {
    const claims = new Int32Array(new SharedArrayBuffer(4 * others.length));
    const outcomes = runShared(
      count,
      (helper, control): WalkJob => ({ type: 'walk', helper, control, claims: claims.buffer as SharedArrayBuffer, pids: others, options }),
      (control) => {
        meanwhile?.();
        for (let i = Atomics.add(control, 0, 1); i < others.length; i = Atomics.add(control, 0, 1)) {
          claims[i] = CLAIM_CALLER;
          walkOneProcess(others[i]!, opts, out, options.mapDevs);
        }
      },
    );
    for (const o of outcomes) {
      if (!o.took) continue;
      const part = o.done ? decodePart(o.message) : null;
      if (part) mergeProcessWalk(out, part);
      else for (let j = 0; j < others.length; j++) if (claims[j] === CLAIM_HELPER0 + o.helper) walkOneProcess(others[j]!, opts, out, options.mapDevs);
    }
  }
  if (walkSelf) walkOneProcess(options.selfPid, opts, out, options.mapDevs);
  sortProcessWalk(out);
  return out;
}

/** A helper's part of a walk job (runs in walk.worker.ts). */
export function walkPart(job: WalkJob): WirePart {
  const control = new Int32Array(job.control);
  const claims = new Int32Array(job.claims);
  const opts = walkOptions(job.options);
  const out = emptyProcessWalk();
  for (let i = Atomics.add(control, 0, 1); i < job.pids.length; i = Atomics.add(control, 0, 1)) {
    claims[i] = CLAIM_HELPER0 + job.helper;
    walkOneProcess(job.pids[i]!, opts, out, job.options.mapDevs);
  }
  return encodePart(out);
}
