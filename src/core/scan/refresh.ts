// The cheap refresh path: re-read only the queues of objects already known (one sock_diag dump per
// socket family and namespace in use, FIONREAD per pipe), without walking /proc/*/fd. For live views at 1-10 Hz.

import { dumpInetSockets, dumpUnixQueues } from '../../../native/netlink';
import type { UnixQueueTable } from '../../../native/netlinkParse';
import type { IpcObject, QueueFill } from '../model';
import { Pidfds, readEnds, samplePipe, type PipeSample } from './fill';
import { samplePipesShared, type PipeEnd } from './parallelSample';
import { mqGetattr, mqGetattrAtPath } from './ipcSources';
import { nameBytes } from '../names';
import { parseSysvMsg } from '../procfs/sysvipc';
import { readProcFile, statPath } from './procio';
import { fromInetDiag, inetQueueFill, inetStateName, type InetSocket } from './inet';
import { ownNetns, withNetnsFd } from './netns';
import { TYPES, stateFromTcp } from './unixSockets';

export interface QueueSample {
  id: string;
  /** The queue now; null when the object is gone or its queue cannot be read any more. */
  queue: QueueFill | null;
  /** Socket state now (unix: 'listen', 'connected', ...; tcp/udp: 'ESTABLISHED', ...). */
  state?: string;
}

export interface QueueRefresh {
  takenAt: string;
  durationMs: number;
  samples: QueueSample[];
  /** Problems that made a whole family unreadable this time (e.g. sock_diag unavailable). */
  notes: string[];
}

/** The subset of an object the refresh needs (a snapshot object, or a stored copy of one). */
export type RefreshTarget = Pick<IpcObject, 'id' | 'kind' | 'inode' | 'endpoints'> & {
  dev?: unknown; netns?: unknown; ipcns?: unknown; name?: string; nameBase64?: unknown; path?: unknown;
};

interface SocketTables {
  unix: UnixQueueTable | null;
  inet: Map<string, Map<number, InetSocket>>;
}

/** One dump per socket family needed, in our namespace (no fd) or another one. */
function readTables(kinds: Set<string>, notes: string[], netnsFd?: number, label = ''): SocketTables {
  const out: SocketTables = { unix: null, inet: new Map() };
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
      for (const r of dumpInetSockets(protocol, netnsFd).sockets) if (r.ino) m.set(r.ino, fromInetDiag(protocol, r));
      out.inet.set(protocol, m);
    } catch (e) {
      notes.push(`${protocol} queues${label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/**
 * Re-read the queues of known pipes, FIFOs, Unix, TCP and UDP sockets. Other kinds are not sampled.
 * Sockets of another network namespace (their `netns` label) are read in that namespace, entered
 * through a process that holds one of them; when none can be entered they get no sample.
 * `threads`: for pipe sampling, the caller included (default: one per core, at most 4).
 */
export function refreshQueues(objects: readonly RefreshTarget[], options: { threads?: number } = {}): QueueRefresh {
  const t0 = performance.now();
  const takenAt = new Date().toISOString();
  const notes: string[] = [];
  const own = ownNetns();
  const byNs = new Map<number | null, RefreshTarget[]>();
  for (const o of objects) {
    const ns = typeof o['netns'] === 'number' && o['netns'] !== own ? (o['netns'] as number) : null;
    let list = byNs.get(ns);
    if (!list) byNs.set(ns, (list = []));
    list.push(o);
  }
  const samples: QueueSample[] = [];
  // POSIX mqueues (mq_getattr by name) and SysV msg queues (one read of /proc/sysvipc/msg).
  let sysvMsg: Map<number, number> | null = null;
  let ownIpc: number | null | undefined;
  for (const o of objects) {
    if (o.kind === 'posix-mq' || o.kind === 'sysv-msg') {
      // Queues of another IPC namespace are not sampled here (our mq_open and /proc/sysvipc see ours).
      if (ownIpc === undefined) {
        const st = statPath('/proc/thread-self/ns/ipc');
        ownIpc = typeof st === 'string' ? null : st.ino;
      }
      if (typeof o.ipcns === 'number' && ownIpc !== null && o.ipcns !== ownIpc) {
        // A queue of another namespace is read through the mount it was listed from (foreignMq.ts).
        const mount = o.kind === 'posix-mq' && typeof o.path === 'string' ? /^\/proc\/\d+\/root\/dev\/mqueue(?=\/)/.exec(o.path) : null;
        if (!mount || typeof o.name !== 'string') continue;
        const raw = nameBytes({ name: o.name, nameBase64: typeof o.nameBase64 === 'string' ? o.nameBase64 : undefined }, '/');
        const a = mqGetattrAtPath(Buffer.concat([Buffer.from(mount[0] + '/'), raw]));
        samples.push({ id: o.id, queue: a ? { used: a.curmsgs, capacity: a.maxmsg, unit: 'messages' } : null });
        continue;
      }
    }
    if (o.kind === 'posix-mq' && typeof o.name === 'string') {
      const raw = nameBytes({ name: o.name, nameBase64: typeof o.nameBase64 === 'string' ? o.nameBase64 : undefined }, '/');
      const a = mqGetattr(raw);
      samples.push({ id: o.id, queue: a ? { used: a.curmsgs, capacity: a.maxmsg, unit: 'messages' } : null });
    } else if (o.kind === 'sysv-msg') {
      if (!sysvMsg) {
        const r = readProcFile('/proc/sysvipc/msg');
        sysvMsg = new Map(r.data ? parseSysvMsg(r.data.toString('latin1')).rows.map((m) => [m.msqid, m.qnum] as const) : []);
      }
      const qnum = sysvMsg.get(o.inode);
      samples.push({ id: o.id, queue: qnum === undefined ? null : { used: qnum, capacity: null, unit: 'messages' } });
    }
  }
  // The socket dumps run on this thread while helper threads already sample pipes.
  const sockets = (): void => {
    for (const [ns, list] of byNs) sampleNamespace(ns, list, samples, notes);
  };
  samples.push(...samplePipes(objects, options.threads === undefined ? undefined : Math.max(0, options.threads - 1), sockets));
  return { takenAt, durationMs: Math.round((performance.now() - t0) * 100) / 100, samples, notes };
}

/**
 * Pipes and FIFOs: through the first read end of each, all at once (shared with helper threads when
 * there are many; `meanwhile` runs on this thread before it joins in); a pipe whose first read end failed is
 * tried through its other read ends.
 */
function samplePipes(objects: readonly RefreshTarget[], helpers: number | undefined, meanwhile: () => void): QueueSample[] {
  const pipes = objects.filter((o) => (o.kind === 'pipe' || o.kind === 'fifo') && typeof o.dev === 'number');
  const ends = pipes.map((o) => readEnds(o.endpoints));
  const firstOf: PipeEnd[] = [];
  const index: number[] = [];
  pipes.forEach((o, i) => {
    const e = ends[i]![0];
    if (!e) return;
    index.push(i);
    firstOf.push({ pid: e.pid, fd: e.fd!, dev: o.dev as number, ino: o.inode });
  });
  const first = samplePipesShared(firstOf, helpers, meanwhile);
  const got = new Map<number, PipeSample | null>(index.map((i, k) => [i, first[k]!]));
  const pidfds = new Pidfds();
  try {
    return pipes.map((o, i) => {
      let s = got.get(i) ?? null;
      for (const e of ends[i]!.slice(1)) {
        if (s) break;
        s = samplePipe(e.pid, e.fd!, o.dev as number, o.inode, pidfds);
      }
      return { id: o.id, queue: s ? { used: s.used, capacity: s.capacity, unit: 'bytes' as const } : null };
    });
  } finally {
    pidfds.close();
  }
}

/** Samples of the sockets of one network namespace (null = ours). */
function sampleNamespace(ns: number | null, list: readonly RefreshTarget[], samples: QueueSample[], notes: string[]): void {
  const kinds = new Set<string>();
  for (const o of list) kinds.add(o.kind);
  if (!kinds.has('unix') && !kinds.has('tcp') && !kinds.has('udp')) return;
  const tables = ns === null
    ? readTables(kinds, notes)
    : withNetnsFd({ ino: ns, pids: [...new Set(list.flatMap((o) => o.endpoints.map((e) => e.pid)))] },
      (fd) => readTables(kinds, notes, fd, ` of net:[${ns}]`));
  if (!tables) notes.push(`network namespace net:[${ns}] could not be entered: its sockets were not sampled`);
  for (const o of list) {
    const s = sampleSocket(o, tables ?? { unix: null, inet: new Map() });
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
      // As unixQueueFill: a listener's accept queue against its backlog, else the bytes readable.
      const state = stateFromTcp(u.state[i]!);
      const rq = u.rqueue[i]!;
      const queue: QueueFill | null = rq < 0 ? null
        : state === 'listen' ? { used: rq, capacity: u.wqueue[i]!, unit: 'connections' } : { used: rq, capacity: null, unit: 'bytes' };
      return { id: o.id, queue, state };
    }
    case 'tcp':
    case 'udp': {
      const m = t.inet.get(o.kind);
      if (!m) return null;
      const s = o.inode ? m.get(o.inode) : undefined;
      return s ? { id: o.id, queue: inetQueueFill(s), state: inetStateName(s.protocol, s.state) } : { id: o.id, queue: null };
    }
  }
  return null;
}
