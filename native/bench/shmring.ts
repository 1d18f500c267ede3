// Shared-memory channel: two SPSC byte rings in one POSIX shm object, read and written through a koffi
// view of the mapping. Positions are free-running u32 byte counters; a message is published by storing
// the new write position. Waiting either spins on Atomics.load or sleeps with futex(FUTEX_WAIT) on the
// position word (not FUTEX_PRIVATE: the two sides are different processes).

import { RING } from '../../src/core/bench/protocol';
import type { Channel, Frame } from './frame';
import { FUTEX_WAIT, FUTEX_WAKE, MAP_SHARED, PROT_READ, PROT_WRITE, check, libc, sysFutex } from './libc';

const W = RING.wpos >> 2, R = RING.rpos >> 2, RW = RING.readerWaiting >> 2, WW = RING.writerWaiting >> 2;

export function ringBytes(cap: number): number {
  return 2 * (RING.header + cap);
}

export interface Mapping { ptr: unknown; addr: bigint; buf: ArrayBuffer; len: number }

export function mapShared(fd: number, len: number): Mapping {
  const c = libc();
  const p = c.mmap(null, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const addr = p === null ? 0n : BigInt(c.koffi.address(p));
  // MAP_FAILED is (void *)-1.
  if (addr <= 0n || addr === 0xffffffffffffffffn) check(-1, 'mmap');
  let buf: ArrayBuffer;
  try {
    buf = c.koffi.view(p, len);
  } catch (e) {
    c.munmap(p, len);
    throw new Error(`koffi.view failed (${(e as Error).message}); runtimes such as Electron forbid external buffers: run the benchmark with a plain node`);
  }
  return { ptr: p, addr, buf, len };
}

class Ring {
  readonly h: Int32Array;
  readonly data: Uint8Array;
  readonly mask: number;
  /** Byte addresses of the write and read position words, for futex. */
  readonly wAddr: number;
  readonly rAddr: number;
  pos = 0;
  /** Views of the ring at message offsets, so large copies allocate nothing (no GC, whose helper
   *  threads would compete with the peer's spinning loop). Bounded: sizes that do not divide the ring
   *  would otherwise fill it with every offset. */
  private readonly views = new Map<number, Uint8Array>();
  view(off: number, len: number): Uint8Array {
    const v = this.views.get(off);
    if (v && v.length === len) return v;
    const w = this.data.subarray(off, off + len);
    if (this.views.size < 256) this.views.set(off, w);
    return w;
  }
  constructor(m: Mapping, base: number, readonly cap: number) {
    this.h = new Int32Array(m.buf, base, RING.header >> 2);
    this.data = new Uint8Array(m.buf, base + RING.header, cap);
    this.mask = cap - 1;
    this.wAddr = Number(m.addr) + base + RING.wpos;
    this.rAddr = Number(m.addr) + base + RING.rpos;
  }
}

export class ShmChannel implements Channel {
  private readonly out: Ring;
  private readonly inn: Ring;
  private readonly sys = libc().syscall6;
  private readonly nr = sysFutex();
  /** `role a` reads ring 0 and writes ring 1; `role b` the other way round. */
  constructor(private readonly m: Mapping, cap: number, roleA: boolean, private readonly futex: boolean) {
    const r0 = new Ring(m, 0, cap), r1 = new Ring(m, RING.header + cap, cap);
    this.inn = roleA ? r0 : r1;
    this.out = roleA ? r1 : r0;
  }

  send(f: Frame, n: number): void {
    const r = this.out, h = r.h, w = r.pos, limit = r.cap - n;
    if (this.futex) {
      while (((w - Atomics.load(h, R)) >>> 0) > limit) this.sleep(h, R, WW, r.rAddr, (x) => ((w - x) >>> 0) <= limit);
    } else {
      while (((w - Atomics.load(h, R)) >>> 0) > limit);
    }
    const off = w & r.mask, first = Math.min(n, r.cap - off), src = f.payload;
    if (n <= 64) {
      for (let i = 0; i < first; i++) r.data[off + i] = src[i]!;
      for (let i = first; i < n; i++) r.data[i - first] = src[i]!;
    } else if (first === n) {
      r.data.set(src.length === n ? src : src.subarray(0, n), off);
    } else {
      r.data.set(src.subarray(0, first), off);
      r.data.set(src.subarray(first, n), 0);
    }
    r.pos = (w + n) | 0;
    if (this.futex) {
      // exchange is a full barrier: the store of the position is ordered before the load of the flag.
      Atomics.exchange(h, W, r.pos);
      if (Atomics.load(h, RW) !== 0) this.sys(this.nr, r.wAddr, FUTEX_WAKE, 1, 0, 0, 0);
    } else {
      Atomics.store(h, W, r.pos);
    }
  }

  recv(f: Frame, n: number): void {
    const r = this.inn, h = r.h, rp = r.pos;
    if (this.futex) {
      while (((Atomics.load(h, W) - rp) >>> 0) < n) this.sleep(h, W, RW, r.wAddr, (x) => ((x - rp) >>> 0) >= n);
    } else {
      while (((Atomics.load(h, W) - rp) >>> 0) < n);
    }
    const off = rp & r.mask, first = Math.min(n, r.cap - off), dst = f.payload;
    if (n <= 64) {
      for (let i = 0; i < first; i++) dst[i] = r.data[off + i]!;
      for (let i = first; i < n; i++) dst[i] = r.data[i - first]!;
    } else {
      dst.set(r.view(off, first), 0);
      if (first < n) dst.set(r.view(0, n - first), first);
    }
    r.pos = (rp + n) | 0;
    if (this.futex) {
      Atomics.exchange(h, R, r.pos);
      if (Atomics.load(h, WW) !== 0) this.sys(this.nr, r.rAddr, FUTEX_WAKE, 1, 0, 0, 0);
    } else {
      Atomics.store(h, R, r.pos);
    }
  }

  /** Announces the wait in `flag`, re-checks `word` (Dekker with the peer's publish), then sleeps on it. */
  private sleep(h: Int32Array, word: number, flag: number, addr: number, ready: (x: number) => boolean): void {
    Atomics.exchange(h, flag, 1);
    const x = Atomics.load(h, word);
    if (!ready(x)) this.sys(this.nr, addr, FUTEX_WAIT, x, 0, 0, 0);
    Atomics.store(h, flag, 0);
  }

  close(): void {
    libc().munmap(this.m.ptr, this.m.len);
  }
}
