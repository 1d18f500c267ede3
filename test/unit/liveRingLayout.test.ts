import { strict as assert } from 'node:assert';
import {
  PRESETS, decodeRing, headerLength, parseLayout, parseLayoutChoice, readStable, type HeaderRead, type RingLayout,
} from '../../src/core/live/ringLayout';
import { seedHeader as seed } from './liveHelpers';

function spsc32(head: number, tail: number, cap: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(head >>> 0, 0);
  b.writeUInt32LE(tail >>> 0, 4);
  b.writeUInt32LE(cap, 8);
  return b;
}

describe('ring layouts: decoding', () => {
  it('decodes the seed ring (modulo positions, one slot free)', () => {
    const d = decodeRing(seed(100, 612, 4096), PRESETS.seed, 24 + 4096);
    assert.ok(d.ok);
    assert.deepEqual(d.state, { capacity: 4096, usable: 4095, used: 512, readIndex: 100, writeIndex: 612, rawRead: '100', rawWrite: '612' });
  });

  it('wraps modulo capacity: write behind read means the span crosses the end', () => {
    const d = decodeRing(seed(4000, 10, 4096), PRESETS.seed, 4120);
    assert.ok(d.ok);
    assert.equal(d.state.used, 106);
  });

  it('a full seed ring is write + 1 == read (one slot free)', () => {
    const d = decodeRing(seed(7, 6, 4096), PRESETS.seed, 4120);
    assert.ok(d.ok);
    assert.equal(d.state.used, 4095);
    assert.equal(d.state.used, d.state.usable);
  });

  it('rejects modulo positions outside the ring', () => {
    const d = decodeRing(seed(4096, 0, 4096), PRESETS.seed, 4120);
    assert.ok(!d.ok);
    assert.equal(d.code, 'position');
  });

  it('decodes free-running u32 counters, including across the 2^32 wrap', () => {
    const d = decodeRing(spsc32(0xfffffff0, 0x10, 1024), PRESETS['spsc-u32'], 16 + 1024);
    assert.ok(d.ok);
    assert.equal(d.state.used, 0x20);
    assert.equal(d.state.readIndex, 0xfffffff0 % 1024);
    assert.equal(d.state.writeIndex, 0x10);
    assert.equal(d.state.usable, 1024, 'free-running rings use every slot');
  });

  it('decodes free-running u64 counters beyond 2^53 exactly', () => {
    const b = Buffer.alloc(24);
    const head = 2n ** 60n + 5n;
    b.writeBigUInt64LE(head, 0);
    b.writeBigUInt64LE(head + 300n, 8);
    b.writeBigUInt64LE(512n, 16);
    const d = decodeRing(b, PRESETS['spsc-u64'], 24 + 512);
    assert.ok(d.ok);
    assert.equal(d.state.used, 300);
    assert.equal(d.state.rawRead, head.toString());
    assert.equal(d.state.readIndex, Number(head % 512n));
  });

  it('flags a free-running ring whose counters are further apart than the capacity', () => {
    const d = decodeRing(spsc32(0, 2000, 1024), PRESETS['spsc-u32'], 16 + 1024);
    assert.ok(!d.ok);
    assert.equal(d.code, 'overfull');
  });

  it('capacity mismatch: the capacity field does not fit the segment', () => {
    const d = decodeRing(seed(0, 0, 4096), PRESETS.seed, 24 + 1000);
    assert.ok(!d.ok);
    assert.equal(d.code, 'capacity');
    assert.match(d.message, /does not fit/);
  });

  it('capacity mismatch: zero, absurd, or not a power of two for free-running counters', () => {
    for (const [hdr, layout] of [[seed(0, 0, 0), PRESETS.seed], [seed(0, 0, 2 ** 50), PRESETS.seed], [spsc32(0, 0, 1000), PRESETS['spsc-u32']]] as const) {
      const d = decodeRing(hdr, layout as RingLayout, null);
      assert.ok(!d.ok);
      assert.equal(d.code, 'capacity');
    }
  });

  it('reports a header shorter than the layout, and a segment smaller than the header', () => {
    const short = decodeRing(Buffer.alloc(10), PRESETS.seed, null);
    assert.ok(!short.ok);
    assert.equal(short.code, 'short');
    const tiny = decodeRing(seed(0, 0, 4), PRESETS.seed, 8);
    assert.ok(!tiny.ok);
    assert.equal(tiny.code, 'short');
  });

  it('custom layout: big-endian u32 positions at other offsets with a constant capacity and 64-byte slots', () => {
    const layout = parseLayout({
      readOffset: 64, writeOffset: 128, width: 4, endian: 'be', positions: 'modulo',
      capacity: { kind: 'constant', value: 100 }, dataOffset: 192, slotSize: 64, oneSlotFree: false,
    })!;
    assert.ok(layout);
    const b = Buffer.alloc(headerLength(layout));
    b.writeUInt32BE(90, 64);
    b.writeUInt32BE(5, 128);
    const ok = decodeRing(b, layout, 192 + 100 * 64);
    assert.ok(ok.ok);
    assert.equal(ok.state.used, 15);
    const mismatch = decodeRing(b, layout, 192 + 99 * 64);
    assert.ok(!mismatch.ok);
    assert.equal(mismatch.code, 'capacity');
  });
  it('custom layout: u32 free-running counters beside a u64 capacity field (its own width)', () => {
    const layout = parseLayout({
      readOffset: 0, writeOffset: 4, width: 4, endian: 'le', positions: 'free-running',
      capacity: { kind: 'field', offset: 8, width: 8 }, dataOffset: 16, slotSize: 1, oneSlotFree: false,
    })!;
    assert.ok(layout);
    assert.equal(headerLength(layout), 16, 'the header covers the 8-byte capacity field');
    const b = Buffer.alloc(16);
    b.writeUInt32LE(0xffff_fff0, 0); // read counter about to wrap
    b.writeUInt32LE(0x10, 4); // write counter already wrapped: 32 bytes ahead
    b.writeBigUInt64LE(1024n, 8);
    const ok = decodeRing(b, layout, 16 + 1024);
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.deepEqual([ok.state.capacity, ok.state.used], [1024, 32]);
    // A capacity of 2^32 is read whole as a u64 (and does not fit this segment); read as a u32 it would be 0.
    b.writeBigUInt64LE(1n << 32n, 8);
    const wide = decodeRing(b, layout, 16 + 1024);
    assert.ok(!wide.ok && wide.code === 'capacity', JSON.stringify(wide));
    const narrow = decodeRing(b, { ...layout, capacity: { kind: 'field', offset: 8 } }, 16 + 1024);
    assert.ok(!narrow.ok, JSON.stringify(narrow));
    assert.equal(parseLayout({ ...layout, capacity: { kind: 'field', offset: 8, width: 2 } }), undefined, 'widths are 4 or 8');
    assert.equal(parseLayout({ ...layout, capacity: { kind: 'field', offset: 8, extra: 1 } }), undefined, 'no extra keys');
  });
});

describe('ring layouts: parsing untrusted layouts', () => {
  const good = { ...PRESETS.seed, capacity: { kind: 'field', offset: 16 } };
  it('accepts a valid layout and the presets by name', () => {
    assert.deepEqual(parseLayout(good), PRESETS.seed);
    assert.deepEqual(parseLayoutChoice('seed'), { preset: 'seed' });
    assert.deepEqual(parseLayoutChoice({ preset: 'spsc-u64' }), { preset: 'spsc-u64' });
    assert.deepEqual(parseLayoutChoice({ preset: 'custom', layout: good }), { preset: 'custom', layout: PRESETS.seed });
  });
  it('rejects extra keys, overlapping fields, bad widths and out-of-range offsets', () => {
    assert.equal(parseLayout({ ...good, extra: 1 }), undefined);
    assert.equal(parseLayout({ ...good, writeOffset: 4 }), undefined);
    assert.equal(parseLayout({ ...good, width: 2 }), undefined);
    assert.equal(parseLayout({ ...good, readOffset: 1e9 }), undefined);
    assert.equal(parseLayout({ ...good, readOffset: -8 }), undefined);
    assert.equal(parseLayout({ ...good, readOffset: 1.5 }), undefined);
    assert.equal(parseLayout({ ...good, capacity: { kind: 'field', offset: 16, x: 1 } }), undefined);
    assert.equal(parseLayout({ ...good, capacity: { kind: 'constant', value: 0 } }), undefined);
    assert.equal(parseLayout({ ...good, slotSize: 0 }), undefined);
    assert.equal(parseLayoutChoice('__proto__'), undefined);
    assert.equal(parseLayoutChoice({ preset: 'toString' }), undefined);
    assert.equal(parseLayoutChoice({ preset: 'seed', layout: good }), undefined);
    assert.equal(parseLayoutChoice(null), undefined);
  });
});

describe('ring layouts: torn reads', () => {
  const reads = (...seq: HeaderRead[]) => {
    let i = 0;
    return () => seq[Math.min(i++, seq.length - 1)]!;
  };
  const r = (b: Buffer): HeaderRead => ({ bytes: b, size: 4120 });

  it('two identical reads are a stable state', () => {
    const s = readStable(reads(r(seed(1, 2, 4096)), r(seed(1, 2, 4096))), PRESETS.seed);
    assert.ok(s.ok);
    assert.equal(s.stable, true);
    assert.equal(s.attempts, 1);
  });

  it('a tail that moved between two reads is read again until two reads agree', () => {
    const s = readStable(reads(r(seed(1, 2, 4096)), r(seed(1, 9, 4096)), r(seed(1, 9, 4096)), r(seed(1, 9, 4096))), PRESETS.seed);
    assert.ok(s.ok);
    assert.equal(s.stable, true);
    assert.equal(s.state.used, 8);
    assert.equal(s.attempts, 2);
  });

  it('a half-copied position (out of range) is never reported; the next consistent pair is', () => {
    const torn = seed(1, 0, 4096);
    torn.writeUInt32LE(0xffff, 12); // high half of write_pos from a concurrent store
    for (const seq of [[torn, seed(1, 50, 4096)], [seed(1, 50, 4096), torn]]) {
      const s = readStable(reads(r(seq[0]!), r(seq[1]!), r(seed(1, 50, 4096)), r(seed(1, 50, 4096))), PRESETS.seed);
      assert.ok(s.ok);
      assert.equal(s.stable, true);
      assert.equal(s.attempts, 2);
      assert.equal(s.state.used, 49);
    }
  });

  it('a ring that never holds still gives the latest consistent read, flagged as moving', () => {
    let w = 0;
    const s = readStable(() => r(seed(0, (w += 3), 4096)), PRESETS.seed, 4);
    assert.ok(s.ok);
    assert.equal(s.stable, false);
    assert.equal(s.state.used, 24, 'the second read of the last pair');
  });

  it('only inconsistent reads: a torn error, not a made-up value', () => {
    let i = 0;
    const s = readStable(() => r(seed(0, 5000 + i++, 4096)), PRESETS.seed, 3);
    assert.ok(!s.ok);
    assert.equal(s.code, 'torn');
  });

  it('identical reads that do not decode are a layout mismatch, reported at once', () => {
    const s = readStable(reads(r(seed(0, 0, 9999)), r(seed(0, 0, 9999))), PRESETS.seed);
    assert.ok(!s.ok);
    assert.equal(s.code, 'capacity');
  });

  it('an I/O error (segment unlinked) is reported as such', () => {
    const s = readStable(reads({ error: 'ENOENT' }), PRESETS.seed);
    assert.ok(!s.ok);
    assert.equal(s.code, 'io');
    assert.equal(s.message, 'ENOENT');
  });
});
