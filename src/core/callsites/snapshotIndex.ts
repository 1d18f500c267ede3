// Index of a snapshot for lens resolution: objects by raw name, by port, by id; built once per snapshot.

import type { IpcObject, ProcessInfo, Snapshot } from '../model';
import { nameBytes } from '../names';

export interface SnapshotIndex {
  snapshot: Snapshot;
  byId: Map<string, IpcObject>;
  procs: Map<number, ProcessInfo>;
  /** Unix sockets by `p:`/`a:` + latin1 of the raw name bytes (abstract without the '@'). */
  unix: Map<string, IpcObject[]>;
  fifo: Map<string, IpcObject[]>;
  /** Posix shm / mq by bare name (no '/', no /dev/shm or /dev/mqueue prefix). */
  shm: Map<string, IpcObject[]>;
  mq: Map<string, IpcObject[]>;
  /** inet sockets by `tcp:<local port>` / `udp:<local port>`, and TCP by remote port. */
  inetLocal: Map<string, IpcObject[]>;
  tcpRemote: Map<number, IpcObject[]>;
  /** Unix socket id -> how many sockets name it as their peer (datagram senders). */
  peersOf: Map<string, number>;
  /** Signal name -> processes that catch it; null when no process carries signal dispositions. */
  catchers: Map<string, ProcessInfo[]> | null;
}

const cache = new WeakMap<Snapshot, SnapshotIndex>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function rawName(o: IpcObject, prefix = ''): Uint8Array {
  const d: { name: string; nameBase64?: string } = { name: typeof o.name === 'string' ? o.name : '' };
  if (typeof o.nameBase64 === 'string') d.nameBase64 = o.nameBase64;
  return nameBytes(d, prefix);
}

/** `/dev/shm/x`, `/x`, `x` -> `x`. */
export function bareName(s: string, dir: string): string {
  if (s.startsWith(dir + '/')) return s.slice(dir.length + 1);
  return s.replace(/^\/+/, '');
}

/** Port of "addr:port" / "[v6]:port"; NaN when absent. */
export function portOfAddress(a: string | null | undefined): number {
  if (!a) return NaN;
  const i = a.lastIndexOf(':');
  return i < 0 ? NaN : Number(a.slice(i + 1));
}

const SIGNUM: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV',
  'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN',
  'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
const ALIASES: Record<string, string> = { SIGIOT: 'SIGABRT', SIGPOLL: 'SIGIO', SIGCLD: 'SIGCHLD' };

/** "USR1", "sigusr1", 10, "SIGIOT" -> "SIGUSR1"/"SIGABRT"; real-time as "SIGRTMIN+n" when given so. */
export function canonicalSignal(s: unknown): string | undefined {
  if (typeof s === 'number') return s >= 1 && s < SIGNUM.length ? SIGNUM[s] : s >= 34 && s <= 64 ? `SIGRTMIN+${s - 34}` : undefined;
  if (typeof s !== 'string' || s.length === 0 || s.length > 20) return undefined;
  let n = s.trim().toUpperCase().replace(/\s+/g, '');
  if (/^\d+$/.test(n)) return canonicalSignal(Number(n));
  if (!n.startsWith('SIG')) n = 'SIG' + n;
  if (n === 'SIGRTMIN+0') n = 'SIGRTMIN';
  return ALIASES[n] ?? n;
}

function caughtList(p: ProcessInfo): unknown[] | undefined {
  const sig = p['signals'];
  if (!sig || typeof sig !== 'object') return undefined;
  const c = (sig as { caught?: unknown }).caught;
  return Array.isArray(c) ? c : undefined;
}

export function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const ix: SnapshotIndex = {
    snapshot, byId: new Map(), procs: new Map(), unix: new Map(), fifo: new Map(), shm: new Map(), mq: new Map(),
    inetLocal: new Map(), tcpRemote: new Map(), peersOf: new Map(), catchers: null,
  };
  for (const p of snapshot.processes ?? []) {
    ix.procs.set(p.pid, p);
    const caught = caughtList(p);
    if (!caught) continue;
    ix.catchers ??= new Map();
    for (const c of caught) {
      const n = canonicalSignal(c);
      if (n) push(ix.catchers, n, p);
    }
  }
  for (const o of snapshot.objects ?? []) {
    if (!o || typeof o.id !== 'string') continue;
    ix.byId.set(o.id, o);
    switch (o.kind) {
      case 'unix': {
        const addr = o.unix?.address;
        if (addr === 'path') push(ix.unix, 'p:' + latin1(rawName(o)), o);
        else if (addr === 'abstract') push(ix.unix, 'a:' + latin1(rawName(o, '@')), o);
        const peer = o.unix?.peer;
        if (peer) ix.peersOf.set(peer, (ix.peersOf.get(peer) ?? 0) + 1);
        break;
      }
      case 'fifo':
        push(ix.fifo, latin1(rawName(o)), o);
        break;
      case 'posix-shm':
        push(ix.shm, bareName(latin1(rawName(o)), '/dev/shm'), o);
        break;
      case 'posix-mq':
        push(ix.mq, bareName(latin1(rawName(o)), '/dev/mqueue'), o);
        break;
      case 'tcp':
      case 'udp': {
        const port = portOfAddress(o.inet?.local);
        if (Number.isFinite(port)) push(ix.inetLocal, `${o.kind}:${port}`, o);
        const rport = portOfAddress(o.inet?.remote);
        if (o.kind === 'tcp' && Number.isFinite(rport) && rport > 0) push(ix.tcpRemote, rport, o);
        break;
      }
    }
  }
  cache.set(snapshot, ix);
  return ix;
}
