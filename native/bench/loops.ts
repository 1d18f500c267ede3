// The timed loops of a benchmark worker: synchronous syscalls only, no event loop, no allocation per message.

import { PATTERNS, fillPattern } from '../../src/core/bench/protocol';
import type { Channel, Frame } from './frame';
import { frame } from './frame';
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, libc } from './libc';

/** CPU time this side spent in the timed phase: the whole process (with Node's JIT and GC threads) and
 *  the main thread alone. Load on the machine stretches wall-clock figures; it barely changes these. */
export interface CpuOut { cpu_ns: number; thread_ns: number }

/** Reads the two CPU clocks; `stop()` returns what was used since the last `start()`. */
function cpuMeter(): { start(): void; stop(): CpuOut } {
  const clock = libc().clock_gettime;
  const ts = new Int32Array(4);
  const read = (id: number): number => { clock(id, ts); return ts[0]! * 1e9 + ts[2]!; };
  let p0 = 0, t0 = 0;
  return {
    start() { p0 = read(CLOCK_PROCESS_CPUTIME_ID); t0 = read(CLOCK_THREAD_CPUTIME_ID); },
    stop() { return { thread_ns: read(CLOCK_THREAD_CPUTIME_ID) - t0, cpu_ns: read(CLOCK_PROCESS_CPUTIME_ID) - p0 }; },
  };
}

export interface LatencyOut extends CpuOut { samples: number[] }

/**
 * Round trips `from` to `to - 1` (byte 0 = i & 255, checked on return); t[i - from] = time between the ends
 * of round trips i - 1 and i. Warm-up and timed phase call this same function, so the code V8 optimised
 * during the warm-up is the code that is timed: a branch first taken when the clock starts would throw it
 * away and recompile it (2-5 ms here) inside the measurement.
 */
function roundTrips(ch: Channel, f: Frame, n: number, from: number, to: number, t: Float64Array, prev: number, now: () => number): number {
  for (let i = from; i < to; i++) {
    const tag = i & 255;
    f.payload[0] = tag;
    ch.send(f, n);
    ch.recv(f, n);
    if (f.payload[0] !== tag) throw new Error(`round trip ${i}: got back ${f.payload[0]}, sent ${tag}`);
    const x = now();
    t[i - from] = x - prev;
    prev = x;
  }
  return prev;
}

/** Role b: `warmup + iters` ping-pong round trips; sample i = time between the ends of round trips i-1 and i. */
export function latencyInitiator(ch: Channel, n: number, warmup: number, iters: number): LatencyOut {
  const f = frame(Math.max(n, 8));
  const t = new Float64Array(iters);
  // clock_gettime through koffi, like the C reference: performance.now() and hrtime allocate on every
  // call, and the garbage collections that follow would land in the samples.
  const clock = libc().clock_gettime;
  const ts = new Int32Array(4);
  const now = (): number => { clock(CLOCK_MONOTONIC, ts); return ts[0]! * 1e9 + ts[2]!; };
  const cpu = cpuMeter();
  const prev = roundTrips(ch, f, n, 0, warmup, new Float64Array(warmup), now(), now);
  cpu.start();
  roundTrips(ch, f, n, warmup, warmup + iters, t, prev, now);
  const used = cpu.stop();
  const samples = new Array<number>(iters);
  for (let i = 0; i < iters; i++) samples[i] = t[i]!;
  return { samples, ...used };
}

function echo(ch: Channel, f: Frame, n: number, count: number): void {
  for (let i = 0; i < count; i++) {
    ch.recv(f, n);
    ch.send(f, n);
  }
}

/** Role a: echoes every message (warm-up and timed phase through the same function, as above). */
export function latencyResponder(ch: Channel, n: number, warmup: number, iters: number): CpuOut {
  const f = frame(Math.max(n, 8));
  const cpu = cpuMeter();
  echo(ch, f, n, warmup);
  cpu.start();
  echo(ch, f, n, iters);
  return cpu.stop();
}

function patterns(n: number, seed: number): Frame[] {
  const out: Frame[] = [];
  for (let k = 0; k < PATTERNS; k++) {
    const f = frame(n);
    fillPattern(f.payload, (seed + k) >>> 0);
    out.push(f);
  }
  return out;
}

function stamp(f: Frame, seq: number): void {
  f.payload.writeUInt32LE(seq >>> 0, 0);
  f.payload.writeUInt32LE(~seq >>> 0, 4);
}

export interface ThroughputParams { n: number; warmup: number; iters: number; seed: number; window: number; ackEvery: number }

/** Role b: sends warm-up, waits for its ack, starts the clock, sends the measured messages, waits for the last ack. */
export function throughputSender(ch: Channel, p: ThroughputParams): { t_start: number; msgs: number } & CpuOut {
  const pats = patterns(p.n, p.seed);
  const ack = frame(Math.max(p.n, 8));
  const total = p.warmup + p.iters;
  let acked = 0;
  const readAck = (): void => {
    ch.recv(ack, 4);
    const v = ack.payload.readUInt32LE(0);
    if (v <= acked || v > total) throw new Error(`bad ack ${v} after ${acked}`);
    acked = v;
  };
  let sent = 0;
  let tStart = 0n;
  const cpu = cpuMeter();
  for (;;) {
    if (sent === p.warmup) {
      while (acked < p.warmup) readAck();
      tStart = process.hrtime.bigint();
      cpu.start();
    }
    if (sent === total) break;
    if (p.window > 0) while (sent - acked >= p.window) readAck();
    const f = pats[sent % PATTERNS]!;
    stamp(f, sent);
    ch.send(f, p.n);
    sent++;
  }
  while (acked < total) readAck();
  return { t_start: Number(tStart), msgs: p.iters, ...cpu.stop() };
}

/** Role a: receives and compares every message with the expected bytes; acks as the protocol says. */
export function throughputReceiver(ch: Channel, p: ThroughputParams): { t_end: number; bytes: number } & CpuOut {
  const pats = patterns(p.n, p.seed);
  const r = frame(Math.max(p.n, 8));
  const got = r.payload.subarray(0, p.n);
  const ack = frame(8);
  const total = p.warmup + p.iters;
  let tEnd = 0n;
  const cpu = cpuMeter();
  let used: CpuOut = { cpu_ns: 0, thread_ns: 0 };
  if (p.warmup === 0) cpu.start();
  for (let c = 0; c < total;) {
    ch.recv(r, p.n);
    const e = pats[c % PATTERNS]!;
    stamp(e, c);
    if (!got.equals(e.payload)) {
      const seq = got.readUInt32LE(0);
      throw new Error(seq !== c
        ? `data lost or reordered: message ${c} arrived as message ${seq}`
        : `data corrupted in message ${c}`);
    }
    c++;
    if (c === total) { tEnd = process.hrtime.bigint(); used = cpu.stop(); }
    if (c === p.warmup || c === total || (p.ackEvery > 0 && c % p.ackEvery === 0)) {
      ack.payload.writeUInt32LE(c, 0);
      ch.send(ack, 4);
    }
    if (c === p.warmup) cpu.start();
  }
  return { t_end: Number(tEnd), bytes: p.iters * p.n, ...used };
}
