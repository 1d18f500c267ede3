// The per-process pass of a snapshot (identity from /proc/PID, then its fds and pipe fills), run either on
// the calling thread alone or shared with helper threads (see parallelWalk.ts). Plain data in and out, so
// a helper thread can run exactly the same code and send its part back.

import type { ProcessInfo } from '../model';
import { emptyWalk, walkProcessFds, type FdRecord, type FdWalk, type IpcDevices, type WalkOptions } from './fds';
import { readProcess } from './processes';
import { closeFd, openPidDir } from './procio';

/** WalkOptions as plain data (a helper thread cannot receive the wantScm function). */
export interface WalkJobOptions {
  pipeDev: number;
  selfPid: number;
  sampleFill: boolean;
  /** Socket inodes whose fdinfo is read for in-flight fds; null = none. */
  scmInos: number[] | null;
  ipc: IpcDevices | null;
}

export interface ProcessWalk {
  processes: ProcessInfo[];
  walk: FdWalk;
  /** Processes that exited during the pass (skipped). */
  vanished: number;
  /** Unexpected read errors ("PID what: ERRNO"). */
  problems: string[];
  /** Threads whose parts were merged into this one (1 = the caller alone). */
  threads: number;
}

export function emptyProcessWalk(): ProcessWalk {
  return { processes: [], walk: emptyWalk(), vanished: 0, problems: [], threads: 1 };
}

export function walkOptions(o: WalkJobOptions): WalkOptions {
  const scm = o.scmInos ? new Set(o.scmInos) : null;
  return {
    pipeDev: o.pipeDev,
    selfPid: o.selfPid,
    sampleFill: o.sampleFill,
    wantScm: scm ? (ino) => scm.has(ino) : undefined,
    ipc: o.ipc ?? undefined,
  };
}

/** Identity and fds of one process, relative to one /proc/PID directory fd; appended to `out`. */
export function walkOneProcess(pid: number, opts: WalkOptions, out: ProcessWalk): void {
  const dirfd = openPidDir(pid);
  if (typeof dirfd === 'string') {
    out.vanished++;
    return;
  }
  try {
    const info = readProcess(pid, dirfd, out.problems);
    if (!info) {
      out.vanished++;
      return;
    }
    const before = out.walk.vanishedPids.length;
    walkProcessFds(pid, dirfd, opts, out.walk);
    if (out.walk.vanishedPids.length !== before) {
      out.vanished++; // exited during the scan: skipped
      return;
    }
    out.processes.push(info);
  } finally {
    closeFd(dirfd);
  }
}

/**
 * Fold `part` (another thread's pass over other processes) into `into`. A pipe sampled by both keeps the
 * first sample; one that failed in one part but was sampled in the other counts as sampled.
 */
export function mergeProcessWalk(into: ProcessWalk, part: ProcessWalk): void {
  into.processes.push(...part.processes);
  into.vanished += part.vanished;
  into.threads += part.threads;
  into.problems.push(...part.problems);
  const a = into.walk;
  const b = part.walk;
  for (const f of b.fds) a.fds.push(f);
  a.hiddenPids.push(...b.hiddenPids);
  a.vanishedPids.push(...b.vanishedPids);
  a.seen += b.seen;
  a.vanishedFds += b.vanishedFds;
  a.problems.push(...b.problems);
  for (const [k, s] of b.fills) if (!a.fills.has(k)) a.fills.set(k, s);
  for (const k of b.fillFailed) a.fillFailed.add(k);
  for (const k of a.fills.keys()) a.fillFailed.delete(k);
  for (const [ino, n] of b.scmFds) if (!a.scmFds.has(ino)) a.scmFds.set(ino, n);
}

/** Processes by pid, fds by (pid, fd): the order a single-threaded pass produces. */
export function sortProcessWalk(w: ProcessWalk): void {
  w.processes.sort((x, y) => x.pid - y.pid);
  w.walk.fds.sort((x, y) => x.pid - y.pid || x.fd - y.fd);
}

/**
 * A ProcessWalk after a structured clone (postMessage): Buffers arrive as plain Uint8Arrays and are turned
 * back into Buffers (same memory, no copy); anything malformed is dropped rather than trusted.
 */
export function reviveProcessWalk(x: unknown): ProcessWalk | null {
  if (!x || typeof x !== 'object') return null;
  const p = x as ProcessWalk;
  if (!Array.isArray(p.processes) || !p.walk || !Array.isArray(p.walk.fds) || !(p.walk.fills instanceof Map)) return null;
  for (const f of p.walk.fds as FdRecord[]) {
    const l = f.link as Uint8Array | null;
    if (l && !Buffer.isBuffer(l)) f.link = Buffer.from(l.buffer, l.byteOffset, l.byteLength);
  }
  return p;
}
