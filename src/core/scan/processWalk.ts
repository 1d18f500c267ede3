// The per-process pass of a snapshot (identity from /proc/PID, then its fds and pipe fills), run either on
// the calling thread alone or shared with helper threads (see parallelWalk.ts). Plain data in and out, so
// a helper thread can run exactly the same code and send its part back.

import type { ProcessInfo } from '../model';
import { mapsOnDevices } from '../procfs/maps';
import type { ProcessMaps } from './ipcJoin';
import { startTicks, type FdTable, type MapperTable } from '../../../native/bpfFdIter';
import { emptyWalk, walkProcessFds, walkTableFds, type AnonFd, type FdRecord, type FdWalk, type IpcDevices, type WalkOptions } from './fds';
import { readProcess } from './processes';
import { devFieldNumbers, mapsFileOnDevices } from './mapsQuery';
import { closeFd, openPidDir, readProcFile } from './procio';

/** WalkOptions as plain data, as a helper thread receives them. */
export interface WalkJobOptions {
  pipeDev: number;
  selfPid: number;
  sampleFill: boolean;
  ipc: IpcDevices | null;
  /** /proc/PID/maps device fields ("08:01") whose mappings are kept (shm, memfd); empty = maps not read. */
  mapDevs: string[];
  /** The fd iterator's records (its words in shared memory), null or absent when /proc is walked. */
  fdTable?: FdTable | null;
  /** The processes that mapped a file of mapDevs when the mapping iterator ran right after the fd iterator. */
  mappers?: MapperTable | null;
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
  /** Set when the fds (and, if mappers, the mapping processes) came from the iterators: their read time. */
  iterators?: { readMs: number; mappers: boolean; byHelper: boolean };
}

export function emptyProcessWalk(): ProcessWalk {
  return { processes: [], walk: emptyWalk(), vanished: 0, problems: [], threads: 1, maps: [] };
}

export function walkOptions(o: WalkJobOptions): WalkOptions {
  return {
    pipeDev: o.pipeDev,
    selfPid: o.selfPid,
    sampleFill: o.sampleFill,
    ipc: o.ipc ?? undefined,
    fdTable: o.fdTable ?? undefined,
    mappers: o.mappers ?? undefined,
  };
}

const mapperIndexes = new WeakMap<MapperTable, Map<number, number>>();

/** Start time of `pid` in the mapper table (one map per table and thread), undefined when it is not there. */
function mapperStart(t: MapperTable, pid: number): number | undefined {
  let m = mapperIndexes.get(t);
  if (!m) {
    m = new Map();
    for (let i = 0; i + 1 < t.pairs.length; i += 2) m.set(t.pairs[i]!, t.pairs[i + 1]!);
    mapperIndexes.set(t, m);
  }
  return m.get(pid);
}

const tableIndexes = new WeakMap<FdTable, Map<number, number>>();

/** Index of `pid`'s group in the table (one map per table and thread), -1 when it has none. */
function tableGroup(t: FdTable, pid: number): number {
  let m = tableIndexes.get(t);
  if (!m) {
    m = new Map();
    for (let k = 0; k < t.pids.length; k++) m.set(t.pids[k]!, k);
    tableIndexes.set(t, m);
  }
  return m.get(pid) ?? -1;
}

const devNumberCache = new WeakMap<readonly string[], [number[], number[]]>();

/** Majors and minors of maps device fields, kept per array (one per walk). */
function devNumbers(fields: readonly string[]): [number[], number[]] {
  let r = devNumberCache.get(fields);
  if (!r) {
    const pairs = fields.map(devFieldNumbers);
    devNumberCache.set(fields, (r = [pairs.map((p) => p[0]), pairs.map((p) => p[1])]));
  }
  return r;
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
    if (info['kernelThread'] === true) {
      out.processes.push(info); // no fds, no mappings
      return;
    }
    const before = out.walk.vanishedPids.length;
    // The iterator's records when they are this very process's (the same start time: not a pid reused since),
    // else (a process started since, or one the iterator did not show: the inspector itself, no fds) /proc.
    const t = opts.fdTable;
    const g = t && pid !== opts.selfPid ? tableGroup(t, pid) : -1;
    const fromTable = g >= 0 && startTicks(t!.words, t!.starts[g]!) === info.starttime;
    if (fromTable) walkTableFds(pid, dirfd, t!, t!.starts[g]!, t!.ends[g]!, opts, out.walk);
    else walkProcessFds(pid, dirfd, opts, out.walk);
    if (out.walk.vanishedPids.length !== before) {
      out.vanished++; // exited during the scan: skipped
      return;
    }
    out.processes.push(info);
    // Mappings with the same directory fd (shm and memfds mapped without an fd): the text only of a process
    // that maps a file of those devices, when PROCMAP_QUERY can tell (mapsQuery.ts).
    if (mapDevs.length && pid !== opts.selfPid && mapsAny(pid, dirfd, info['starttime'] as number, fromTable, opts.mappers, mapDevs) !== false) {
      const m = readProcFile('maps', dirfd, false, false);
      const entries = m.data ? mapsOnDevices(m.data, mapDevs) : [];
      if (entries.length) out.maps.push({ pid, entries });
    }
  } finally {
    closeFd(dirfd);
  }
}

/**
 * Whether the process maps a file of mapDevs: from the mapping iterator's table when the process was there when
 * it ran (its fds came from the fd iterator, read just before, with the same start time: it lived then), else
 * by PROCMAP_QUERY (null: cannot tell, read the text).
 */
function mapsAny(pid: number, dirfd: number, starttime: number, fromTable: boolean, mappers: MapperTable | undefined, mapDevs: readonly string[]): boolean | null {
  if (fromTable && mappers) {
    const start = mapperStart(mappers, pid);
    if (start === undefined) return false;
    if (start === starttime) return true;
  }
  return mapsFileOnDevices(dirfd, ...devNumbers(mapDevs));
}

/**
 * Fold `part` (another thread's pass over other processes) into `into`. A pipe sampled by both keeps the
 * first sample; one that failed in one part but was sampled in the other counts as sampled.
 */
export function mergeProcessWalk(into: ProcessWalk, part: ProcessWalk): void {
  into.processes = mergeByPid(into.processes, part.processes);
  into.vanished += part.vanished;
  into.threads += part.threads;
  into.maps = mergeByPid(into.maps, part.maps);
  into.problems.push(...part.problems);
  const a = into.walk;
  const b = part.walk;
  a.fds = mergeByPid(a.fds, b.fds);
  a.hiddenPids.push(...b.hiddenPids);
  a.vanishedPids.push(...b.vanishedPids);
  a.seen += b.seen;
  a.vanishedFds += b.vanishedFds;
  a.problems.push(...b.problems);
  a.fills = unionFirstWins(a.fills, b.fills);
  b.fillFailed.forEach((k) => a.fillFailed.add(k));
  a.fillFailed.forEach((k) => {
    if (a.fills.has(k)) a.fillFailed.delete(k);
  });
  a.scm = unionFirstWins(a.scm, b.scm);
}

/**
 * The entries of both maps, `first`'s where both have a key; the smaller one is copied into the larger (a helper's
 * part holds most of a scan's pipes and sockets: its map is kept, not grown again entry by entry). Either map may be
 * the one returned and changed.
 */
function unionFirstWins<K, V>(first: Map<K, V>, second: Map<K, V>): Map<K, V> {
  // (forEach: no entry arrays per item, as for-of over a Map would allocate outside optimized code.)
  if (first.size >= second.size) {
    second.forEach((v, k) => {
      if (!first.has(k)) first.set(k, v);
    });
    return first;
  }
  first.forEach((v, k) => second.set(k, v));
  return second;
}

/**
 * Two lists in pid order (each thread claims processes in the order listed, and lists a process's fds in fd
 * order) merged into one in pid order, `a`'s items first for a pid in both; linear, where sorting the
 * concatenation (processes claimed alternately by two threads) took a millisecond of comparator calls at 10k
 * fds. Lists out of order merge into a list out of order, which sortProcessWalk then sorts.
 */
export function mergeByPid<T extends { pid: number }>(a: readonly T[], b: readonly T[]): T[] {
  if (b.length === 0) return a as T[];
  if (a.length === 0) return b as T[];
  // (push: an array made with new Array(n) stays holey, and every later read of it pays for that.)
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(b[j]!.pid < a[i]!.pid ? b[j++]! : a[i++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Processes by pid, fds by (pid, fd): the order a single-threaded pass produces. */
export function sortProcessWalk(w: ProcessWalk): void {
  sortIfNeeded(w.processes, (x, y) => x.pid - y.pid);
  sortIfNeeded(w.walk.fds, (x, y) => x.pid - y.pid || x.fd - y.fd);
  sortIfNeeded(w.maps, (x, y) => x.pid - y.pid);
}

/** A pass on one thread is already in this order (pids as listed, fds as getdents gives them, mostly): check first. */
function sortIfNeeded<T>(xs: T[], cmp: (a: T, b: T) => number): void {
  for (let i = 1; i < xs.length; i++) {
    if (cmp(xs[i - 1]!, xs[i]!) > 0) {
      xs.sort(cmp);
      return;
    }
  }
}

/**
 * A helper's part as it crosses threads: the fd records in columns (typed arrays, links in one buffer),
 * which clone an order of magnitude faster than thousands of small objects; the rest as is.
 */
export interface WirePart {
  wire: 1;
  part: Omit<ProcessWalk, 'walk'> & { walk: Omit<FdWalk, 'fds'> };
  n: number;
  /** Per fd: pid, fd, type, access (0 none, 1 r, 2 w, 3 rw), flags (1 size, 2 uid, 4 mode, 8 mqueue), uid, mode. */
  ints: Int32Array;
  /** Per fd: dev, ino, size. */
  nums: Float64Array;
  /** Per fd: start and end of its link in `links` (-1: no link). */
  linkAt: Int32Array;
  links: Uint8Array;
  /** Anonymous-inode details by fd index. */
  anon: [number, AnonFd][];
  /** The pipe fills ("dev:ino" -> used, capacity), as two arrays. */
  fillKeys: string[];
  fillVals: Int32Array;
  /** In-flight counts read by the iterator: socket inodes and their counts. */
  scmInos: Float64Array;
  scmVals: Int32Array;
}

const INTS = 7;
const ACCESS = [null, 'r', 'w', 'rw'] as const;

export function encodePart(p: ProcessWalk): WirePart {
  const fds = p.walk.fds;
  const n = fds.length;
  const ints = new Int32Array(n * INTS);
  const nums = new Float64Array(n * 3);
  const linkAt = new Int32Array(n * 2).fill(-1);
  const anon: [number, AnonFd][] = [];
  let linkBytes = 0;
  for (const f of fds) if (f.link) linkBytes += f.link.length;
  const links = new Uint8Array(linkBytes);
  let off = 0;
  fds.forEach((f, i) => {
    const k = i * INTS;
    ints[k] = f.pid;
    ints[k + 1] = f.fd;
    ints[k + 2] = f.type;
    ints[k + 3] = f.access === 'r' ? 1 : f.access === 'w' ? 2 : f.access === 'rw' ? 3 : 0;
    ints[k + 4] = (f.size !== undefined ? 1 : 0) | (f.uid !== undefined ? 2 : 0) | (f.mode !== undefined ? 4 : 0) | (f.mqueue ? 8 : 0);
    ints[k + 5] = f.uid ?? 0;
    ints[k + 6] = f.mode ?? 0;
    nums[i * 3] = f.dev;
    nums[i * 3 + 1] = f.ino;
    nums[i * 3 + 2] = f.size ?? 0;
    if (f.link) {
      links.set(f.link, off);
      linkAt[i * 2] = off;
      linkAt[i * 2 + 1] = off + f.link.length;
      off += f.link.length;
    }
    if (f.anon) anon.push([i, f.anon]);
  });
  const fillKeys = [...p.walk.fills.keys()];
  const fillVals = new Int32Array(fillKeys.length * 2);
  fillKeys.forEach((key, i) => {
    const v = p.walk.fills.get(key)!;
    fillVals[2 * i] = v.used;
    fillVals[2 * i + 1] = v.capacity;
  });
  const scmInos = new Float64Array(p.walk.scm.size);
  const scmVals = new Int32Array(p.walk.scm.size);
  let s = 0;
  p.walk.scm.forEach((v, ino) => {
    scmInos[s] = ino;
    scmVals[s++] = v;
  });
  const { fds: _fds, fills: _fills, scm: _scm, ...rest } = p.walk;
  return { wire: 1, part: { ...p, walk: { ...rest, fills: new Map(), scm: new Map() } }, n, ints, nums, linkAt, links, anon, fillKeys, fillVals, scmInos, scmVals };
}

/**
 * A helper's part after postMessage, or null when it is not one (an error report, anything malformed):
 * the caller then walks that helper's processes itself.
 */
export function decodePart(x: unknown): ProcessWalk | null {
  if (!x || typeof x !== 'object' || (x as WirePart).wire !== 1) return null;
  const w = x as WirePart;
  const { n, ints, nums, linkAt, anon } = w;
  if (!(ints instanceof Int32Array) || ints.length !== n * INTS || !(nums instanceof Float64Array) || nums.length !== n * 3) return null;
  if (!Array.isArray(w.part?.processes) || !(w.part.walk?.fills instanceof Map) || !Array.isArray(w.part.maps)) return null;
  const links = Buffer.from(w.links.buffer, w.links.byteOffset, w.links.byteLength);
  const anonAt = new Map(anon);
  const fds: FdRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = i * INTS;
    const flags = ints[k + 4]!;
    const from = linkAt[i * 2]!;
    const f: FdRecord = {
      pid: ints[k]!, fd: ints[k + 1]!, type: ints[k + 2]!, dev: nums[i * 3]!, ino: nums[i * 3 + 1]!,
      access: ACCESS[ints[k + 3]!] ?? null, link: from >= 0 ? links.subarray(from, linkAt[i * 2 + 1]!) : null,
    };
    if (flags & 1) f.size = nums[i * 3 + 2]!;
    if (flags & 2) f.uid = ints[k + 5]!;
    if (flags & 4) f.mode = ints[k + 6]!;
    if (flags & 8) f.mqueue = true;
    const a = anonAt.get(i);
    if (a) f.anon = a;
    fds[i] = f;
  }
  const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  for (const m of w.part.maps) for (const e of m.entries) e.path = asBuffer(e.path);
  if (!Array.isArray(w.fillKeys) || !(w.fillVals instanceof Int32Array) || w.fillVals.length !== w.fillKeys.length * 2) return null;
  const fills = new Map(w.fillKeys.map((key, i) => [key, { used: w.fillVals[2 * i]!, capacity: w.fillVals[2 * i + 1]! }] as const));
  if (!(w.scmInos instanceof Float64Array) || !(w.scmVals instanceof Int32Array) || w.scmInos.length !== w.scmVals.length) return null;
  const scm = new Map<number, number>();
  for (let i = 0; i < w.scmInos.length; i++) scm.set(w.scmInos[i]!, w.scmVals[i]!);
  return { ...w.part, walk: { ...w.part.walk, fds, fills, scm } };
}
