// The control protocol between the benchmark runner and its two worker processes (Node or C reference).
//
// argv:     key=value words (WorkerConfig), the same for the Node worker and the C program.
// stdout:   one JSON object per line: {"t":"ready",...info}, then {"t":"result",...} or {"t":"error","message"}.
// stdin:    one line `go key=value ...` with the peer's ready info, sent once both workers are ready.
// fds 3, 4: for pipe, pipe-1m and eventfd, the worker's read end and write end (created by the parent).
//
// Role a is the responder (latency) / receiver (throughput); role b the initiator / sender.
// Latency: b sends n bytes with byte 0 = i & 255, a echoes them, b checks byte 0; b times each round
// trip as the interval between the starts of consecutive round trips (one clock read per round trip).
// Throughput: b sends `warmup` then `iters` messages of n bytes; message i carries seq i (u32 LE at 0)
// and ~i (u32 LE at 4) in an otherwise fixed pseudo-random pattern; a compares every message with what
// it expects (memcmp) and acks with a 4-byte count (u32 LE) after the warm-up, every `ackevery`
// messages (udp only: b keeps at most `window` messages unacknowledged) and after the last one.
// b records t_start (CLOCK_MONOTONIC, ns) after the warm-up ack, a records t_end after the last compare.
// Both results carry cpu_ns and thread_ns: the CPU time of the process and of its main thread over the
// timed phase (after the warm-up), a load-resistant measure of the work each side does per message.

import type { BenchKind, MechanismId } from './catalogue';

export type Role = 'a' | 'b';

export interface WorkerConfig {
  mech: MechanismId;
  role: Role;
  kind: BenchKind;
  /** Message size in bytes. */
  size: number;
  /** Measured round trips (latency) or messages (throughput). */
  iters: number;
  warmup: number;
  /** CPU to pin every thread of the worker to, or -1. */
  cpu: number;
  /** Base name for POSIX shm and mq objects (starts with '/'). */
  name: string;
  /** Base path for FIFOs and Unix socket files (inside a private 0700 directory). */
  path: string;
  /** System V IPC key for sysv-msg. */
  key: number;
  /** Ring capacity in bytes for shm mechanisms (power of two). */
  ringcap: number;
  /** Pattern seed for throughput messages. */
  seed: number;
}

const NUMERIC: ReadonlyArray<keyof WorkerConfig> = ['size', 'iters', 'warmup', 'cpu', 'key', 'ringcap', 'seed'];

export function encodeConfig(c: WorkerConfig): string[] {
  return (Object.keys(c) as Array<keyof WorkerConfig>).map((k) => `${k}=${c[k]}`);
}

export function decodeConfig(argv: readonly string[]): WorkerConfig {
  const kv = parseKv(argv);
  const out: Record<string, string | number> = {};
  for (const k of ['mech', 'role', 'kind', 'size', 'iters', 'warmup', 'cpu', 'name', 'path', 'key', 'ringcap', 'seed'] as const) {
    const v = kv[k];
    if (v === undefined) throw new Error(`worker config: missing ${k}`);
    if (NUMERIC.includes(k)) {
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new Error(`worker config: ${k}=${v} is not an integer`);
      out[k] = n;
    } else out[k] = v;
  }
  return out as unknown as WorkerConfig;
}

/** Parses `key=value` words; words without '=' are ignored. Values never contain spaces. */
export function parseKv(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    if (i > 0) out[w.slice(0, i)] = w.slice(i + 1);
  }
  return out;
}

export type ReadyInfo = Record<string, number>;

/** The `go` line for one worker: its peer's ready info (numbers only, so no quoting is needed). */
export function goLine(peer: ReadyInfo): string {
  const words = Object.entries(peer)
    .filter(([k, v]) => /^[a-z_]+$/.test(k) && Number.isFinite(v))
    .map(([k, v]) => `${k}=${v}`);
  return `go ${words.join(' ')}\n`;
}

export type WorkerMessage =
  | { t: 'ready'; info: ReadyInfo }
  | { t: 'result'; samples?: number[]; t_start?: number; t_end?: number; bytes?: number; msgs?: number; cpu_ns?: number; thread_ns?: number }
  | { t: 'error'; message: string };

/** Parses one stdout line of a worker; anything unexpected becomes an error message, never a throw. */
export function parseWorkerLine(line: string): WorkerMessage | null {
  if (!line.trim()) return null;
  let v: unknown;
  try { v = JSON.parse(line); } catch { return { t: 'error', message: `unparsable worker output: ${line.slice(0, 200)}` }; }
  if (!v || typeof v !== 'object') return { t: 'error', message: `unexpected worker output: ${line.slice(0, 200)}` };
  const o = v as Record<string, unknown>;
  if (o.t === 'ready') {
    const info: ReadyInfo = {};
    for (const [k, x] of Object.entries(o)) if (k !== 't' && typeof x === 'number') info[k] = x;
    return { t: 'ready', info };
  }
  if (o.t === 'error') return { t: 'error', message: String(o.message ?? 'unknown worker error') };
  if (o.t === 'result') {
    const r: WorkerMessage = { t: 'result' };
    if (Array.isArray(o.samples) && o.samples.every((x) => typeof x === 'number')) r.samples = o.samples as number[];
    for (const k of ['t_start', 't_end', 'bytes', 'msgs', 'cpu_ns', 'thread_ns'] as const) if (typeof o[k] === 'number') r[k] = o[k] as number;
    return r;
  }
  return { t: 'error', message: `unexpected worker output: ${line.slice(0, 200)}` };
}

/** Shared-memory ring layout (bytes), identical in the Node worker and cref.c. */
export const RING = {
  header: 4096,
  wpos: 0,
  rpos: 64,
  readerWaiting: 128,
  writerWaiting: 192,
} as const;

/** xorshift32 pattern generator shared by both implementations (seed must be non-zero). */
export function fillPattern(buf: Uint8Array, seed: number): void {
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < buf.length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    buf[i] = x & 0xff;
  }
}

/** Number of distinct pattern buffers; message i uses pattern i % PATTERNS. */
export const PATTERNS = 4;
