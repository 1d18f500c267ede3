// The BTF reader behind the fd iterator (native/btf.ts) on blobs built here: member offsets through anonymous
// unions and typedefs, bitfields refused, function ids; random and truncated blobs never throw. The program
// assembler and the record index (native/bpfFdIter.ts) on layouts and records built here.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseBtf } from '../../native/btf';
import { kernelDevToUser, makedev, userDevToKernel } from '../../native/netlinkParse';
import {
  PATH_MAX_BYTES, REC, RECORD_WORDS, VMA_RECORD_WORDS, assemble, assembleVma, indexRecords, layoutFromBtf, pathBlocks, recordPath, sockLayoutFromBtf, startTicks,
  type Layout, type PathPlan, type PipeLayout, type VmaLayout,
} from '../../native/bpfFdIter';

/** A BTF blob: types as [nameOff, info, sizeType, ...extra words], strings as one NUL-separated section. */
function blob(types: number[][], strings: string[]): { bytes: Uint8Array; off: (s: string) => number } {
  const strs = ['', ...strings].join('\0') + '\0';
  const off = (s: string): number => (s === '' ? 0 : strs.indexOf(`\0${s}\0`) + 1);
  const words = types.flat();
  const typeLen = words.length * 4;
  const out = Buffer.alloc(24 + typeLen + strs.length);
  out.writeUInt16LE(0xeb9f, 0);
  out[2] = 1;
  out.writeUInt32LE(24, 4);
  out.writeUInt32LE(0, 8);
  out.writeUInt32LE(typeLen, 12);
  out.writeUInt32LE(typeLen, 16);
  out.writeUInt32LE(strs.length, 20);
  words.forEach((w, i) => out.writeUInt32LE(w >>> 0, 24 + i * 4));
  out.write(strs, 24 + typeLen, 'latin1');
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.length), off };
}
const info = (kind: number, vlen: number, kflag = false): number => ((kflag ? 1 : 0) << 31) | (kind << 24) | vlen;

function sample(): Uint8Array {
  const names = ['int', 'pid_t', 'a', 'b', 'task', 'flags', 'tgid', 'bpf_iter_x', 'other', 'tgid2'];
  const { off } = blob([], names);
  const b = blob([
    /* 1 */ [off('int'), info(1, 0), 4, 32],
    /* 2 */ [off('pid_t'), info(8, 0), 1],
    /* 3 */ [0, info(5, 2), 8, off('a'), 1, 0, off('b'), 5, 0], // anonymous union { int a; task *b; }
    /* 4 */ [off('task'), info(4, 3, true), 24, off('flags'), 1, (3 << 24) | 0, off('tgid'), 2, 32, 0, 3, 64], // kflag: bitfield sizes
    /* 5 */ [0, info(2, 0), 4],
    /* 6 */ [0, info(13, 0), 1],
    /* 7 */ [off('bpf_iter_x'), info(12, 0), 6],
    /* 8 */ [0, info(10, 0), 2], // const pid_t
    /* 9 */ [off('other'), info(4, 1), 4, off('tgid2'), 8, 0],
  ], names);
  return b.bytes;
}

describe('BTF reader (native/btf.ts)', () => {
  it('finds members through anonymous unions, follows typedefs and const for sizes, refuses bitfields; function ids', () => {
    const btf = parseBtf(sample(), ['task', 'other', 'absent'], ['bpf_iter_x', 'nope']);
    assert.ok(btf);
    assert.equal(btf.memberOffset('task', 'tgid'), 4);
    assert.equal(btf.memberSize('task', 'tgid'), 4); // pid_t -> int
    assert.equal(btf.memberOffset('task', 'a'), 8); // in the anonymous union at byte 8
    assert.equal(btf.memberSize('task', 'a'), 4);
    assert.equal(btf.memberOffset('task', 'b'), 8);
    assert.equal(btf.memberSize('task', 'b'), 8); // a pointer
    assert.equal(btf.memberOffset('task', 'flags'), -1); // a 3-bit field
    assert.equal(btf.memberOffset('task', 'nothing'), -1);
    assert.equal(btf.memberOffset('other', 'tgid2'), 0);
    assert.equal(btf.memberSize('other', 'tgid2'), 4); // const pid_t
    assert.equal(btf.memberOffset('absent', 'tgid'), -1);
    assert.equal(btf.memberOffset('not asked', 'tgid'), -1);
    assert.equal(btf.funcId('bpf_iter_x'), 7);
    assert.equal(btf.funcId('nope'), -1);
    // A name is matched whole: "tgid" is not "tgid2".
    assert.equal(btf.memberOffset('other', 'tgid'), -1);
  });

  it('is null for what is not BTF (magic, header, sections out of bounds)', () => {
    const good = sample();
    assert.equal(parseBtf(new Uint8Array(10), ['task'], []), null);
    const badMagic = Uint8Array.from(good);
    badMagic[0] = 0;
    assert.equal(parseBtf(badMagic, ['task'], []), null);
    const long = Uint8Array.from(good);
    new DataView(long.buffer).setUint32(12, 1 << 30, true);
    assert.equal(parseBtf(long, ['task'], []), null);
  });

  it('random bytes, truncations and corruptions of a valid blob never throw', () => {
    const good = sample();
    const ask = (b: Uint8Array): void => {
      const btf = parseBtf(b, ['task', 'other'], ['bpf_iter_x']);
      if (!btf) return;
      for (const m of ['tgid', 'a', 'b', 'flags', 'tgid2']) {
        btf.memberOffset('task', m);
        btf.memberSize('task', m);
        btf.memberSize('other', m);
      }
      btf.funcId('bpf_iter_x');
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => ask(b)), { numRuns: 2000 });
    fc.assert(fc.property(fc.nat(good.length), (n) => ask(good.subarray(0, n))), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (edits) => {
      const b = Uint8Array.from(good);
      for (const [i, v] of edits) b[i] = v;
      ask(b);
      // Unaligned, as a Buffer from a pool can be.
      const shifted = new Uint8Array(b.length + 1).subarray(1);
      shifted.set(b);
      ask(shifted);
    }), { numRuns: 2000 });
  });
});

describe('fd iterator program and records (native/bpfFdIter.ts)', () => {
  const layout = (): Layout => {
    const f = (off: number, size: number): { off: number; size: number } => ({ off, size });
    return {
      ctxMeta: f(0, 8), ctxTask: f(8, 8), ctxFd: f(16, 4), ctxFile: f(24, 8), metaSeq: f(0, 8), tgid: f(1268, 4), pid: f(1264, 4),
      start: f(1560, 8), fMode: f(4, 4), fInode: f(32, 8), iIno: f(64, 8), iSize: f(80, 8), iMode: f(0, 2), iUid: f(4, 4), iSb: f(40, 8), sDev: f(16, 4),
    };
  };

  it('assembles loads as wide as the members, one record store per field, the null and leader checks jumping to the exit', () => {
    const code = assemble(layout());
    assert.equal(code.length % 8, 0);
    const n = code.length / 8;
    const at = (i: number): { op: number; dst: number; src: number; off: number; imm: number } => {
      const dv = new DataView(code.buffer, code.byteOffset + i * 8, 8);
      return { op: code[i * 8]!, dst: code[i * 8 + 1]! & 15, src: code[i * 8 + 1]! >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
    };
    assert.deepEqual(at(n - 1), { op: 0x95, dst: 0, src: 0, off: 0, imm: 0 }); // exit
    assert.deepEqual(at(n - 2), { op: 0xb7, dst: 0, src: 0, off: 0, imm: 0 }); // r0 = 0
    // Every jump lands on "r0 = 0".
    for (let i = 0; i < n; i++) {
      const x = at(i);
      if (x.op === 0x15 || x.op === 0x5d) assert.equal(i + 1 + x.off, n - 2, `jump at ${i}`);
    }
    // i_mode is a 2-byte load, i_ino an 8-byte one, at their offsets.
    assert.ok([...Array(n).keys()].some((i) => at(i).op === 0x69 && at(i).off === 0), 'i_mode load');
    assert.ok([...Array(n).keys()].some((i) => at(i).op === 0x79 && at(i).off === 64), 'i_ino load');
    // bpf_seq_write(seq, r10 - 80, 80).
    const call = [...Array(n).keys()].find((i) => at(i).op === 0x85)!;
    assert.equal(at(call).imm, 127);
    assert.deepEqual(at(call - 1), { op: 0xb7, dst: 3, src: 0, off: 0, imm: RECORD_WORDS * 4 });
    // The record's stores stay within its 80 bytes below r10.
    for (let i = 0; i < n; i++) {
      const x = at(i);
      if ((x.op === 0x63 || x.op === 0x7b || x.op === 0x62) && x.dst === 10) assert.ok(x.off >= -RECORD_WORDS * 4 && x.off < 0, `store at ${i}`);
    }
  });

  it('assembles the mapping program: device comparisons (32-bit) jump to the record, everything else to the exit', () => {
    const f = (off: number, size: number): { off: number; size: number } => ({ off, size });
    const l: VmaLayout = { ...layout(), vma_ctxMeta: f(0, 8), vma_ctxTask: f(8, 8), vma_ctxVma: f(16, 8), vma_vmFile: f(160, 8) };
    const devs = [(0 << 20) | 26, (0 << 20) | 1];
    const code = assembleVma(l, devs);
    const n = code.length / 8;
    const at = (i: number): { op: number; dst: number; src: number; off: number; imm: number } => {
      const dv = new DataView(code.buffer, code.byteOffset + i * 8, 8);
      return { op: code[i * 8]!, dst: code[i * 8 + 1]! & 15, src: code[i * 8 + 1]! >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
    };
    assert.deepEqual(at(n - 1).op, 0x95);
    const compares = [...Array(n).keys()].filter((i) => at(i).op === 0x16);
    assert.deepEqual(compares.map((i) => at(i).imm), devs);
    const emit = compares[0]! + 1 + at(compares[0]!).off;
    for (const i of compares) assert.equal(i + 1 + at(i).off, emit);
    assert.deepEqual(at(emit), { op: 0x63, dst: 10, src: 2, off: -VMA_RECORD_WORDS * 4, imm: 0 }); // the tgid, first
    // No match: "goto exit" right after the comparisons; the null, leader and no-file checks also go there.
    const ja = compares[compares.length - 1]! + 1;
    assert.equal(at(ja).op, 0x05);
    assert.equal(ja + 1 + at(ja).off, n - 2);
    for (let i = 0; i < n; i++) if (at(i).op === 0x15 || at(i).op === 0x5d) assert.equal(i + 1 + at(i).off, n - 2, `jump at ${i}`);
    assert.ok([...Array(n).keys()].some((i) => at(i).op === 0x79 && at(i).off === 160), 'vm_file load');
    const call = [...Array(n).keys()].find((i) => at(i).op === 0x85)!;
    assert.deepEqual(at(call - 1), { op: 0xb7, dst: 3, src: 0, off: 0, imm: VMA_RECORD_WORDS * 4 });
  });

  it('with the pipe ring\'s layout: a loop bounded at 256 slots over probe_read_kernel, every jump inside the program', () => {
    const f = (off: number, size: number): { off: number; size: number } => ({ off, size });
    const pipe: PipeLayout = {
      iPipe: f(584, 8), head: f(200, 4), tail: f(204, 4), headTail: f(200, 8), ringSize: f(212, 4), maxUsage: f(208, 4), bufs: f(280, 8), bufLen: f(12, 4), bufSize: 40,
    };
    for (const p of [pipe, { ...pipe, headTail: null }]) {
      const code = assemble(layout(), p);
      const n = code.length / 8;
      const at = (i: number): { op: number; dst: number; src: number; off: number; imm: number } => {
        const dv = new DataView(code.buffer, code.byteOffset + i * 8, 8);
        return { op: code[i * 8]!, dst: code[i * 8 + 1]! & 15, src: code[i * 8 + 1]! >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
      };
      const jumps = [...Array(n).keys()].filter((i) => (at(i).op & 0x07) === 0x05 && at(i).op !== 0x85 && at(i).op !== 0x95);
      for (const i of jumps) assert.ok(i + 1 + at(i).off >= 0 && i + 1 + at(i).off < n, `jump at ${i} leaves the program`);
      const bound = [...Array(n).keys()].find((i) => at(i).op === 0x35)!;
      assert.equal(at(bound).imm, 256);
      const back = jumps.filter((i) => at(i).off < 0);
      assert.deepEqual(back.map((i) => i + 1 + at(i).off), [bound], 'the only backward jump goes to the bound check');
      assert.equal([...Array(n).keys()].filter((i) => at(i).op === 0x85 && at(i).imm === 113).length, 2, 'probe_read_kernel: bufs, then each slot');
      assert.ok([...Array(n).keys()].some((i) => at(i).op === 0x27 && at(i).imm === 40), 'slot index times sizeof(pipe_buffer)');
      // head_tail read at once when there is one, else head and tail apart.
      assert.equal([...Array(n).keys()].some((i) => at(i).op === 0x79 && at(i).off === 200), p.headTail !== null);
    }
    assert.equal(assemble(layout()).length, assemble(layout(), null).length);
  });

  // Offsets of Linux 6.18 x86_64 (struct socket: type at 4, sk at 24; sock_common: family at 16, state at 18).
  const sockMembers: Record<string, [number, number]> = {
    'file.private_data': [200, 8], 'socket.type': [4, 2], 'socket.sk': [24, 8], 'sock.__sk_common': [0, 136],
    'sock_common.skc_family': [16, 2], 'sock_common.skc_state': [18, 1], 'unix_sock.sk': [0, 776], 'unix_sock.scm_stat': [1000, 16], 'scm_stat.nr_fds': [0, 4],
  };
  const sockBtf = (over: Record<string, [number, number]> = {}): Parameters<typeof sockLayoutFromBtf>[0] => {
    const m = { ...sockMembers, ...over };
    return {
      memberOffset: (s: string, f: string) => m[`${s}.${f}`]?.[0] ?? -1, memberSize: (s: string, f: string) => m[`${s}.${f}`]?.[1] ?? -1,
      funcId: () => -1, structSize: () => -1,
    };
  };

  it('takes the Unix socket fields from BTF as two 8-aligned spans and scm_stat.nr_fds, or none when one is not as expected', () => {
    const l = sockLayoutFromBtf(sockBtf());
    assert.deepEqual(l, {
      fPrivate: { off: 200, size: 8 },
      socketSpan: { start: 0, len: 32, type: { off: 4, size: 2 }, sk: { off: 24, size: 8 } },
      commonSpan: { start: 16, len: 3, family: { off: 0, size: 2 }, state: { off: 2, size: 1 } },
      nrFds: 1000,
    });
    // sock_common elsewhere in sock; a span that starts unaligned is read from the 8-byte boundary below it.
    assert.deepEqual(sockLayoutFromBtf(sockBtf({ 'sock.__sk_common': [8, 136], 'sock_common.skc_family': [18, 2], 'sock_common.skc_state': [20, 1] }))?.commonSpan,
      { start: 24, len: 5, family: { off: 2, size: 2 }, state: { off: 4, size: 1 } });
    for (const bad of [
      { 'socket.sk': [64, 8] }, // type and sk more than 32 bytes apart
      { 'unix_sock.sk': [8, 776] }, // sk not the unix_sock's first member
      { 'scm_stat.nr_fds': [0, 8] }, { 'socket.type': [4, 4] }, { 'sock_common.skc_state': [18, 2] }, { 'file.private_data': [200, 4] },
      { 'unix_sock.scm_stat': [-1, 0] },
    ] as Record<string, [number, number]>[]) assert.equal(sockLayoutFromBtf(sockBtf(bad)), null, JSON.stringify(bad));
  });

  it('with the socket fields: three probe_read_kernel calls, aligned stack loads, the family/type/state tests, every jump forward', () => {
    const sock = sockLayoutFromBtf(sockBtf())!;
    const code = assemble(layout(), null, sock);
    const n = code.length / 8;
    const at = (i: number): { op: number; dst: number; src: number; off: number; imm: number } => {
      const dv = new DataView(code.buffer, code.byteOffset + i * 8, 8);
      return { op: code[i * 8]!, dst: code[i * 8 + 1]! & 15, src: code[i * 8 + 1]! >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
    };
    const all = [...Array(n).keys()];
    const jumps = all.filter((i) => (at(i).op & 0x07) === 0x05 && at(i).op !== 0x85 && at(i).op !== 0x95);
    for (const i of jumps) assert.ok(at(i).off >= 0 && i + 1 + at(i).off < n, `jump at ${i}`);
    assert.equal(all.filter((i) => at(i).op === 0x85 && at(i).imm === 113).length, 3, 'probe_read_kernel: socket span, sock_common span, nr_fds');
    // Loads from the stack are aligned to their width (the verifier refuses others) and below the record.
    const width = { 0x71: 1, 0x69: 2, 0x61: 4, 0x79: 8 } as Record<number, number>;
    for (const i of all) {
      const x = at(i);
      if (width[x.op] && x.src === 10) {
        assert.ok(x.off % width[x.op]! === 0, `load at ${i} unaligned`);
        assert.ok(x.off < -RECORD_WORDS * 4, `load at ${i} inside the record`);
      }
    }
    const cmp = (imm: number): number[] => all.filter((i) => (at(i).op === 0x15 || at(i).op === 0x55) && at(i).imm === imm);
    assert.ok(cmp(0xc000).length === 1, 'S_IFSOCK test');
    assert.ok(all.some((i) => at(i).op === 0x55 && at(i).imm === 1), 'AF_UNIX test');
    assert.ok(cmp(2).length >= 1 && cmp(10).length === 1, 'SOCK_DGRAM and TCP_LISTEN tests');
    // The count's read: nr_fds at its offset from sk.
    assert.ok(all.some((i) => at(i).op === 0x07 && at(i).dst === 3 && at(i).imm === 1000), 'sk + nr_fds offset');
    // Without the pipe layout the non-socket files go straight to the record; with it, the pipe part follows.
    const both = assemble(layout(), { iPipe: { off: 584, size: 8 }, head: { off: 200, size: 4 }, tail: { off: 204, size: 4 }, headTail: null, ringSize: { off: 212, size: 4 }, maxUsage: { off: 208, size: 4 }, bufs: { off: 280, size: 8 }, bufLen: { off: 12, size: 4 }, bufSize: 40 }, sock);
    assert.ok(both.length > code.length);
  });

  it('with a path plan: one bpf_d_path into a 320-byte stack buffer for FIFOs off pipefs, the regular devices and anon inodes; its blocks written after the record', () => {
    const plan: PathPlan = { fPath: 64, pipeDev: 0x0000000f, regularDevs: [0x1b, 0x14, 0x01], anonDev: 0x10 };
    const code = assemble(layout(), null, null, plan);
    const n = code.length / 8;
    const at = (i: number): { op: number; dst: number; src: number; off: number; imm: number } => {
      const dv = new DataView(code.buffer, code.byteOffset + i * 8, 8);
      return { op: code[i * 8]!, dst: code[i * 8 + 1]! & 15, src: code[i * 8 + 1]! >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
    };
    const all = [...Array(n).keys()];
    for (const i of all.filter((i) => (at(i).op & 0x07) === 0x05 && at(i).op !== 0x85 && at(i).op !== 0x95)) assert.ok(at(i).off >= 0 && i + 1 + at(i).off < n, `jump at ${i}`);
    const dPath = all.filter((i) => at(i).op === 0x85 && at(i).imm === 147);
    assert.equal(dPath.length, 1);
    assert.deepEqual(at(dPath[0]! - 1), { op: 0xb7, dst: 3, src: 0, off: 0, imm: PATH_MAX_BYTES });
    assert.equal(PATH_MAX_BYTES, 320);
    const buf = at(dPath[0]! - 2).imm; // r2 = r10 + buf
    assert.ok(buf >= -512 && buf + PATH_MAX_BYTES <= -RECORD_WORDS * 4, `path buffer at ${buf}`);
    // r1 = file + offsetof(f_path).
    assert.deepEqual(at(dPath[0]! - 5), { op: 0xbf, dst: 1, src: 8, off: 0, imm: 0 });
    assert.deepEqual(at(dPath[0]! - 4), { op: 0x07, dst: 1, src: 0, off: 0, imm: 64 });
    // Device tests (32-bit): the anon device, pipefs (no path), each regular device.
    const devs = all.filter((i) => at(i).op === 0x16).map((i) => at(i).imm);
    assert.deepEqual(devs.sort((a, b) => a - b), [0x01, 0x0f, 0x10, 0x14, 0x1b]);
    // A result <= 0 or > 320 leaves the path word 0; the blocks: 80, 160, 240 or 320 bytes from the same buffer.
    assert.ok(all.some((i) => at(i).op === 0xd5 && at(i).dst === 0 && at(i).imm === 0));
    assert.ok(all.some((i) => at(i).op === 0x25 && at(i).dst === 0 && at(i).imm === PATH_MAX_BYTES));
    const writes = all.filter((i) => at(i).op === 0x85 && at(i).imm === 127);
    assert.equal(writes.length, 2);
    assert.deepEqual(at(writes[1]! - 1), { op: 0x07, dst: 2, src: 0, off: 0, imm: buf });
    assert.deepEqual(all.filter((i) => at(i).op === 0xb7 && at(i).dst === 3 && i > writes[0]!).map((i) => at(i).imm), [80, 160, 240, 320]);
    // Without a plan, none of it (and the path word still 0).
    assert.ok(!Array.from({ length: assemble(layout()).length / 8 }, (_, i) => assemble(layout())[i * 8] === 0x85 && new DataView(assemble(layout()).buffer).getInt32(i * 8 + 4, true) === 147).some(Boolean));
  });

  it('indexes records followed by their path blocks: ranges hold the blocks, a cut-off record is dropped; paths as bytes', () => {
    const path = Buffer.from('/tmp/a\nb<i>\x1b[31m \u202e.fifo (deleted)');
    const long = Buffer.alloc(200, 0x61);
    const recs: [number, Buffer | null][] = [[5, null], [5, path], [5, null], [7, long], [9, path]];
    const words: number[] = [];
    for (const [tgid, p] of recs) {
      const w = new Uint32Array(RECORD_WORDS);
      w[REC.tgid] = tgid;
      w[REC.fd] = words.length;
      if (p) w[REC.path] = p.length + 1;
      words.push(...w);
      if (p) {
        const blocks = Math.ceil((p.length + 1) / (RECORD_WORDS * 4));
        const b = new Uint8Array(blocks * RECORD_WORDS * 4);
        b.set(p);
        words.push(...new Uint32Array(b.buffer));
      }
    }
    const bytes = new Uint8Array(Uint32Array.from(words).buffer);
    const t = indexRecords(bytes);
    assert.deepEqual([...t.pids], [5, 7, 9]);
    assert.deepEqual([...t.starts], [0, 4, 8]);
    assert.deepEqual([...t.ends], [4, 8, 10]);
    assert.equal(pathBlocks(t.words, 1), 1);
    assert.equal(pathBlocks(t.words, 4), 3);
    assert.ok(recordPath(t.words, 1)?.equals(path));
    assert.ok(recordPath(t.words, 4)?.equals(long));
    assert.equal(recordPath(t.words, 0), null);
    // The last record's blocks cut off: that record is not indexed.
    const cut = indexRecords(bytes.subarray(0, bytes.length - RECORD_WORDS * 4));
    assert.deepEqual([...cut.pids], [5, 7]);
    // A path word beyond the most the program writes is never read past PATH_MAX_BYTES.
    const w = new Uint32Array(RECORD_WORDS * 6);
    w[REC.path] = 0xffffffff;
    assert.equal(recordPath(w, 0), null);
    assert.equal(pathBlocks(w, 0), PATH_MAX_BYTES / (RECORD_WORDS * 4));
    // Random words never throw and ranges stay inside the table.
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: RECORD_WORDS * 12 }), (xs) => {
      const u = Uint32Array.from(xs.map((x, i) => (i % RECORD_WORDS === REC.path ? x % 400 : x)));
      const ti = indexRecords(new Uint8Array(u.buffer));
      for (let g = 0; g < ti.pids.length; g++) assert.ok(ti.ends[g]! * RECORD_WORDS <= u.length);
    }), { numRuns: 500 });
  });

  it('converts userspace st_dev numbers to the kernel\'s dev_t encoding and back', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 0xfffff }), (major, minor) => {
      const k = ((major << 20) | minor) >>> 0;
      assert.equal(userDevToKernel(kernelDevToUser(k)), k);
      assert.equal(kernelDevToUser(userDevToKernel(makedev(major, minor))), makedev(major, minor));
    }), { numRuns: 3000 });
    assert.equal(userDevToKernel(makedev(254, 0)), 0xfe00000);
    assert.equal(userDevToKernel(27), 27);
  });

  it('refuses a layout whose pointers are not 64-bit or whose members are missing', () => {
    const btf = { memberOffset: () => 8, memberSize: () => 4, funcId: () => 1, structSize: () => 40 };
    assert.match(String(layoutFromBtf(btf)), /not a 64-bit pointer/);
    assert.match(String(layoutFromBtf({ ...btf, memberOffset: () => -1 })), /no usable/);
  });

  it('groups records by tgid and leaves out a tgid met twice apart; start times as /proc/PID/stat ticks', () => {
    const recs = (tgids: number[]): Uint8Array => {
      const w = new Uint32Array(tgids.length * RECORD_WORDS);
      tgids.forEach((t, i) => {
        w[i * RECORD_WORDS + REC.tgid] = t;
        w[i * RECORD_WORDS + REC.fd] = i;
      });
      return new Uint8Array(w.buffer);
    };
    const t = indexRecords(recs([5, 5, 7, 9, 9, 9, 7, 11]));
    assert.deepEqual([...t.pids], [5, 9, 11]);
    assert.deepEqual([...t.starts], [0, 3, 7]);
    assert.deepEqual([...t.ends], [2, 6, 8]);
    assert.ok(t.words.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...indexRecords(new Uint8Array(0)).pids], []);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), (ns) => {
      const w = new Uint32Array(RECORD_WORDS);
      w[REC.startLo] = Number(ns & 0xffffffffn);
      w[REC.startHi] = Number(ns >> 32n);
      assert.equal(startTicks(w, 0), Number(ns / 10_000_000n));
    }), { numRuns: 3000 });
    const w = new Uint32Array(RECORD_WORDS);
    for (const ns of [10_000_000n * 123456789n - 1n, 10_000_000n * 123456789n, 2n ** 53n - 1n]) {
      w[REC.startLo] = Number(ns & 0xffffffffn);
      w[REC.startHi] = Number(ns >> 32n);
      assert.equal(startTicks(w, 0), Number(ns / 10_000_000n));
    }
  });
});
