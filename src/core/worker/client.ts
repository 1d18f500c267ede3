// Client side of the scan worker: one long-lived worker thread or child process, request ids, restart
// after a crash.

import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../model';
import type { QueueRefresh } from '../scan/refresh';
import { isScanResponse, type ScanRequest, type ScanResponse, type SnapshotOptions } from './protocol';
import { decodeSnapshotDelta, type DecodeMemory } from './snapshotWire';

export class ScanError extends Error {
  constructor(message: string, readonly native: boolean, readonly workerStack?: string) {
    super(message);
    this.name = 'ScanError';
  }
}

interface Pending {
  resolve(v: Snapshot | RefreshResult): void;
  reject(e: Error): void;
  /** The request, kept to send it again when a scan process dies before its first reply (see lost()). */
  request: ScanRequest;
}

/** Queue samples of objects of the worker's last snapshot; `unknown` lists ids it does not hold. */
export interface RefreshResult {
  refresh: QueueRefresh;
  unknown: string[];
}

/**
 * How the worker runs. 'thread' (default): a worker thread of this process. 'process': a child process
 * forked from this one (node, or Electron run as node) with its own V8 flags: its GC cannot wake the
 * host's V8 helper threads, and `execArgv` may make it single-threaded (see SCAN_PROCESS_FLAGS).
 */
export type ScanTransport = { kind: 'thread' } | { kind: 'process'; execArgv?: readonly string[] };

/**
 * V8 flags of a scan process: no background tasks (GC and compilation run on the scan thread), so a
 * 5 s background scan does not wake V8's helper threads (in a worker thread of the extension host, they
 * used about as much CPU as the scan itself); and semi-spaces of up to 64 MB instead of 16: a snapshot keeps
 * its objects alive while it builds them, so a scavenge during it copies (and soon promotes) them all. A 20k-fd
 * snapshot allocates about 26 MB on the scanning thread: with 32 MB semi-spaces it met a scavenge in almost
 * every snapshot (0.85 per snapshot, 23-34 ms of GC, and a mark-compact in one of eight), with 64 MB in one of
 * two (10-12 ms of GC, a mark-compact in one of twenty or forty): 66-68 ms a snapshot against 82-118 (3 runs
 * each, interleaved, 40 snapshots, PerformanceObserver 'gc'). At 10k fds GC was 1.5-1.7 ms against 1.9-4.9, a
 * snapshot 29-34 ms either way; RSS 224-247 MB against 191-195. V8 grows a semi-space only as far as survivals
 * ask: a small machine's scans keep it small. `npm run bench:scan` times its snapshots under these flags and
 * prints their GC and RSS.
 */
export const SCAN_PROCESS_FLAGS: readonly string[] = ['--single-threaded', '--max-semi-space-size=64'];

/** The two ends a client needs, over either transport. */
interface Channel {
  post(m: ScanRequest): void;
  stop(): void;
  /** Set by the first reply: a channel that dies before it never worked (a start-up failure). */
  answered: boolean;
}

export class ScanClient {
  private worker: Channel | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** The last snapshot decoded, by key: the worker sends only what changed since (snapshotWire.ts). */
  private wire: DecodeMemory | undefined;

  private child: ChildProcess | undefined;
  /** Why the client runs a thread although a process was asked for (the process could not start). */
  fallbackReason: string | undefined;

  /**
   * @param workerPath absolute path of the bundled dist/scan.worker.js
   * @param onFallback told once when a scan process could not start and a worker thread took over.
   */
  constructor(
    private readonly workerPath: string,
    private transport: ScanTransport = { kind: 'thread' },
    private readonly onFallback?: (reason: string) => void,
  ) {}

  /** Pid of the scan process (transport 'process', once started), for CPU accounting and tests. */
  get processId(): number | undefined {
    return this.child?.pid;
  }

  /** The transport in use now ('thread' after a fallback). */
  get transportKind(): ScanTransport['kind'] {
    return this.transport.kind;
  }

  snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    if (this.disposed) return Promise.reject(new Error('scan client disposed'));
    const id = this.nextId++;
    return new Promise<Snapshot>((resolve, reject) => {
      this.send({ id, type: 'snapshot', options, ...(this.wire ? { base: this.wire.gen } : {}) }, resolve as (v: Snapshot | RefreshResult) => void, reject);
    });
  }

  /**
   * Re-read only the queues of these objects of the last snapshot the worker took (cheap: no fd walk),
   * for live views at 1-10 Hz. Ids not in that snapshot come back in `unknown`.
   */
  refresh(ids: readonly string[]): Promise<RefreshResult> {
    if (this.disposed) return Promise.reject(new Error('scan client disposed'));
    const id = this.nextId++;
    return new Promise<RefreshResult>((resolve, reject) => {
      this.send({ id, type: 'refresh', ids: [...ids] }, resolve as (v: Snapshot | RefreshResult) => void, reject);
    });
  }

  private send(request: ScanRequest, resolve: Pending['resolve'], reject: Pending['reject']): void {
    this.pending.set(request.id, { resolve, reject, request });
    this.ensureWorker().post(request);
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error('scan client disposed'));
    this.worker?.stop();
    this.worker = undefined;
  }

  private ensureWorker(): Channel {
    if (this.worker) return this.worker;
    const c = this.transport.kind === 'process' ? this.forkProcess(this.transport.execArgv ?? []) : this.startThread();
    this.worker = c;
    return c;
  }

  /**
   * A crash or exit of the current worker: fail what it owed; the next request starts a new one. A scan
   * process that dies before its first reply could not start here (an Electron that refuses the flags,
   * a sandbox that forbids fork): a worker thread takes over for good, and gets the requests again.
   */
  private lost(c: Channel, e: ScanError): void {
    if (this.worker !== c) return;
    this.worker = undefined;
    this.child = undefined;
    this.wire = undefined;
    if (this.transport.kind === 'process' && !c.answered && !this.disposed) {
      this.transport = { kind: 'thread' };
      this.fallbackReason = e.message;
      this.onFallback?.(e.message);
      const again = [...this.pending.values()].map((p) => p.request);
      const w = this.ensureWorker();
      for (const r of again) w.post(r.type === 'snapshot' ? { id: r.id, type: 'snapshot', options: r.options } : r);
      return;
    }
    this.failAll(e);
  }

  private startThread(): Channel {
    const w = new Worker(this.workerPath);
    w.unref();
    const c: Channel = { post: (m) => w.postMessage(m), stop: () => void w.terminate(), answered: false };
    w.on('message', (m: unknown) => {
      c.answered = true;
      this.onMessage(m);
    });
    w.on('error', (e) => this.lost(c, new ScanError(`scan worker crashed: ${e.message}`, false, e.stack)));
    w.on('exit', (code) => this.lost(c, new ScanError(`scan worker exited with code ${code}`, false)));
    return c;
  }

  private forkProcess(execArgv: readonly string[]): Channel {
    // Inside VS Code, process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it a plain node. execArgv is
    // given in full so that the host's own flags (an inspector port, for one) are not inherited.
    const p = fork(this.workerPath, [], {
      execArgv: [...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = p;
    let stderr = '';
    p.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 8192) stderr += d; });
    (p.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    // Neither the process nor its channel keeps this one alive (as Worker.unref); replies still arrive.
    p.unref();
    p.channel?.unref();
    const c: Channel = {
      post: (m) => {
        if (!p.connected) return; // it died: 'close' fails or replays what is pending
        p.send(m, (e) => { if (e) this.lost(c, new ScanError(`scan process unreachable: ${e.message}`, false)); });
      },
      stop: () => void p.kill(),
      answered: false,
    };
    p.on('message', (m: unknown) => {
      c.answered = true;
      this.onMessage(m);
    });
    p.on('error', (e) => this.lost(c, new ScanError(`scan process failed: ${e.message}`, false, e.stack)));
    // 'close' comes after its stderr is read to the end, so the reason is in the message.
    p.on('close', (code, signal) => this.lost(c,
      new ScanError(`scan process exited with ${signal ?? `code ${code}`}${stderr ? `: ${stderr.trim().slice(-2000)}` : ''}`, false)));
    return c;
  }

  private onMessage(m: unknown): void {
    if (!isScanResponse(m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    const r = m as ScanResponse;
    if (r.type === 'snapshot') p.resolve(r.snapshot);
    else if (r.type === 'snapshot-encoded') {
      decodeSnapshotDelta(r.encoded, this.wire).then(({ snapshot, memory }) => {
        this.wire = memory;
        p.resolve(snapshot);
      }, (e: Error) => {
        this.wire = undefined; // the next request gets every line
        p.reject(e);
      });
    }
    else if (r.type === 'refresh') p.resolve({ refresh: r.refresh, unknown: r.unknown });
    else p.reject(new ScanError(r.error.message, r.error.native, r.error.stack));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
