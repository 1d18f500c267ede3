// In-flight fds (fdinfo scm_fds) of the Unix sockets that may hold some, read after the fd walk through one
// holder's fd of each, shared with helper threads like the walk. Kept out of the walk itself so that the
// walk needs nothing from the socket dumps and can start before them.

import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_RDONLY, S_IFSOCK, inspectorFds, libc } from '../../../native/libc';
import { readScmFds, type FdRecord } from './fds';
import { defaultHelperCount, runShared, type JobBase } from './helperPool';

/** One fd per socket to read, grouped by process: items [starts[g], starts[g + 1]) belong to pids[starts[g]]. */
export interface ScmItems {
  pids: Int32Array;
  fds: Int32Array;
  inos: Float64Array;
  /** Group boundaries (length groups + 1). */
  starts: Int32Array;
}

export interface ScmJob extends JobBase, ScmItems {
  type: 'scm';
  /** Int32Array view: scm_fds of item i, or UNREAD. */
  results: SharedArrayBuffer;
}

const UNREAD = -1;
/** Below this many sockets the caller alone is faster than posting a job. */
const MIN_ITEMS = 64;

/**
 * The first holder fd (in walk order: by pid, then fd) of every socket in `wanted`, grouped by pid.
 * `fds` must be sorted by pid, as a finished walk is.
 */
export function scmCandidates(fds: readonly FdRecord[], wanted: ReadonlySet<number>): ScmItems {
  const pids: number[] = [];
  const nums: number[] = [];
  const inos: number[] = [];
  const starts: number[] = [];
  const taken = new Set<number>();
  for (const f of fds) {
    if (f.type !== S_IFSOCK || !wanted.has(f.ino) || taken.has(f.ino)) continue;
    taken.add(f.ino);
    if (pids.length === 0 || pids[pids.length - 1] !== f.pid) starts.push(pids.length);
    pids.push(f.pid);
    nums.push(f.fd);
    inos.push(f.ino);
  }
  starts.push(pids.length);
  return { pids: Int32Array.from(pids), fds: Int32Array.from(nums), inos: Float64Array.from(inos), starts: Int32Array.from(starts) };
}

/** Read the items of group g (one process) into `results`; an fd gone or reused stays UNREAD. */
function readGroup(j: ScmItems, g: number, results: Int32Array): void {
  const c = libc();
  const from = j.starts[g]!;
  const to = j.starts[g + 1]!;
  if (from >= to) return;
  const dir = c.openat(AT_FDCWD, `/proc/${j.pids[from]!}/fdinfo`, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir < 0) return; // the process is gone (or hidden since the walk)
  inspectorFds.add(dir);
  try {
    for (let i = from; i < to; i++) {
      const n = readScmFds(dir, String(j.fds[i]!), j.inos[i]!);
      if (n !== null) results[i] = n;
    }
  } finally {
    c.close(dir);
    inspectorFds.delete(dir);
  }
}

function claimGroups(j: ScmItems, control: Int32Array, results: Int32Array): void {
  const groups = j.starts.length - 1;
  for (let g = Atomics.add(control, 0, 1); g < groups; g = Atomics.add(control, 0, 1)) readGroup(j, g, results);
}

/**
 * scm_fds by socket inode for the candidates (sockets whose fd vanished are left out). `meanwhile` runs on
 * this thread once the helpers have the job, before it joins in (the snapshot joins its objects there).
 */
export function readInflight(items: ScmItems, helperCount = defaultHelperCount(), meanwhile?: () => void): Map<number, number> {
  const n = items.pids.length;
  const results = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, n))).fill(UNREAD);
  const groups = items.starts.length - 1;
  if (n < MIN_ITEMS || helperCount === 0) {
    meanwhile?.();
    for (let g = 0; g < groups; g++) readGroup(items, g, results);
  } else {
    const outcomes = runShared(
      helperCount,
      (helper, control): ScmJob => ({ type: 'scm', helper, control, ...items, results: results.buffer as SharedArrayBuffer }),
      (control) => {
        meanwhile?.();
        claimGroups(items, control, results);
      },
    );
    // A helper that timed out may have left its groups half read: read every group with an unread item again.
    if (outcomes.some((o) => o.took && !o.done)) {
      for (let g = 0; g < groups; g++) {
        for (let i = items.starts[g]!; i < items.starts[g + 1]!; i++) {
          if (results[i] === UNREAD) {
            readGroup(items, g, results);
            break;
          }
        }
      }
    }
  }
  const out = new Map<number, number>();
  for (let i = 0; i < n; i++) if (results[i]! >= 0) out.set(items.inos[i]!, results[i]!);
  return out;
}

/** A helper's part of an scm job (runs in walk.worker.ts). */
export function scmPart(job: ScmJob): void {
  claimGroups(job, new Int32Array(job.control), new Int32Array(job.results));
}
