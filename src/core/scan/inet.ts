// Pure: TCP/UDP socket records (from inet_diag or /proc/net/*) -> objects, with loopback peers linked.

import { TCP_LISTEN, TCP_STATES, endpointKey, formatEndpoint, isUnspecified, type InetDiagRecord } from '../../../native/inetDiagParse';
import { inodeId, type Endpoint, type IpcObject, type QueueFill } from '../model';
import { sortedEndpoints } from './endpoints';
import type { NetInetRecord } from '../procfs/netinet';

export interface InetSocket {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  state: number;
  src: Buffer;
  sport: number;
  dst: Buffer;
  dport: number;
  rqueue: number;
  /** Listener: max backlog (null when unknown, as from /proc/net); otherwise bytes unacknowledged / send memory. */
  wqueue: number | null;
  uid: number;
  ino: number;
  /** Inode of the network namespace (loopback tuples only pair up inside one namespace). */
  netns: number | null;
}

export function fromInetDiag(protocol: 'tcp' | 'udp', r: InetDiagRecord, netns: number | null = null): InetSocket {
  return {
    protocol, family: r.src.length === 4 ? 4 : 6, state: r.state, src: r.src, sport: r.sport, dst: r.dst, dport: r.dport,
    rqueue: r.rqueue, wqueue: r.wqueue, uid: r.uid, ino: r.ino, netns,
  };
}

export function fromProcNetInet(protocol: 'tcp' | 'udp', r: NetInetRecord, netns: number | null = null): InetSocket {
  const listening = protocol === 'tcp' && r.state === TCP_LISTEN;
  return {
    protocol, family: r.family, state: r.state, src: r.src, sport: r.sport, dst: r.dst, dport: r.dport,
    rqueue: r.rxQueue, wqueue: listening ? null : r.txQueue, uid: r.uid, ino: r.ino, netns,
  };
}

/** "LISTEN", "ESTABLISHED", ...; UDP reports 7 (close) for unconnected sockets: "UNCONN" like ss. */
export function inetStateName(protocol: 'tcp' | 'udp', state: number): string {
  if (protocol === 'udp' && state === 7) return 'UNCONN';
  return TCP_STATES[state] || `STATE_${state}`;
}

/**
 * A TCP listener's accept queue against its backlog; otherwise the receive queue: bytes for TCP, receive-buffer
 * memory for UDP (sk_rmem_alloc: the datagrams' bytes plus per-packet overhead, ss's Recv-Q).
 */
export function inetQueueFill(s: Pick<InetSocket, 'protocol' | 'state' | 'rqueue' | 'wqueue'>): QueueFill {
  if (s.protocol === 'tcp' && s.state === TCP_LISTEN) return { used: s.rqueue, capacity: s.wqueue, unit: 'connections' };
  return s.protocol === 'udp' ? { used: s.rqueue, capacity: null, unit: 'bytes', measure: 'memory' } : { used: s.rqueue, capacity: null, unit: 'bytes' };
}

/** Build TCP/UDP objects; two local sockets of one connection (reversed 4-tuples) become peers. */
/** Without `holders`, every object starts with no endpoint (joinObjects adds them). */
export function inetObjects(sockets: readonly InetSocket[], holders: ReadonlyMap<number, Endpoint[]> | undefined, sockDev: number): IpcObject[] {
  const out: IpcObject[] = [];
  // Connected sockets by "local>remote", per network namespace and protocol (tuples pair up only there).
  const tuples = new Map<number | null, { tcp: Map<string, IpcObject>; udp: Map<string, IpcObject> }>();
  const pending: IpcObject[] = [];
  const pendingKeys: string[] = [];
  const pendingGroups: Map<string, IpcObject>[] = [];
  const seenIno = new Set<number>();
  const seenOrphan = new Set<string>();
  for (let i = 0; i < sockets.length; i++) {
    const s = sockets[i]!;
    const local = formatEndpoint(s.src, s.sport);
    const connected = !(s.dport === 0 && isUnspecified(s.dst));
    const remote = connected ? formatEndpoint(s.dst, s.dport) : null;
    let id: string;
    if (s.ino) {
      if (seenIno.has(s.ino)) continue; // an interrupted dump may repeat a socket
      seenIno.add(s.ino);
      id = inodeId(s.protocol, sockDev, s.ino);
    } else {
      // Sockets no process holds any more (orphaned, closing) have inode 0: keyed by their tuple.
      id = `${s.protocol}:orphan:${s.netns ?? ''}:${local}>${remote ?? '*'}`;
      if (seenOrphan.has(id)) continue;
      seenOrphan.add(id);
    }
    const listening = s.protocol === 'tcp' && s.state === TCP_LISTEN;
    const o: IpcObject = {
      id,
      kind: s.protocol,
      inode: s.ino,
      name: remote ? `${local} -> ${remote}` : local,
      // (Each socket's holder list is its own: one object per inode.)
      endpoints: s.ino && holders ? sortedEndpoints(holders.get(s.ino) ?? []) : [],
      queue: inetQueueFill(s),
      inet: {
        family: s.family,
        protocol: s.protocol,
        local,
        remote,
        state: inetStateName(s.protocol, s.state),
        peer: null,
        sendQueue: listening ? null : s.wqueue,
        uid: s.uid,
      },
      findings: [],
      dev: sockDev,
    };
    if (s.netns !== null) o['netns'] = s.netns;
    out.push(o);
    if (remote !== null) {
      let g = tuples.get(s.netns);
      if (!g) tuples.set(s.netns, (g = { tcp: new Map(), udp: new Map() }));
      const group = g[s.protocol];
      const lk = endpointKey(s.src, s.sport, local);
      const rk = endpointKey(s.dst, s.dport, remote);
      group.set(`${lk}>${rk}`, o);
      pending.push(o);
      pendingKeys.push(`${rk}>${lk}`);
      pendingGroups.push(group);
    }
  }
  for (let i = 0; i < pending.length; i++) {
    const o = pending[i]!;
    const peer = pendingGroups[i]!.get(pendingKeys[i]!);
    if (peer && peer !== o && o.inet) o.inet.peer = peer.id;
  }
  out.sort((a, b) => (a.kind === b.kind ? a.inode - b.inode : a.kind === 'tcp' ? -1 : 1));
  return out;
}
