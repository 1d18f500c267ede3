// The cheap refresh path: re-read only the queues of objects already known (one sock_diag dump per
// socket family in use, FIONREAD per pipe), without walking /proc/*/fd again. For live views at 1-10 Hz.

import { dumpInetSockets, dumpUnixSockets } from '../../../native/netlink';
import { UDIAG_SHOW_RQLEN } from '../../../native/netlinkParse';
import type { IpcObject, QueueFill } from '../model';
import { readEnds, samplePipe } from './fill';
import { fromInetDiag, inetQueueFill, inetStateName, type InetSocket } from './inet';
import { unixQueueFill } from './join';
import { fromDiag, type UnixSocket } from './unixSockets';

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
export type RefreshTarget = Pick<IpcObject, 'id' | 'kind' | 'inode' | 'endpoints'> & { dev?: unknown };

/** Re-read the queues of known pipes, FIFOs, Unix, TCP and UDP sockets. Other kinds are not sampled. */
export function refreshQueues(objects: readonly RefreshTarget[]): QueueRefresh {
  const t0 = performance.now();
  const takenAt = new Date().toISOString();
  const notes: string[] = [];
  const kinds = new Set(objects.map((o) => o.kind));
  let unix: Map<number, UnixSocket> | null = null;
  if (kinds.has('unix')) {
    try {
      unix = new Map();
      for (const r of dumpUnixSockets(UDIAG_SHOW_RQLEN).sockets) {
        const s = fromDiag(r);
        if (s) unix.set(s.ino, s);
      }
    } catch (e) {
      unix = null;
      notes.push(`unix queues: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const inet = new Map<string, Map<number, InetSocket>>();
  for (const protocol of ['tcp', 'udp'] as const) {
    if (!kinds.has(protocol)) continue;
    try {
      const m = new Map<number, InetSocket>();
      for (const r of dumpInetSockets(protocol).sockets) if (r.ino) m.set(r.ino, fromInetDiag(protocol, r));
      inet.set(protocol, m);
    } catch (e) {
      notes.push(`${protocol} queues: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const samples: QueueSample[] = [];
  for (const o of objects) {
    switch (o.kind) {
      case 'pipe':
      case 'fifo': {
        if (typeof o.dev !== 'number') break;
        let queue: QueueFill | null = null;
        for (const e of readEnds(o.endpoints)) {
          const s = samplePipe(e.pid, e.fd!, o.dev, o.inode);
          if (s) {
            queue = { used: s.used, capacity: s.capacity, unit: 'bytes' };
            break;
          }
        }
        samples.push({ id: o.id, queue });
        break;
      }
      case 'unix': {
        if (!unix) break;
        const s = unix.get(o.inode);
        samples.push(s ? { id: o.id, queue: unixQueueFill(s), state: s.state } : { id: o.id, queue: null });
        break;
      }
      case 'tcp':
      case 'udp': {
        const m = inet.get(o.kind);
        if (!m) break;
        const s = o.inode ? m.get(o.inode) : undefined;
        samples.push(s ? { id: o.id, queue: inetQueueFill(s), state: inetStateName(s.protocol, s.state) } : { id: o.id, queue: null });
        break;
      }
    }
  }
  return { takenAt, durationMs: Math.round((performance.now() - t0) * 100) / 100, samples, notes };
}
