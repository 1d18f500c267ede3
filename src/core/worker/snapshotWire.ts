// Snapshot on the wire between the scan worker and its client: one transferred byte buffer (zero-copy)
// of JSON lines (line 0 the snapshot without its arrays, then one line per process, then one per object),
// decoded on the receiving side in slices that yield to the event loop (JSON strings escape newlines, so a
// raw 0x0a byte is always a line break). A structured-clone
// postMessage of a large snapshot is deserialized in one go before any handler runs (measured 17-40 ms of
// the extension host's CPU for ~4000 objects), which the 10 ms rule forbids.

import type { IpcObject, ProcessInfo, Snapshot } from '../model';

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// ---- deltas ---------------------------------------------------------------------------------------
// A scan every few seconds mostly finds what the last one found. The worker remembers what it sent;
// a process or object JSON-equal to last time's (same key) goes as `=` plus the key (JSON), and the client
// reuses its previous instance. The main thread then parses only what changed, and code that caches by
// instance (the explorer's tree) redoes only that. `gen` names what the worker remembers; a request says
// which generation the client holds (`base`), and anything else gets every line in full.

/**
 * What the worker remembers of the snapshot it sent last: its processes and objects themselves (not their
 * JSON), compared with jsonEqual, so an unchanged one costs no JSON.stringify (which was a fifth of what a
 * scan allocated) and no retained string. The snapshot must not be mutated after it was encoded.
 */
export interface WireMemory {
  gen: string;
  values: Map<string, unknown>;
}

/** What the client keeps of the snapshot it decoded last. */
export interface DecodeMemory {
  gen: string;
  processes: Map<string, ProcessInfo>;
  objects: Map<string, IpcObject>;
}

const processKey = (p: ProcessInfo): string => `p${p.pid}`;
export const objectKey = (o: IpcObject): string => `o${o.id}`;

/**
 * Encode against `prev` (or in full without it). Returns the bytes and what to remember for the next one.
 * The head line carries `wire: { gen, base }` (base null = full).
 */
export function encodeSnapshotDelta(s: Snapshot, prev: WireMemory | undefined, gen: string): { encoded: Uint8Array; memory: WireMemory } {
  const head = { ...s, processes: s.processes.length, objects: s.objects.length, wire: { gen, base: prev?.gen ?? null } };
  const lines = [JSON.stringify(head)];
  const memory: WireMemory = { gen, values: new Map() };
  const add = (key: string, v: unknown): void => {
    const old = prev?.values.get(key);
    if (old !== undefined && jsonEqual(old, v)) {
      // Remember the old instance, not the equal new one: the new one dies young, and the worker's heap keeps
      // one long-lived copy of what does not change instead of promoting a fresh one every scan.
      memory.values.set(key, old);
      lines.push(`=${JSON.stringify(key)}`);
    } else {
      memory.values.set(key, v);
      lines.push(JSON.stringify(v));
    }
  };
  for (const p of s.processes) add(processKey(p), p);
  for (const o of s.objects) add(objectKey(o), o);
  return { encoded: new TextEncoder().encode(lines.join('\n')), memory };
}

/**
 * True when JSON.stringify would give `a` and `b` the same meaning: the same JSON values, object keys in any
 * order, keys whose value is undefined (or a function) counted as absent. Allocates nothing. Conservative:
 * NaN and Infinity (null in JSON), toJSON methods and non-plain objects compare unequal unless identical.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || Number.isFinite(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const pa = Object.getPrototypeOf(a), pb = Object.getPrototypeOf(b);
  if ((pa !== Object.prototype && pa !== null) || (pb !== Object.prototype && pb !== null)) return false;
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  if ('toJSON' in x || 'toJSON' in y) return false;
  let na = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    na++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(v, y[k])) return false;
  }
  let nb = 0;
  for (const k in y) {
    const v = y[k];
    if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') nb++;
  }
  return na === nb;
}

/**
 * Decode a full or delta encoding. `prev` must be the memory of the generation the delta was made against;
 * unchanged processes and objects are `prev`'s instances. Throws when a delta does not fit `prev`.
 */
export async function decodeSnapshotDelta(bytes: Uint8Array, prev: DecodeMemory | undefined, sliceMs = 2): Promise<{ snapshot: Snapshot; memory: DecodeMemory | undefined }> {
  const dec = new TextDecoder();
  let pos = 0;
  const nextLine = (): string => {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    const line = dec.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const { wire, ...head } = JSON.parse(nextLine()) as Omit<Snapshot, 'processes' | 'objects'> & {
    processes: number; objects: number; wire?: { gen: string; base: string | null };
  };
  const base = wire?.base ?? null;
  if (base !== null && base !== prev?.gen) throw new Error(`snapshot delta against generation ${base}, but the client holds ${prev?.gen ?? 'none'}`);
  const memory: DecodeMemory | undefined = wire ? { gen: wire.gen, processes: new Map(), objects: new Map() } : undefined;
  const processes: ProcessInfo[] = [];
  const objects: IpcObject[] = [];
  let t = performance.now();
  const total = head.processes + head.objects;
  for (let i = 0; i < total; i++) {
    const line = nextLine();
    const isProcess = i < head.processes;
    let v: ProcessInfo | IpcObject;
    let key: string;
    if (line.charCodeAt(0) === 0x3d /* = */) {
      if (base === null) throw new Error('a reference line in a full snapshot');
      key = JSON.parse(line.slice(1)) as string;
      const old = isProcess ? prev!.processes.get(key) : prev!.objects.get(key);
      if (!old) throw new Error(`snapshot delta refers to ${key}, which the client does not hold`);
      v = old;
    } else {
      v = JSON.parse(line) as ProcessInfo | IpcObject;
      key = isProcess ? processKey(v as ProcessInfo) : objectKey(v as IpcObject);
    }
    if (isProcess) {
      processes.push(v as ProcessInfo);
      memory?.processes.set(key, v as ProcessInfo);
    } else {
      objects.push(v as IpcObject);
      memory?.objects.set(key, v as IpcObject);
    }
    if ((i & 7) === 7 && performance.now() - t > sliceMs) {
      await yieldNow();
      t = performance.now();
    }
  }
  return { snapshot: { ...head, processes, objects } as Snapshot, memory };
}
