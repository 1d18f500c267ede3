// A minimal reader of the kernel's BTF (/sys/kernel/btf/vmlinux): the byte offsets and sizes of a few struct
// members and the id of a function, which the fd iterator's BPF program (bpfFdIter.ts) is assembled with. One
// pass over the type records indexes them and finds the structs and functions asked for by comparing name
// bytes in place, so the 5 MB of BTF cost a few milliseconds and no objects per type.
// Every read is bounds-checked: a truncated or hostile blob gives null or -1, never an exception.

const BTF_MAGIC = 0xeb9f;
const KIND_INT = 1;
const KIND_PTR = 2;
const KIND_ARRAY = 3;
const KIND_STRUCT = 4;
const KIND_UNION = 5;
const KIND_ENUM = 6;
const KIND_TYPEDEF = 8;
const KIND_VOLATILE = 9;
const KIND_CONST = 10;
const KIND_RESTRICT = 11;
const KIND_FUNC = 12;
const KIND_FUNC_PROTO = 13;
const KIND_VAR = 14;
const KIND_DATASEC = 15;
const KIND_DECL_TAG = 17;
const KIND_TYPE_TAG = 18;
const KIND_ENUM64 = 19;

export interface Btf {
  /**
   * Offset in bytes of `member` in `struct` (one of the structs given to parseBtf), searched through anonymous
   * structs and unions; -1 when absent or a bitfield.
   */
  memberOffset(struct: string, member: string): number;
  /** Size in bytes of that member's type (modifiers and typedefs followed); -1 when absent or not sized. */
  memberSize(struct: string, member: string): number;
  /** BTF type id of the function `name` (one of those given to parseBtf), -1 when absent. */
  funcId(name: string): number;
  /** Size in bytes of `struct` (one of those given to parseBtf), -1 when absent. */
  structSize(struct: string): number;
}

/**
 * Parse a BTF blob, finding the structs and functions named (the first record of each name with members, for
 * structs). Null when it is not BTF of this byte order or its header is inconsistent.
 */
export function parseBtf(blob: Uint8Array, structs: readonly string[], funcs: readonly string[]): Btf | null {
  if (blob.length < 24) return null;
  // Words of the blob (copied once if its buffer is not 4-byte aligned: the sections are).
  const aligned = blob.byteOffset % 4 === 0 ? blob : Uint8Array.from(blob);
  const w = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >>> 2);
  if ((w[0]! & 0xffff) !== BTF_MAGIC) return null;
  const hdrLen = w[1]!;
  const typesStart = hdrLen + w[2]!;
  const typesEnd = typesStart + w[3]!;
  const strStart = hdrLen + w[4]!;
  const strEnd = strStart + w[5]!;
  if (hdrLen < 24 || hdrLen % 4 !== 0 || typesStart % 4 !== 0 || typesEnd > blob.length || strEnd > blob.length || typesStart > typesEnd || strStart > strEnd) return null;

  /** Whether the string at `off` of the string section is exactly `name` (latin1 codes). */
  const strIs = (off: number, name: string): boolean => {
    const at = strStart + off;
    if (off >= strEnd - strStart || at + name.length >= strEnd) return false;
    for (let i = 0; i < name.length; i++) if (blob[at + i] !== name.charCodeAt(i)) return false;
    return blob[at + name.length] === 0;
  };

  const wantedStruct = new Map<number, string[]>(); // first byte -> names
  const wantedFunc = new Map<number, string[]>();
  for (const [into, names] of [[wantedStruct, structs], [wantedFunc, funcs]] as const) {
    for (const n of names) {
      const l = into.get(n.charCodeAt(0)) ?? [];
      l.push(n);
      into.set(n.charCodeAt(0), l);
    }
  }
  const structIds = new Map<string, number>();
  const funcIds = new Map<string, number>();

  // Word index of every type record, by id (id 0 is void); a record is at least 12 bytes.
  const end = typesEnd >>> 2;
  const offsets = new Int32Array(Math.floor((end - (typesStart >>> 2)) / 3) + 1);
  let count = 1;
  let i = typesStart >>> 2;
  while (i + 3 <= end) {
    const id = count++;
    offsets[id] = i;
    const nameOff = w[i]!;
    const info = w[i + 1]!;
    const vlen = info & 0xffff;
    const kind = (info >>> 24) & 0x1f;
    if (nameOff !== 0 && (kind === KIND_STRUCT || kind === KIND_FUNC) && strStart + nameOff < strEnd) {
      const names = (kind === KIND_STRUCT ? wantedStruct : wantedFunc).get(blob[strStart + nameOff]!);
      if (names) {
        const ids = kind === KIND_STRUCT ? structIds : funcIds;
        for (const n of names) if (!ids.has(n) && (kind === KIND_FUNC || vlen > 0) && strIs(nameOff, n)) ids.set(n, id);
      }
    }
    i += 3;
    switch (kind) {
      case KIND_INT: case KIND_VAR: case KIND_DECL_TAG: i += 1; break;
      case KIND_ARRAY: i += 3; break;
      case KIND_STRUCT: case KIND_UNION: case KIND_DATASEC: case KIND_ENUM64: i += vlen * 3; break;
      case KIND_ENUM: case KIND_FUNC_PROTO: i += vlen * 2; break;
      default: break;
    }
  }

  /** Word index of a record whose header and `extra` words lie inside the type section, else -1. */
  const rec = (id: number, extra = 0): number => {
    if (!Number.isInteger(id) || id <= 0 || id >= count) return -1;
    const at = offsets[id]!;
    return at + 3 + extra <= end ? at : -1;
  };
  const kindOf = (at: number): number => (w[at + 1]! >>> 24) & 0x1f;

  /** The record of `id` with modifiers and typedefs followed. */
  const resolve = (id: number): number => {
    for (let hops = 0; hops < 32; hops++) {
      const at = rec(id);
      if (at < 0) return -1;
      const k = kindOf(at);
      if (k !== KIND_TYPEDEF && k !== KIND_VOLATILE && k !== KIND_CONST && k !== KIND_RESTRICT && k !== KIND_TYPE_TAG) return at;
      id = w[at + 2]!;
    }
    return -1;
  };

  const sizeOf = (id: number): number => {
    const at = resolve(id);
    if (at < 0) return -1;
    const k = kindOf(at);
    if (k === KIND_PTR) return 8; // (64-bit machines only)
    if (k === KIND_INT || k === KIND_STRUCT || k === KIND_UNION || k === KIND_ENUM || k === KIND_ENUM64) return w[at + 2]!;
    return -1;
  };

  /** [byte offset, member type id] of `member` in the struct/union at `at`, searching anonymous members. */
  const find = (at: number, member: string, depth: number): [number, number] | null => {
    const k = kindOf(at);
    if (depth > 8 || (k !== KIND_STRUCT && k !== KIND_UNION)) return null;
    const info = w[at + 1]!;
    const vlen = info & 0xffff;
    const kflag = info >>> 31 === 1;
    if (at + 3 + vlen * 3 > end) return null;
    for (let m = 0; m < vlen; m++) {
      const x = at + 3 + m * 3;
      const nameOff = w[x]!;
      const type = w[x + 1]!;
      const raw = w[x + 2]!;
      const bitSize = kflag ? raw >>> 24 : 0;
      const bitOff = kflag ? raw & 0xffffff : raw;
      if (nameOff !== 0) {
        if (strIs(nameOff, member)) return bitSize !== 0 || bitOff % 8 !== 0 ? null : [bitOff / 8, type];
      } else if (bitOff % 8 === 0) {
        const inner = resolve(type);
        if (inner >= 0) {
          const got = find(inner, member, depth + 1);
          if (got) return [bitOff / 8 + got[0], got[1]];
        }
      }
    }
    return null;
  };

  const memberOf = (struct: string, member: string): [number, number] | null => {
    const id = structIds.get(struct);
    const at = id === undefined ? -1 : rec(id);
    return at < 0 ? null : find(at, member, 0);
  };

  return {
    memberOffset: (struct, member) => memberOf(struct, member)?.[0] ?? -1,
    memberSize: (struct, member) => {
      const got = memberOf(struct, member);
      return got ? sizeOf(got[1]) : -1;
    },
    funcId: (name) => funcIds.get(name) ?? -1,
    structSize: (struct) => {
      const id = structIds.get(struct);
      const at = id === undefined ? -1 : rec(id);
      return at < 0 ? -1 : w[at + 2]!;
    },
  };
}
