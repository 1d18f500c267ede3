// One ring-buffer demo process (bundled to dist/ringDemo.worker.js; run as `node ringDemo.worker.js
// producer|consumer NAME CAPACITY`): a producer or a consumer over a POSIX shm ring in the seed's
// RingBuffer layout (read_pos, write_pos, capacity as u64, data after; modulo positions, one slot free).
// Control on stdin, JSON lines: {"type":"rates","rate":<bytes/s>,"burst":<0..1>} and {"type":"stop"}.
// Status on stdout, JSON lines: {"type":"ready",...} once, then {"type":"stats",...} every second.
// The process exits on "stop", on stdin EOF (its parent is gone) and on SIGTERM; the producer, which
// created the segment, unlinks it on exit.

import { createInterface } from 'node:readline';
import { mapSegment, unlinkSegment, type Mapped } from './shmSegment';

const READ = 0;
const WRITE = 8;
const CAP = 16;
const DATA = 24;
const TICK_MS = 5;

const [role, name, capArg] = process.argv.slice(2);
if ((role !== 'producer' && role !== 'consumer') || !name || !/^\/[A-Za-z0-9._-]{1,200}$/.test(name)) {
  process.stderr.write('usage: ringDemo.worker.js producer|consumer /NAME [CAPACITY]\n');
  process.exit(2);
}
const capacity = Number(capArg ?? 4096);
if (!Number.isInteger(capacity) || capacity < 2 || capacity > 1 << 24) {
  process.stderr.write('capacity must be an integer in [2, 16 MiB]\n');
  process.exit(2);
}

// Idle until the parent sends rates (after both sides are up), so the ring starts empty.
let rate = 0;
let burst = 0;
let credit = 0;
let moved = 0;
let errors = 0;
let stalls = 0;
let mem: Mapped;

const emit = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

try {
  mem = mapSegment(name, DATA + capacity, role === 'producer');
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
if (role === 'producer') {
  mem.store64(READ, 0n);
  mem.store64(WRITE, 0n);
  mem.store64(CAP, BigInt(capacity));
} else if (Number(mem.load64(CAP)) !== capacity) {
  process.stderr.write(`capacity mismatch: segment says ${mem.load64(CAP)}, expected ${capacity}\n`);
  process.exit(1);
}

const scratch = new Uint8Array(capacity);

/** Move up to `want` bytes; returns how many moved. Positions wrap modulo capacity, one slot stays free. */
function step(want: number): number {
  const cap = capacity;
  const r = Number(mem.load64(READ));
  const w = Number(mem.load64(WRITE));
  const used = (w - r + cap) % cap;
  if (role === 'producer') {
    const n = Math.min(want, cap - 1 - used);
    if (n <= 0) return 0;
    // Bytes carry the running count, so the consumer can check order and integrity.
    for (let i = 0; i < n; i++) scratch[i] = (moved + i) & 0xff;
    const first = Math.min(n, cap - w);
    mem.write(DATA + w, scratch.subarray(0, first));
    if (n > first) mem.write(DATA, scratch.subarray(first, n));
    mem.store64(WRITE, BigInt((w + n) % cap)); // publish after the data
    return n;
  }
  const n = Math.min(want, used);
  if (n <= 0) return 0;
  const first = Math.min(n, cap - r);
  mem.read(DATA + r, scratch.subarray(0, first));
  if (n > first) mem.read(DATA, scratch.subarray(first, n));
  for (let i = 0; i < n; i++) if (scratch[i] !== ((moved + i) & 0xff)) errors++;
  mem.store64(READ, BigInt((r + n) % cap)); // release the slots after reading them
  return n;
}

let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  const dt = (now - last) / 1000;
  last = now;
  credit = Math.min(credit + rate * dt, Math.max(rate * 2, 1));
  // Burstiness b: act in a share (1 - 0.95 b) of the ticks with all the credit saved up, so the mean
  // rate stays `rate` while the traffic comes in ever larger lumps.
  if (burst > 0 && Math.random() > 1 - 0.95 * burst) return;
  const want = Math.floor(credit);
  if (want <= 0) return;
  const n = step(want);
  if (n < want) stalls++;
  credit -= n;
  moved += n;
}, TICK_MS);

const stats = setInterval(() => emit({ type: 'stats', role, moved, errors, stalls }), 1000);

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  clearInterval(stats);
  mem.close();
  if (role === 'producer') unlinkSegment(name!);
  emit({ type: 'stopped', role, moved, errors });
  process.exitCode = code;
  // Let stdout drain, then leave even if stdin is still open.
  setImmediate(() => process.exit(code));
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof m !== 'object' || m === null) return;
    const o = m as Record<string, unknown>;
    if (o.type === 'stop') stop();
    else if (o.type === 'rates') {
      if (typeof o.rate === 'number' && Number.isFinite(o.rate) && o.rate >= 0 && o.rate <= 1e8) rate = o.rate;
      if (typeof o.burst === 'number' && o.burst >= 0 && o.burst <= 1) burst = o.burst;
    }
  })
  .on('close', () => stop());
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.on('uncaughtException', (e) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  stop(1);
});

emit({ type: 'ready', role, name, capacity, size: DATA + capacity, pid: process.pid, mode: mem.mode });
