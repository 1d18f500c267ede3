// Starts and stops the ring-buffer demo: a producer and a consumer process over one POSIX shm ring in
// the seed's layout, with rates and burstiness set over their stdin. Stop ends both and makes sure the
// segment is gone from /dev/shm. No vscode: used by the extension and by the integration test.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createInterface } from 'node:readline';

export interface DemoRates {
  /** Producer rate, bytes per second. */
  producer: number;
  /** Consumer rate, bytes per second. */
  consumer: number;
  /** 0 = steady, 1 = very bursty (same mean rate, larger lumps). Applies to both sides. */
  burstiness: number;
}

export const DEFAULT_RATES: DemoRates = { producer: 3000, consumer: 2500, burstiness: 0 };
export const MAX_DEMO_RATE = 1_000_000;
export const DEMO_CAPACITY = 4096;

/**
 * Which executable runs the demo processes. Their zero-copy view of the ring (koffi.view + Atomics) needs a
 * plain Node: Electron's V8 memory cage (desktop VS Code) forbids external buffers, and the fallback copy
 * path (koffi decode/encode) has no memory barriers, so it is only correct on x86-64 (TSO). `candidate` is
 * what the benchmark runner would use (process.execPath outside Electron, else a `node` from PATH, else
 * process.execPath again). Returns the executable and a warning, or an error saying what to install.
 */
export function chooseDemoNode(env: { electron: boolean; arch: string; execPath: string; candidate: string }): { node: string; warning?: string } | { error: string } {
  if (!env.electron || env.candidate !== env.execPath) return { node: env.candidate };
  if (env.arch !== 'x64') {
    return { error: 'The ring-buffer demo needs Node.js on PATH here: VS Code\'s own runtime (Electron) cannot share memory '
      + `with barriers, and the portable fallback is only correct on x86-64 (this machine is ${env.arch}).` };
  }
  return {
    node: env.execPath,
    warning: 'no `node` on PATH, so the demo runs under Electron as Node with the portable copy path (koffi decode/encode, '
      + 'no memory barriers: correct on x86-64 only). Install Node.js for the zero-copy path.',
  };
}

export interface DemoOptions {
  /** argv that runs the demo process entry point, e.g. [process.execPath, 'dist/ringDemo.worker.js']. */
  command: string[];
  rates?: DemoRates;
  capacity?: number;
  /** How long to wait for each process to say it is ready. */
  timeoutMs?: number;
}

export interface DemoReport {
  /** Bytes moved so far. */
  moved: number;
  /** Consumer only: bytes that were not the next in sequence (0 unless the ring is broken). */
  errors: number;
}

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  ready: Promise<void>;
  stderr: string[];
  /** The latest "stats" or "stopped" line. */
  report: DemoReport | undefined;
  /** How the process accesses the ring (from its "ready" line): see Mapped.mode. */
  mode: 'view' | 'copy' | undefined;
}

function launch(command: string[], args: string[], timeoutMs: number): Proc {
  const [exe, ...pre] = command;
  // ELECTRON_RUN_AS_NODE lets the extension host's own binary (Electron in desktop VS Code) run as Node.
  const child = spawn(exe!, [...pre, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.join('').length < 8192) stderr.push(d);
  });
  child.stdin!.on('error', () => {}); // EPIPE after the child exited
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const p: Proc = { child, exited, stderr, report: undefined, mode: undefined, ready: Promise.resolve() };
  p.ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo process did not start within ${timeoutMs} ms`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        return;
      }
      const o = m as { type?: unknown; moved?: unknown; errors?: unknown; mode?: unknown };
      if (o.type === 'ready') {
        if (o.mode === 'view' || o.mode === 'copy') p.mode = o.mode;
        clearTimeout(timer);
        resolve();
      } else if ((o.type === 'stats' || o.type === 'stopped') && typeof o.moved === 'number') {
        p.report = { moved: o.moved, errors: typeof o.errors === 'number' ? o.errors : 0 };
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`demo process exited (code ${code}): ${stderr.join('').trim() || 'no message'}`));
    });
  });
  p.ready.catch(() => {}); // observed by start(); later rejections (normal exit) are not errors
  return p;
}

export class RingDemo {
  private stopping: Promise<void> | undefined;
  private rates: DemoRates;

  private constructor(
    readonly name: string,
    readonly capacity: number,
    private readonly producer: Proc,
    private readonly consumer: Proc,
    rates: DemoRates,
  ) {
    this.rates = rates;
  }

  /** Start the producer (which creates the segment), then the consumer. */
  static async start(opts: DemoOptions): Promise<RingDemo> {
    const name = `/ipc-inspector-demo-${process.pid}-${randomBytes(4).toString('hex')}`;
    const capacity = opts.capacity ?? DEMO_CAPACITY;
    const timeout = opts.timeoutMs ?? 10_000;
    const producer = launch(opts.command, ['producer', name, String(capacity)], timeout);
    let consumer: Proc | undefined;
    try {
      await producer.ready;
      consumer = launch(opts.command, ['consumer', name, String(capacity)], timeout);
      await consumer.ready;
    } catch (e) {
      for (const p of [producer, consumer]) p?.child.kill('SIGKILL');
      await Promise.all([producer.exited, consumer?.exited]);
      removeSegment(name);
      throw e;
    }
    const demo = new RingDemo(name, capacity, producer, consumer, opts.rates ?? DEFAULT_RATES);
    demo.setRates(demo.rates);
    return demo;
  }

  get file(): string {
    return `/dev/shm${this.name}`;
  }

  get pids(): number[] {
    return [this.producer.child.pid!, this.consumer.child.pid!];
  }

  /** The latest report of one side (every second, and a final one on stop). */
  lastReport(role: 'producer' | 'consumer'): DemoReport | undefined {
    return (role === 'producer' ? this.producer : this.consumer).report;
  }

  /**
   * `copy` when either process could not get a zero-copy view of the ring (Electron's V8 memory cage): its
   * position loads and stores then have no memory barriers, which is correct on x86-64 (TSO) only.
   */
  get accessMode(): 'view' | 'copy' | undefined {
    const modes = [this.producer.mode, this.consumer.mode];
    return modes.includes('copy') ? 'copy' : modes.includes(undefined) ? undefined : 'view';
  }

  get currentRates(): DemoRates {
    return { ...this.rates };
  }

  get running(): boolean {
    return !this.stopping && this.producer.child.exitCode === null && this.consumer.child.exitCode === null;
  }

  /** Resolves when either process exits (for whatever reason). */
  whenEitherExits(): Promise<void> {
    return Promise.race([this.producer.exited, this.consumer.exited]).then(() => undefined);
  }

  setRates(r: DemoRates): void {
    this.rates = { ...r };
    send(this.producer, { type: 'rates', rate: r.producer, burst: r.burstiness });
    send(this.consumer, { type: 'rates', rate: r.consumer, burst: r.burstiness });
  }

  /** Ask both to stop, SIGKILL after `graceMs`, then unlink the segment if it is still there. */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= (async () => {
      const both = [this.producer, this.consumer];
      for (const p of both) send(p, { type: 'stop' });
      const timer = setTimeout(() => both.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL')), graceMs);
      await Promise.all(both.map((p) => p.exited));
      clearTimeout(timer);
      removeSegment(this.name);
    })();
    return this.stopping;
  }
}

function send(p: Proc, msg: object): void {
  if (p.child.exitCode === null && p.child.stdin?.writable) p.child.stdin.write(`${JSON.stringify(msg)}\n`);
}

function removeSegment(name: string): void {
  try {
    fs.unlinkSync(`/dev/shm${name}`);
  } catch {
    // Already gone (the producer unlinks on exit).
  }
}
