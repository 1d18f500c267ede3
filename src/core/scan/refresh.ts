// The cheap refresh path: re-read only the queues of objects already known (one sock_diag dump per
// socket family and namespace in use, FIONREAD per pipe), without walking /proc/*/fd. For live views at 1-10 Hz.

import { dumpInetSockets, dumpUnixQueues } from '../../../native/netlink';
import type { UnixQueueTable } from '../../../native/netlinkParse';
import type { Endpoint, IpcKind, IpcObject, QueueFill } from '../model';
import { mqFiguresViaHolders } from './heldMq';
import { Pidfds, readEnds, samplePipe, sampleThroughWriter, type PipeSample } from './fill';
import { samplePipeColumns, type PipeColumns } from './parallelSample';
import { closeMqueueDir, mqGetattr, mqGetattrAtPath, msgQbytes, openMqueueDir } from './ipcSources';
import { nameBytes } from '../names';
import { parseSysvMsg } from '../procfs/sysvipc';
import { readProcFile, statPath } from './procio';
import { fromInetDiag, inetQueueFill, inetStateName, type InetSocket } from './inet';
import { TCP_LISTEN, formatEndpoint, isUnspecified } from '../../../native/inetDiagParse';
import { ownNetns, withNetnsFd } from './netns';
import { TYPES, stateFromTcp } from './unixSockets';

export interface QueueSample {
  id: string;
  /** The queue now; null when the object is gone or its queue cannot be read any more. */
  queue: QueueFill | null;
  /** Socket state now (unix: 'listen', 'connected', ...; tcp/udp: 'ESTABLISHED', ...). */
  state?: string;
  /**
   * TCP and UDP sockets other than listeners: bytes in the send queue (TCP: sent but not yet acknowledged
   * plus not yet sent, ss's Send-Q; UDP: send memory in use). `queue` stays the receive queue.
   */
  sendQueue?: number;
  /** SysV message queues: bytes queued (msg_cbytes) against the queue's byte limit (msg_qbytes; null without read permission). */
  bytes?: { used: number; capacity: number | null };
}

export interface QueueRefresh {
  takenAt: string;
  durationMs: number;
  samples: QueueSample[];
  /** Problems that made a whole family unreadable this time (e.g. sock_diag unavailable). */
  notes: string[];
}

/** The kinds whose queues refreshQueues() samples (others get no sample). */
export const REFRESH_KINDS: readonly IpcKind[] = ['pipe', 'fifo', 'unix', 'tcp', 'udp', 'posix-mq', 'sysv-msg'];

/** The subset of an object the refresh needs (a snapshot object, or a stored copy of one). */
export type RefreshTarget = Pick<IpcObject, 'id' | 'kind' | 'inode' | 'endpoints'> & {
  dev?: unknown; netns?: unknown; ipcns?: unknown; name?: string; nameBase64?: unknown; path?: unknown;
};

interface SocketTables {
  unix: UnixQueueTable | null;
  /** TCP and UDP sockets by inode. */
  inet: Map<string, Map<number, InetSocket>>;
  /**
   * Inode-less TCP and UDP sockets (unaccepted connections, orphaned or closing ones) by their tuple
   * "local>remote" ("local>*" when unconnected), as in their object id; read only when one is asked for.
   */
  orphans: Map<string, Map<string, InetSocket>>;
}

/** "local>remote" of an inode-less socket's id (`tcp:orphan:NETNS:local>remote`, see inetObjects), or null. */
export function orphanTuple(id: string, kind: string): string | null {
  const prefix = `${kind}:orphan:`;
  if (!id.startsWith(prefix)) return null;
  const rest = id.slice(prefix.length);
  const colon = rest.indexOf(':'); // after the network namespace label (digits, or empty)
  return colon < 0 ? null : rest.slice(colon + 1);
}

/** One dump per socket family needed, in our namespace (no fd) or another one. */
function readTables(kinds: Set<string>, notes: string[], netnsFd?: number, label = '', orphans = false): SocketTables {
  const out: SocketTables = { unix: null, inet: new Map(), orphans: new Map() };
  if (kinds.has('unix')) {
    try {
      out.unix = dumpUnixQueues(netnsFd);
    } catch (e) {
      notes.push(`unix queues${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const protocol of ['tcp', 'udp'] as const) {
    if (!kinds.has(protocol)) continue;
    try {
      const m = new Map<number, InetSocket>();
      const byTuple = new Map<string, InetSocket>();
      for (const r of dumpInetSockets(protocol, netnsFd).sockets) {
        if (r.ino) m.set(r.ino, fromInetDiag(protocol, r));
        else if (orphans) {
          // Keyed as inetObjects keys their ids (the first of a repeated tuple wins there too).
          const connected = !(r.dport === 0 && isUnspecified(r.dst));
          const key = `${formatEndpoint(r.src, r.sport)}>${connected ? formatEndpoint(r.dst, r.dport) : '*'}`;
          if (!byTuple.has(key)) byTuple.set(key, fromInetDiag(protocol, r));
        }
      }
      out.inet.set(protocol, m);
      out.orphans.set(protocol, byTuple);
    } catch (e) {
      notes.push(`${protocol} queues${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/**
 * Re-read the queues of known pipes, FIFOs, Unix, TCP and UDP sockets (inode-less ones by their tuple),
 * POSIX message queues and SysV message queues. Other kinds are not sampled.
 * Sockets of another network namespace (their `netns` label) are read in that namespace, entered
 * through a process that holds one of them; when none can be entered they get no sample.
 * `threads`: for pipe sampling, the caller included (default: one per core, at most 4).
 */
export function refreshQueues(objects: readonly RefreshTarget[], options: { threads?: number } = {}): QueueRefresh {
  const t0 = performance.now();
  const takenAt = new Date().toISOString();
  const notes: string[] = [];
  // Pipes and FIFOs first: their sampling job goes to the helper threads as early as possible (a helper
  // thread takes a moment to wake), and everything else is read on this thread meanwhile.
  const pipes: RefreshTarget[] = [];
  const others: RefreshTarget[] = [];
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (o.kind === 'pipe' || o.kind === 'fifo') {
      if (typeof o.dev === 'number') pipes.push(o);
    } else others.push(o);
  }
  const samples: QueueSample[] = [];
  const meanwhile = (): void => {
    const own = ownNetns();
    // Sockets by network namespace, message queues.
    const byNs = new Map<number | null, RefreshTarget[]>();
    const queues: RefreshTarget[] = [];
    for (let i = 0; i < others.length; i++) {
      const o = others[i]!;
      const kind = o.kind;
      if (kind === 'unix' || kind === 'tcp' || kind === 'udp') {
        const netns = o['netns'];
        const ns = typeof netns === 'number' && netns !== own ? netns : null;
        let list = byNs.get(ns);
        if (!list) byNs.set(ns, (list = []));
        list.push(o);
      } else if (kind === 'posix-mq' || kind === 'sysv-msg') queues.push(o);
    }
    sampleQueues(queues, samples, notes);
    // The socket dumps.
    for (const [ns, list] of byNs) sampleNamespace(ns, list, samples, notes);
  };
  samplePipes(pipes, options.threads === undefined ? undefined : Math.max(0, options.threads - 1), meanwhile, samples);
  return { takenAt, durationMs: Math.round((performance.now() - t0) * 100) / 100, samples, notes };
}

/** POSIX mqueues (mq_getattr by name) and SysV msg queues (one read of /proc/sysvipc/msg), appended to `samples`. */
function sampleQueues(queues: readonly RefreshTarget[], samples: QueueSample[], notes: string[]): void {
  let sysvMsg: Map<number, { qnum: number; cbytes: number }> | null = null;
  let ownIpc: number | null | undefined;
  let pidfds: Pidfds | null = null;
  // Other namespaces' mqueue directories, each opened once and checked (openMqueueDir), by the path listed.
  const mounts = new Map<string, ReturnType<typeof openMqueueDir>>();
  try {
    for (const o of queues) {
      if (o.kind === 'posix-mq' && typeof o.path !== 'string') {
        // Known only through its holders (unlinked, or no mount): read through a holder's fd, never by name.
        if (typeof o.dev !== 'number') continue;
        pidfds ??= new Pidfds();
        const f = mqFiguresViaHolders(o.endpoints, o.dev, o.inode, pidfds);
        samples.push({ id: o.id, queue: f ? { used: f.attr.curmsgs, capacity: f.attr.maxmsg, unit: 'messages' } : null });
        continue;
      }
      const id = typeof o.dev === 'number' ? { dev: o.dev, ino: o.inode } : undefined;
      // Queues of another IPC namespace are not sampled here (our mq_open and /proc/sysvipc see ours).
      if (ownIpc === undefined) {
        const st = statPath('/proc/thread-self/ns/ipc');
        ownIpc = typeof st === 'string' ? null : st.ino;
      }
      if (typeof o.ipcns === 'number' && ownIpc !== null && o.ipcns !== ownIpc) {
        // A queue of another namespace is read through the mount it was listed from (foreignMq.ts).
        const mount = o.kind === 'posix-mq' && typeof o.path === 'string' ? /^\/proc\/\d+\/root\/dev\/mqueue(?=\/)/.exec(o.path) : null;
        if (!mount || typeof o.name !== 'string') {
          if (o.kind === 'sysv-msg') notes.push(`${o.id}: System V message queues of another IPC namespace (ipc:[${o.ipcns}]) are not sampled`);
          continue;
        }
        const raw = nameBytes({ name: o.name, nameBase64: typeof o.nameBase64 === 'string' ? o.nameBase64 : undefined }, '/');
        // Through the directory opened and checked, never the container's path itself: its /dev/mqueue may be a
        // symlink to a host directory by now, whose file of that name could be a FIFO or a device.
        if (!mounts.has(mount[0])) mounts.set(mount[0], openMqueueDir(mount[0]));
        const dir = mounts.get(mount[0]);
        const a = dir && raw.indexOf(0x2f) < 0 ? mqGetattrAtPath(Buffer.concat([Buffer.from(dir.via + '/'), raw]), id) : null;
        samples.push({ id: o.id, queue: a ? { used: a.curmsgs, capacity: a.maxmsg, unit: 'messages' } : null });
        continue;
      }
      if (o.kind === 'posix-mq' && typeof o.name === 'string') {
        const raw = nameBytes({ name: o.name, nameBase64: typeof o.nameBase64 === 'string' ? o.nameBase64 : undefined }, '/');
        const a = mqGetattr(raw, id);
        samples.push({ id: o.id, queue: a ? { used: a.curmsgs, capacity: a.maxmsg, unit: 'messages' } : null });
      } else if (o.kind === 'sysv-msg') {
        if (!sysvMsg) {
          const r = readProcFile('/proc/sysvipc/msg');
          sysvMsg = new Map(r.data ? parseSysvMsg(r.data.toString('latin1')).rows.map((m) => [m.msqid, m] as const) : []);
        }
        const m = sysvMsg.get(o.inode);
        samples.push(m === undefined ? { id: o.id, queue: null } : {
          id: o.id, queue: { used: m.qnum, capacity: null, unit: 'messages' },
          // The byte limit through msgctl(IPC_STAT): one call, null without read permission on the queue.
          bytes: { used: m.cbytes, capacity: msgQbytes(o.inode) },
        });
      }
    }
  } finally {
    pidfds?.close();
    for (const m of mounts.values()) if (m) closeMqueueDir(m.fd);
  }
}

/** The first read end to sample a pipe through: a reader ('r') first, else a reader-writer ('rw'), as readEnds(). */
function firstReadEnd(endpoints: readonly Endpoint[]): Endpoint | undefined {
  let rw: Endpoint | undefined;
  for (const e of endpoints) {
    if (e.fd === null) continue;
    if (e.access === 'r') return e;
    if (e.access === 'rw' && rw === undefined) rw = e;
  }
  return rw;
}

/**
 * Pipes and FIFOs (each with a numeric dev): through the first read end of each, all at once (shared with
 * helper threads when there are many; `meanwhile` runs on this thread before it joins in); a pipe whose
 * first read end failed is tried through its other read ends. Samples are appended to `out`.
 */
function samplePipes(pipes: readonly RefreshTarget[], helpers: number | undefined, meanwhile: () => void, out: QueueSample[]): void {
  const n = pipes.length;
  // The first read end of each pipe; only pipes that have one are sampled (in columns, in order).
  const first: (Endpoint | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) first[i] = firstReadEnd(pipes[i]!.endpoints);
  // (Plain arrays: typed arrays made per call would touch fresh pages, which fault at a cost here.)
  const cols = { pids: [] as number[], fds: [] as number[], devs: [] as number[], inos: [] as number[] } satisfies PipeColumns;
  for (let i = 0; i < n; i++) {
    const e = first[i];
    if (!e) continue;
    const o = pipes[i]!;
    cols.pids.push(e.pid);
    cols.fds.push(e.fd!);
    cols.devs.push(o.dev as number);
    cols.inos.push(o.inode);
  }
  const sampled = samplePipeColumns(cols, helpers, meanwhile);
  const pidfds = new Pidfds();
  try {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const o = pipes[i]!;
      let s: PipeSample | null = null;
      if (!first[i]) s = sampleThroughWriter(o.endpoints, o.dev as number, o.inode, pidfds);
      else {
        const capacity = sampled[2 * k + 1]!;
        if (capacity >= 0) s = { used: sampled[2 * k]!, capacity };
        k++;
        if (!s) {
          // The first read end failed (closed, or no access): try the others.
          for (const e of readEnds(o.endpoints).slice(1)) {
            s = samplePipe(e.pid, e.fd!, o.dev as number, o.inode, pidfds);
            if (s) break;
          }
        }
      }
      out.push({ id: o.id, queue: s ? { used: s.used, capacity: s.capacity, unit: 'bytes' } : null });
    }
  } finally {
    pidfds.close();
  }
}

/** Samples of the sockets of one network namespace (null = ours). */
function sampleNamespace(ns: number | null, list: readonly RefreshTarget[], samples: QueueSample[], notes: string[]): void {
  const kinds = new Set<string>();
  let orphans = false;
  for (const o of list) {
    kinds.add(o.kind);
    if (!o.inode && (o.kind === 'tcp' || o.kind === 'udp')) orphans = true;
  }
  if (!kinds.has('unix') && !kinds.has('tcp') && !kinds.has('udp')) return;
  const tables = ns === null
    ? readTables(kinds, notes, undefined, '', orphans)
    : withNetnsFd({ ino: ns, pids: [...new Set(list.flatMap((o) => o.endpoints.map((e) => e.pid)))] },
      (fd) => readTables(kinds, notes, fd, ` of net:[${ns}]`, orphans));
  if (!tables) notes.push(`network namespace net:[${ns}] could not be entered: its sockets were not sampled`);
  for (const o of list) {
    const s = sampleSocket(o, tables ?? { unix: null, inet: new Map(), orphans: new Map() });
    if (s) samples.push(s);
  }
}

function sampleSocket(o: RefreshTarget, t: SocketTables): QueueSample | null {
  switch (o.kind) {
    case 'unix': {
      const u = t.unix;
      if (!u) return null;
      const i = u.row(o.inode);
      if (i < 0 || !TYPES[u.type[i]!]) return { id: o.id, queue: null };
      // As unixQueueFill: a listener's accept queue against its backlog, else the bytes readable (a datagram
      // socket: the next datagram's size).
      const state = stateFromTcp(u.state[i]!);
      const rq = u.rqueue[i]!;
      const queue: QueueFill | null = rq < 0 ? null
        : state === 'listen' ? { used: rq, capacity: u.wqueue[i]!, unit: 'connections' }
          : TYPES[u.type[i]!] === 'dgram' ? { used: rq, capacity: null, unit: 'bytes', measure: 'next-datagram' } : { used: rq, capacity: null, unit: 'bytes' };
      return { id: o.id, queue, state };
    }
    case 'tcp':
    case 'udp': {
      const m = t.inet.get(o.kind);
      if (!m) return null;
      let s: InetSocket | undefined;
      if (o.inode) s = m.get(o.inode);
      else {
        // No inode (an unaccepted connection, an orphaned or closing socket): the same tuple, inode-less
        // still, in the same namespace (the dump is per namespace) and protocol (per table).
        const tuple = orphanTuple(o.id, o.kind);
        if (tuple !== null) s = t.orphans.get(o.kind)?.get(tuple);
      }
      if (!s) return { id: o.id, queue: null };
      const out: QueueSample = { id: o.id, queue: inetQueueFill(s), state: inetStateName(s.protocol, s.state) };
      if (!(s.protocol === 'tcp' && s.state === TCP_LISTEN) && s.wqueue !== null) out.sendQueue = s.wqueue;
      return out;
    }
  }
  return null;
}
