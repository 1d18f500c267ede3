// The per-process pass of a snapshot (identity, fds, pipe fills) shared with helper threads. The pass is
// bound by syscalls (a statx per fd, five calls per pipe fill, each 1-4 µs on a VM), so with N cores it
// runs up to N times faster. `selfPid` is walked last by the caller, once no helper holds a scanning fd.

import { TABLES_READING, TABLES_READY, TABLES_UNCLAIMED, readTablesInto, tableShare, tablesFrom, type IterPlan, type TableShare } from '../../../native/bpfFdIter';
import type { WalkOptions } from './fds';
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
  /** The fd and mapping iterators, read by the first thread to claim the read, and where their tables go. */
  tables?: { plan: IterPlan; share: TableShare };
}

/** How long a thread waits for the tables another thread is reading before it walks /proc instead. */
const TABLES_WAIT_MS = 5000;

/**
 * The iterators' tables for this thread's part of the walk, into `opts`: read here if no other thread has
 * claimed the read yet, else those the other thread publishes. False when there are none (/proc is walked).
 */
function acquireTables(plan: IterPlan, share: TableShare, opts: WalkOptions, reader: number): boolean {
  const meta = new Int32Array(share.meta);
  if (Atomics.compareExchange(meta, 0, TABLES_UNCLAIMED, TABLES_READING) === TABLES_UNCLAIMED) readTablesInto(plan, share, reader);
  else {
    const deadline = Date.now() + TABLES_WAIT_MS;
    while (Atomics.load(meta, 0) === TABLES_READING) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(meta, 0, TABLES_READING, Math.min(left, 100));
    }
  }
  const t = tablesFrom(share);
  if (!t) return false;
  opts.fdTable = t.fdTable;
  if (t.mappers) opts.mappers = t.mappers;
  return true;
}

export const CLAIM_CALLER = 1;
export const CLAIM_HELPER0 = 2;
/** Below this many processes a helper costs more (messages, clone) than it saves. */
const MIN_PROCESSES = 24;

/**
 * The per-process pass over `pids`. `meanwhile` runs on this thread once the helpers have the job and
 * before this thread joins in (the snapshot reads the socket dumps there); without helpers, first.
 */
export function walkProcesses(
  pids: readonly number[], options: WalkJobOptions, helperCount = defaultHelperCount(), meanwhile?: () => void, plan?: IterPlan | null,
): ProcessWalk {
  const opts = walkOptions(options);
  const out = emptyProcessWalk();
  const others = Int32Array.from(pids.filter((p) => p !== options.selfPid));
  const walkSelf = others.length !== pids.length;
  const count = others.length >= MIN_PROCESSES ? helperCount : 0;
  // The iterators' tables: with helpers, a helper reads them while this thread reads the socket dumps
  // (meanwhile); alone, this thread first.
  const share = plan ? tableShare() : null;
  if (count === 0) {
    if (plan) acquireTables(plan, share!, opts, 0);
    meanwhile?.();
    for (const pid of others) walkOneProcess(pid, opts, out, options.mapDevs);
  } else {
    const claims = new Int32Array(new SharedArrayBuffer(4 * others.length));
    const tables = plan ? { plan, share: share! } : undefined;
    const outcomes = runShared(
      count,
      (helper, control): WalkJob => ({ type: 'walk', helper, control, claims: claims.buffer as SharedArrayBuffer, pids: others, options, ...(tables ? { tables } : {}) }),
      (control) => {
        meanwhile?.();
        if (plan) acquireTables(plan, share!, opts, 0);
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
  if (share) {
    const meta = new Int32Array(share.meta);
    if (Atomics.load(meta, 0) === TABLES_READY) out.iterators = { readMs: meta[3]! / 1000, mappers: meta[2]! >= 0, byHelper: meta[4]! > 0 };
  }
  return out;
}

/** A helper's part of a walk job (runs in walk.worker.ts). */
export function walkPart(job: WalkJob): WirePart {
  const control = new Int32Array(job.control);
  const claims = new Int32Array(job.claims);
  const opts = walkOptions(job.options);
  const out = emptyProcessWalk();
  if (job.tables) acquireTables(job.tables.plan, job.tables.share, opts, 1 + job.helper);
  for (let i = Atomics.add(control, 0, 1); i < job.pids.length; i = Atomics.add(control, 0, 1)) {
    claims[i] = CLAIM_HELPER0 + job.helper;
    walkOneProcess(job.pids[i]!, opts, out, job.options.mapDevs);
  }
  return encodePart(out);
}
