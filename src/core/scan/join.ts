// Join: fd records + socket records -> IpcObjects (pipes, FIFOs, Unix, TCP and UDP sockets) with endpoints. Pure
// but for one lstat per FIFO whose link text ends in " (deleted)" (fifoName).

import { inodeId, type Endpoint, type IpcObject, type QueueFill } from '../model';
import { decodeName } from '../names';
import { sortedEndpoints } from './endpoints';
import { statBytes } from './procio';
import type { FdRecord } from './fds';
import { inetObjects, type InetSocket } from './inet';
import type { UnixSocket } from './unixSockets';

const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;

export interface JoinInput {
  fds: readonly FdRecord[];
  /** st_dev of pipefs: FIFO-type fds on this device are anonymous pipes. */
  pipeDev: number;
  /** st_dev of sockfs. */
  sockDev: number;
  unixSockets: readonly UnixSocket[];
  /** Socket inode -> fds in flight (fdinfo scm_fds) queued on it. */
  scmFds?: ReadonlyMap<number, number>;
  /** Pipe/FIFO fill by "dev:ino" (sampled during the walk). */
  fills?: ReadonlyMap<string, { used: number; capacity: number }>;
  /** TCP and UDP sockets of our network namespace. */
  inetSockets?: readonly InetSocket[];
  /** socketObjects() of unixSockets and inetSockets, when already built (then those two are not read again). */
  sockets?: SocketObjects;
}

function endpointOf(f: FdRecord): Endpoint {
  return { pid: f.pid, fd: f.fd, access: f.access ?? 'rw' };
}

/**
 * Append a holder. Most objects have one or two: those lists are made as literals of their exact size,
 * as push() on an empty array reserves 17 slots (a 10k-fd snapshot kept about 1.5 MB of empty slots).
 */
function addEndpoint(o: IpcObject, e: Endpoint): void {
  const list = o.endpoints;
  if (list.length === 0) o.endpoints = [e];
  else if (list.length === 1) o.endpoints = [list[0]!, e];
  else list.push(e);
}

/**
 * The socket objects of the dumps, before any holder: Unix ones with their peers and pending connections
 * linked, TCP and UDP ones with their loopback peers, each list in output order. They depend on the dumps
 * alone, so a snapshot builds them while helper threads still walk the processes. Single use: joinObjects
 * adds the holders into these very objects.
 */
export interface SocketObjects {
  unix: IpcObject[];
  unixByIno: Map<number, IpcObject>;
  inet: IpcObject[];
  inetByIno: Map<number, IpcObject>;
}

export function socketObjects(
  dumped: readonly UnixSocket[], inetSockets: readonly InetSocket[], sockDev: number, scmFds?: ReadonlyMap<number, number>,
): SocketObjects {
  const unixByIno = new Map<number, IpcObject>();
  const unix: IpcObject[] = [];
  for (let i = 0; i < dumped.length; i++) {
    const s = dumped[i]!;
    if (unixByIno.has(s.ino)) continue; // an interrupted dump may repeat a socket
    const o = unixObject(s, sockDev, scmFds);
    unixByIno.set(s.ino, o);
    unix.push(o);
  }
  // Peers and pending connections by the other object's own id string (no second string per socket).
  // UNIX_DIAG_ICONS lists the clients waiting in a listener's accept queue (their own peer, the embryo
  // socket, has no inode yet, so the kernel reports no peer for them).
  for (let i = 0; i < dumped.length; i++) {
    const s = dumped[i]!;
    const o = unixByIno.get(s.ino)!;
    const block = o.unix!;
    if (s.peer !== null && block.peer === null) block.peer = unixByIno.get(s.peer)?.id ?? inodeId('unix', sockDev, s.peer);
    const icons = s.icons;
    for (let k = 0; k < icons.length; k++) {
      const c = icons[k];
      if (!c) continue;
      const pending = unixByIno.get(c);
      if (pending?.unix) pending.unix.pendingOn = o.id;
    }
  }
  unix.sort((a, b) => a.inode - b.inode);
  const inet = inetObjects(inetSockets, undefined, sockDev);
  const inetByIno = new Map<number, IpcObject>();
  for (let i = 0; i < inet.length; i++) if (inet[i]!.inode) inetByIno.set(inet[i]!.inode, inet[i]!);
  return { unix, unixByIno, inet, inetByIno };
}

/** Build pipe, FIFO, Unix, TCP and UDP socket objects. Deterministic order: kind, then inode. */
export function joinObjects(input: JoinInput): IpcObject[] {
  // Socket objects first, from the dumps, so that their holders go straight into them (no list per socket).
  const socks = input.sockets ?? socketObjects(input.unixSockets, input.inetSockets ?? [], input.sockDev, input.scmFds);
  const { unixByIno, inetByIno } = socks;
  const pipes = new Map<number, IpcObject>();
  const fifos = new Map<string, IpcObject>();
  const fds = input.fds;
  for (let i = 0; i < fds.length; i++) {
    const f = fds[i]!;
    if (f.type === S_IFIFO) {
      if (f.dev === input.pipeDev) {
        let o = pipes.get(f.ino);
        if (!o) {
          o = { id: inodeId('pipe', f.dev, f.ino), kind: 'pipe', inode: f.ino, name: '', endpoints: [], findings: [], dev: f.dev };
          pipes.set(f.ino, o);
        }
        addEndpoint(o, endpointOf(f));
      } else {
        const key = `${f.dev}:${f.ino}`;
        let o = fifos.get(key);
        if (!o) {
          o = { id: inodeId('fifo', f.dev, f.ino), kind: 'fifo', inode: f.ino, name: '', endpoints: [], findings: [], dev: f.dev };
          fifos.set(key, o);
        }
        // The first holder's link text is the name (another holder may see another path to it).
        if (o.name === '' && o['nameBase64'] === undefined && f.link) fifoName(o, f.link);
        addEndpoint(o, endpointOf(f));
      }
    } else if (f.type === S_IFSOCK && f.dev === input.sockDev) {
      // (A socket in neither dump, made after it, has no object: it is left out.)
      const o = unixByIno.get(f.ino) ?? inetByIno.get(f.ino);
      if (o) addEndpoint(o, endpointOf(f));
    }
  }
  const out: IpcObject[] = [];
  const fills = input.fills;
  const finish = (o: IpcObject): void => {
    sortedEndpoints(o.endpoints);
    const fill = fills?.get(`${o['dev']}:${o.inode}`);
    if (fill) o.queue = { used: fill.used, capacity: fill.capacity, unit: 'bytes' };
    out.push(o);
  };
  pipes.forEach(finish);
  fifos.forEach(finish);
  out.sort((a, b) => (a.kind === b.kind ? a.inode - b.inode : a.kind === 'pipe' ? -1 : 1));
  for (const list of [socks.unix, socks.inet]) {
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      if (o.endpoints.length > 1) sortedEndpoints(o.endpoints);
      out.push(o);
    }
  }
  return out;
}

const DELETED = Buffer.from(' (deleted)');

/**
 * A FIFO's name from a holder's link text. The kernel appends " (deleted)" to the path of an unlinked file; a
 * live FIFO may also be named so. One lstat tells them apart (only for such links): the path as printed is
 * this FIFO, or the name is the path without the suffix and the FIFO is deleted.
 */
function fifoName(o: IpcObject, link: Buffer): void {
  const n = link.length - DELETED.length;
  if (n > 0 && link.subarray(n).equals(DELETED)) {
    const st = statBytes(link, false);
    if (!st || st.ino !== o.inode || st.dev !== o['dev']) {
      Object.assign(o, decodeName(link.subarray(0, n)));
      o['deleted'] = true;
      return;
    }
  }
  Object.assign(o, decodeName(link));
}

/** A Unix socket object without holders or peer (joinObjects fills them in). */
function unixObject(s: UnixSocket, sockDev: number, scmFds: ReadonlyMap<number, number> | undefined): IpcObject {
  const listening = s.state === 'listen';
  const o: IpcObject = {
    id: inodeId('unix', sockDev, s.ino),
    kind: 'unix',
    inode: s.ino,
    // Unnamed sockets have no name: '' (views label them by kind and inode).
    name: '',
    endpoints: [],
    unix: {
      type: s.type,
      state: s.state,
      address: s.address,
      peer: null,
      pendingConnections: listening ? Math.max(s.icons.length, s.rqueue ?? 0) : 0,
      inflightFds: scmFds?.get(s.ino) ?? 0,
      uid: s.uid,
      boundFile: s.boundFile,
    },
    findings: [],
    dev: sockDev,
  };
  if (s.name) {
    const decoded = decodeName(s.name, s.address === 'abstract' ? '@' : '');
    o.name = decoded.name;
    if (decoded.nameBase64 !== undefined) o['nameBase64'] = decoded.nameBase64;
  }
  if (s.netns !== undefined && s.netns !== null) o['netns'] = s.netns;
  const queue = unixQueueFill(s);
  if (queue) o.queue = queue;
  return o;
}

/**
 * Queue of a Unix socket: a listener's accept queue against its backlog, otherwise the bytes readable
 * (for dgram sockets the kernel reports the size of the next datagram). Null without sock_diag.
 */
export function unixQueueFill(s: Pick<UnixSocket, 'state' | 'rqueue' | 'wqueue' | 'type'>): QueueFill | null {
  if (s.rqueue === null) return null;
  if (s.state === 'listen') return { used: s.rqueue, capacity: s.wqueue, unit: 'connections' };
  // (unix_inq_len: every byte queued on stream and seqpacket sockets, the first datagram only on dgram ones.)
  return s.type === 'dgram' ? { used: s.rqueue, capacity: null, unit: 'bytes', measure: 'next-datagram' } : { used: s.rqueue, capacity: null, unit: 'bytes' };
}

/**
 * Socket fds whose fdinfo may report in-flight fds: with queues known (sock_diag), only sockets with
 * queued data or message-oriented ones (a dgram/seqpacket message may carry fds with no payload), and
 * listeners with connections waiting (the kernel counts the fds sent over connections not yet accepted
 * on the listener); without (the /proc/net/unix fallback), all.
 */
export function mayHoldInflight(s: UnixSocket | undefined): boolean {
  if (!s) return false;
  if (s.rqueue === null) return true;
  if (s.state === 'listen') return s.rqueue > 0;
  return s.type !== 'stream' || s.rqueue > 0;
}
