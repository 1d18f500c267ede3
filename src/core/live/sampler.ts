// Live queue sampling: what to read for each object (a target built from its snapshot record) and the
// per-tick readers, with the machine access injected so the logic is testable without a kernel.

import type { IpcKind, IpcObject, QueueFill, QueueUnit } from '../model';
import { headerLength, readStable, type HeaderRead, type RingLayout } from './ringLayout';
import { shmPath } from './shmHeader';
import type { RefreshTarget } from '../scan/refresh';

/** What the sampler reads for one object. Built on the host, executed in the live worker. */
export type LiveTarget =
  /**
   * Pipes, FIFOs, Unix/TCP/UDP sockets, POSIX mqueues, SysV msg queues: the engine's cheap refresh path
   * (FIONREAD through a holder of the read end, sock_diag dumps per network namespace, mq_getattr,
   * /proc/sysvipc/msg).
   */
  | { id: string; kind: 'engine'; object: RefreshTarget }
  /** A POSIX shm segment with a ring layout attached: header pread. */
  | { id: string; kind: 'shm-ring'; file: string; layout: RingLayout };

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

/** Machine access used by sampleTargets (the worker passes the real ones, tests pass fakes). */
export interface SamplerIo {
  /** The engine's refresh path: one queue (or null) per object it could look at, plus family-wide notes. */
  refresh(objects: RefreshTarget[]): { samples: { id: string; queue: QueueFill | null; bytes?: { used: number; capacity: number | null } }[]; notes: string[] };
  headerReader(file: string, length: number): () => HeaderRead;
}

const ENGINE_KINDS: ReadonlySet<IpcKind> = new Set(['pipe', 'fifo', 'unix', 'tcp', 'udp', 'posix-mq', 'sysv-msg']);

/** The target for an object, or undefined when it has no queue the live views can follow. */
export function targetFor(o: IpcObject, layoutFor: (segmentName: string) => RingLayout | undefined): LiveTarget | undefined {
  // The whole record: the refresh path picks what it needs (dev, netns, ipcns, raw name, holders).
  if (ENGINE_KINDS.has(o.kind)) return { id: o.id, kind: 'engine', object: o };
  if (o.kind !== 'posix-shm') return undefined;
  const name = segmentName(typeof o['path'] === 'string' ? o['path'] : o.name);
  const file = name === undefined ? undefined : shmPath(name);
  const layout = name === undefined ? undefined : layoutFor(name);
  return file && layout ? { id: o.id, kind: 'shm-ring', file, layout } : undefined;
}

/** "/name", "name" or "/dev/shm/name" -> "name". */
export function segmentName(name: string): string | undefined {
  const base = name.startsWith('/dev/shm/') ? name.slice('/dev/shm/'.length) : name.startsWith('/') ? name.slice(1) : name;
  return base && !base.includes('/') ? base : undefined;
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
  const engine: RefreshTarget[] = [];
  for (const t of targets) {
    if (t.kind === 'engine') engine.push(t.object);
    else {
      try {
        out.set(t.id, ringSample(io.headerReader(t.file, headerLength(t.layout)), t.layout));
      } catch (e) {
        out.set(t.id, { ok: false, error: message(e) });
      }
    }
  }
  if (engine.length) {
    let error: string | undefined;
    let byId = new Map<string, QueueFill | null>();
    try {
      const r = io.refresh(engine);
      // A SysV queue fills up by bytes (msg_qbytes, as msgsnd blocks on it), not by a message count: followed
      // in bytes against that limit where the queue's limit is readable, in messages (no capacity) otherwise.
      byId = new Map(r.samples.map((x) => [x.id, x.bytes && x.bytes.capacity !== null && x.queue
        ? { used: x.bytes.used, capacity: x.bytes.capacity, unit: 'bytes' } : x.queue]));
      if (r.notes.length) error = r.notes.join('; ');
    } catch (e) {
      error = message(e);
    }
    for (const o of engine) {
      const q = byId.get(o.id);
      if (q) out.set(o.id, fillSample(q));
      else if (q === null) out.set(o.id, { ok: false, error: GONE[o.kind] ?? 'gone' });
      else out.set(o.id, { ok: false, error: error ?? 'not sampled' });
    }
  }
  return out;
}

const GONE: Partial<Record<IpcKind, string>> = {
  pipe: 'no accessible holder of the read end (or the pipe is gone)',
  fifo: 'no accessible holder of the read end (or the FIFO is gone)',
  unix: 'socket gone', tcp: 'socket gone', udp: 'socket gone',
  'posix-mq': 'queue gone (or not readable)', 'sysv-msg': 'queue gone',
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
