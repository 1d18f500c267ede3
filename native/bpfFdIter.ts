// Every fd of every process in one read: a BPF iterator over the kernel's task files (bpf_iter task_file,
// Linux 5.8+), for root with CAP_BPF and CAP_PERFMON. The /proc walk pays a getdents of /proc/PID/fd and a
// statx of every /proc/PID/fd/N (a path lookup, the fd's file and its inode); the iterator visits the same
// files in the kernel and writes one fixed record per fd (identity, type, open mode, size, owner), about
// 1.7 ms for 10k fds where the walk spent about 30 ms of CPU on them.
//
// The program is assembled here (no compiler, no object file): about 175 instructions that read fields of the
// task, the file and its inode at the offsets the running kernel's BTF gives (and, for a pipe's read end, sum
// its ring's slots as FIONREAD does; for a Unix socket, read its in-flight fd count; for a FIFO, an IPC file or
// an anonymous inode, write its path with bpf_d_path), and bpf_seq_write() them. The
// verifier checks every load against those BTF types. Nothing is written, attached to an event or left behind:
// the program runs only while we read the iterator, and its fds close with the process. A second program (a
// task_vma iterator, Linux 5.12+) lists the processes that map a file of given devices (shm, memfd), so that
// only their maps are read.
//
// Where it cannot be used (not root, no BTF, another pid or user namespace, a seccomp filter, an old kernel,
// IPC_INSPECTOR_BPF=0) the walk reads /proc as before; `fdIterStatus()` says why. Loading is the scanning
// thread's (prepareIterators); reading, any thread's (readTablesInto: a helper reads while the scanning thread
// reads the socket dumps). readFdTable and readMapperTable load and read on the calling thread (tests).

import { fstatSync, readFileSync, readlinkSync } from 'node:fs';
import { parseBtf, type Btf } from './btf';
import { O_CLOEXEC, O_RDONLY, inspectorFds, libc } from './libc';
import { userDevToKernel } from './netlinkParse';

const BPF_PROG_LOAD = 5;
const BPF_LINK_CREATE = 28;
const BPF_ITER_CREATE = 33;
const BPF_PROG_TYPE_TRACING = 26;
const BPF_TRACE_ITER = 28;
const BPF_FUNC_SEQ_WRITE = 127;
const BPF_FUNC_PROBE_READ_KERNEL = 113;
const BPF_FUNC_D_PATH = 147;
/** The init namespaces' inode numbers (PROC_PID_INIT_INO, PROC_USER_INIT_INO): fixed by the kernel. */
const INIT_PID_NS = 'pid:[4026531836]';
const INIT_USER_NS = 'user:[4026531837]';
/** PROC_TIME_INIT_INO; kernels before 5.6 have no time namespaces (then taken as the initial one). */
const INIT_TIME_NS = 'time:[4026531834]';

function timeNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/time');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? INIT_TIME_NS : 'unreadable';
  }
}

/** One record per fd, in 32-bit words (see the program below). */
export const RECORD_WORDS = 20;
export const REC = {
  tgid: 0, pid: 1, fd: 2, fmode: 3, inoLo: 4, inoHi: 5, sizeLo: 6, sizeHi: 7, mode: 8, uid: 9, dev: 10, fillUsed: 11, startLo: 12, startHi: 13,
  fillPages: 14, fill: 15,
  /** Bytes of the file's path (as readlink of /proc/PID/fd/N gives it, plus a NUL) in the blocks after the record; 0: none. */
  path: 16,
} as const;
/** The most bytes of a path the program writes (NUL included): longer ones are read through /proc/PID/fd/N. */
export const PATH_MAX_BYTES = 4 * RECORD_WORDS * 4;
/**
 * REC.fill: nothing read (not a read end of a pipe or FIFO, nor a Unix socket; or no such fields in BTF). For a
 * Unix socket, REC.fill tells of REC.fillUsed as its in-flight fd count.
 */
export const FILL_NONE = 0;
/**
 * REC.fill: fillUsed bytes queued and fillPages the pipe's capacity in pages, read from the pipe's ring; for a
 * Unix socket, fillUsed its in-flight fds (fdinfo's scm_fds).
 */
export const FILL_READ = 1;
/**
 * REC.fill: the ring could not be read consistently (changing meanwhile, or more slots than the loop's bound);
 * for a Unix socket, a listener (its count is over its accept queue) or a read that failed: read fdinfo.
 */
export const FILL_UNSURE = 2;
/** The most ring slots the program sums (a pipe of 1 MiB, the default pipe-max-size, has 256). */
const FILL_MAX_SLOTS = 256;
const RECORD_BYTES = RECORD_WORDS * 4;

/** The fds of a moment, one record per fd of each thread-group leader, grouped by tgid. */
export interface FdTable {
  /** RECORD_WORDS words per record (a SharedArrayBuffer's view, to hand to helper threads as is). */
  words: Uint32Array;
  /** tgids in the order met (ascending), with their records [starts[i], ends[i]). */
  pids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

/** The fields needed, as (struct, member); the loads are as wide as BTF says the members are. */
const FIELDS = {
  ctxMeta: ['bpf_iter__task_file', 'meta'],
  ctxTask: ['bpf_iter__task_file', 'task'],
  ctxFd: ['bpf_iter__task_file', 'fd'],
  ctxFile: ['bpf_iter__task_file', 'file'],
  metaSeq: ['bpf_iter_meta', 'seq'],
  tgid: ['task_struct', 'tgid'],
  pid: ['task_struct', 'pid'],
  start: ['task_struct', 'start_boottime'],
  fMode: ['file', 'f_mode'],
  fInode: ['file', 'f_inode'],
  iIno: ['inode', 'i_ino'],
  iSize: ['inode', 'i_size'],
  iMode: ['inode', 'i_mode'],
  iUid: ['inode', 'i_uid'],
  iSb: ['inode', 'i_sb'],
  sDev: ['super_block', 's_dev'],
} as const;

/** The pipe ring's fields, for the fill of read ends (optional: without them the fill is sampled by syscalls). */
const PIPE_FIELDS = {
  iPipe: ['inode', 'i_pipe'],
  head: ['pipe_inode_info', 'head'],
  tail: ['pipe_inode_info', 'tail'],
  ringSize: ['pipe_inode_info', 'ring_size'],
  maxUsage: ['pipe_inode_info', 'max_usage'],
  bufs: ['pipe_inode_info', 'bufs'],
  bufLen: ['pipe_buffer', 'len'],
} as const;
export interface PipeLayout {
  iPipe: { off: number; size: number };
  /** head_tail (Linux 6.14+: both indexes in one word, read at once), else null: head and tail apart. */
  headTail: { off: number; size: number } | null;
  head: { off: number; size: number };
  tail: { off: number; size: number };
  ringSize: { off: number; size: number };
  maxUsage: { off: number; size: number };
  bufs: { off: number; size: number };
  bufLen: { off: number; size: number };
  /** sizeof(struct pipe_buffer). */
  bufSize: number;
}

/** The pipe ring's layout from BTF, or null when some field is missing or not as expected. */
export function pipeLayoutFromBtf(btf: Btf): PipeLayout | null {
  const out: Record<string, { off: number; size: number }> = {};
  for (const [key, [struct, member]] of Object.entries(PIPE_FIELDS)) {
    const off = btf.memberOffset(struct, member);
    const size = btf.memberSize(struct, member);
    if (off < 0 || off > 0x7fff || ![2, 4, 8].includes(size)) return null;
    out[key] = { off, size };
  }
  if (out['iPipe']!.size !== 8 || out['bufs']!.size !== 8 || out['bufLen']!.size !== 4 || out['ringSize']!.size !== 4 || out['maxUsage']!.size !== 4) return null;
  const bufSize = btf.structSize('pipe_buffer');
  if (bufSize <= 0 || bufSize > 4096) return null;
  const ht = { off: btf.memberOffset('pipe_inode_info', 'head_tail'), size: btf.memberSize('pipe_inode_info', 'head_tail') };
  // One word holding head (low half: the first member on these little-endian machines) and tail (high half).
  const headTail = ht.off >= 0 && ht.size === 8 && out['head']!.off === ht.off && out['head']!.size === 4 && out['tail']!.off === ht.off + 4 ? ht : null;
  return { ...(out as unknown as Omit<PipeLayout, 'headTail' | 'bufSize'>), headTail, bufSize };
}

/**
 * A Unix socket's fields for its in-flight fd count (what its fdinfo prints as scm_fds), optional: without
 * them the count is read from fdinfo. From the file: private_data (the struct socket); from that, type and sk;
 * from sk, family and state; from the unix_sock around it (sk is its first member), scm_stat.nr_fds.
 */
const SOCK_FIELDS = {
  fPrivate: ['file', 'private_data'],
  type: ['socket', 'type'],
  sk: ['socket', 'sk'],
  common: ['sock', '__sk_common'],
  family: ['sock_common', 'skc_family'],
  state: ['sock_common', 'skc_state'],
  unixSk: ['unix_sock', 'sk'],
  scm: ['unix_sock', 'scm_stat'],
  nrFds: ['scm_stat', 'nr_fds'],
} as const;
/** Offset of file.f_path when it is a struct path of two pointers, else null. */
export function pathOffset(btf: Btf): number | null {
  const off = btf.memberOffset('file', 'f_path');
  return off >= 0 && off <= 0x7fff && btf.memberSize('file', 'f_path') === 16 ? off : null;
}

/** Where the program reads a socket's fields: two spans read at once (each at most SOCK_SPAN_MAX bytes). */
export interface SockLayout {
  fPrivate: Slot;
  /** struct socket: [start, start + len) holds type and sk; their offsets within it. */
  socketSpan: { start: number; len: number; type: Slot; sk: Slot };
  /** struct sock: [start, start + len) holds skc_family and skc_state; their offsets within it. */
  commonSpan: { start: number; len: number; family: Slot; state: Slot };
  /** Offset of scm_stat.nr_fds (4 bytes) in the unix_sock that sk points to. */
  nrFds: number;
}
const SOCK_SPAN_MAX = 32;

/** The socket fields' layout from BTF, or null when some field is missing or not as expected. */
export function sockLayoutFromBtf(btf: Btf): SockLayout | null {
  const f: Record<string, Slot> = {};
  for (const [key, [struct, member]] of Object.entries(SOCK_FIELDS)) {
    const off = btf.memberOffset(struct, member);
    const size = btf.memberSize(struct, member);
    if (off < 0 || off > 0x7fff || size <= 0) return null;
    f[key] = { off, size };
  }
  if (f['fPrivate']!.size !== 8 || f['sk']!.size !== 8 || f['type']!.size !== 2 || f['family']!.size !== 2 || f['state']!.size !== 1) return null;
  if (f['unixSk']!.off !== 0 || f['nrFds']!.size !== 4) return null;
  const span = (a: Slot, b: Slot, base: number): { start: number; len: number; a: Slot; b: Slot } | null => {
    const start = Math.min(a.off, b.off) & ~7; // (8-aligned: loads from the stack must be aligned to their size)
    const len = Math.max(a.off + a.size, b.off + b.size) - start;
    return len > SOCK_SPAN_MAX ? null : { start: base + start, len, a: { off: a.off - start, size: a.size }, b: { off: b.off - start, size: b.size } };
  };
  const s = span(f['type']!, f['sk']!, 0);
  const c = span(f['family']!, f['state']!, f['common']!.off);
  if (!s || !c) return null;
  return {
    fPrivate: f['fPrivate']!,
    socketSpan: { start: s.start, len: s.len, type: s.a, sk: s.b },
    commonSpan: { start: c.start, len: c.len, family: c.a, state: c.b },
    nrFds: f['scm']!.off + f['nrFds']!.off,
  };
}
type Field = keyof typeof FIELDS;
export type Layout = Record<Field, { off: number; size: number }>;

/** Member offsets and sizes from BTF; a string naming the first one missing. */
export function layoutFromBtf(btf: Btf): Layout | string {
  const out: Partial<Layout> = {};
  for (const [key, [struct, member]] of Object.entries(FIELDS) as [Field, readonly [string, string]][]) {
    const off = btf.memberOffset(struct, member);
    const size = btf.memberSize(struct, member);
    if (off < 0 || off > 0x7fff || ![1, 2, 4, 8].includes(size)) return `kernel BTF has no usable ${struct}.${member}`;
    out[key] = { off, size };
  }
  for (const k of ['ctxMeta', 'ctxTask', 'ctxFile', 'metaSeq', 'fInode', 'iSb'] as const) {
    if (out[k]!.size !== 8) return `${FIELDS[k].join('.')} is not a 64-bit pointer`;
  }
  return out as Layout;
}

const LDX = { 1: 0x71, 2: 0x69, 4: 0x61, 8: 0x79 } as const;
const STXW = 0x63;
const STXDW = 0x7b;
const STW = 0x62;
const MOV64X = 0xbf;
const MOV64K = 0xb7;
const ADD64K = 0x07;
const JEQK = 0x15;
const JNEX = 0x5d;
const JEQ32K = 0x16;
const JA = 0x05;
const JNEK = 0x55;
const JGEK = 0x35;
const JEQX = 0x1d;
const JGTX = 0x2d;
const JGTK = 0x25;
const JSLEK = 0xd5;
const AND64K = 0x57;
const AND64X = 0x5f;
const ADD64X = 0x0f;
const SUB64X = 0x1f;
const MUL64K = 0x27;
const RSH64K = 0x77;
const MOV32X = 0xbc;
const LDXW = 0x61;
const LDXDW = 0x79;
const CALL = 0x85;
const EXIT = 0x95;

type Slot = { off: number; size: number };

/** An instruction list under construction: op() appends one and returns its index (to patch jumps). */
class Asm {
  readonly ins: [number, number, number, number, number][] = [];
  /** Jumps to the end ("r0 = 0; exit"), patched by finish(). */
  readonly exits: number[] = [];

  op(code: number, dst: number, src: number, off: number, imm: number): number {
    return this.ins.push([code, dst, src, off, imm]) - 1;
  }

  /** dst = *(src + f.off), as wide as the field. */
  ld(dst: number, src: number, f: Slot): number {
    return this.op(LDX[f.size as 1 | 2 | 4 | 8], dst, src, f.off, 0);
  }

  /**
   * r6 = ctx, r7 = ctx->task, r8 = the context's other pointer (file or vma), r2 = tgid, r3 = pid; to the end
   * when either pointer is null (the end-of-iteration call) or the task is not its thread group's leader.
   */
  prologue(task: Slot, other: Slot): void {
    this.op(MOV64X, 6, 1, 0, 0);
    this.ld(7, 6, task);
    this.exits.push(this.op(JEQK, 7, 0, 0, 0));
    this.ld(8, 6, other);
    this.exits.push(this.op(JEQK, 8, 0, 0, 0));
  }

  /** To the end unless the task in r7 leads its thread group (r2 = tgid, r3 = pid after it). */
  leaderOnly(l: Layout): void {
    this.ld(2, 7, l.tgid);
    this.ld(3, 7, l.pid);
    this.exits.push(this.op(JNEX, 2, 3, 0, 0));
  }

  /** "r0 = 0; exit", every exit jump patched to it; the encoded program. */
  finish(): Uint8Array {
    const out = this.op(MOV64K, 0, 0, 0, 0);
    this.op(EXIT, 0, 0, 0, 0);
    for (const j of this.exits) this.ins[j]![3] = out - j - 1;
    return encode(this.ins);
  }
}

/**
 * The iterator program: for a leader's file (task->pid == task->tgid, as /proc/PID/fd shows the leader's
 * table), one record of RECORD_WORDS words (REC): tgid, pid, fd, f_mode, i_ino (64), i_size (64), i_mode, i_uid,
 * s_dev (the kernel's encoding), task start_boottime (64, ns), a pipe's fill or a Unix socket's in-flight count
 * (with `pipe`, `sock`), and with `path` the path's length, its blocks following the record. Nothing for the
 * end-of-iteration call.
 */
export function assemble(l: Layout, pipe: PipeLayout | null = null, sock: SockLayout | null = null, path: PathPlan | null = null): Uint8Array {
  const a = new Asm();
  const { ins } = a;
  const op = a.op.bind(a);
  const ld = a.ld.bind(a);
  const rec = -RECORD_BYTES; // record on the stack at r10 - 80
  const st32 = (word: number, reg: number): number => op(STXW, 10, reg, rec + word * 4, 0);
  const st64 = (word: number, reg: number): number => op(STXDW, 10, reg, rec + word * 4, 0);
  const set32 = (word: number, imm: number): number => op(STW, 10, 0, rec + word * 4, imm);
  const toEmit: number[] = [];
  const toUnsure: number[] = [];
  a.prologue(l.ctxTask, l.ctxFile); // r7 = task, r8 = file
  a.leaderOnly(l); // /proc/PID/fd shows the leader's table only
  st32(REC.tgid, 2);
  st32(REC.pid, 3);
  ld(9, 8, l.fInode); // r9 = inode
  // Each field through r2 into its record word(s): [base register, field, word, 64-bit].
  const fields: [number, Slot, number, boolean][] = [
    [6, l.ctxFd, REC.fd, false], [8, l.fMode, REC.fmode, false], [7, l.start, REC.startLo, true],
    [9, l.iIno, REC.inoLo, true], [9, l.iSize, REC.sizeLo, true], [9, l.iMode, REC.mode, false], [9, l.iUid, REC.uid, false],
  ];
  for (const [base, f, word, wide] of fields) {
    ld(2, base, f);
    if (wide) st64(word, 2);
    else st32(word, 2);
  }
  ld(2, 9, l.iSb); // r2 = super_block
  ld(2, 2, l.sDev);
  st32(REC.dev, 2);
  set32(REC.fillUsed, 0);
  set32(REC.fillPages, 0);
  set32(REC.fill, FILL_NONE);
  set32(REC.path, 0);
  // The path of a FIFO (not an anonymous pipe), of a regular file on one of path.regularDevs (shm, mqueue, memfd) and
  // of an anonymous inode, as readlink of /proc/PID/fd/N gives it (bpf_d_path, allowed in iterators, is the same d_path
  // from the same root, ours): written after the record in blocks of its size. Longer than PATH_MAX_BYTES: none.
  const PATH_BUF = rec - 72 - PATH_MAX_BYTES;
  if (path) {
    const toPath: number[] = [];
    const noPath: number[] = [];
    ld(2, 9, l.iMode);
    op(AND64K, 2, 0, 0, 0xf000);
    op(LDXW, 4, 10, rec + REC.dev * 4, 0); // r4 = s_dev
    if (path.anonDev !== null) toPath.push(op(JEQ32K, 4, 0, 0, path.anonDev | 0));
    const notFifo = op(JNEK, 2, 0, 0, 0x1000);
    noPath.push(op(JEQ32K, 4, 0, 0, path.pipeDev | 0));
    toPath.push(op(JA, 0, 0, 0, 0));
    ins[notFifo]![3] = ins.length - notFifo - 1;
    noPath.push(op(JNEK, 2, 0, 0, 0x8000));
    for (const d of path.regularDevs) toPath.push(op(JEQ32K, 4, 0, 0, d | 0));
    noPath.push(op(JA, 0, 0, 0, 0));
    const call = op(MOV64X, 1, 8, 0, 0);
    for (const j of toPath) ins[j]![3] = call - j - 1;
    op(ADD64K, 1, 0, 0, path.fPath); // r1 = &file->f_path
    op(MOV64X, 2, 10, 0, 0);
    op(ADD64K, 2, 0, 0, PATH_BUF);
    op(MOV64K, 3, 0, 0, PATH_MAX_BYTES);
    op(CALL, 0, 0, 0, BPF_FUNC_D_PATH);
    noPath.push(op(JSLEK, 0, 0, 0, 0));
    noPath.push(op(JGTK, 0, 0, 0, PATH_MAX_BYTES));
    st32(REC.path, 0);
    for (const j of noPath) ins[j]![3] = ins.length - j - 1;
  }
  if (sock) {
    // A Unix socket's in-flight fds as its fdinfo counts them (unix_show_fdinfo): scm_stat.nr_fds of a dgram
    // or an established socket, none for other states, and for a listener the sum over the connections in its
    // accept queue, which a program cannot walk: FILL_UNSURE (fdinfo is read). Every pointer read with
    // bpf_probe_read_kernel (private_data is a plain void *); a failed read is FILL_UNSURE too.
    const SPAN_SOCKET = rec - 32;
    const SPAN_COMMON = rec - 64;
    const SCR_NR = rec - 72;
    ld(2, 9, l.iMode);
    op(AND64K, 2, 0, 0, 0xf000);
    const notSocket = op(JNEK, 2, 0, 0, 0xc000);
    const toSockUnsure: number[] = [];
    ld(3, 8, sock.fPrivate); // r3 = struct socket *
    toSockUnsure.push(op(JEQK, 3, 0, 0, 0));
    const read = (to: number, len: number, base: number, off: number): void => {
      op(MOV64X, 1, 10, 0, 0);
      op(ADD64K, 1, 0, 0, to);
      op(MOV64K, 2, 0, 0, len);
      if (base !== 3) op(MOV64X, 3, base, 0, 0);
      op(ADD64K, 3, 0, 0, off);
      op(CALL, 0, 0, 0, BPF_FUNC_PROBE_READ_KERNEL);
      toSockUnsure.push(op(JNEK, 0, 0, 0, 0));
    };
    const { socketSpan: ss, commonSpan: cs } = sock;
    read(SPAN_SOCKET, ss.len, 3, ss.start);
    op(LDX[8], 7, 10, SPAN_SOCKET + ss.sk.off, 0); // r7 = sk
    toSockUnsure.push(op(JEQK, 7, 0, 0, 0));
    op(LDX[2], 9, 10, SPAN_SOCKET + ss.type.off, 0); // r9 = type
    read(SPAN_COMMON, cs.len, 7, cs.start);
    op(LDX[2], 2, 10, SPAN_COMMON + cs.family.off, 0);
    toEmit.push(op(JNEK, 2, 0, 0, 1)); // not AF_UNIX: no count (FILL_NONE)
    op(LDX[1], 2, 10, SPAN_COMMON + cs.state.off, 0);
    const dgram = op(JEQK, 9, 0, 0, 2); // SOCK_DGRAM
    const established = op(JEQK, 2, 0, 0, 1); // TCP_ESTABLISHED
    toSockUnsure.push(op(JEQK, 2, 0, 0, 10)); // TCP_LISTEN
    set32(REC.fillUsed, 0); // any other state: fdinfo prints 0
    set32(REC.fill, FILL_READ);
    toEmit.push(op(JA, 0, 0, 0, 0));
    const count = ins.length;
    ins[dgram]![3] = count - dgram - 1;
    ins[established]![3] = count - established - 1;
    read(SCR_NR, 4, 7, sock.nrFds);
    op(LDXW, 2, 10, SCR_NR, 0);
    st32(REC.fillUsed, 2);
    set32(REC.fill, FILL_READ);
    toEmit.push(op(JA, 0, 0, 0, 0));
    const sockUnsure = set32(REC.fill, FILL_UNSURE);
    for (const j of toSockUnsure) ins[j]![3] = sockUnsure - j - 1;
    toEmit.push(op(JA, 0, 0, 0, 0));
    ins[notSocket]![3] = ins.length - notSocket - 1;
  }
  if (pipe) {
    // The fill of a pipe or FIFO read end, as FIONREAD counts it: the lengths of the ring's slots from tail to
    // head, and F_GETPIPE_SZ's max_usage (pages). Read without the pipe's lock (a program cannot take it): exact
    // for a pipe at rest; for one written or read meanwhile, from moments microseconds apart.
    const SCR_BUFS = rec - 8;
    const SCR_MASK = rec - 16;
    const SCR_TAIL = rec - 24;
    const SCR_TMP = rec - 32;
    ld(2, 9, l.iMode);
    op(AND64K, 2, 0, 0, 0xf000);
    toEmit.push(op(JNEK, 2, 0, 0, 0x1000)); // not S_IFIFO
    ld(2, 8, l.fMode);
    op(AND64K, 2, 0, 0, 1);
    toEmit.push(op(JEQK, 2, 0, 0, 0)); // not open for reading (FMODE_READ)
    ld(9, 9, pipe.iPipe); // r9 = pipe_inode_info
    toEmit.push(op(JEQK, 9, 0, 0, 0));
    ld(2, 9, pipe.maxUsage);
    st32(REC.fillPages, 2);
    // bufs, as a plain number (its slots are read with bpf_probe_read_kernel at computed addresses).
    op(MOV64X, 1, 10, 0, 0);
    op(ADD64K, 1, 0, 0, SCR_BUFS);
    op(MOV64K, 2, 0, 0, 8);
    op(MOV64X, 3, 9, 0, 0);
    op(ADD64K, 3, 0, 0, pipe.bufs.off);
    op(CALL, 0, 0, 0, BPF_FUNC_PROBE_READ_KERNEL);
    toUnsure.push(op(JNEK, 0, 0, 0, 0));
    if (pipe.headTail) {
      ld(2, 9, pipe.headTail); // one load: head (low half) and tail (high half) of the same moment
      op(MOV64X, 3, 2, 0, 0);
      op(RSH64K, 3, 0, 0, 32);
      op(MOV32X, 2, 2, 0, 0);
    } else {
      ld(2, 9, pipe.head);
      ld(3, 9, pipe.tail);
    }
    ld(4, 9, pipe.ringSize);
    op(MOV64X, 8, 2, 0, 0);
    op(SUB64X, 8, 3, 0, 0);
    op(MOV32X, 8, 8, 0, 0); // r8 = slots in use (head - tail, as the u32 indexes wrap)
    toUnsure.push(op(JGTX, 8, 4, 0, 0)); // more than the ring holds: head and tail of different moments
    op(ADD64K, 4, 0, 0, -1);
    op(STXDW, 10, 4, SCR_MASK, 0);
    op(STXDW, 10, 3, SCR_TAIL, 0);
    op(MOV64K, 7, 0, 0, 0); // r7 = slots summed
    op(MOV64K, 9, 0, 0, 0); // r9 = bytes
    const loop = op(JGEK, 7, 0, 0, FILL_MAX_SLOTS);
    toUnsure.push(loop);
    const toDone = op(JEQX, 7, 8, 0, 0);
    op(LDXDW, 3, 10, SCR_TAIL, 0);
    op(ADD64X, 3, 7, 0, 0);
    op(LDXDW, 2, 10, SCR_MASK, 0);
    op(AND64X, 3, 2, 0, 0);
    op(MUL64K, 3, 0, 0, pipe.bufSize);
    op(LDXDW, 2, 10, SCR_BUFS, 0);
    op(ADD64X, 3, 2, 0, 0);
    op(ADD64K, 3, 0, 0, pipe.bufLen.off); // r3 = &bufs[(tail + i) & mask].len
    op(MOV64X, 1, 10, 0, 0);
    op(ADD64K, 1, 0, 0, SCR_TMP);
    op(MOV64K, 2, 0, 0, 4);
    op(CALL, 0, 0, 0, BPF_FUNC_PROBE_READ_KERNEL);
    toUnsure.push(op(JNEK, 0, 0, 0, 0));
    op(LDXW, 1, 10, SCR_TMP, 0);
    op(ADD64X, 9, 1, 0, 0);
    op(ADD64K, 7, 0, 0, 1);
    const back = op(JA, 0, 0, 0, 0);
    ins[back]![3] = loop - back - 1;
    ins[toDone]![3] = ins.length - toDone - 1;
    st32(REC.fillUsed, 9);
    set32(REC.fill, FILL_READ);
    toEmit.push(op(JA, 0, 0, 0, 0));
    const unsure = set32(REC.fill, FILL_UNSURE);
    for (const j of toUnsure) ins[j]![3] = unsure - j - 1;
  }
  const emit = ld(1, 6, l.ctxMeta);
  for (const j of toEmit) ins[j]![3] = emit - j - 1;
  ld(1, 1, l.metaSeq); // r1 = seq
  op(MOV64X, 2, 10, 0, 0);
  op(ADD64K, 2, 0, 0, rec); // r2 = record
  op(MOV64K, 3, 0, 0, RECORD_BYTES);
  op(CALL, 0, 0, 0, BPF_FUNC_SEQ_WRITE);
  if (path) {
    // The path's blocks: as many records' worth as it needs (a constant size on each branch, as the verifier wants).
    op(LDXW, 2, 10, rec + REC.path * 4, 0);
    a.exits.push(op(JEQK, 2, 0, 0, 0));
    const toWrite: number[] = [];
    for (let blocks = 1; blocks < PATH_MAX_BYTES / RECORD_BYTES; blocks++) {
      const more = op(JGTK, 2, 0, 0, blocks * RECORD_BYTES);
      op(MOV64K, 3, 0, 0, blocks * RECORD_BYTES);
      toWrite.push(op(JA, 0, 0, 0, 0));
      ins[more]![3] = ins.length - more - 1;
    }
    op(MOV64K, 3, 0, 0, PATH_MAX_BYTES);
    const write = ld(1, 6, l.ctxMeta);
    for (const j of toWrite) ins[j]![3] = write - j - 1;
    ld(1, 1, l.metaSeq);
    op(MOV64X, 2, 10, 0, 0);
    op(ADD64K, 2, 0, 0, PATH_BUF);
    op(CALL, 0, 0, 0, BPF_FUNC_SEQ_WRITE);
  }
  return a.finish();
}

/**
 * What the fd program needs to write paths: the offset of file.f_path, and the devices (the kernel's dev_t
 * encoding) of pipefs (no path: anonymous pipes), of the regular files wanted (shm, mqueue, memfd) and of
 * anonymous inodes (eventfd, signalfd: their link text says which), or null.
 */
export interface PathPlan {
  fPath: number;
  pipeDev: number;
  regularDevs: readonly number[];
  anonDev: number | null;
}

/** The number of RECORD_WORDS-word blocks after record `r` (its path), 0 without one. */
export function pathBlocks(words: Uint32Array, r: number): number {
  const len = words[r * RECORD_WORDS + REC.path]!;
  return len === 0 ? 0 : Math.ceil(Math.min(len, PATH_MAX_BYTES) / RECORD_BYTES);
}

/** The path of record `r` (a copy, without the NUL), or null when it has none. */
export function recordPath(words: Uint32Array, r: number): Buffer | null {
  const len = words[r * RECORD_WORDS + REC.path]!;
  if (len < 2 || len > PATH_MAX_BYTES) return null;
  return Buffer.from(new Uint8Array(words.buffer, words.byteOffset + (r + 1) * RECORD_BYTES, len - 1));
}

/** The mapping iterator's fields (bpf_iter task_vma, Linux 5.12+), besides the fd program's. */
const VMA_FIELDS = {
  ctxMeta: ['bpf_iter__task_vma', 'meta'],
  ctxTask: ['bpf_iter__task_vma', 'task'],
  ctxVma: ['bpf_iter__task_vma', 'vma'],
  vmFile: ['vm_area_struct', 'vm_file'],
} as const;
export type VmaLayout = Layout & Record<`vma_${keyof typeof VMA_FIELDS}`, { off: number; size: number }>;

/** The fd layout plus the mapping iterator's fields; a string naming the first one missing. */
export function vmaLayoutFromBtf(btf: Btf, base: Layout): VmaLayout | string {
  const out: Record<string, { off: number; size: number }> = { ...base };
  for (const [key, [struct, member]] of Object.entries(VMA_FIELDS)) {
    const off = btf.memberOffset(struct, member);
    const size = btf.memberSize(struct, member);
    if (off < 0 || off > 0x7fff || size !== 8) return `kernel BTF has no usable ${struct}.${member}`;
    out[`vma_${key}`] = { off, size };
  }
  return out as VmaLayout;
}

/** One record of the mapping iterator, in 32-bit words: tgid, s_dev, start_boottime (64). */
export const VMA_RECORD_WORDS = 4;

/**
 * The mapping iterator's program: for a leader's mapping of a file on one of `kdevs` (the kernel's dev_t
 * encoding), one record of VMA_RECORD_WORDS words. Nothing for other mappings, other threads or the end.
 */
export function assembleVma(l: VmaLayout, kdevs: readonly number[]): Uint8Array {
  const a = new Asm();
  const { ins, exits } = a;
  const op = a.op.bind(a);
  const ld = a.ld.bind(a);
  const rec = -VMA_RECORD_WORDS * 4;
  const emits: number[] = [];
  a.prologue(l.vma_ctxTask, l.vma_ctxVma); // r7 = task, r8 = vma
  a.leaderOnly(l); // the leader's view of the (shared) address space only
  ld(9, 8, l.vma_vmFile); // r9 = file
  exits.push(op(JEQK, 9, 0, 0, 0)); // anonymous memory
  ld(9, 9, l.fInode);
  ld(9, 9, l.iSb);
  ld(4, 9, l.sDev);
  for (const d of kdevs) emits.push(op(JEQ32K, 4, 0, 0, d | 0));
  exits.push(op(JA, 0, 0, 0, 0));
  const emit = op(STXW, 10, 2, rec, 0);
  op(STXW, 10, 4, rec + 4, 0);
  ld(2, 7, l.start);
  op(STXDW, 10, 2, rec + 8, 0);
  ld(1, 6, l.vma_ctxMeta);
  ld(1, 1, l.metaSeq);
  op(MOV64X, 2, 10, 0, 0);
  op(ADD64K, 2, 0, 0, rec);
  op(MOV64K, 3, 0, 0, VMA_RECORD_WORDS * 4);
  op(CALL, 0, 0, 0, BPF_FUNC_SEQ_WRITE);
  for (const j of emits) ins[j]![3] = emit - j - 1;
  return a.finish();
}

function encode(ins: readonly [number, number, number, number, number][]): Uint8Array {
  const code = new Uint8Array(ins.length * 8);
  const dv = new DataView(code.buffer);
  ins.forEach(([c, dst, src, off, imm], i) => {
    code[i * 8] = c;
    code[i * 8 + 1] = dst | (src << 4);
    dv.setInt16(i * 8 + 2, off, true);
    dv.setInt32(i * 8 + 4, imm, true);
  });
  return code;
}

interface Loaded {
  prog: number;
  link: number;
}

/** What BTF told, once per process: the layouts and the iterators' function ids (or why not). */
interface KernelFacts {
  fdAttach: number;
  fd: Layout;
  /** The pipe ring's layout (fills read by the fd program), null when BTF does not have it as expected. */
  pipe: PipeLayout | null;
  /** Unix sockets' fields (in-flight counts read by the fd program), null when BTF does not have them as expected. */
  sock: SockLayout | null;
  /** Offset of file.f_path (a struct path of 16 bytes), null when BTF does not have it so. */
  fPath: number | null;
  vma: { attach: number; layout: VmaLayout } | string;
}

let facts: KernelFacts | string | null = null;
let loaded: Loaded | null = null;
let reason: string | null = null;
let tried = false;
/** The mapping program, for one set of devices (key), or why it cannot be loaded. */
let vmaLoaded: { key: string; it: Loaded } | null = null;
let vmaReason: string | null = null;
/** Why the fd program does not read pipe fills (they are sampled by syscalls then), null when it does. */
let fillReason: string | null = null;
/** Why the fd program does not read Unix sockets' in-flight counts (fdinfo is read then), null when it does. */
let inflightReason: string | null = null;
/** Why the fd program does not write paths (links are read through /proc/PID/fd then), null when it does. */
let pathReason: string | null = null;
/** pathKey() of the devices the loaded fd program writes paths for. */
let loadedPaths = '';

/** Whether the fd iterator is in use in this thread, and if not, why (null until first asked). */
export function fdIterStatus(): { usable: boolean; reason: string | null; mappings: string | null; fills: string | null; inflight: string | null; paths: string | null } {
  return { usable: loaded !== null, reason, mappings: vmaReason, fills: fillReason, inflight: inflightReason, paths: pathReason };
}

function closeLoaded(x: Loaded): void {
  const c = libc();
  for (const fd of [x.link, x.prog]) {
    c.close(fd);
    inspectorFds.delete(fd);
  }
}

/** Tests: forget the outcome (and close the programs) so that the next read tries again. */
export function resetFdIter(): void {
  if (loaded) closeLoaded(loaded);
  if (vmaLoaded) closeLoaded(vmaLoaded.it);
  loaded = null;
  vmaLoaded = null;
  reason = null;
  vmaReason = null;
  fillReason = null;
  inflightReason = null;
  pathReason = null;
  loadedPaths = '';
  tried = false;
  facts = null;
}

/** The layouts from the kernel's BTF (read once), or why the iterators cannot be used here. */
function kernelFacts(): KernelFacts | string {
  if (facts) return facts;
  if (process.env['IPC_INSPECTOR_BPF'] === '0') return 'turned off (IPC_INSPECTOR_BPF=0)';
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return `not on ${process.platform}/${process.arch}`;
  // A tracing program needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): without them, say so before reading BTF.
  if (!mayLoadTracing()) return 'bpf(2) not permitted (needs CAP_BPF and CAP_PERFMON)';
  // Its records carry the kernel's global pids and uids: only where they are the ones /proc shows us.
  try {
    if (readlinkSync('/proc/self/ns/pid') !== INIT_PID_NS || readlinkSync('/proc/self/ns/user') !== INIT_USER_NS) return 'not in the initial pid and user namespaces';
  } catch {
    return 'namespaces unreadable';
  }
  // /proc/PID/stat's start time is shifted by the reader's time namespace, and records are matched by it.
  if (timeNamespace() !== INIT_TIME_NS) return 'not in the initial time namespace';
  const structs = [...new Set([...Object.values(FIELDS), ...Object.values(VMA_FIELDS), ...Object.values(PIPE_FIELDS), ...Object.values(SOCK_FIELDS)].map(([struct]) => struct))];
  facts = withKernelBtf((blob): KernelFacts | string => {
    const btf = parseBtf(blob, structs, ['bpf_iter_task_file', 'bpf_iter_task_vma']);
    if (!btf) return 'kernel BTF unreadable';
    const id = btf.funcId('bpf_iter_task_file');
    if (id < 0) return 'kernel without the task_file iterator';
    const l = layoutFromBtf(btf);
    if (typeof l === 'string') return l;
    const vmaId = btf.funcId('bpf_iter_task_vma');
    const vl = vmaId < 0 ? 'kernel without the task_vma iterator' : vmaLayoutFromBtf(btf, l);
    return { fdAttach: id, fd: l, pipe: pipeLayoutFromBtf(btf), sock: sockLayoutFromBtf(btf), fPath: pathOffset(btf), vma: typeof vl === 'string' ? vl : { attach: vmaId, layout: vl } };
  });
  return facts;
}

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** Whether this process's effective capabilities allow loading a tracing program (false when unreadable). */
function mayLoadTracing(): boolean {
  let eff: bigint;
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (!m) return false;
    eff = BigInt(`0x${m[1]}`);
  } catch {
    return false;
  }
  const has = (cap: bigint): boolean => ((eff >> cap) & 1n) === 1n;
  return (has(CAP_BPF) || has(CAP_SYS_ADMIN)) && (has(CAP_PERFMON) || has(CAP_SYS_ADMIN));
}

/** Load `code` as an iterator program attached to the BTF function `attachId`, and link it. */
function loadIterator(code: Uint8Array, attachId: number, name: string): Loaded | string {
  const c = libc();
  const license = Buffer.from('GPL\0', 'latin1'); // bpf_seq_write is GPL-only
  const attr = new Uint8Array(128);
  const dv = new DataView(attr.buffer);
  dv.setUint32(0, BPF_PROG_TYPE_TRACING, true);
  dv.setUint32(4, code.length / 8, true);
  dv.setBigUint64(8, c.addressOf(code), true);
  dv.setBigUint64(16, c.addressOf(license), true);
  attr.set(Buffer.from(name.slice(0, 15), 'latin1'), 48); // prog_name, as bpftool shows it
  dv.setUint32(68, BPF_TRACE_ITER, true);
  dv.setUint32(108, attachId, true);
  const prog = c.bpf(BPF_PROG_LOAD, attr, attr.length);
  if (prog < 0) {
    const e = c.errnoName(c.errno());
    if (e === 'EPERM') return 'bpf(2) not permitted (needs CAP_BPF and CAP_PERFMON)';
    // Once more with the verifier's log, whose last line says why (then closed: it was refused).
    const log = new Uint8Array(64 * 1024);
    dv.setUint32(24, 1, true);
    dv.setUint32(28, log.length, true);
    dv.setBigUint64(32, c.addressOf(log), true);
    const again = c.bpf(BPF_PROG_LOAD, attr, attr.length);
    if (again >= 0) c.close(again);
    const text = Buffer.from(log).toString('latin1', 0, Math.max(0, log.indexOf(0))).trim().split('\n');
    return `program refused: ${e}${text.length && text[0] ? ` (${text.slice(-2).join(' / ').slice(0, 200)})` : ''}`;
  }
  inspectorFds.add(prog);
  const la = new Uint8Array(64);
  const lv = new DataView(la.buffer);
  lv.setUint32(0, prog, true);
  lv.setUint32(8, BPF_TRACE_ITER, true);
  const link = c.bpf(BPF_LINK_CREATE, la, la.length);
  if (link < 0) {
    const e = c.errnoName(c.errno());
    c.close(prog);
    inspectorFds.delete(prog);
    return `iterator link refused: ${e}`;
  }
  inspectorFds.add(link);
  return { prog, link };
}

/**
 * The fd program with as much as the kernel takes: pipe fills and in-flight counts, else each of them alone, else
 * neither (each part left out says why in fdIterStatus()).
 */
function load(paths: PathDevices | null): Loaded | string {
  const f = kernelFacts();
  if (typeof f === 'string') return f;
  fillReason = f.pipe ? null : 'kernel BTF without the pipe ring fields';
  inflightReason = f.sock ? null : 'kernel BTF without the Unix socket fields';
  pathReason = !paths ? 'not asked for' : f.fPath === null ? 'kernel BTF without file.f_path' : null;
  const plan: PathPlan | null = paths && f.fPath !== null
    ? {
      fPath: f.fPath,
      pipeDev: userDevToKernel(paths.pipeDev),
      regularDevs: paths.regular.filter((d): d is number => d !== null).map(userDevToKernel),
      anonDev: paths.anonDev === null ? null : userDevToKernel(paths.anonDev),
    }
    : null;
  // Everything, then without the paths, then without the counts, then without the fills.
  const tries: [PipeLayout | null, SockLayout | null, PathPlan | null][] = [
    [f.pipe, f.sock, plan], [f.pipe, f.sock, null], [f.pipe, null, null], [null, f.sock, null], [null, null, null],
  ];
  let refused: string | null = null;
  const seen = new Set<string>();
  for (const [pipe, sock, path] of tries) {
    const key = `${pipe !== null}${sock !== null}${path !== null}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const got = loadIterator(assemble(f.fd, pipe, sock, path), f.fdAttach, 'ipci_fds');
    if (typeof got !== 'string') {
      if (refused !== null) {
        if (f.pipe && !pipe) fillReason = refused;
        if (f.sock && !sock) inflightReason = refused;
        if (plan && !path) pathReason = refused;
      }
      return got;
    }
    refused ??= got;
  }
  return refused ?? 'fd program refused';
}

const BTF_PATH = '/sys/kernel/btf/vmlinux';

/**
 * `use` on the kernel's BTF: mapped read-only and private where the kernel allows it (Linux 6.16+: no copy of
 * its 5 MB, which sysfs hands out a page per read(2), about 12 ms), else read. The mapping is of the kernel's
 * own blob, which nobody can truncate, and is gone when `use` returns: nothing `use` returns may refer to it.
 */
function withKernelBtf<T>(use: (blob: Uint8Array) => T | string): T | string {
  const c = libc();
  const fd = c.open(BTF_PATH, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return `no kernel BTF (${BTF_PATH}: ${c.errnoName(c.errno())})`;
  inspectorFds.add(fd);
  try {
    const size = fstatSync(fd).size;
    const m = size > 0 ? c.mapReadOnly(fd, size) : null;
    if (m) {
      try {
        return use(m.bytes);
      } finally {
        m.unmap();
      }
    }
    return use(readFileSync(fd));
  } catch {
    return `kernel BTF unreadable (${BTF_PATH})`;
  } finally {
    c.close(fd);
    inspectorFds.delete(fd);
  }
}

let buf = new Uint8Array(1 << 20);

/** Devices of the files whose paths the fd program writes (userspace st_dev numbers, as statx gives them). */
export interface PathDevices {
  /** pipefs: FIFOs elsewhere get their path, anonymous pipes none. */
  pipeDev: number;
  /** Regular files on these (shm, mqueue, memfd). */
  regular: readonly (number | null)[];
  /** Anonymous inodes (eventfd, signalfd), or null. */
  anonDev: number | null;
}

function pathKey(p: PathDevices | null): string {
  return p ? `${p.pipeDev};${p.regular.join(',')};${p.anonDev}` : '';
}

/**
 * The fd program, loaded on first use (whether it loads, and why not, is remembered), and again when asked for
 * paths of other devices than it was assembled for (a mount of /dev/mqueue since, say).
 */
function fdIterator(paths: PathDevices | null = null): Loaded | null {
  const key = pathKey(paths);
  if (loaded && key !== loadedPaths) {
    closeLoaded(loaded);
    loaded = null;
    tried = false;
  }
  if (!tried) {
    tried = true;
    const got = load(paths);
    if (typeof got === 'string') reason = got;
    else {
      loaded = got;
      loadedPaths = key;
    }
  }
  return loaded;
}

/**
 * Every fd of every thread-group leader, now, or null when the iterator is not usable here (see
 * fdIterStatus) or a read failed (the caller then reads /proc). Only the thread that loaded it reads it.
 */
export function readFdTable(paths: PathDevices | null = null): FdTable | null {
  const fd = fdIterator(paths);
  if (!fd) return null;
  const len = readIterator(fd);
  return len < 0 ? null : indexRecords(buf.subarray(0, len - (len % RECORD_BYTES)));
}

/** Everything one run of the iterator writes, into `buf` (grown as needed); its length, -1 when a call failed. */
function readIterator(x: Loaded): number {
  const c = libc();
  const ia = new Uint8Array(8);
  new DataView(ia.buffer).setUint32(0, x.link, true);
  const it = c.bpf(BPF_ITER_CREATE, ia, ia.length);
  if (it < 0) return -1;
  inspectorFds.add(it);
  let len = 0;
  try {
    for (;;) {
      if (buf.length - len < 64 * 1024) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf.subarray(0, len));
        buf = bigger;
      }
      const n = c.read(it, buf.subarray(len), buf.length - len);
      if (n === 0) return len;
      if (n < 0) {
        // EAGAIN: a million tasks' files visited without a record (threads with tables of their own): go on.
        const e = c.errnoName(c.errno());
        if (e === 'EINTR' || e === 'EAGAIN') continue;
        return -1;
      }
      len += n;
    }
  } finally {
    c.close(it);
    inspectorFds.delete(it);
  }
}

/** The iterators of a scan, loaded by the scanning thread; any thread of the process may run them. */
export interface IterPlan {
  fdLink: number;
  /** -1: no mapping iterator (no devices asked for, or it could not be loaded). */
  vmaLink: number;
}

/**
 * Load the fd iterator and, for `devs`, the mapping iterator (once; again when the devices change); null when
 * the fd iterator is not usable here (fdIterStatus() says why).
 */
export function prepareIterators(devs: readonly { major: number; minor: number }[], paths: PathDevices | null = null): IterPlan | null {
  const fd = fdIterator(paths);
  if (!fd) return null;
  return { fdLink: fd.link, vmaLink: devs.length ? mappingIterator(devs)?.link ?? -1 : -1 };
}

/** The mapping program for these devices, loaded (or reloaded) as needed; null when it cannot be. */
function mappingIterator(devs: readonly { major: number; minor: number }[]): Loaded | null {
  const f = kernelFacts();
  if (typeof f === 'string') return null;
  if (typeof f.vma === 'string') {
    vmaReason = f.vma;
    return null;
  }
  const kdevs = devs.map((d) => ((d.major << 20) | d.minor) >>> 0);
  const key = kdevs.join(',');
  if (vmaLoaded?.key === key) return vmaLoaded.it;
  if (vmaLoaded) closeLoaded(vmaLoaded.it);
  vmaLoaded = null;
  if (vmaReason !== null && vmaReason.startsWith(`${key}:`)) return null; // refused for these devices before
  const got = loadIterator(assembleVma(f.vma.layout, kdevs), f.vma.attach, 'ipci_maps');
  if (typeof got === 'string') {
    vmaReason = `${key}: ${got}`;
    return null;
  }
  vmaLoaded = { key, it: got };
  vmaReason = null;
  return got;
}

/**
 * Where one thread of a scan leaves the iterators' output for the others: growable shared buffers for the fd
 * records and the mapper pairs, and `meta` (Int32Array): [state, fd record bytes, mapper pair count (-1: none),
 * read time in µs, reader (0 the scanning thread, 1 + i helper i)]. State: TABLES_UNCLAIMED, then TABLES_READING by the thread that claimed the read, then
 * TABLES_READY or TABLES_FAILED.
 */
export interface TableShare {
  meta: SharedArrayBuffer;
  fd: SharedArrayBuffer;
  maps: SharedArrayBuffer;
}
export const TABLES_UNCLAIMED = 0;
export const TABLES_READING = 1;
export const TABLES_READY = 2;
export const TABLES_FAILED = 3;
/** Records of up to 4 million fds (the buffers grow to what a scan needs, this only bounds them). */
const SHARE_MAX_BYTES = 256 * 1024 * 1024;

let share: TableShare | null = null;

/** The scanning thread's share (one, reused by every scan of this thread: scans are synchronous), reset. */
export function tableShare(): TableShare {
  share ??= {
    meta: new SharedArrayBuffer(32),
    fd: new SharedArrayBuffer(0, { maxByteLength: SHARE_MAX_BYTES }),
    maps: new SharedArrayBuffer(0, { maxByteLength: SHARE_MAX_BYTES / 8 }),
  };
  new Int32Array(share.meta).fill(0);
  return share;
}

/** Copy `bytes` to the start of a growable shared buffer (grown as needed); false when it cannot hold them. */
function putShared(into: SharedArrayBuffer, bytes: Uint8Array): boolean {
  if (into.byteLength < bytes.length) {
    if (bytes.length > into.maxByteLength) return false;
    into.grow(bytes.length);
  }
  new Uint8Array(into, 0, bytes.length).set(bytes);
  return true;
}

/**
 * Run the plan's iterators into the share (the caller has claimed the read: state TABLES_READING) and publish
 * the outcome (TABLES_READY or TABLES_FAILED), waking the threads waiting for it.
 */
export function readTablesInto(plan: IterPlan, to: TableShare, reader = 0): void {
  const meta = new Int32Array(to.meta);
  meta[4] = reader;
  const t0 = performance.now();
  let ok = false;
  try {
    ok = readInto(plan, to, meta);
  } catch {
    ok = false; // (a buffer that cannot grow: the /proc walk for everyone)
  } finally {
    meta[3] = Math.round((performance.now() - t0) * 1000);
    Atomics.store(meta, 0, ok ? TABLES_READY : TABLES_FAILED);
    Atomics.notify(meta, 0);
  }
}

/** The fd records (and the mapper pairs, when there is a mapping iterator) into the share; false if no records. */
function readInto(plan: IterPlan, to: TableShare, meta: Int32Array): boolean {
  const n = readIterator({ prog: -1, link: plan.fdLink });
  const bytes = n - (n % RECORD_BYTES);
  if (n < 0 || !putShared(to.fd, buf.subarray(0, bytes))) return false;
  meta[1] = bytes;
  meta[2] = -1;
  if (plan.vmaLink >= 0) {
    const pairs = mapperPairs(readIterator({ prog: -1, link: plan.vmaLink }));
    if (pairs && putShared(to.maps, new Uint8Array(pairs.buffer))) meta[2] = pairs.length / 2;
  }
  return true;
}

/** The tables a share holds (views of it, indexed for this thread), or null when it holds none. */
export function tablesFrom(from: TableShare): { fdTable: FdTable; mappers: MapperTable | null } | null {
  const meta = new Int32Array(from.meta);
  if (Atomics.load(meta, 0) !== TABLES_READY) return null;
  const fdTable = indexWords(new Uint32Array(from.fd, 0, meta[1]! / 4));
  const mappers = meta[2]! >= 0 ? { pairs: new Float64Array(from.maps, 0, meta[2]! * 2) } : null;
  return { fdTable, mappers };
}

/** [tgid, start ticks] pairs of the mapping iterator's output of `len` bytes in `buf`, each tgid once; null if len < 0. */
function mapperPairs(len: number): Float64Array | null {
  if (len < 0) return null;
  const words = new Uint32Array(buf.buffer, buf.byteOffset, (len - (len % (VMA_RECORD_WORDS * 4))) / 4);
  const seen = new Map<number, number>();
  for (let k = 0; k + VMA_RECORD_WORDS <= words.length; k += VMA_RECORD_WORDS) {
    const tgid = words[k]!;
    if (!seen.has(tgid)) seen.set(tgid, startTicks(words, k / VMA_RECORD_WORDS, VMA_RECORD_WORDS, 2));
  }
  const pairs = new Float64Array(seen.size * 2);
  let i = 0;
  seen.forEach((start, tgid) => {
    pairs[i++] = tgid;
    pairs[i++] = start;
  });
  return pairs;
}

/** Processes that map a file of some devices: tgids with their start times (/proc/PID/stat ticks), in pairs. */
export interface MapperTable {
  /** [tgid, start ticks] pairs, each process once. */
  pairs: Float64Array;
}

/**
 * Every process (thread-group leader) that maps a file on one of `devs` (userspace st_dev numbers), now, in
 * one run of a task_vma iterator whose program compares each mapping's device in the kernel; null when that
 * iterator is not usable here (fdIterStatus().mappings says why) or a read failed. A process it does not list
 * mapped no such file when the iterator ran (if it existed then: check its start time against the fd table's).
 */
export function readMapperTable(devs: readonly { major: number; minor: number }[]): MapperTable | null {
  if (!loaded || devs.length === 0) return null;
  const it = mappingIterator(devs);
  const pairs = it ? mapperPairs(readIterator(it)) : null;
  return pairs ? { pairs } : null;
}

/** Records (copied into shared memory) grouped by tgid; a tgid met in two separate runs is left out (unusable). */
export function indexRecords(bytes: Uint8Array): FdTable {
  const shared = new Uint8Array(new SharedArrayBuffer(Math.max(4, bytes.length)));
  shared.set(bytes);
  return indexWords(new Uint32Array(shared.buffer, 0, bytes.length / 4));
}

/** The records in `words` (not copied) grouped by tgid, as indexRecords. */
export function indexWords(words: Uint32Array): FdTable {
  const n = Math.floor(words.length / RECORD_WORDS);
  const pids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const seen = new Map<number, number>();
  const bad = new Set<number>();
  // (A record with a path is followed by its blocks: ranges hold them, and a range never ends inside them.)
  for (let i = 0, next = 0; i < n; i = next) {
    next = i + 1 + pathBlocks(words, i);
    if (next > n) break; // (cut short: not a whole record)
    const tgid = words[i * RECORD_WORDS + REC.tgid]!;
    if (pids.length && pids[pids.length - 1] === tgid) {
      ends[ends.length - 1] = next;
      continue;
    }
    if (seen.has(tgid)) bad.add(tgid);
    seen.set(tgid, pids.length);
    pids.push(tgid);
    starts.push(i);
    ends.push(next);
  }
  if (bad.size) {
    for (let k = pids.length - 1; k >= 0; k--) {
      if (bad.has(pids[k]!)) {
        pids.splice(k, 1);
        starts.splice(k, 1);
        ends.splice(k, 1);
      }
    }
  }
  return { words, pids: Int32Array.from(pids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** start_boottime (ns) of a record as /proc/PID/stat's starttime field (clock ticks, USER_HZ 100). */
export function startTicks(words: Uint32Array, rec: number, recordWords: number = RECORD_WORDS, at: number = REC.startLo): number {
  const ns = words[rec * recordWords + at]! + words[rec * recordWords + at + 1]! * 2 ** 32;
  return (ns - (ns % 10_000_000)) / 10_000_000;
}
