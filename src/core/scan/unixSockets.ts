// Pure: one record shape for Unix sockets, from sock_diag or from the /proc/net/unix fallback.

import { kernelDevToUser, type UnixDiagRecord } from '../../../native/netlinkParse';
import type { UnixAddress, UnixState, UnixType } from '../model';
import type { NetUnixRecord } from '../procfs/netunix';

export interface UnixSocket {
  ino: number;
  type: UnixType;
  state: UnixState;
  address: UnixAddress;
  /** Name bytes: the path (up to its NUL) or the abstract name without its leading NUL; null if unnamed. */
  name: Buffer | null;
  /** Peer socket inode, null without a peer or without peer information. */
  peer: number | null;
  /** Connections waiting in a listener's accept queue (inodes). */
  icons: number[];
  /** Listener: accept-queue length; otherwise bytes readable (dgram: the next datagram). Null if unknown. */
  rqueue: number | null;
  /** Listener: max backlog; otherwise write memory in use. Null if unknown. */
  wqueue: number | null;
  uid: number | null;
  /** The bound socket file (userspace st_dev encoding). */
  boundFile: { dev: number; ino: number } | null;
  /** Inode of the network namespace the socket lives in (null when unknown). */
  netns?: number | null;
}

export const TYPES: Record<number, UnixType> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' };

/** TCP_* states as the kernel uses them for AF_UNIX. */
export function stateFromTcp(state: number): UnixState {
  switch (state) {
    case 1: return 'connected'; // TCP_ESTABLISHED
    case 2: case 3: return 'connecting'; // TCP_SYN_SENT, TCP_SYN_RECV
    case 7: return 'unconnected'; // TCP_CLOSE
    case 10: return 'listen'; // TCP_LISTEN
    default: return 'disconnecting';
  }
}

/** The icons of a socket without pending connections: one frozen list, not one per socket. */
const NO_ICONS: number[] = Object.freeze([]) as unknown as number[];

/** From a sock_diag record; null for a socket type AF_UNIX does not have. */
export function fromDiag(r: UnixDiagRecord): UnixSocket | null {
  const type = TYPES[r.type];
  if (!type) return null;
  let address: UnixAddress = 'unnamed';
  let name: Buffer | null = null;
  // Only the raw bytes tell an abstract name (leading NUL) from a relative path that starts with '@'.
  if (r.name && r.name.length > 0) {
    if (r.name[0] === 0) {
      address = 'abstract';
      name = r.name.subarray(1);
    } else {
      address = 'path';
      const nul = r.name.indexOf(0);
      name = nul >= 0 ? r.name.subarray(0, nul) : r.name;
    }
  }
  return {
    ino: r.ino,
    type,
    state: stateFromTcp(r.state),
    address,
    name,
    peer: r.peer ? r.peer : null,
    icons: r.icons ?? NO_ICONS,
    rqueue: r.rqlen?.rqueue ?? null,
    wqueue: r.rqlen?.wqueue ?? null,
    uid: r.uid,
    boundFile: r.vfs ? { dev: kernelDevToUser(r.vfs.dev), ino: r.vfs.ino } : null,
  };
}

const SS_STATES: Record<number, UnixState> = { 1: 'unconnected', 2: 'connecting', 3: 'connected', 4: 'disconnecting' };
const SO_ACCEPTCON = 0x10000;

/**
 * From a /proc/net/unix record. A path printed with a leading '@' is taken as abstract: the text
 * cannot tell it from a relative path starting with '@' (only sock_diag can), and abstract NULs were
 * printed as '@'.
 */
export function fromProcNetUnix(r: NetUnixRecord): UnixSocket | null {
  const type = TYPES[r.type];
  if (!type) return null;
  let address: UnixAddress = 'unnamed';
  let name: Buffer | null = null;
  if (r.path && r.path.length > 0) {
    if (r.path[0] === 0x40) {
      address = 'abstract';
      name = r.path.subarray(1);
    } else {
      address = 'path';
      name = r.path;
    }
  }
  return {
    ino: r.inode,
    type,
    state: r.flags & SO_ACCEPTCON ? 'listen' : SS_STATES[r.st] ?? 'disconnecting',
    address,
    name,
    peer: null,
    icons: [],
    rqueue: null,
    wqueue: null,
    uid: null,
    boundFile: null,
  };
}
