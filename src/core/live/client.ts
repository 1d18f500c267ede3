// Client of the live-sampling worker: a QueueSampler whose reads run in a worker thread. One request in
// flight per caller is the norm (the ticker skips a tick while the previous one runs).

import { Worker } from 'node:worker_threads';
import { isLiveResponse, type LiveResponse } from './protocol';
import type { LiveTarget, QueueSampler, SampleResult } from './sampler';

interface Pending {
  resolve(m: Map<string, SampleResult>): void;
  reject(e: Error): void;
}

export class LiveSamplerClient implements QueueSampler {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** Worker-side duration of the last tick, for logs and measurements. */
  lastDurationMs = 0;

  /** @param workerPath absolute path of the bundled dist/live.worker.js */
  constructor(private readonly workerPath: string) {}

  sample(targets: readonly LiveTarget[]): Promise<Map<string, SampleResult>> {
    if (this.disposed) return Promise.reject(new Error('live sampler disposed'));
    if (!targets.length) return Promise.resolve(new Map());
    const w = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, type: 'sample', targets });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error('live sampler disposed'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerPath);
    w.unref();
    w.on('message', (m: unknown) => this.onMessage(m));
    w.on('error', (e) => {
      this.failAll(new Error(`live worker crashed: ${e.message}`));
      if (this.worker === w) this.worker = undefined;
    });
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (code !== 0) this.failAll(new Error(`live worker exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }

  private onMessage(m: unknown): void {
    if (!isLiveResponse(m)) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    const r = m as LiveResponse;
    if (r.type === 'samples') {
      this.lastDurationMs = r.durationMs;
      p.resolve(new Map(r.results));
    } else p.reject(new Error(r.message));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
