// Live queue sampling: what to read for each object (a target built from its snapshot record) and the
// per-tick readers, with the machine access injected so the logic is testable without a kernel.

import type { IpcKind, IpcObject, QueueFill, QueueUnit, Snapshot } from '../model';
import { headerLength, readStable, type HeaderRead, type RingLayout } from './ringLayout';
import { shmPath } from './shmHeader';

/** What the sampler reads for one object. Built on the host, executed in the live worker. */
export type LiveTarget =
  /** Pipe or FIFO: FIONREAD / F_GETPIPE_SZ through /proc/PID/fd/N of a holder of the read end. */
  | { id: string; kind: 'pipe'; dev: number; ino: number; readers: { pid: number; fd: number }[] }
  /** Unix socket: receive queue from a sock_diag dump. */
  | { id: string; kind: 'unix'; ino: number }
  /** A POSIX shm segment with a ring layout attached: header pread. */
  | { id: string; kind: 'shm-ring'; file: string; layout: RingLayout }
  /** Kinds without a cheap path here: the queue from a fresh snapshot of that kind. */
  | { id: string; kind: 'snapshot'; objectKind: IpcKind };

export interface RingPositions {
  capacity: number;
  readIndex: number;
  writeIndex: number;
  rawRead: string;
  rawWrite: string;
  /** False when the header kept moving between reads and the latest consistent read was used. */
  stable: boolean;
}

export interface LiveSample {
  used: number;
  capacity: number | null;
  unit: QueueUnit;
  ring?: RingPositions;
}

export type SampleResult = { ok: true; sample: LiveSample } | { ok: false; error: string };

/** The interface the live views depend on; the worker client implements it. */
export interface QueueSampler {
  sample(targets: readonly LiveTarget[]): Promise<Map<string, SampleResult>>;
}

/** Unix socket queue as the engine reports it (sock_diag rqueue/wqueue). */
export interface UnixQueue {
  listening: boolean;
  rqueue: number | null;
  wqueue: number | null;
}

/** Machine access used by sampleTargets (the worker passes the real ones, tests pass fakes). */
export interface SamplerIo {
  samplePipe(pid: number, fd: number, dev: number, ino: number): { used: number; capacity: number } | null;
  /** Queues of all Unix sockets of our network namespace, by inode (one dump per tick). */
  unixQueues(): Map<number, UnixQueue>;
  headerReader(file: string, length: number): () => HeaderRead;
  snapshot(kinds: IpcKind[]): Snapshot;
}

/** The target for an object, or undefined when it has no queue the live views can follow. */
export function targetFor(o: IpcObject, layoutFor: (segmentName: string) => RingLayout | undefined): LiveTarget | undefined {
  switch (o.kind) {
    case 'pipe':
    case 'fifo': {
      const dev = o['dev'];
      if (typeof dev !== 'number') return undefined;
      const readers = [...o.endpoints.filter((e) => e.access === 'r'), ...o.endpoints.filter((e) => e.access === 'rw')]
        .filter((e) => e.fd !== null)
        .map((e) => ({ pid: e.pid, fd: e.fd! }));
      return { id: o.id, kind: 'pipe', dev, ino: o.inode, readers };
    }
    case 'unix':
      return { id: o.id, kind: 'unix', ino: o.inode };
    case 'posix-shm': {
      const name = segmentName(typeof o['path'] === 'string' ? o['path'] : o.name);
      const file = name === undefined ? undefined : shmPath(name);
      const layout = name === undefined ? undefined : layoutFor(name);
      return file && layout ? { id: o.id, kind: 'shm-ring', file, layout } : undefined;
    }
    case 'tcp':
    case 'udp':
    case 'posix-mq':
    case 'sysv-msg':
      return { id: o.id, kind: 'snapshot', objectKind: o.kind };
    default:
      return undefined;
  }
}

/** "/name", "name" or "/dev/shm/name" -> "name". */
export function segmentName(name: string): string | undefined {
  const base = name.startsWith('/dev/shm/') ? name.slice('/dev/shm/'.length) : name.startsWith('/') ? name.slice(1) : name;
  return base && !base.includes('/') ? base : undefined;
}

function unixSample(q: UnixQueue | undefined): SampleResult {
  if (!q) return { ok: false, error: 'socket gone' };
  if (q.rqueue === null) return { ok: false, error: 'no queue information (sock_diag unavailable)' };
  return q.listening
    ? { ok: true, sample: { used: q.rqueue, capacity: q.wqueue, unit: 'connections' } }
    : { ok: true, sample: { used: q.rqueue, capacity: null, unit: 'bytes' } };
}

export function ringSample(read: () => HeaderRead, layout: RingLayout): SampleResult {
  const r = readStable(read, layout);
  if (!r.ok) return { ok: false, error: `${r.code}: ${r.message}` };
  const s = r.state;
  return {
    ok: true,
    sample: {
      used: s.used, capacity: s.usable, unit: layout.slotSize === 1 ? 'bytes' : 'messages',
      ring: { capacity: s.capacity, readIndex: s.readIndex, writeIndex: s.writeIndex, rawRead: s.rawRead, rawWrite: s.rawWrite, stable: r.stable },
    },
  };
}

const fillSample = (q: QueueFill): SampleResult => ({ ok: true, sample: { used: q.used, capacity: q.capacity, unit: q.unit } });

/** One tick: every target read once; each failure is a result, never an exception. */
export function sampleTargets(targets: readonly LiveTarget[], io: SamplerIo): Map<string, SampleResult> {
  const out = new Map<string, SampleResult>();
  let unix: Map<number, UnixQueue> | undefined;
  const fallbackKinds = new Set<IpcKind>();
  for (const t of targets) {
    try {
      switch (t.kind) {
        case 'pipe': {
          let s: { used: number; capacity: number } | null = null;
          for (const r of t.readers) {
            s = io.samplePipe(r.pid, r.fd, t.dev, t.ino);
            if (s) break;
          }
          out.set(t.id, s ? { ok: true, sample: { used: s.used, capacity: s.capacity, unit: 'bytes' } }
            : { ok: false, error: t.readers.length ? 'no holder of the read end is accessible' : 'nobody holds the read end' });
          break;
        }
        case 'unix':
          unix ??= io.unixQueues();
          out.set(t.id, unixSample(unix.get(t.ino)));
          break;
        case 'shm-ring':
          out.set(t.id, ringSample(io.headerReader(t.file, headerLength(t.layout)), t.layout));
          break;
        case 'snapshot':
          fallbackKinds.add(t.objectKind);
          break;
      }
    } catch (e) {
      out.set(t.id, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (fallbackKinds.size) {
    let byId: Map<string, IpcObject> | undefined;
    let error: string | undefined;
    try {
      byId = new Map(io.snapshot([...fallbackKinds]).objects.map((o) => [o.id, o]));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    for (const t of targets) {
      if (t.kind !== 'snapshot') continue;
      const o = byId?.get(t.id);
      out.set(t.id, o?.queue ? fillSample(o.queue) : { ok: false, error: error ?? (o ? 'no queue information' : 'object gone') });
    }
  }
  return out;
}
