// Shared by the live-view tests: a seed RingBuffer header (u64 LE read_pos, write_pos, capacity) and
// optionally its data area.

export function seedHeader(read: number | bigint, write: number | bigint, cap: number, withData = false): Buffer {
  const b = Buffer.alloc(24 + (withData ? cap : 0));
  b.writeBigUInt64LE(BigInt(read), 0);
  b.writeBigUInt64LE(BigInt(write), 8);
  b.writeBigUInt64LE(BigInt(cap), 16);
  return b;
}
