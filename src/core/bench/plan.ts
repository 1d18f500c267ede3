// Benchmark plans: presets (Quick, Standard, Custom) expanded into cases, with every skipped case and why.

import type { BenchKind, MechanismId, Pin } from './catalogue';
import { MECHANISM_IDS, mechanism } from './catalogue';

export type Preset = 'quick' | 'standard' | 'custom';

export interface BenchCase {
  mechanism: MechanismId;
  kind: BenchKind;
  pin: Pin;
  /** CPUs of worker a and b ([] when not pinned). */
  cpus: number[];
  msgBytes: number;
  /** Measured round trips (latency) or messages (throughput). */
  iterations: number;
  warmup: number;
  /** Why the case differs from what was asked (e.g. a datagram size limit). */
  notes: string[];
}

export interface SkippedCase {
  mechanism: MechanismId;
  kind: BenchKind;
  pin: Pin | null;
  reason: string;
}

export interface BenchPlan {
  preset: Preset;
  cases: BenchCase[];
  skipped: SkippedCase[];
}

export interface PlanOptions {
  preset?: Preset;
  mechanisms?: readonly MechanismId[];
  kinds?: readonly BenchKind[];
  /** Pin modes; default: latency of blocking mechanisms in both split and same, everything else split. */
  pins?: readonly Pin[];
  /** Latency message sizes in bytes (default [1]). */
  latencySizes?: readonly number[];
  /** Throughput message sizes in bytes (default [65536]). */
  throughputSizes?: readonly number[];
  iterations?: number;
  /** Warm-up round trips (latency) and messages (throughput); default see below. */
  warmup?: number;
  totalBytes?: number;
}

/** Kernel limits that bound message sizes (read by machine.ts; defaults are Linux's). */
export interface Limits {
  mqMsgsizeMax: number;
  sysvMsgmax: number;
  /** net.core.wmem_default: a Unix datagram must fit in the sender's buffer. */
  wmemDefault: number;
}

export const DEFAULT_LIMITS: Limits = { mqMsgsizeMax: 8192, sysvMsgmax: 8192, wmemDefault: 212992 };

export const PRESETS: Record<Exclude<Preset, 'custom'>, { iterations: number; warmup: number; totalBytes: number }> = {
  quick: { iterations: 10_000, warmup: 1_000, totalBytes: 32 << 20 },
  standard: { iterations: 100_000, warmup: 10_000, totalBytes: 256 << 20 },
};

/**
 * Throughput warm-up: at least this many messages. V8 optimises a worker's per-message functions only
 * after thousands of calls, and each compile takes 2-5 ms here (traced with --trace-opt). With 2,000
 * warm-up messages those compiles still fell into the timed phase, which for shared memory at 64 MiB
 * lasts only 5-10 ms: our shm-spin figure was a third of the C reference's; with 20,000 the worker's
 * CPU time per message came within 1.1-1.4x of C's. (256 warm-up messages had left unix-stream ~30% low.)
 */
export const MIN_THROUGHPUT_WARMUP = 10_000;

/**
 * Latency warm-up: at least this many round trips. V8 tiers a worker's loop up over its first few
 * thousand round trips (measured in blocks of 1,000 on a pipe: 2-3 times slower per round trip in
 * blocks 2-4, steady from about the 5th), and that work belongs before the clock starts.
 */
export const MIN_LATENCY_WARMUP = 5000;

export const DEFAULT_LATENCY_BYTES = 1;
export const DEFAULT_THROUGHPUT_BYTES = 64 << 10;
const UDP_MAX = 65507;

/** Largest message a mechanism carries, with the reason, or null when unbounded. */
export function sizeLimit(id: MechanismId, limits: Limits): { bytes: number; why: string } | null {
  switch (id) {
    case 'udp': return { bytes: UDP_MAX, why: 'UDP over IPv4 carries at most 65507 bytes per datagram' };
    case 'unix-dgram':
    case 'unix-seqpacket': return { bytes: Math.floor(limits.wmemDefault / 2), why: 'a Unix datagram must fit in the socket send buffer (net.core.wmem_default / 2)' };
    case 'posix-mq': return { bytes: limits.mqMsgsizeMax, why: 'POSIX mq messages are limited by fs.mqueue.msgsize_max' };
    case 'sysv-msg': return { bytes: limits.sysvMsgmax, why: 'System V messages are limited by kernel.msgmax' };
    default: return null;
  }
}

export function buildPlan(opts: PlanOptions, allowedCpus: readonly number[], limits: Limits = DEFAULT_LIMITS): BenchPlan {
  const preset = opts.preset ?? 'quick';
  const base = PRESETS[preset === 'custom' ? 'quick' : preset];
  const iterations = opts.iterations ?? base.iterations;
  // Quick and custom: base.warmup (1,000) is below the minimum, so always MIN_LATENCY_WARMUP; standard:
  // 10 % of the round trips within 5,000..10,000 (--help says so; bench-plan.test.ts checks both).
  const warmup = opts.warmup ?? Math.max(MIN_LATENCY_WARMUP, Math.min(base.warmup, Math.ceil(iterations / 10)));
  const totalBytes = opts.totalBytes ?? base.totalBytes;
  const mechs = opts.mechanisms?.length ? opts.mechanisms : MECHANISM_IDS;
  const kinds = opts.kinds?.length ? opts.kinds : (['latency', 'throughput'] as const);
  const cases: BenchCase[] = [];
  const skipped: SkippedCase[] = [];

  for (const kind of kinds) {
    for (const id of mechs) {
      const m = mechanism(id);
      if (!m) continue;
      if (kind === 'throughput' && m.latencyOnly) {
        skipped.push({ mechanism: id, kind, pin: null, reason: `${id} carries no payload (latency only)` });
        continue;
      }
      const pins: readonly Pin[] = opts.pins?.length ? opts.pins : kind === 'latency' ? ['split', 'same'] : ['split'];
      const asked = kind === 'latency' ? opts.latencySizes : opts.throughputSizes;
      const sizes = asked?.length ? asked : [kind === 'latency' ? DEFAULT_LATENCY_BYTES : DEFAULT_THROUGHPUT_BYTES];
      for (const pin of pins) {
        if (pin === 'same' && m.spins) {
          skipped.push({ mechanism: id, kind, pin, reason: 'both sides spin: on one CPU each waits out the other\'s time slice, which measures the scheduler, not the mechanism' });
          continue;
        }
        const cpus = pinCpus(pin, allowedCpus);
        if (cpus === null) {
          skipped.push({ mechanism: id, kind, pin, reason: `pin ${pin} needs ${pin === 'split' ? 'two CPUs' : 'one CPU'}; this process may use ${allowedCpus.length}` });
          continue;
        }
        const seen = new Set<number>();
        for (const want of sizes) {
          const notes: string[] = [];
          let bytes = want;
          if (m.fixedLatencyBytes !== null) {
            if (want !== m.fixedLatencyBytes && asked?.length) notes.push(`${id} carries ${m.fixedLatencyBytes === 0 ? 'no payload' : `an ${m.fixedLatencyBytes}-byte counter`}; size ${want} ignored`);
            bytes = m.fixedLatencyBytes;
          }
          const lim = sizeLimit(id, limits);
          if (lim && bytes > lim.bytes) {
            notes.push(`${bytes}-byte messages reduced to ${lim.bytes}: ${lim.why}`);
            bytes = lim.bytes;
          }
          if (kind === 'throughput' && bytes < 8) {
            notes.push(`${bytes}-byte messages raised to 8: each throughput message carries an 8-byte sequence header`);
            bytes = 8;
          }
          // Several asked sizes can end up the same (a fixed-size counter, a datagram limit): run it once.
          if (seen.has(bytes)) continue;
          seen.add(bytes);
          if (kind === 'latency') {
            cases.push({ mechanism: id, kind, pin, cpus, msgBytes: bytes, iterations, warmup, notes });
          } else {
            const msgs = Math.max(1, Math.floor(totalBytes / bytes));
            if (msgs * bytes !== totalBytes) notes.push(`${msgs} messages of ${bytes} bytes = ${msgs * bytes} bytes`);
            cases.push({
              mechanism: id, kind, pin, cpus, msgBytes: bytes, iterations: msgs,
              warmup: opts.warmup ?? Math.max(MIN_THROUGHPUT_WARMUP, Math.floor(msgs / 8)), notes,
            });
          }
        }
      }
    }
  }
  return { preset, cases, skipped };
}

/** CPUs for worker a and b: split = the first two allowed CPUs, same = the first one twice. */
export function pinCpus(pin: Pin, allowed: readonly number[]): number[] | null {
  if (pin === 'none') return [];
  if (pin === 'same') return allowed.length >= 1 ? [allowed[0]!, allowed[0]!] : null;
  return allowed.length >= 2 ? [allowed[0]!, allowed[1]!] : null;
}

/** Parses a Linux CPU list ("0-3,8,10-11"); returns [] on anything odd. */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return [];
    const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 4096) return [];
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * A count (round trips, messages) from "20000", "20k" or "2M": k = 1,000 and M = 1,000,000, decimal as
 * counts are, unlike parseBytes' binary units (which made "10k" 10,240 round trips). NaN when invalid.
 */
export function parseCount(s: string): number {
  const m = /^(\d+)([kM])?$/.exec(s.trim());
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
}

/** Size in bytes from "65536", "64K", "32M", "1G" (binary units); NaN when invalid. */
export function parseBytes(s: string): number {
  const m = /^(\d+)([kmg]i?b?)?$/i.exec(s.trim());
  if (!m) return NaN;
  const mult = { k: 1 << 10, m: 1 << 20, g: 1 << 30 }[(m[2] ?? '').charAt(0).toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Number(m[1]) * mult;
}
