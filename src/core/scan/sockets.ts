// The socket tables of each network namespace: sock_diag first (entering other namespaces for the
// socket() call only), /proc/[PID/]net text as the fallback.

import { dumpInetSockets, dumpUnixSockets } from '../../../native/netlink';
import { parseProcNetInet } from '../procfs/netinet';
import { parseProcNetUnix } from '../procfs/netunix';
import { fromInetDiag, fromProcNetInet, type InetSocket } from './inet';
import { readProcFile } from './procio';
import { fromDiag, fromProcNetUnix, type UnixSocket } from './unixSockets';

/** Which namespace to read: ours (no fd), or another one through a process that lives in it. */
export interface NetnsTarget {
  /** Inode of the namespace (the label on its sockets). */
  ino: number | null;
  /** An fd on /proc/PID/ns/net for sock_diag, absent for our own namespace. */
  fd?: number;
  /** A process in that namespace, for the /proc/PID/net text fallback. */
  pid?: number;
}

export interface UnixSource {
  sockets: UnixSocket[];
  /** True when the records carry queues and peers (sock_diag). */
  fromDiag: boolean;
  notes: string[];
}

const label = (ns: NetnsTarget) => (ns.fd === undefined ? '' : ` of network namespace net:[${ns.ino}]`);
const procNet = (ns: NetnsTarget, file: string) => (ns.pid === undefined || ns.fd === undefined ? `/proc/net/${file}` : `/proc/${ns.pid}/net/${file}`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Unix sockets of a network namespace: sock_diag, or /proc/net/unix with a note. */
export function readUnixSockets(useDiag = true, ns: NetnsTarget = { ino: null }): UnixSource {
  let reason = 'disabled';
  if (useDiag) {
    try {
      const dump = dumpUnixSockets(undefined, ns.fd);
      const sockets = dump.sockets.map(fromDiag).filter((s): s is UnixSocket => s !== null);
      for (const s of sockets) s.netns = ns.ino;
      const notes: string[] = [];
      if (dump.interrupted) notes.push(`the Unix socket dump${label(ns)} was interrupted by concurrent changes; some sockets may be missing`);
      if (dump.skipped) notes.push(`${dump.skipped} sock_diag records${label(ns)} could not be parsed`);
      return { sockets, fromDiag: true, notes };
    } catch (e) {
      reason = message(e);
    }
  }
  const notes = [`no peer information${label(ns)} (sock_diag unavailable: ${reason})`];
  const file = procNet(ns, 'unix');
  const r = readProcFile(file);
  if (r.error !== undefined) {
    notes.push(`Unix sockets${label(ns)} not listed: ${file}: ${r.error}`);
    return { sockets: [], fromDiag: false, notes };
  }
  const parsed = parseProcNetUnix(r.data);
  if (parsed.skipped.length) notes.push(`${file}: ${parsed.skipped.length} lines skipped`);
  const sockets = parsed.sockets.map(fromProcNetUnix).filter((s): s is UnixSocket => s !== null);
  for (const s of sockets) s.netns = ns.ino;
  return { sockets, fromDiag: false, notes };
}

export interface InetSource {
  sockets: InetSocket[];
  fromDiag: boolean;
  notes: string[];
}

/** TCP or UDP sockets (IPv4 and IPv6) of a network namespace: inet_diag, or /proc/net/{tcp,udp}{,6}. */
export function readInetSockets(protocol: 'tcp' | 'udp', useDiag = true, ns: NetnsTarget = { ino: null }): InetSource {
  let reason = 'disabled';
  if (useDiag) {
    try {
      const dump = dumpInetSockets(protocol, ns.fd);
      const notes: string[] = [];
      if (dump.interrupted) notes.push(`the ${protocol} socket dump${label(ns)} was interrupted by concurrent changes; some sockets may be missing`);
      if (dump.skipped) notes.push(`${dump.skipped} ${protocol} sock_diag records${label(ns)} could not be parsed`);
      return { sockets: dump.sockets.map((r) => fromInetDiag(protocol, r, ns.ino)), fromDiag: true, notes };
    } catch (e) {
      reason = message(e);
    }
  }
  const notes = [`${protocol.toUpperCase()} sockets${label(ns)} from /proc/net (inet_diag unavailable: ${reason}): listener backlogs unknown`];
  const sockets: InetSocket[] = [];
  for (const name of [protocol, `${protocol}6`]) {
    const file = procNet(ns, name);
    const r = readProcFile(file);
    if (r.error !== undefined) {
      if (name === protocol) notes.push(`${file}: ${r.error}`);
      continue;
    }
    const parsed = parseProcNetInet(r.data.toString('latin1'));
    if (parsed.skipped.length) notes.push(`${file}: ${parsed.skipped.length} lines skipped`);
    for (const rec of parsed.sockets) {
      // TIME_WAIT and NEW_SYN_RECV are left out, as in the netlink dump.
      if (protocol === 'tcp' && (rec.state === 6 || rec.state === 12)) continue;
      sockets.push(fromProcNetInet(protocol, rec, ns.ino));
    }
  }
  return { sockets, fromDiag: false, notes };
}
