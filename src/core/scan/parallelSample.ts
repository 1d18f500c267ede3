// Pipe fill of many known pipes at once (the refresh path), shared with helper threads: items are claimed
// in chunks from a shared counter and each result is written straight into shared memory, so nothing but
// the job itself crosses threads.

import { Pidfds, samplePipe, type PipeSample } from './fill';
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
  /** Int32Array view, two cells per item: used, capacity (NOT_SAMPLED before, FAILED when no sample). */
  results: SharedArrayBuffer;
}

const CHUNK = 32;
const NOT_SAMPLED = -2;
const FAILED = -1;
/** Below this many pipes the caller alone is faster than posting a job. */
const MIN_ITEMS = 128;

/** Sample items [from, to) of a job's arrays into `results`. */
function sampleRange(j: Pick<SampleJob, 'pids' | 'fds' | 'devs' | 'inos'>, results: Int32Array, from: number, to: number, pidfds: Pidfds): void {
  for (let i = from; i < to; i++) {
    const s = samplePipe(j.pids[i]!, j.fds[i]!, j.devs[i]!, j.inos[i]!, pidfds);
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

/**
 * Fill of each end (null: not sampleable through that end), in the order given. `meanwhile` runs on this
 * thread after the helpers have been given the job and before this thread joins in (the refresh path reads
 * the socket dumps there, while the helpers already sample pipes).
 */
export function samplePipesShared(ends: readonly PipeEnd[], helperCount = defaultHelperCount(), meanwhile?: () => void): (PipeSample | null)[] {
  const n = ends.length;
  // Items sorted by pid: one pidfd per process and thread, mostly.
  const order = ends.map((_, i) => i).sort((a, b) => ends[a]!.pid - ends[b]!.pid);
  const arrays = {
    pids: Int32Array.from(order, (i) => ends[i]!.pid),
    fds: Int32Array.from(order, (i) => ends[i]!.fd),
    devs: Float64Array.from(order, (i) => ends[i]!.dev),
    inos: Float64Array.from(order, (i) => ends[i]!.ino),
  };
  const results = new Int32Array(new SharedArrayBuffer(8 * Math.max(1, n))).fill(NOT_SAMPLED);
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
    runShared(
      count,
      (helper, control): SampleJob => ({ type: 'sample', helper, control, ...arrays, results: results.buffer as SharedArrayBuffer }),
      (control) => {
        meanwhile?.();
        claimLoop(arrays, control, results);
      },
    );
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
  const out: (PipeSample | null)[] = new Array(n).fill(null);
  order.forEach((orig, k) => {
    const capacity = results[2 * k + 1]!;
    if (capacity >= 0) out[orig] = { used: results[2 * k]!, capacity };
  });
  return out;
}

/** A helper's part of a sample job (runs in walk.worker.ts). */
export function samplePart(job: SampleJob): void {
  claimLoop(job, new Int32Array(job.control), new Int32Array(job.results));
}
