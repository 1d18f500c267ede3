// Pure builders and parsers for NETLINK_SOCK_DIAG messages (no koffi): requests as bytes, replies to records.
// Every parser reads defensively: a truncated or malformed buffer yields what was readable, never a throw.

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_DUMP = 0x300;
/** The dump was interrupted by a change (results may be inconsistent). */
export const NLM_F_DUMP_INTR = 0x10;
export const SOCK_DIAG_BY_FAMILY = 20;

export const UDIAG_SHOW_NAME = 0x01;
export const UDIAG_SHOW_VFS = 0x02;
export const UDIAG_SHOW_PEER = 0x04;
export const UDIAG_SHOW_ICONS = 0x08;
export const UDIAG_SHOW_RQLEN = 0x10;
export const UDIAG_SHOW_MEMINFO = 0x20;
export const UDIAG_SHOW_UID = 0x40;

const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_VFS = 1;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_ICONS = 3;
const UNIX_DIAG_RQLEN = 4;
const UNIX_DIAG_SHUTDOWN = 6;
const UNIX_DIAG_UID = 7;

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  portId: number;
  payload: Buffer;
}

export interface NetlinkParse {
  messages: NetlinkMessage[];
  /** The buffer ended inside a message (or a header claimed an impossible length). */
  truncated: boolean;
}

/** Split a recv()'d buffer into netlink messages. */
export function parseNetlinkMessages(buf: Buffer): NetlinkParse {
  const messages: NetlinkMessage[] = [];
  let off = 0;
  let truncated = false;
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) {
      truncated = true;
      break;
    }
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || len > buf.length - off) {
      truncated = true;
      break;
    }
    messages.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      portId: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return { messages, truncated };
}

export interface Rtattr {
  type: number;
  data: Buffer;
}

/** Split a run of rtattrs (struct rtattr { u16 len; u16 type; } + data, 4-byte aligned). */
export function parseRtattrs(buf: Buffer): { attrs: Rtattr[]; truncated: boolean } {
  const attrs: Rtattr[] = [];
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || len > buf.length - off) return { attrs, truncated: true };
    attrs.push({ type: buf.readUInt16LE(off + 2) & 0x3fff, data: buf.subarray(off + 4, off + len) });
    off += align4(len);
  }
  return { attrs, truncated: off < buf.length };
}

/** Build a sock_diag dump request for AF_UNIX: all states, the given UDIAG_SHOW_* bits. */
export function buildUnixDiagRequest(seq: number, show: number): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + 24);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  b.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  b.writeUInt32LE(seq >>> 0, 8);
  b.writeUInt32LE(0, 12);
  const o = NLMSG_HDRLEN;
  b.writeUInt8(1 /* AF_UNIX */, o);
  b.writeUInt8(0, o + 1);
  b.writeUInt32LE(0xffffffff, o + 4); // udiag_states: every state
  b.writeUInt32LE(0, o + 8); // udiag_ino: 0 = all (dump)
  b.writeUInt32LE(show >>> 0, o + 12);
  b.writeUInt32LE(0xffffffff, o + 16); // cookie: ignored by dumps
  b.writeUInt32LE(0xffffffff, o + 20);
  return b;
}

export interface UnixDiagRecord {
  /** SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5. */
  type: number;
  /** TCP_* state as the kernel uses for unix sockets: 1 established, 7 close, 10 listen, ... */
  state: number;
  ino: number;
  /** Raw sun_path bytes (abstract: leading NUL, may contain more NULs; path: may end with NUL). */
  name: Buffer | null;
  /** Bound file (kernel dev_t encoding, see kernelDevToUser). */
  vfs: { ino: number; dev: number } | null;
  peer: number | null;
  /** Inodes of connections waiting in a listener's accept queue. */
  icons: number[] | null;
  /** Listener: accept-queue length and max backlog; otherwise bytes readable and write memory. */
  rqlen: { rqueue: number; wqueue: number } | null;
  uid: number | null;
  shutdown: number | null;
}

/** One recv()'d buffer of a sock_diag dump, with the records a family-specific parser read. */
export interface DiagDumpParse<T> {
  sockets: T[];
  /** NLMSG_DONE (or an error) seen: the dump is complete. */
  done: boolean;
  /** errno from an NLMSG_ERROR reply or a DONE with an error code (positive), or null. */
  error: number | null;
  /** The kernel flagged the dump as interrupted (a socket table change during the dump). */
  interrupted: boolean;
  truncated: boolean;
  /** Messages or attributes that could not be read. */
  skipped: number;
}

/**
 * Framing shared by every sock_diag dump: DONE, ERROR and DUMP_INTR handling; each
 * SOCK_DIAG_BY_FAMILY payload goes to `record`, which returns null (skip) or the record and whether
 * part of it was unreadable.
 */
export function parseDiagDump<T>(
  buf: Buffer, record: (payload: Buffer) => { record: T; partial: boolean } | null, messageType = SOCK_DIAG_BY_FAMILY,
): DiagDumpParse<T> {
  return parseDiagDumpAt(buf, (b, start, end) => {
    const r = record(b.subarray(start, end));
    if (r?.partial) markPartial();
    return r ? r.record : null;
  }, messageType);
}

/** Set by a record parser of parseDiagDumpAt when part of its record was unreadable (one flag, no object per record). */
let partialRecord = false;
function markPartial(): void {
  partialRecord = true;
}

/**
 * parseDiagDump with the payload as [start, end) of `buf` (no view or message object per socket: a dump of
 * thousands of sockets is parsed where it lies); `record` calls markPartial() for a record read in part.
 */
export function parseDiagDumpAt<T>(buf: Buffer, record: (buf: Buffer, start: number, end: number) => T | null, messageType: number): DiagDumpParse<T> {
  const out: DiagDumpParse<T> = { sockets: [], done: false, error: null, interrupted: false, truncated: false, skipped: 0 };
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) {
      out.truncated = true;
      break;
    }
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || len > buf.length - off) {
      out.truncated = true;
      break;
    }
    const type = buf.readUInt16LE(off + 4);
    const start = off + NLMSG_HDRLEN;
    const end = off + len;
    off += align4(len);
    if (buf.readUInt16LE(start - NLMSG_HDRLEN + 6) & NLM_F_DUMP_INTR) out.interrupted = true;
    if (type === NLMSG_DONE || type === NLMSG_ERROR) {
      out.done = true;
      // ERROR carries an int (0 = ack); a DONE may end a failed dump with a negative errno.
      const err = end - start >= 4 ? buf.readInt32LE(start) : type === NLMSG_ERROR ? -1 : 0;
      if (err < 0 || (type === NLMSG_ERROR && err !== 0)) out.error = Math.abs(err);
      continue;
    }
    if (type !== messageType) continue;
    partialRecord = false;
    const rec = record(buf, start, end);
    if (rec) out.sockets.push(rec);
    if (!rec || partialRecord) out.skipped++;
  }
  return out;
}

export type UnixDiagParse = DiagDumpParse<UnixDiagRecord>;

/** Parse one recv()'d buffer of a unix sock_diag dump. */
export function parseUnixDiag(buf: Buffer): UnixDiagParse {
  return parseDiagDumpAt(buf, parseUnixDiagMsg, SOCK_DIAG_BY_FAMILY);
}

/** One unix_diag_msg at [base, end) of `p`. */
function parseUnixDiagMsg(p: Buffer, base: number, end: number): UnixDiagRecord | null {
  // struct unix_diag_msg { u8 family, type, state, pad; u32 ino; u32 cookie[2]; }
  if (end - base < 16 || p[base] !== 1) return null;
  const rec: UnixDiagRecord = {
    type: p[base + 1]!,
    state: p[base + 2]!,
    ino: p.readUInt32LE(base + 4),
    name: null, vfs: null, peer: null, icons: null, rqlen: null, uid: null, shutdown: null,
  };
  // The attributes are read in place (as parseRtattrs would split them): no view or object per attribute.
  let partial = false;
  let off = base + 16;
  while (off + 4 <= end) {
    const len = p.readUInt16LE(off);
    if (len < 4 || len > end - off) {
      partial = true;
      break;
    }
    const at = off + 4;
    const size = len - 4;
    switch (p.readUInt16LE(off + 2) & 0x3fff) {
      case UNIX_DIAG_NAME:
        rec.name = Buffer.from(p.subarray(at, at + size)); // copy: the receive buffer is reused
        break;
      case UNIX_DIAG_VFS:
        if (size >= 8) rec.vfs = { ino: p.readUInt32LE(at), dev: p.readUInt32LE(at + 4) };
        else partial = true;
        break;
      case UNIX_DIAG_PEER:
        if (size >= 4) rec.peer = p.readUInt32LE(at);
        else partial = true;
        break;
      case UNIX_DIAG_ICONS: {
        const icons: number[] = [];
        for (let i = 0; i + 4 <= size; i += 4) icons.push(p.readUInt32LE(at + i));
        rec.icons = icons;
        break;
      }
      case UNIX_DIAG_RQLEN:
        if (size >= 8) rec.rqlen = { rqueue: p.readUInt32LE(at), wqueue: p.readUInt32LE(at + 4) };
        else partial = true;
        break;
      case UNIX_DIAG_UID:
        if (size >= 4) rec.uid = p.readUInt32LE(at);
        else partial = true;
        break;
      case UNIX_DIAG_SHUTDOWN:
        if (size >= 1) rec.shutdown = p[at]!;
        break;
    }
    off += align4(len);
  }
  if (off < end || partial) markPartial();
  return rec;
}

/**
 * Queues of AF_UNIX sockets by inode, for the refresh path (live views at up to 10 Hz over thousands of
 * sockets): columns instead of a record, an attribute list and buffer views per socket. A later entry for
 * an inode replaces an earlier one (an interrupted dump may repeat a socket).
 */
export class UnixQueueTable {
  private readonly index = new Map<number, number>();
  readonly type: number[] = [];
  /** sock_diag state (TCP numbering: 1 connected, 7 unconnected, 10 listen, ...). */
  readonly state: number[] = [];
  /** UNIX_DIAG_RQLEN: listener accept queue and backlog, else bytes readable and writable; -1 when absent. */
  readonly rqueue: number[] = [];
  readonly wqueue: number[] = [];

  get size(): number {
    return this.index.size;
  }

  /** Row of the socket with inode `ino`, or -1. */
  row(ino: number): number {
    return this.index.get(ino) ?? -1;
  }

  add(ino: number, type: number, state: number, rqueue: number, wqueue: number): void {
    let i = this.index.get(ino);
    if (i === undefined) {
      i = this.type.length;
      this.index.set(ino, i);
    }
    this.type[i] = type;
    this.state[i] = state;
    this.rqueue[i] = rqueue;
    this.wqueue[i] = wqueue;
  }
}

/** What parseUnixQueues reports besides the rows it added. */
export interface UnixQueueParse {
  done: boolean;
  error: number | null;
  interrupted: boolean;
  /** Messages cut short or malformed (skipped), and a buffer that ended inside a message. */
  skipped: number;
}

/**
 * Parse one recv()'d buffer of a unix dump requested with UDIAG_SHOW_RQLEN into `into`, reading the bytes
 * in place. Same defences as parseUnixDiag: a truncated or malformed buffer yields what was readable.
 */
export function parseUnixQueues(buf: Buffer, into: UnixQueueTable): UnixQueueParse {
  const out: UnixQueueParse = { done: false, error: null, interrupted: false, skipped: 0 };
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < NLMSG_HDRLEN) {
      out.skipped++;
      break;
    }
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || len > buf.length - off) {
      out.skipped++;
      break;
    }
    const type = buf.readUInt16LE(off + 4);
    if (buf.readUInt16LE(off + 6) & NLM_F_DUMP_INTR) out.interrupted = true;
    const p = off + NLMSG_HDRLEN;
    const end = off + len;
    if (type === NLMSG_DONE || type === NLMSG_ERROR) {
      out.done = true;
      const err = end - p >= 4 ? buf.readInt32LE(p) : type === NLMSG_ERROR ? -1 : 0;
      if (err < 0 || (type === NLMSG_ERROR && err !== 0)) out.error = Math.abs(err);
    } else if (type === SOCK_DIAG_BY_FAMILY) {
      if (end - p < 16 || buf[p] !== 1) out.skipped++;
      else {
        let rq = -1;
        let wq = -1;
        let bad = false;
        for (let a = p + 16; a + 4 <= end;) {
          const alen = buf.readUInt16LE(a);
          if (alen < 4 || alen > end - a) {
            bad = true;
            break;
          }
          if ((buf.readUInt16LE(a + 2) & 0x3fff) === UNIX_DIAG_RQLEN) {
            if (alen >= 12) {
              rq = buf.readUInt32LE(a + 4);
              wq = buf.readUInt32LE(a + 8);
            } else bad = true;
          }
          a += align4(alen);
        }
        into.add(buf.readUInt32LE(p + 4), buf[p + 1]!, buf[p + 2]!, rq, wq);
        if (bad) out.skipped++;
      }
    }
    off += align4(len);
  }
  return out;
}

/** Convert a kernel-internal dev_t (major << 20 | minor) to the userspace st_dev encoding (glibc makedev). */
export function kernelDevToUser(kdev: number): number {
  const major = Math.floor(kdev / 0x100000);
  const minor = kdev & 0xfffff;
  return makedev(major, minor);
}

/** The kernel's dev_t encoding (major << 20 | minor) of a userspace st_dev number: kernelDevToUser's inverse. */
export function userDevToKernel(dev: number): number {
  const lo = dev >>> 0;
  const hi = Math.floor(dev / 2 ** 32) >>> 0;
  const major = ((lo >>> 8) & 0xfff) | (hi & 0xfffff000);
  const minor = (lo & 0xff) | (((lo >>> 12) | (hi << 20)) & 0xffffff00);
  return ((major << 20) | (minor & 0xfffff)) >>> 0;
}

/** glibc makedev(): the st_dev / st_rdev encoding Node's fs.stat returns. */
export function makedev(major: number, minor: number): number {
  // ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff)
  return (major & 0xfffff000) * 2 ** 32 + (major & 0xfff) * 256 + (minor & 0xffffff00) * 4096 + (minor & 0xff);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
