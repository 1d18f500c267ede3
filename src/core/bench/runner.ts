// Runs benchmark cases: two separate worker processes per case (Node worker or the C reference), pinned,
// driven through the control protocol, cancellable with an AbortSignal, cleaning up every IPC object.

import type { ChildProcess, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { BenchCase, BenchPlan } from './plan';
import type { ReadyInfo, Role, WorkerConfig, WorkerMessage } from './protocol';
import { encodeConfig, goLine, parseWorkerLine } from './protocol';
import type { CaseResources } from './resources';
import { allocateResources, sweepStale } from './resources';
import type { BenchResult, BenchRun, Impl } from './results';
import { cdfSketch, mbPerSecond, summarize } from './stats';
import { machineContext } from './machine';
import { nodeWorkerScript } from './workerScript';

export interface RunOptions {
  signal?: AbortSignal;
  impl?: Impl;
  /** Per role, overriding `impl` (bench:fidelity's mixed pairs: which side of ours costs the time). */
  roleImpl?: { a?: Impl; b?: Impl };
  /** Extra `key=value` arguments for C reference workers (bench:fidelity's `calldelay=`). */
  crefArgs?: string[];
  /** Executable for Node workers (default: see defaultNodePath). */
  nodePath?: string;
  /** Compiled C reference program (required for impl 'c'). */
  crefPath?: string;
  /** Per-case limit; default scales with the case size. */
  timeoutMs?: number;
  onProgress?: (ev: ProgressEvent) => void;
}

export interface ProgressEvent {
  index: number;
  total: number;
  case: BenchCase;
  phase: 'start' | 'running' | 'done';
  result?: BenchResult;
  /** Worker pids once spawned (tests use them to check nothing is left). */
  pids?: number[];
}

export class AbortError extends Error {
  constructor() { super('benchmark cancelled'); this.name = 'AbortError'; }
}

/** One worker process with a queue of parsed stdout messages. */
class WorkerProc {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private buf = '';
  private stderr = '';
  private queue: WorkerMessage[] = [];
  private waiter: (() => void) | null = null;
  private exitInfo: string | null = null;

  constructor(cmd: string, args: string[], extraFds: number[]) {
    const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', ...extraFds];
    this.child = spawn(cmd, args, { stdio, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.child.stdin!.on('error', () => { /* the worker died; reported through exit */ });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => { this.exitInfo = `could not start ${cmd}: ${e.message}`; this.wake(); resolve(); });
      this.child.on('close', (code, sig) => {
        this.exitInfo ??= `worker exited (${sig ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
        this.wake();
        resolve();
      });
    });
  }

  private onData(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
      const m = parseWorkerLine(this.buf.slice(0, i));
      this.buf = this.buf.slice(i + 1);
      if (m) this.queue.push(m);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Next message of type t; an error message or an early exit rejects. */
  async next<T extends WorkerMessage['t']>(t: T, role: Role): Promise<Extract<WorkerMessage, { t: T }>> {
    for (;;) {
      const m = this.queue.shift();
      if (m) {
        if (m.t === 'error') throw new Error(`worker ${role}: ${m.message}`);
        if (m.t === t) return m as Extract<WorkerMessage, { t: T }>;
        throw new Error(`worker ${role}: expected ${t}, got ${m.t}`);
      }
      if (this.exitInfo) throw new Error(`worker ${role}: ${this.exitInfo}`);
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  send(line: string): void { this.child.stdin!.write(line); }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * process.execPath, except inside Electron (desktop VS Code), whose V8 forbids the external buffers the
 * shm workers map: there a `node` from PATH is preferred, else Electron runs as Node (ELECTRON_RUN_AS_NODE)
 * and the shm mechanisms report why they cannot run.
 */
export function defaultNodePath(): string {
  if (!process.versions.electron) return process.execPath;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, 'node');
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return process.execPath;
}

/**
 * V8 options for Node workers. `--single-threaded` keeps V8's compiler and GC on the main thread: by
 * default its helper threads optimise the loop concurrently for the first ~10,000 round trips, taking
 * 2-4 µs of CPU per round trip on whichever CPU is free, which on a 2-CPU machine is the peer's. With
 * it, compiling happens inline during the warm-up, and the timed loop (which allocates next to nothing)
 * runs alone.
 */
export const NODE_WORKER_FLAGS: readonly string[] = ['--single-threaded'];

function defaultTimeout(c: BenchCase): number {
  const n = c.iterations + c.warmup;
  return 20_000 + (c.kind === 'latency' ? n * 1 : ((n * c.msgBytes) / 10e6) * 1000);
}

function ringCap(c: BenchCase): number {
  let cap = c.kind === 'throughput' ? 1 << 20 : 4096;
  while (cap < 2 * c.msgBytes) cap *= 2;
  return cap;
}

export async function runCase(c: BenchCase, opts: RunOptions = {}, onSpawn?: (pids: number[]) => void): Promise<BenchResult> {
  const impl = opts.impl ?? 'node';
  const t0 = Date.now();
  const base: BenchResult = {
    mechanism: c.mechanism, kind: c.kind, pin: c.pin, cpus: c.cpus, msg_bytes: c.msgBytes,
    iterations: c.iterations, warmup: c.warmup, impl, status: 'ok', notes: [...c.notes], duration_ms: 0,
  };
  if (opts.signal?.aborted) throw new AbortError();
  let res: CaseResources | undefined;
  const workers: WorkerProc[] = [];
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // Each role runs ours or the C reference; mixed pairs show which side of ours costs the time.
    const command = (role: Role): [string, string[]] => {
      const which = opts.roleImpl?.[role] ?? impl;
      if (which === 'node') return [opts.nodePath ?? defaultNodePath(), [...NODE_WORKER_FLAGS, nodeWorkerScript()]];
      if (!opts.crefPath) throw new Error('impl c needs crefPath');
      return [opts.crefPath, opts.crefArgs ?? []];
    };
    res = allocateResources(c.mechanism);
    const seed = (randomBytes(4).readUInt32LE(0) | 1) >>> 0;
    const cfg = (role: Role): WorkerConfig => ({
      mech: c.mechanism, role, kind: c.kind, size: c.msgBytes, iters: c.iterations, warmup: c.warmup,
      cpu: c.cpus.length ? c.cpus[role === 'a' ? 0 : 1]! : -1,
      name: res!.name, path: res!.path, key: res!.key, ringcap: ringCap(c), seed,
    });
    const [cmdA, preA] = command('a'), [cmdB, preB] = command('b');
    const a = new WorkerProc(cmdA, [...preA, ...encodeConfig(cfg('a'))], res.fdsA);
    workers.push(a);
    const b = new WorkerProc(cmdB, [...preB, ...encodeConfig(cfg('b'))], res.fdsB);
    workers.push(b);
    res.closeParentFds();
    onSpawn?.(workers.map((w) => w.child.pid ?? -1));

    // Cancel and timeout both kill the two workers at once; the pending waits then reject.
    const stop = new Promise<never>((_, reject) => {
      onAbort = () => { for (const w of workers) w.kill(); reject(new AbortError()); };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const ms = opts.timeoutMs ?? defaultTimeout(c);
      timer = setTimeout(() => { for (const w of workers) w.kill(); reject(new Error(`timed out after ${Math.round(ms / 1000)} s`)); }, ms);
    });
    stop.catch(() => {});
    const [ra, rb] = await Promise.race([Promise.all([a.next('ready', 'a'), b.next('ready', 'b')]), stop]);
    res.noteCreated();
    a.send(goLine(rb.info as ReadyInfo));
    b.send(goLine(ra.info as ReadyInfo));
    const [xa, xb] = await Promise.race([Promise.all([a.next('result', 'a'), b.next('result', 'b')]), stop]);

    if (c.kind === 'latency') {
      const samples = xb.samples ?? [];
      if (samples.length !== c.iterations) throw new Error(`worker b returned ${samples.length} samples, expected ${c.iterations}`);
      base.latency = { ...summarize(samples), cdf: cdfSketch(samples) };
    } else {
      const bytes = xa.bytes ?? 0, ns = (xa.t_end ?? 0) - (xb.t_start ?? 0);
      if (bytes !== c.iterations * c.msgBytes || !(ns > 0)) throw new Error(`inconsistent throughput result: ${bytes} bytes in ${ns} ns`);
      base.throughput = { bytes, ns, mb_per_s: mbPerSecond(bytes, ns) };
    }
    const per = (x: { cpu_ns?: number; thread_ns?: number }): { process: number; thread: number } | null =>
      (x.cpu_ns !== undefined && x.thread_ns !== undefined && c.iterations > 0
        ? { process: x.cpu_ns / c.iterations, thread: x.thread_ns / c.iterations } : null);
    const ca = per(xa), cb = per(xb);
    if (ca && cb) base.cpu = { a: ca, b: cb };
    if (ra.info.window) base.notes.push(`receiver window ${ra.info.window} datagrams, ack every ${ra.info.ackevery}`);
  } catch (e) {
    if (e instanceof AbortError) throw e;
    base.status = 'failed';
    base.error = (e as Error).message;
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
    res?.cleanup();
    base.duration_ms = Date.now() - t0;
  }
  return base;
}

export async function runPlan(plan: BenchPlan, opts: RunOptions = {}): Promise<BenchRun> {
  sweepStale();
  const started = new Date();
  const run: BenchRun = {
    id: `${started.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`,
    started_at: started.toISOString(),
    finished_at: '',
    preset: plan.preset,
    machine: machineContext(),
    results: [],
    skipped: plan.skipped,
    cancelled: false,
  };
  try {
    for (let i = 0; i < plan.cases.length; i++) {
      const c = plan.cases[i]!;
      const ev = { index: i, total: plan.cases.length, case: c };
      opts.onProgress?.({ ...ev, phase: 'start' });
      const r = await runCase(c, opts, (pids) => opts.onProgress?.({ ...ev, phase: 'running', pids }));
      run.results.push(r);
      opts.onProgress?.({ ...ev, phase: 'done', result: r });
    }
  } catch (e) {
    if (!(e instanceof AbortError)) throw e;
    run.cancelled = true;
    throw Object.assign(e, { run });
  } finally {
    run.finished_at = new Date().toISOString();
  }
  return run;
}
