// Pipe fill of many known pipes at once (the refresh path), shared with helper threads: items are claimed
// in chunks from a shared counter and each result is written straight into shared memory, so nothing but
// the job itself crosses threads.

import { AT_FDCWD } from '../../../native/libc';
import { Pidfds, sampleAt, sampleViaPidfdInto, type PipeSample } from './fill';
import { defaultHelperCount, runShared, type JobBase } from './helperPool';

/** One read end to sample: fd `fd` of process `pid`, expected to be pipe (dev, ino). */
export interface PipeEnd {
  pid: number;
  fd: number;
  dev: number;
  ino: number;
}

export interface SampleJob extends JobBase {
  type: 'sample';
  pids: Int32Array;
  fds: Int32Array;
  devs: Float64Array;
  inos: Float64Array;
  /** Two cells per item, in shared memory: used, capacity (NOT_SAMPLED before, FAILED when no sample). */
  results: Int32Array;
}

const CHUNK = 32;
const NOT_SAMPLED = -2;
const FAILED = -1;
/** Below this many pipes the caller alone is faster than posting a job. */
const MIN_ITEMS = 128;

/** Sample items [from, to) of a job's arrays into `results`. */
function sampleRange(j: Pick<SampleJob, 'pids' | 'fds' | 'devs' | 'inos'>, results: Int32Array, from: number, to: number, pidfds: Pidfds): void {
  for (let i = from; i < to; i++) {
    const pid = j.pids[i]!;
    const pidfd = pidfds.get(pid);
    // Straight into the results through a pidfd (no object per sample); the re-open path otherwise.
    const r = pidfd >= 0 ? sampleViaPidfdInto(pidfd, j.fds[i]!, j.devs[i]!, j.inos[i]!, results, 2 * i) : 'fallback';
    if (r === true) continue;
    const s = r === null ? null : sampleAt(AT_FDCWD, `/proc/${pid}/fd/${j.fds[i]!}`, j.devs[i]!, j.inos[i]!);
    results[2 * i] = s ? s.used : 0;
    results[2 * i + 1] = s ? s.capacity : FAILED;
  }
}

function claimLoop(j: Pick<SampleJob, 'pids' | 'fds' | 'devs' | 'inos'>, control: Int32Array, results: Int32Array): void {
  const n = j.pids.length;
  const pidfds = new Pidfds();
  try {
    for (let from = Atomics.add(control, 0, CHUNK); from < n; from = Atomics.add(control, 0, CHUNK)) {
      sampleRange(j, results, from, Math.min(from + CHUNK, n), pidfds);
    }
  } finally {
    pidfds.close();
  }
}

/** Read ends to sample as columns: item i is fd fds[i] of process pids[i], expected to be pipe (devs[i], inos[i]). */
export interface PipeColumns {
  pids: ArrayLike<number>;
  fds: ArrayLike<number>;
  devs: ArrayLike<number>;
  inos: ArrayLike<number>;
}

/** Largest item count whose index fits beside a pid (< 2^22, PID_MAX_LIMIT) in one exact float64 sort key. */
const PACKED_SORT_LIMIT = 2 ** 21;

/** Item indices ordered by pid (one pidfd per process and thread, mostly), stable. `keys` is scratch of length >= n. */
export function orderByPid(pids: ArrayLike<number>, keys?: Float64Array, into?: Int32Array): Int32Array {
  const n = pids.length;
  const order = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
  if (n >= PACKED_SORT_LIMIT) {
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => pids[a]! - pids[b]! || a - b);
    order.set(idx);
    return order;
  }
  const k = keys && keys.length >= n ? keys.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i++) k[i] = pids[i]! * PACKED_SORT_LIMIT + i;
  k.sort();
  for (let i = 0; i < n; i++) order[i] = k[i]! % PACKED_SORT_LIMIT;
  return order;
}

/**
 * The columns of a sample job, its results and the sort scratch, kept from one call to the next (grown
 * as needed) in shared memory: a job then crosses to the helpers by reference, with no copy, and no call
 * touches fresh pages. Fresh typed arrays cost more than the work on them here: on this VM every first
 * touch of a new page faults, and a refresh of 2 346 pipes spent about 1.5 ms in such allocations and in
 * copying the job into the helpers' heaps (by hand, `scripts/tmp/refr9.ts`).
 */
interface Scratch {
  cap: number;
  pids: Int32Array;
  fds: Int32Array;
  devs: Float64Array;
  inos: Float64Array;
  results: Int32Array;
  keys: Float64Array;
  order: Int32Array;
  out: Int32Array;
}

let scratch: Scratch | null = null;

function scratchFor(n: number): Scratch {
  if (scratch && scratch.cap >= n) return scratch;
  const cap = Math.max(n, 2 * (scratch?.cap ?? 0), 256);
  const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
  scratch = {
    cap,
    pids: new Int32Array(shared(4 * cap)),
    fds: new Int32Array(shared(4 * cap)),
    devs: new Float64Array(shared(8 * cap)),
    inos: new Float64Array(shared(8 * cap)),
    results: new Int32Array(shared(8 * cap)),
    keys: new Float64Array(cap),
    order: new Int32Array(cap),
    out: new Int32Array(2 * cap),
  };
  return scratch;
}

/**
 * Fill of each item, in the order given, as pairs in one array: [used, capacity] of item i at 2i and
 * 2i + 1, capacity < 0 when the item could not be sampled through that end. `meanwhile` runs on this
 * thread after the helpers have been given the job and before this thread joins in (the refresh path
 * reads the socket dumps there, while the helpers already sample pipes). The array returned is valid
 * until the next call (it is reused).
 */
export function samplePipeColumns(cols: PipeColumns, helperCount = defaultHelperCount(), meanwhile?: () => void): Int32Array {
  const n = cols.pids.length;
  const sc = scratchFor(n);
  const order = orderByPid(cols.pids, sc.keys, sc.order);
  const arrays = {
    pids: sc.pids.subarray(0, n),
    fds: sc.fds.subarray(0, n),
    devs: sc.devs.subarray(0, n),
    inos: sc.inos.subarray(0, n),
  };
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    arrays.pids[k] = cols.pids[i]!;
    arrays.fds[k] = cols.fds[i]!;
    arrays.devs[k] = cols.devs[i]!;
    arrays.inos[k] = cols.inos[i]!;
  }
  const results = sc.results.subarray(0, 2 * n).fill(NOT_SAMPLED);
  const count = n >= MIN_ITEMS ? helperCount : 0;
  if (count === 0) {
    meanwhile?.();
    const pidfds = new Pidfds();
    try {
      sampleRange(arrays, results, 0, n, pidfds);
    } finally {
      pidfds.close();
    }
  } else {
    const outcomes = runShared(
      count,
      (helper, control): SampleJob => ({ type: 'sample', helper, control, ...arrays, results }),
      (control) => {
        meanwhile?.();
        claimLoop(arrays, control, results);
      },
    );
    // A helper that timed out may still write into these buffers: the next call gets new ones.
    if (outcomes.some((o) => o.took && !o.done)) scratch = null;
    // Items a helper claimed but never finished (it timed out and was dropped): sample them here.
    const rest: number[] = [];
    for (let i = 0; i < n; i++) if (results[2 * i + 1] === NOT_SAMPLED) rest.push(i);
    if (rest.length) {
      const pidfds = new Pidfds();
      try {
        for (const i of rest) sampleRange(arrays, results, i, i + 1, pidfds);
      } finally {
        pidfds.close();
      }
    }
  }
  const out = sc.out.subarray(0, 2 * n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out[2 * i] = results[2 * k]!;
    out[2 * i + 1] = results[2 * k + 1]!;
  }
  return out;
}

/** Fill of each end (null: not sampleable through that end), in the order given (samplePipeColumns). */
export function samplePipesShared(ends: readonly PipeEnd[], helperCount = defaultHelperCount(), meanwhile?: () => void): (PipeSample | null)[] {
  const r = samplePipeColumns({
    pids: Int32Array.from(ends, (e) => e.pid),
    fds: Int32Array.from(ends, (e) => e.fd),
    devs: Float64Array.from(ends, (e) => e.dev),
    inos: Float64Array.from(ends, (e) => e.ino),
  }, helperCount, meanwhile);
  return ends.map((_, i) => (r[2 * i + 1]! >= 0 ? { used: r[2 * i]!, capacity: r[2 * i + 1]! } : null));
}

/** A helper's part of a sample job (runs in walk.worker.ts). */
export function samplePart(job: SampleJob): void {
  claimLoop(job, new Int32Array(job.control), job.results);
}
