// The per-process pass of a snapshot (identity from /proc/PID, then its fds and pipe fills), run either on
// the calling thread alone or shared with helper threads (see parallelWalk.ts). Plain data in and out, so
// a helper thread can run exactly the same code and send its part back.

import type { ProcessInfo } from '../model';
import { mapsOnDevices } from '../procfs/maps';
import type { ProcessMaps } from './ipcJoin';
import { emptyWalk, walkProcessFds, type FdRecord, type FdWalk, type IpcDevices, type WalkOptions } from './fds';
import { readProcess } from './processes';
import { closeFd, openPidDir, readProcFile } from './procio';

/** WalkOptions as plain data (a helper thread cannot receive the wantScm function). */
export interface WalkJobOptions {
  pipeDev: number;
  selfPid: number;
  sampleFill: boolean;
  /** Socket inodes whose fdinfo is read for in-flight fds; null = none. */
  scmInos: number[] | null;
  ipc: IpcDevices | null;
  /** /proc/PID/maps device fields ("08:01") whose mappings are kept (shm, memfd); empty = maps not read. */
  mapDevs: string[];
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
  /** Mappings on the wanted devices, per process that has any (not of the inspector itself). */
  maps: ProcessMaps[];
}

export function emptyProcessWalk(): ProcessWalk {
  return { processes: [], walk: emptyWalk(), vanished: 0, problems: [], threads: 1, maps: [] };
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
export function walkOneProcess(pid: number, opts: WalkOptions, out: ProcessWalk, mapDevs: readonly string[] = []): void {
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
    // Mappings with the same directory fd (shm and memfds mapped without an fd).
    if (mapDevs.length && pid !== opts.selfPid) {
      const m = readProcFile('maps', dirfd);
      const entries = m.data ? mapsOnDevices(m.data, mapDevs) : [];
      if (entries.length) out.maps.push({ pid, entries });
    }
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
  into.maps.push(...part.maps);
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
  w.maps.sort((x, y) => x.pid - y.pid);
}

/**
 * A ProcessWalk after a structured clone (postMessage): Buffers arrive as plain Uint8Arrays and are turned
 * back into Buffers (same memory, no copy); anything malformed is dropped rather than trusted.
 */
export function reviveProcessWalk(x: unknown): ProcessWalk | null {
  if (!x || typeof x !== 'object') return null;
  const p = x as ProcessWalk;
  if (!Array.isArray(p.processes) || !p.walk || !Array.isArray(p.walk.fds) || !(p.walk.fills instanceof Map)) return null;
  const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  for (const f of p.walk.fds as FdRecord[]) if (f.link) f.link = asBuffer(f.link);
  if (!Array.isArray(p.maps)) return null;
  for (const m of p.maps) for (const e of m.entries) e.path = asBuffer(e.path);
  return p;
}
