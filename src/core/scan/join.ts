// Pure join: fd records + socket records -> IpcObjects (pipes, FIFOs, Unix, TCP and UDP sockets) with endpoints.

import { inodeId, type Endpoint, type IpcObject, type QueueFill } from '../model';
import { decodeName } from '../names';
import { sortedEndpoints } from './endpoints';
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
}

function endpointOf(f: FdRecord): Endpoint {
  return { pid: f.pid, fd: f.fd, access: f.access ?? 'rw' };
}

/** Build pipe, FIFO, Unix, TCP and UDP socket objects. Deterministic order: kind, then inode. */
export function joinObjects(input: JoinInput): IpcObject[] {
  const pipes = new Map<number, IpcObject>();
  const fifos = new Map<string, IpcObject>();
  const sockHolders = new Map<number, Endpoint[]>();
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
        o.endpoints.push(endpointOf(f));
      } else {
        const key = `${f.dev}:${f.ino}`;
        let o = fifos.get(key);
        if (!o) {
          o = { id: inodeId('fifo', f.dev, f.ino), kind: 'fifo', inode: f.ino, name: '', endpoints: [], findings: [], dev: f.dev };
          fifos.set(key, o);
        }
        // The first holder's link text is the name (another holder may see another path to it).
        if (o.name === '' && o['nameBase64'] === undefined && f.link) Object.assign(o, decodeName(f.link));
        o.endpoints.push(endpointOf(f));
      }
    } else if (f.type === S_IFSOCK && f.dev === input.sockDev) {
      let list = sockHolders.get(f.ino);
      if (!list) sockHolders.set(f.ino, (list = []));
      list.push(endpointOf(f));
    }
  }
  // UNIX_DIAG_ICONS lists the clients waiting in a listener's accept queue (their own peer, the
  // embryo socket, has no inode yet, so the kernel reports no peer for them).
  const pendingOn = new Map<number, number>();
  for (const s of input.unixSockets) for (const c of s.icons) if (c) pendingOn.set(c, s.ino);
  const unix: IpcObject[] = [];
  const seen = new Set<number>();
  for (const s of input.unixSockets) {
    if (seen.has(s.ino)) continue; // an interrupted dump may repeat a socket
    seen.add(s.ino);
    const o = unixObject(s, input, sockHolders.get(s.ino) ?? []);
    const l = pendingOn.get(s.ino);
    if (l !== undefined && o.unix) o.unix.pendingOn = inodeId('unix', input.sockDev, l);
    unix.push(o);
  }
  const out = [...pipes.values(), ...fifos.values()];
  for (const o of out) {
    sortedEndpoints(o.endpoints);
    const fill = input.fills?.get(`${o['dev']}:${o.inode}`);
    if (fill) o.queue = { used: fill.used, capacity: fill.capacity, unit: 'bytes' };
  }
  out.sort((a, b) => (a.kind === b.kind ? a.inode - b.inode : a.kind === 'pipe' ? -1 : 1));
  unix.sort((a, b) => a.inode - b.inode);
  const inet = input.inetSockets ? inetObjects(input.inetSockets, sockHolders, input.sockDev) : [];
  return [...out, ...unix, ...inet];
}

function unixObject(s: UnixSocket, input: JoinInput, holders: Endpoint[]): IpcObject {
  // Pipes and unnamed sockets have no name: '' (views label them by kind and inode).
  const decoded = s.name ? decodeName(s.name, s.address === 'abstract' ? '@' : '') : { name: '' };
  const listening = s.state === 'listen';
  const o: IpcObject = {
    id: inodeId('unix', input.sockDev, s.ino),
    kind: 'unix',
    inode: s.ino,
    ...decoded,
    endpoints: sortedEndpoints(holders),
    unix: {
      type: s.type,
      state: s.state,
      address: s.address,
      peer: s.peer !== null ? inodeId('unix', input.sockDev, s.peer) : null,
      pendingConnections: listening ? Math.max(s.icons.length, s.rqueue ?? 0) : 0,
      inflightFds: input.scmFds?.get(s.ino) ?? 0,
      uid: s.uid,
      boundFile: s.boundFile,
    },
    findings: [],
    dev: input.sockDev,
  };
  if (s.netns !== undefined && s.netns !== null) o['netns'] = s.netns;
  const queue = unixQueueFill(s);
  if (queue) o.queue = queue;
  return o;
}

/**
 * Queue of a Unix socket: a listener's accept queue against its backlog, otherwise the bytes readable
 * (for dgram sockets the kernel reports the size of the next datagram). Null without sock_diag.
 */
export function unixQueueFill(s: Pick<UnixSocket, 'state' | 'rqueue' | 'wqueue'>): QueueFill | null {
  if (s.rqueue === null) return null;
  return s.state === 'listen'
    ? { used: s.rqueue, capacity: s.wqueue, unit: 'connections' }
    : { used: s.rqueue, capacity: null, unit: 'bytes' };
}

/**
 * Socket fds whose fdinfo may report in-flight fds: with queues known (sock_diag), only sockets with
 * queued data or message-oriented ones (a dgram/seqpacket message may carry fds with no payload);
 * without (the /proc/net/unix fallback), all.
 */
export function mayHoldInflight(s: UnixSocket | undefined): boolean {
  if (!s) return false;
  if (s.rqueue === null) return true;
  if (s.state === 'listen') return false;
  return s.type !== 'stream' || s.rqueue > 0;
}
