// Benchmark worker process (bundled to dist/bench.worker.js): one side of one mechanism, driven by the
// runner through the control protocol in src/core/bench/protocol.ts. All I/O here is synchronous.

import { readSync, writeSync } from 'node:fs';
import { decodeConfig, parseKv } from '../../src/core/bench/protocol';
import type { WorkerConfig } from '../../src/core/bench/protocol';
import { endpoint } from './endpoints';
import type { Channel, Endpoint } from './frame';
import { PR_SET_PDEATHSIG, SIGKILL, check, libc } from './libc';
import { latencyInitiator, latencyResponder, throughputReceiver, throughputSender } from './loops';

const pause = new Int32Array(new SharedArrayBuffer(4));

function retrying<T>(f: () => T): T {
  for (;;) {
    try { return f(); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function emit(obj: Record<string, unknown>): void {
  const data = Buffer.from(`${JSON.stringify(obj)}\n`);
  for (let off = 0; off < data.length;) off += retrying(() => writeSync(1, data, off));
}

function readGoLine(): Record<string, number> {
  const buf = Buffer.alloc(4096);
  let line = '';
  while (!line.includes('\n')) {
    const n = retrying(() => readSync(0, buf, 0, buf.length, null));
    if (n === 0) throw new Error('runner closed stdin before go');
    line += buf.toString('utf8', 0, n);
  }
  const words = line.slice(0, line.indexOf('\n')).split(' ');
  if (words[0] !== 'go') throw new Error(`expected go, got: ${line.slice(0, 100)}`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(parseKv(words.slice(1)))) out[k] = Number(v);
  return out;
}

/**
 * Pins the main thread (the one making the IPC calls) to one CPU. Node's helper threads (JIT compiler,
 * GC) stay free: pinned beside a spinning main thread they would starve, and the code would stay unoptimised.
 */
function pin(cpu: number): void {
  const mask = Buffer.alloc(128);
  mask[cpu >> 3] = 1 << (cpu & 7);
  check(libc().sched_setaffinity(0, 128, mask), `sched_setaffinity(cpu ${cpu})`);
}

function run(cfg: WorkerConfig, ep: Endpoint): Record<string, unknown> {
  const peer = readGoLine();
  const ch: Channel = ep.connect(peer);
  try {
    if (cfg.kind === 'latency') {
      if (cfg.role === 'b') return { t: 'result', ...latencyInitiator(ch, cfg.size, cfg.warmup, cfg.iters) };
      return { t: 'result', ...latencyResponder(ch, cfg.size, cfg.warmup, cfg.iters) };
    }
    const p = {
      n: cfg.size, warmup: cfg.warmup, iters: cfg.iters, seed: cfg.seed,
      window: peer.window ?? 0, ackEvery: ep.info.ackevery ?? 0,
    };
    return cfg.role === 'b' ? { t: 'result', ...throughputSender(ch, p) } : { t: 'result', ...throughputReceiver(ch, p) };
  } finally {
    ch.close();
  }
}

function main(): number {
  let ep: Endpoint | null = null;
  try {
    const cfg = decodeConfig(process.argv.slice(2));
    const c = libc();
    // Die with the runner even if it is SIGKILLed, so a spinning worker never outlives it.
    const ppid = process.ppid;
    c.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (c.getppid() !== ppid) return 1;
    if (cfg.cpu >= 0) pin(cfg.cpu);
    ep = endpoint(cfg);
    emit({ t: 'ready', ...ep.info });
    emit(run(cfg, ep));
    return 0;
  } catch (e) {
    emit({ t: 'error', message: (e as Error).message });
    return 1;
  } finally {
    try { ep?.cleanup(); } catch { /* the parent cleans up too */ }
  }
}

process.exitCode = main();
