// NETLINK_SOCK_DIAG through koffi: one request, a recv loop until NLMSG_DONE. The loop is generic so
// inet_diag (TCP/UDP) reuses it with its own request builder and parser.

import {
  AF_NETLINK, AT_EMPTY_PATH, AT_FDCWD, CLONE_NEWNET, EINTR, O_CLOEXEC, O_RDONLY, MSG_DONTWAIT, MSG_TRUNC, NETLINK_SOCK_DIAG, SOCK_CLOEXEC, SOCK_RAW, SOL_SOCKET,
  SO_RCVTIMEO, STATX_BUF_SIZE, STATX_INO, STATX_TYPE, inspectorFds, libc, readStatx,
} from './libc';
import {
  AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, TCPDIAG_GETSOCK, buildInetDiagRequest, buildTcpCompatRequest, parseInetDiag,
  type InetDiagRecord,
} from './inetDiagParse';
import {
  UDIAG_SHOW_ICONS, UDIAG_SHOW_NAME, UDIAG_SHOW_PEER, UDIAG_SHOW_RQLEN, UDIAG_SHOW_UID, UDIAG_SHOW_VFS,
  UnixQueueTable, buildUnixDiagRequest, parseUnixDiag, parseUnixQueues, type UnixDiagRecord,
} from './netlinkParse';

/** Receive buffer: the kernel fills dump skbs up to 32 KiB; more room lets MSG_TRUNC detect oversize. */
const RECV_SIZE = 64 * 1024;
let recvBuf: Buffer | undefined;
let seqCounter = Math.floor(Math.random() * 0x7fffffff);

/** What one chunk handler reports back to the loop. */
export interface ChunkResult {
  done: boolean;
}

/**
 * Send one sock_diag request and hand every received datagram to `onChunk` (the buffer is reused:
 * copy what you keep) until it reports done. Returns st_dev of sockfs (from the netlink socket itself).
 * Throws an Error naming the failing call and errno when netlink is unavailable.
 */
export function sockDiagDump(request: Buffer, onChunk: (chunk: Buffer) => ChunkResult, netnsFd?: number): { sockDev: number } {
  const c = libc();
  // The socket of the inspector's own namespace is kept between dumps (creating one cost ~0.2 ms, five
  // times a scan); one in another namespace is made for the dump and closed.
  let s = netnsFd === undefined ? ownSocket : null;
  if (netnsFd === undefined) ownSocket = null; // taken: put back only after a dump that went to the end
  if (s) drain(s.fd);
  else s = openDiagSocket(netnsFd);
  let ok = false;
  try {
    const kernel = Buffer.alloc(12);
    kernel.writeUInt16LE(AF_NETLINK, 0); // sockaddr_nl { family, pad, pid 0 = kernel, groups 0 }
    if (c.sendto(s.fd, request, request.length, 0, kernel, kernel.length) < 0) {
      throw new Error(`sendto(sock_diag): ${c.errnoName(c.errno())}`);
    }
    const buf = (recvBuf ??= Buffer.alloc(RECV_SIZE));
    for (;;) {
      const n = c.recv(s.fd, buf, buf.length, MSG_TRUNC);
      if (n < 0) {
        const e = c.errno();
        if (e === EINTR) continue;
        throw new Error(`recv(sock_diag): ${c.errnoName(e)}`);
      }
      if (n === 0) break;
      if (n > buf.length) throw new Error(`recv(sock_diag): datagram of ${n} bytes exceeds ${buf.length}`);
      if (onChunk(buf.subarray(0, n)).done) break;
    }
    ok = true;
    return { sockDev: s.sockDev };
  } finally {
    if (ok && netnsFd === undefined && !ownSocket) ownSocket = s;
    else {
      c.close(s.fd);
      inspectorFds.delete(s.fd);
    }
  }
}

interface DiagSocket { fd: number; sockDev: number }
/** The own namespace's sock_diag socket between dumps (per thread: each worker has its own module state). */
let ownSocket: DiagSocket | null = null;

function openDiagSocket(netnsFd?: number): DiagSocket {
  const c = libc();
  const fd = netnsFd === undefined ? c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG) : socketInNetns(netnsFd);
  if (fd < 0) throw new Error(`socket(AF_NETLINK, NETLINK_SOCK_DIAG): ${c.errnoName(c.errno())}`);
  inspectorFds.add(fd);
  // A receive timeout so a kernel that never answers cannot hang the scan.
  const tv = Buffer.alloc(16);
  tv.writeBigInt64LE(5n, 0);
  c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
  const st = Buffer.alloc(STATX_BUF_SIZE);
  const sockDev = c.statx(fd, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, st) === 0 ? readStatx(st).dev : -1;
  return { fd, sockDev };
}

/** Discards datagrams a dump that stopped early may have left queued, so they cannot pass for the next one's. */
function drain(fd: number): void {
  const c = libc();
  const buf = (recvBuf ??= Buffer.alloc(RECV_SIZE));
  while (c.recv(fd, buf, buf.length, MSG_DONTWAIT | MSG_TRUNC) > 0) { /* discarded */ }
}

/**
 * A sock_diag socket in another network namespace. A socket belongs to the namespace of the thread that
 * creates it, so the calling thread enters the target namespace for the socket() call only and returns
 * at once (setns changes this thread alone). Needs CAP_SYS_ADMIN; throws on failure.
 */
function socketInNetns(netnsFd: number): number {
  const c = libc();
  const own = c.openat(AT_FDCWD, '/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC, 0);
  if (own < 0) throw new Error(`open(/proc/thread-self/ns/net): ${c.errnoName(c.errno())}`);
  inspectorFds.add(own);
  try {
    if (c.setns(netnsFd, CLONE_NEWNET) !== 0) throw new Error(`setns(CLONE_NEWNET): ${c.errnoName(c.errno())}`);
    const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    const err = c.errno();
    if (c.setns(own, CLONE_NEWNET) !== 0) {
      // Should never happen (we were allowed in): this thread would now see the wrong namespace.
      throw new Error(`setns back to the inspector's own network namespace failed: ${c.errnoName(c.errno())}`);
    }
    if (fd < 0) throw new Error(`socket(AF_NETLINK) in the target namespace: ${c.errnoName(err)}`);
    return fd;
  } finally {
    c.close(own);
    inspectorFds.delete(own);
  }
}

export interface UnixDump {
  sockets: UnixDiagRecord[];
  /** st_dev of sockfs: socket object ids are unix:<sockDev>:<ino>. */
  sockDev: number;
  /** Records or attributes that could not be parsed. */
  skipped: number;
  /** The kernel flagged the dump as interrupted twice in a row (results may miss or repeat sockets). */
  interrupted: boolean;
}

export const UNIX_SHOW_ALL = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS |
  UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;

/**
 * Dump every AF_UNIX socket of the caller's network namespace, or of the namespace `netnsFd` refers to.
 * Throws when sock_diag is unavailable.
 */
export function dumpUnixSockets(show = UNIX_SHOW_ALL, netnsFd?: number): UnixDump {
  for (let attempt = 0; ; attempt++) {
    const sockets: UnixDiagRecord[] = [];
    let skipped = 0;
    let interrupted = false;
    let error: number | null = null;
    const seq = (seqCounter = (seqCounter + 1) & 0x7fffffff);
    const { sockDev } = sockDiagDump(buildUnixDiagRequest(seq, show), (chunk) => {
      const p = parseUnixDiag(chunk);
      for (const s of p.sockets) sockets.push(s);
      skipped += p.skipped + (p.truncated ? 1 : 0);
      interrupted ||= p.interrupted;
      if (p.error !== null) error = p.error;
      return { done: p.done };
    }, netnsFd);
    if (error !== null) throw new Error(`sock_diag AF_UNIX dump: ${libc().errnoName(error)}`);
    if (!interrupted || attempt >= 1) return { sockets, sockDev, skipped, interrupted };
  }
}

/**
 * Queues of every AF_UNIX socket of our (or netnsFd's) namespace, for the refresh path: one dump with
 * UDIAG_SHOW_RQLEN only, parsed in place (parseUnixQueues). Throws when sock_diag is unavailable.
 */
export function dumpUnixQueues(netnsFd?: number): UnixQueueTable {
  for (let attempt = 0; ; attempt++) {
    const table = new UnixQueueTable();
    let interrupted = false;
    let error: number | null = null;
    sockDiagDump(buildUnixDiagRequest(nextSeq(), UDIAG_SHOW_RQLEN), (chunk) => {
      const p = parseUnixQueues(chunk, table);
      interrupted ||= p.interrupted;
      if (p.error !== null) error = p.error;
      return { done: p.done };
    }, netnsFd);
    if (error !== null) throw new Error(`sock_diag AF_UNIX dump: ${libc().errnoName(error)}`);
    if (!interrupted || attempt >= 1) return table;
  }
}

export interface InetDump {
  protocol: 'tcp' | 'udp';
  sockets: InetDiagRecord[];
  skipped: number;
  interrupted: boolean;
}

/**
 * False once the kernel refused the v1 TCP request (then TCP takes one v2 dump per family). Exported for
 * tests, which force either path.
 */
export const tcpCompat = { usable: true };

/**
 * Dump the TCP or UDP sockets (IPv4 and IPv6) of our (or netnsFd's) network namespace. Throws when unavailable.
 * TCP goes through the v1 request when the kernel has it: one walk of the hash tables for both families.
 */
export function dumpInetSockets(protocol: 'tcp' | 'udp', netnsFd?: number): InetDump {
  if (protocol === 'tcp' && tcpCompat.usable) {
    const out: InetDump = { protocol, sockets: [], skipped: 0, interrupted: false };
    const error = runInetDump(out, buildTcpCompatRequest(nextSeq()), TCPDIAG_GETSOCK, netnsFd);
    if (error === null) return out;
    tcpCompat.usable = false;
  }
  const out: InetDump = { protocol, sockets: [], skipped: 0, interrupted: false };
  for (const family of [AF_INET, AF_INET6]) {
    const error = runInetDump(out, buildInetDiagRequest(nextSeq(), family, protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP), undefined, netnsFd);
    // IPv6 may be disabled (EAFNOSUPPORT/ENOENT): IPv4 results still stand.
    if (error !== null && family === AF_INET) throw new Error(`sock_diag ${protocol} dump: ${libc().errnoName(error)}`);
  }
  return out;
}

function nextSeq(): number {
  return (seqCounter = (seqCounter + 1) & 0x7fffffff);
}

/** One inet dump into `out`; the errno the kernel ended it with, or null. */
function runInetDump(out: InetDump, req: Buffer, messageType: number | undefined, netnsFd?: number): number | null {
  let error: number | null = null;
  sockDiagDump(req, (chunk) => {
    const p = parseInetDiag(chunk, messageType);
    for (const s of p.sockets) out.sockets.push(s);
    out.skipped += p.skipped + (p.truncated ? 1 : 0);
    out.interrupted ||= p.interrupted;
    if (p.error !== null) error = p.error;
    return { done: p.done };
  }, netnsFd);
  return error;
}
