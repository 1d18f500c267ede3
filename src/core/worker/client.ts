// Client side of the scan worker: one long-lived worker thread, request ids, restart after a crash.

import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../model';
import type { QueueRefresh } from '../scan/refresh';
import { isScanResponse, type ScanResponse, type SnapshotOptions } from './protocol';
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
}

/** Queue samples of objects of the worker's last snapshot; `unknown` lists ids it does not hold. */
export interface RefreshResult {
  refresh: QueueRefresh;
  unknown: string[];
}

export class ScanClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** The last snapshot decoded, by key: the worker sends only what changed since (snapshotWire.ts). */
  private wire: DecodeMemory | undefined;

  /** @param workerPath absolute path of the bundled dist/scan.worker.js */
  constructor(private readonly workerPath: string) {}

  snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    if (this.disposed) return Promise.reject(new Error('scan client disposed'));
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Snapshot>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: Snapshot | RefreshResult) => void, reject });
      w.postMessage({ id, type: 'snapshot', options, ...(this.wire ? { base: this.wire.gen } : {}) });
    });
  }

  /**
   * Re-read only the queues of these objects of the last snapshot the worker took (cheap: no fd walk),
   * for live views at 1-10 Hz. Ids not in that snapshot come back in `unknown`.
   */
  refresh(ids: readonly string[]): Promise<RefreshResult> {
    if (this.disposed) return Promise.reject(new Error('scan client disposed'));
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<RefreshResult>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: Snapshot | RefreshResult) => void, reject });
      w.postMessage({ id, type: 'refresh', ids: [...ids] });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error('scan client disposed'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerPath);
    w.unref();
    w.on('message', (m: unknown) => this.onMessage(m));
    w.on('error', (e) => {
      this.failAll(new ScanError(`scan worker crashed: ${e.message}`, false, e.stack));
      this.worker = undefined;
      this.wire = undefined;
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (code !== 0) this.failAll(new ScanError(`scan worker exited with code ${code}`, false));
    });
    this.worker = w;
    return w;
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
