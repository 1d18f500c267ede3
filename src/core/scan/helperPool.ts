// Helper threads for the syscall-bound parts of a scan (the per-process pass, pipe sampling). Each job is
// shared by work stealing: the caller and every helper claim items from one shared counter, so a helper
// that is slow to start (or never starts) only means the caller does more. Stays synchronous for the
// caller: it waits on Atomics for the helpers that took part, and redoes the part of one that times out.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** States of a helper's cell in a job's control array. Declined: the caller finished before the helper took the job. */
export const HelperState = { Pending: 0, Running: 1, Declined: 2, Done: 3 } as const;

/** Every job message carries these: control = Int32Array [next item, state of helper 0, state of helper 1, ...]. */
export interface JobBase {
  type: string;
  /** This helper's index: its state is control[1 + helper]. */
  helper: number;
  control: SharedArrayBuffer;
}

/** How long the caller waits for a helper that has started (its part is redone after that). */
const HELPER_TIMEOUT_MS = 10_000;

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

/**
 * Threads for a scan in a process that exits after it (the CLI): the calling thread alone unless
 * IPC_INSPECTOR_SCAN_THREADS says otherwise. A helper thread in a fresh process starts cold (its own V8 heap,
 * koffi, unoptimized code) and saves nothing in one scan: `ls --json` took a median 0.70 s with one thread
 * against 0.73 s with two at 10k fds and 1.08 against 1.09 s at 20k, with 0.90 against 1.09 s of CPU at 10k
 * (8 runs each, taking turns, /usr/bin/time).
 */
export function oneShotThreads(): number | undefined {
  return process.env['IPC_INSPECTOR_SCAN_THREADS'] ? undefined : 1;
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

/** What became of one helper's part of a job. */
export type HelperOutcome =
  | { helper: number; took: false }
  | { helper: number; took: true; done: true; message: unknown }
  | { helper: number; took: true; done: false };

/**
 * Run one shared job: post `job(i, control)` to up to `count` helpers, run `callerPart` on this thread
 * (it claims items from control[0] like the helpers do), then collect every helper's outcome: not taken
 * (declined), done (with its last message, if it sent one), or timed out (the helper is dropped).
 */
export function runShared(count: number, job: (helper: number, control: SharedArrayBuffer) => JobBase, callerPart: (control: Int32Array) => void): HelperOutcome[] {
  if (count > 0) warmHelpers(count);
  const team = helpers.filter((h) => !h.broken).slice(0, count);
  const control = new Int32Array(new SharedArrayBuffer(4 * (1 + team.length)));
  team.forEach((h, i) => h.port.postMessage(job(i, control.buffer as SharedArrayBuffer)));
  callerPart(control);
  return team.map((h, i): HelperOutcome => {
    const cell = 1 + i;
    // A helper that has not taken the job yet never will: nothing to wait for.
    if (Atomics.compareExchange(control, cell, HelperState.Pending, HelperState.Declined) === HelperState.Pending) return { helper: i, took: false };
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    let state: number;
    while ((state = Atomics.load(control, cell)) !== HelperState.Done) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(control, cell, state, Math.min(left, 100));
    }
    if (state !== HelperState.Done) {
      h.broken = true;
      void h.worker.terminate();
      return { helper: i, took: true, done: false };
    }
    // The helper posts before it stores Done, so its message is already queued on our port.
    let message: unknown;
    for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) message = m.message;
    return { helper: i, took: true, done: true, message };
  });
}

/** Helper side: take the job unless the caller declined it, run it, report, and always mark it done. */
export function helperRun(job: JobBase, port: MessagePort, run: () => unknown): void {
  const control = new Int32Array(job.control);
  const cell = 1 + job.helper;
  if (Atomics.compareExchange(control, cell, HelperState.Pending, HelperState.Running) !== HelperState.Pending) return;
  try {
    const message = run();
    if (message !== undefined) port.postMessage(message);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    Atomics.store(control, cell, HelperState.Done);
    Atomics.notify(control, cell);
  }
}
