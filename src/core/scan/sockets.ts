// The socket tables of our network namespace: sock_diag first, /proc/net text as the fallback.

import { dumpInetSockets, dumpUnixSockets } from '../../../native/netlink';
import { parseProcNetInet } from '../procfs/netinet';
import { parseProcNetUnix } from '../procfs/netunix';
import { fromInetDiag, fromProcNetInet, type InetSocket } from './inet';
import { readProcFile } from './procio';
import { fromDiag, fromProcNetUnix, type UnixSocket } from './unixSockets';

export interface UnixSource {
  sockets: UnixSocket[];
  /** True when the records carry queues and peers (sock_diag). */
  fromDiag: boolean;
  notes: string[];
}

/** Unix sockets of our network namespace: sock_diag, or /proc/net/unix with a note. */
export function readUnixSockets(useDiag = true): UnixSource {
  let reason = 'disabled';
  if (useDiag) {
    try {
      const dump = dumpUnixSockets();
      const sockets = dump.sockets.map(fromDiag).filter((s): s is UnixSocket => s !== null);
      const notes: string[] = [];
      if (dump.interrupted) notes.push('the Unix socket dump was interrupted by concurrent changes; some sockets may be missing');
      if (dump.skipped) notes.push(`${dump.skipped} sock_diag records could not be parsed`);
      return { sockets, fromDiag: true, notes };
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  const notes = [`no peer information (sock_diag unavailable: ${reason})`];
  const r = readProcFile('/proc/net/unix');
  if (r.error !== undefined) {
    notes.push(`Unix sockets not listed: /proc/net/unix: ${r.error}`);
    return { sockets: [], fromDiag: false, notes };
  }
  const parsed = parseProcNetUnix(r.data);
  if (parsed.skipped.length) notes.push(`/proc/net/unix: ${parsed.skipped.length} lines skipped`);
  const sockets = parsed.sockets.map(fromProcNetUnix).filter((s): s is UnixSocket => s !== null);
  return { sockets, fromDiag: false, notes };
}

export interface InetSource {
  sockets: InetSocket[];
  fromDiag: boolean;
  notes: string[];
}

/** TCP or UDP sockets (IPv4 and IPv6) of our network namespace: inet_diag, or /proc/net/{tcp,udp}{,6}. */
export function readInetSockets(protocol: 'tcp' | 'udp', useDiag = true): InetSource {
  let reason = 'disabled';
  if (useDiag) {
    try {
      const dump = dumpInetSockets(protocol);
      const notes: string[] = [];
      if (dump.interrupted) notes.push(`the ${protocol} socket dump was interrupted by concurrent changes; some sockets may be missing`);
      if (dump.skipped) notes.push(`${dump.skipped} ${protocol} sock_diag records could not be parsed`);
      return { sockets: dump.sockets.map((r) => fromInetDiag(protocol, r)), fromDiag: true, notes };
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  const notes = [`${protocol.toUpperCase()} sockets from /proc/net (inet_diag unavailable: ${reason}): listener backlogs unknown`];
  const sockets: InetSocket[] = [];
  for (const file of [protocol, `${protocol}6`]) {
    const r = readProcFile(`/proc/net/${file}`);
    if (r.error !== undefined) {
      if (file === protocol) notes.push(`/proc/net/${file}: ${r.error}`);
      continue;
    }
    const parsed = parseProcNetInet(r.data.toString('latin1'));
    if (parsed.skipped.length) notes.push(`/proc/net/${file}: ${parsed.skipped.length} lines skipped`);
    for (const rec of parsed.sockets) {
      // TIME_WAIT and NEW_SYN_RECV are left out, as in the netlink dump.
      if (protocol === 'tcp' && (rec.state === 6 || rec.state === 12)) continue;
      sockets.push(fromProcNetInet(protocol, rec));
    }
  }
  return { sockets, fromDiag: false, notes };
}
