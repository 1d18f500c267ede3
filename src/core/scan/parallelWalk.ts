// Shares the per-process pass of a snapshot between the calling thread and helper threads. The pass is
// bound by syscalls (one statx per fd, seven calls per pipe fill, each ~1-4 µs on a VM), so with N cores it
// runs up to N times faster. Work stealing: every thread claims the next process from a shared counter,
// so a helper that is slow to start (or never starts) only means the caller does more; a helper that
// does not finish in time is dropped and its processes walked again. Stays synchronous for the caller.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import {
  emptyProcessWalk, mergeProcessWalk, reviveProcessWalk, sortProcessWalk, walkOneProcess, walkOptions,
  type ProcessWalk, type WalkJobOptions,
} from './processWalk';

/** A walk request for one helper (see walk.worker.ts). */
export interface WalkJob {
  type: 'walk';
  /** Index of this helper's state cell in `control`. */
  helper: number;
  /** Int32Array view: [0] = next process index to claim, [1 + h] = state of helper h (HelperState values). */
  control: SharedArrayBuffer;
  /** Int32Array view: who claimed process i (CLAIM_CALLER or CLAIM_HELPER0 + h). */
  claims: SharedArrayBuffer;
  pids: Int32Array;
  options: WalkJobOptions;
}

/** States of a helper's cell. Declined: the caller finished before the helper took the job. */
export const HelperState = { Pending: 0, Running: 1, Declined: 2, Done: 3 } as const;
export const CLAIM_CALLER = 1;
export const CLAIM_HELPER0 = 2;

/** How long the caller waits for a helper that has started (its part is redone after that). */
const HELPER_TIMEOUT_MS = 10_000;
/** Below this many processes a helper costs more (messages, clone) than it saves. */
const MIN_PROCESSES = 24;

interface Helper {
  worker: Worker;
  port: MessagePort;
  broken: boolean;
}

const helpers: Helper[] = [];
let workerSource: { file: string } | { code: string } | null | undefined;

/**
 * Default helper count: the other cores (at most 3), or IPC_INSPECTOR_SCAN_THREADS - 1 when set
 * (1 = no helpers).
 */
export function defaultHelperCount(): number {
  const env = Number(process.env['IPC_INSPECTOR_SCAN_THREADS']);
  if (Number.isInteger(env) && env >= 1) return Math.min(env - 1, 15);
  return Math.max(0, Math.min(availableParallelism() - 1, 3));
}

/** The bundled dist/walk.worker.js next to this bundle, or (tests, scripts under tsx) the .ts source. */
function findWorkerSource(): { file: string } | { code: string } | null {
  const js = path.join(__dirname, 'walk.worker.js');
  if (existsSync(js)) return { file: js };
  const ts = path.join(__dirname, 'walk.worker.ts');
  if (!existsSync(ts)) return null;
  try {
    const tsx = require.resolve('tsx/cjs');
    return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});` };
  } catch {
    return null;
  }
}

/**
 * Start (or keep) `count` helper threads. Cheap when they exist; call it early (before the socket dumps)
 * so they load koffi while the caller does other work. Helpers never keep the process alive.
 */
export function warmHelpers(count: number): void {
  for (let i = helpers.length - 1; i >= 0; i--) if (helpers[i]!.broken) helpers.splice(i, 1);
  if (helpers.length >= count) return;
  if (workerSource === undefined) workerSource = findWorkerSource();
  if (!workerSource) return;
  while (helpers.length < count) {
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      worker = 'file' in workerSource
        ? new Worker(workerSource.file, { workerData: { port: port2 }, transferList: [port2] })
        : new Worker(workerSource.code, { eval: true, workerData: { port: port2 }, transferList: [port2] });
    } catch {
      return;
    }
    const h: Helper = { worker, port: port1, broken: false };
    worker.on('error', () => (h.broken = true));
    worker.on('exit', () => (h.broken = true));
    worker.unref();
    port1.unref();
    helpers.push(h);
  }
}

/** Stop every helper thread (tests; the process exits without this). */
export async function stopHelpers(): Promise<void> {
  const all = helpers.splice(0);
  await Promise.all(all.map((h) => h.worker.terminate()));
}

/**
 * The per-process pass over `pids`: identity, fds and fills, shared with up to `helperCount` helper
 * threads. `selfPid` is walked last, by the caller, once no helper holds a scanning fd any more.
 */
export function walkProcesses(pids: readonly number[], options: WalkJobOptions, helperCount = defaultHelperCount()): ProcessWalk {
  const opts = walkOptions(options);
  const out = emptyProcessWalk();
  const others = Int32Array.from(pids.filter((p) => p !== options.selfPid));
  const walkSelf = others.length !== pids.length;

  const count = others.length >= MIN_PROCESSES ? helperCount : 0;
  if (count > 0) warmHelpers(count);
  const team = helpers.filter((h) => !h.broken).slice(0, count);
  if (!team.length) {
    for (const pid of others) walkOneProcess(pid, opts, out);
  } else {
    const control = new Int32Array(new SharedArrayBuffer(4 * (1 + team.length)));
    const claims = new Int32Array(new SharedArrayBuffer(4 * others.length));
    team.forEach((h, i) => {
      const job: WalkJob = { type: 'walk', helper: i, control: control.buffer as SharedArrayBuffer, claims: claims.buffer as SharedArrayBuffer, pids: others, options };
      h.port.postMessage(job);
    });
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= others.length) break;
      claims[i] = CLAIM_CALLER;
      walkOneProcess(others[i]!, opts, out);
    }
    team.forEach((h, i) => {
      const cell = 1 + i;
      // A helper that has not taken the job yet never will: nothing to wait for.
      if (Atomics.compareExchange(control, cell, HelperState.Pending, HelperState.Declined) === HelperState.Pending) return;
      const deadline = Date.now() + HELPER_TIMEOUT_MS;
      let state: number;
      while ((state = Atomics.load(control, cell)) !== HelperState.Done) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(control, cell, state, Math.min(left, 100));
      }
      let part: ProcessWalk | null = null;
      if (state === HelperState.Done) {
        // The helper posts before it stores Done, so its message is already queued on our port.
        for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) part = reviveProcessWalk(m.message);
      }
      if (part) mergeProcessWalk(out, part);
      else {
        // Timed out or garbled: drop the helper and walk its processes here.
        h.broken = true;
        void h.worker.terminate();
        for (let j = 0; j < others.length; j++) if (claims[j] === CLAIM_HELPER0 + i) walkOneProcess(others[j]!, opts, out);
      }
    });
  }
  if (walkSelf) walkOneProcess(options.selfPid, opts, out);
  if (team.length || walkSelf) sortProcessWalk(out);
  return out;
}
