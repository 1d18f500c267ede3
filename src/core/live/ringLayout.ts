// Shared-memory ring layouts (the seed's RingBuffer, generic SPSC rings, custom) and the pure decoding of
// a ring header's bytes into positions and fill. Never throws: odd bytes become a typed error.

export type Endian = 'le' | 'be';
export type FieldWidth = 4 | 8;
/** `modulo`: positions stay in [0, capacity). `free-running`: counters only grow (wrapping at 2^width). */
export type PositionMode = 'modulo' | 'free-running';

/** The capacity: a header field (of the positions' width unless `width` says otherwise, as a usize beside u32 counters) or a constant. */
export type CapacitySpec = { kind: 'field'; offset: number; width?: FieldWidth } | { kind: 'constant'; value: number };

export interface RingLayout {
  /** Offset of the consumer's position (read_pos, head). */
  readOffset: number;
  /** Offset of the producer's position (write_pos, tail). */
  writeOffset: number;
  /** Width of both positions and of a capacity field. */
  width: FieldWidth;
  endian: Endian;
  positions: PositionMode;
  capacity: CapacitySpec;
  /** Where the slots start (for the capacity check against the segment size). */
  dataOffset: number;
  /** Bytes per slot: 1 for byte rings (fill in bytes), more for rings of fixed-size messages. */
  slotSize: number;
  /** Modulo ring that keeps one slot free (full when write + 1 == read): usable capacity is capacity - 1. */
  oneSlotFree: boolean;
}

export type PresetName = 'seed' | 'spsc-u32' | 'spsc-u64';

/** The presets. Hosts are little-endian (x86-64, aarch64): a native `usize` is 8 bytes LE. */
export const PRESETS: Readonly<Record<PresetName, Readonly<RingLayout>>> = {
  // #[repr(C)] struct RingBuffer { read_pos: AtomicUsize, write_pos: AtomicUsize, capacity: usize, data: [u8; N] }
  seed: {
    readOffset: 0, writeOffset: 8, width: 8, endian: 'le', positions: 'modulo',
    capacity: { kind: 'field', offset: 16 }, dataOffset: 24, slotSize: 1, oneSlotFree: true,
  },
  // struct { uint32_t head, tail, capacity; uint8_t data[]; } with free-running counters.
  'spsc-u32': {
    readOffset: 0, writeOffset: 4, width: 4, endian: 'le', positions: 'free-running',
    capacity: { kind: 'field', offset: 8 }, dataOffset: 16, slotSize: 1, oneSlotFree: false,
  },
  'spsc-u64': {
    readOffset: 0, writeOffset: 8, width: 8, endian: 'le', positions: 'free-running',
    capacity: { kind: 'field', offset: 16 }, dataOffset: 24, slotSize: 1, oneSlotFree: false,
  },
};

export const PRESET_LABELS: Readonly<Record<PresetName, string>> = {
  seed: "Seed RingBuffer (read_pos, write_pos, capacity: usize; modulo, one slot free)",
  'spsc-u32': 'Generic SPSC, u32 head/tail/capacity, free-running',
  'spsc-u64': 'Generic SPSC, u64 head/tail/capacity, free-running',
};

/** What a user attaches to a segment (kept in settings per segment name). */
export type LayoutChoice = { preset: PresetName } | { preset: 'custom'; layout: RingLayout };

export function resolveLayout(c: LayoutChoice): RingLayout {
  return c.preset === 'custom' ? c.layout : PRESETS[c.preset];
}

/** Largest header offset accepted: headers live in the first page or so of a segment. */
export const MAX_HEADER_OFFSET = 4096;
const MAX_SLOT = 1 << 20;
const MAX_CAPACITY = 2 ** 40;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** A layout from untrusted JSON (settings, webview), or undefined. Extra keys are rejected. */
export function parseLayout(v: unknown): RingLayout | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const keys = ['readOffset', 'writeOffset', 'width', 'endian', 'positions', 'capacity', 'dataOffset', 'slotSize', 'oneSlotFree'];
  if (!Object.keys(o).every((k) => keys.includes(k))) return undefined;
  if (!isInt(o.readOffset, 0, MAX_HEADER_OFFSET) || !isInt(o.writeOffset, 0, MAX_HEADER_OFFSET)) return undefined;
  if (o.width !== 4 && o.width !== 8) return undefined;
  if (o.endian !== 'le' && o.endian !== 'be') return undefined;
  if (o.positions !== 'modulo' && o.positions !== 'free-running') return undefined;
  if (!isInt(o.dataOffset, 0, MAX_HEADER_OFFSET * 16) || !isInt(o.slotSize, 1, MAX_SLOT)) return undefined;
  if (typeof o.oneSlotFree !== 'boolean') return undefined;
  const c = o.capacity;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const cc = c as Record<string, unknown>;
  let capacity: CapacitySpec;
  const fieldKeys = Object.keys(cc).filter((k) => k !== 'kind' && k !== 'offset' && k !== 'width');
  if (cc.kind === 'field' && !fieldKeys.length && isInt(cc.offset, 0, MAX_HEADER_OFFSET) && (cc.width === undefined || cc.width === 4 || cc.width === 8)) {
    capacity = cc.width === undefined ? { kind: 'field', offset: cc.offset } : { kind: 'field', offset: cc.offset, width: cc.width };
  } else if (cc.kind === 'constant' && Object.keys(cc).length === 2 && isInt(cc.value, 1, MAX_CAPACITY)) {
    capacity = { kind: 'constant', value: cc.value };
  } else return undefined;
  const w = o.width;
  // Overlapping position fields can only be a typo.
  if (Math.abs(o.readOffset - o.writeOffset) < w) return undefined;
  return {
    readOffset: o.readOffset, writeOffset: o.writeOffset, width: w, endian: o.endian, positions: o.positions,
    capacity, dataOffset: o.dataOffset, slotSize: o.slotSize, oneSlotFree: o.oneSlotFree,
  };
}

const isPreset = (v: unknown): v is PresetName => typeof v === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, v);

export function parseLayoutChoice(v: unknown): LayoutChoice | undefined {
  if (isPreset(v)) return { preset: v };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (isPreset(o.preset) && Object.keys(o).length === 1) return { preset: o.preset };
  if (o.preset === 'custom' && Object.keys(o).length === 2) {
    const layout = parseLayout(o.layout);
    return layout ? { preset: 'custom', layout } : undefined;
  }
  return undefined;
}

/** Bytes of the segment a header read must cover. */
export function headerLength(l: RingLayout): number {
  let end = Math.max(l.readOffset, l.writeOffset) + l.width;
  if (l.capacity.kind === 'field') end = Math.max(end, l.capacity.offset + (l.capacity.width ?? l.width));
  return end;
}

export interface RingState {
  /** Slots the ring has (the capacity field or constant). */
  capacity: number;
  /** Slots that can hold data at once (capacity - 1 for one-slot-free rings). */
  usable: number;
  /** Occupied slots. */
  used: number;
  /** Read and write positions as indices into the slots, in [0, capacity). */
  readIndex: number;
  writeIndex: number;
  /** The raw position values (decimal strings: u64 counters exceed 2^53). */
  rawRead: string;
  rawWrite: string;
}

export type RingErrorCode = 'short' | 'capacity' | 'position' | 'overfull';
export type RingDecode = { ok: true; state: RingState } | { ok: false; code: RingErrorCode; message: string };

function readField(b: Uint8Array, off: number, width: FieldWidth, endian: Endian): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = endian === 'le';
  return width === 8 ? dv.getBigUint64(off, le) : BigInt(dv.getUint32(off, le));
}

const isPow2 = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;

/**
 * Decode a header. `segmentSize` (from fstat) enables the capacity check: the slots must fit after
 * `dataOffset`. A decoded state always satisfies 0 <= used <= usable and indices < capacity.
 */
export function decodeRing(header: Uint8Array, l: RingLayout, segmentSize: number | null): RingDecode {
  const need = headerLength(l);
  if (header.byteLength < need) return { ok: false, code: 'short', message: `header needs ${need} bytes, got ${header.byteLength}` };
  if (segmentSize !== null && segmentSize < need) {
    return { ok: false, code: 'short', message: `segment is ${segmentSize} bytes, smaller than the ${need}-byte header` };
  }
  const cap = l.capacity.kind === 'field' ? readField(header, l.capacity.offset, l.capacity.width ?? l.width, l.endian) : BigInt(l.capacity.value);
  if (cap === 0n || cap > BigInt(MAX_CAPACITY)) return { ok: false, code: 'capacity', message: `capacity ${cap} is out of range` };
  if (l.positions === 'free-running' && !isPow2(cap)) {
    return { ok: false, code: 'capacity', message: `capacity ${cap} is not a power of two (required for free-running counters)` };
  }
  if (segmentSize !== null) {
    const room = BigInt(Math.max(0, segmentSize - l.dataOffset));
    if (cap * BigInt(l.slotSize) > room) {
      return {
        ok: false, code: 'capacity',
        message: `capacity ${cap} × ${l.slotSize} bytes does not fit: the segment has ${room} bytes after offset ${l.dataOffset}`,
      };
    }
  }
  const r = readField(header, l.readOffset, l.width, l.endian);
  const w = readField(header, l.writeOffset, l.width, l.endian);
  let used: bigint;
  let readIndex: bigint;
  let writeIndex: bigint;
  let usable = cap;
  if (l.positions === 'modulo') {
    if (r >= cap || w >= cap) return { ok: false, code: 'position', message: `position out of range (read ${r}, write ${w}, capacity ${cap})` };
    used = (w - r + cap) % cap;
    readIndex = r;
    writeIndex = w;
    if (l.oneSlotFree) usable = cap - 1n;
  } else {
    const mod = 1n << BigInt(l.width * 8);
    used = (w - r + mod) % mod;
    readIndex = r % cap;
    writeIndex = w % cap;
  }
  if (used > usable) return { ok: false, code: 'overfull', message: `write is ${used} ahead of read, more than the ${usable} usable slots` };
  return {
    ok: true,
    state: {
      capacity: Number(cap), usable: Number(usable), used: Number(used),
      readIndex: Number(readIndex), writeIndex: Number(writeIndex), rawRead: r.toString(), rawWrite: w.toString(),
    },
  };
}

/** One pread of the header: the bytes and the segment size, or an errno-like reason. */
export type HeaderRead = { bytes: Uint8Array; size: number } | { error: string };

export type StableRead =
  | { ok: true; state: RingState; size: number; stable: boolean; attempts: number }
  | { ok: false; code: RingErrorCode | 'torn' | 'io'; message: string };

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);

/**
 * Read the header until two consecutive reads agree (a torn read, e.g. tail moving between the two
 * position loads or a half-copied word, cannot repeat identically). A ring that keeps moving gets the
 * last read that decodes consistently, flagged `stable: false`. Identical reads that do not decode are
 * a layout mismatch, reported as such.
 */
export function readStable(read: () => HeaderRead, l: RingLayout, maxPairs = 4): StableRead {
  let lastGood: { state: RingState; size: number } | undefined;
  let lastErr: RingDecode | undefined;
  for (let i = 1; i <= maxPairs; i++) {
    const a = read();
    if ('error' in a) return { ok: false, code: 'io', message: a.error };
    const b = read();
    if ('error' in b) return { ok: false, code: 'io', message: b.error };
    const db = decodeRing(b.bytes, l, b.size);
    if (a.size === b.size && sameBytes(a.bytes, b.bytes)) {
      if (db.ok) return { ok: true, state: db.state, size: b.size, stable: true, attempts: i };
      return { ok: false, code: db.code, message: db.message };
    }
    if (db.ok) lastGood = { state: db.state, size: b.size };
    else lastErr = db;
  }
  if (lastGood) return { ok: true, ...lastGood, stable: false, attempts: maxPairs };
  return { ok: false, code: 'torn', message: `header changed between every pair of reads${lastErr && !lastErr.ok ? ` (last: ${lastErr.message})` : ''}` };
}
