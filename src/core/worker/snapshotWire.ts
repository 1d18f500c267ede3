// Snapshot on the wire between the scan worker and its client: one transferred byte buffer (zero-copy)
// of JSON lines, decoded on the receiving side in slices that yield to the event loop. A structured-clone
// postMessage of a large snapshot is deserialized in one go before any handler runs (measured 17-40 ms of
// the extension host's CPU for ~4000 objects), which the 10 ms rule forbids.

import type { IpcObject, ProcessInfo, Snapshot } from '../model';

/** Encode: line 0 is the snapshot without its arrays, then one line per process, then one per object. */
export function encodeSnapshot(s: Snapshot): Uint8Array {
  const head = { ...s, processes: s.processes.length, objects: s.objects.length };
  const lines = [JSON.stringify(head)];
  for (const p of s.processes) lines.push(JSON.stringify(p));
  for (const o of s.objects) lines.push(JSON.stringify(o));
  // TextEncoder gives a buffer of its own (never Buffer's shared pool), so it can be transferred.
  return new TextEncoder().encode(lines.join('\n'));
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Decode, parsing at most about `sliceMs` at a time and yielding between slices. JSON strings escape
 * newlines, so a raw 0x0a byte is always a line break.
 */
export async function decodeSnapshot(bytes: Uint8Array, sliceMs = 2): Promise<Snapshot> {
  const dec = new TextDecoder();
  let pos = 0;
  const nextLine = (): string => {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    const line = dec.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const head = JSON.parse(nextLine()) as Omit<Snapshot, 'processes' | 'objects'> & { processes: number; objects: number };
  const processes: ProcessInfo[] = [];
  const objects: IpcObject[] = [];
  let t = performance.now();
  const total = head.processes + head.objects;
  for (let i = 0; i < total; i++) {
    const v = JSON.parse(nextLine()) as unknown;
    if (i < head.processes) processes.push(v as ProcessInfo);
    else objects.push(v as IpcObject);
    if ((i & 7) === 7 && performance.now() - t > sliceMs) {
      await yieldNow();
      t = performance.now();
    }
  }
  return { ...head, processes, objects };
}
