// Resolve a call site against a snapshot: the lens title, the object to reveal, the benchmark to offer.

import { formatBytes, plural } from '../format';
import type { IpcObject, ProcessInfo, Snapshot } from '../model';
import { escapeControl } from '../names';
import { bareName, indexSnapshot, latin1, portOfAddress, type SnapshotIndex } from './snapshotIndex';
import type { CallSite, NameTarget, PortTarget, SignalTarget, UnixSockType } from './types';

/** Benchmark mechanism ids (the same ids as src/core/bench/catalogue.ts). */
export type LensBenchmark = 'unix-stream' | 'unix-dgram' | 'unix-seqpacket' | 'fifo' | 'tcp' | 'udp' | 'shm-futex' | 'posix-mq' | 'signal';

export interface LensResolution {
  title: string;
  /** Id of the object to reveal (without the `obj:` prefix), null when nothing on the machine matches. */
  objectId: string | null;
  tooltip: string;
  benchmark?: LensBenchmark;
  /** The object has a queue whose occupancy can be charted. */
  chartable: boolean;
}

const MAX_LISTED = 3;

function pids(objs: readonly (IpcObject | undefined)[]): number[] {
  const out = new Set<number>();
  for (const o of objs) for (const e of o?.endpoints ?? []) out.add(e.pid);
  return [...out].sort((a, b) => a - b);
}

function list(items: string[], max = MAX_LISTED): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} +${items.length - max}`;
}

function pidList(ps: number[]): string {
  return ps.length ? list(ps.map(String)) : '—';
}

function procLabel(ix: SnapshotIndex, pid: number): string {
  const p = ix.procs.get(pid);
  return p && typeof p.comm === 'string' && p.comm ? `${escapeControl(p.comm)} ${pid}` : String(pid);
}

function holdersTooltip(ix: SnapshotIndex, label: string, o: IpcObject | undefined): string {
  if (!o) return `${label}: —`;
  const rows = (o.endpoints ?? []).slice(0, 8).map((e) => `${procLabel(ix, e.pid)} ${e.fd === null ? 'map' : `fd ${e.fd}`} ${e.access}`);
  const more = (o.endpoints?.length ?? 0) > 8 ? ` (+${o.endpoints.length - 8})` : '';
  return `${label}: ${rows.length ? rows.join('; ') + more : 'no visible holder'}`;
}

function bytesQueued(objs: readonly (IpcObject | undefined)[]): number {
  let n = 0;
  for (const o of objs) if (o?.queue?.unit === 'bytes') n += o.queue.used;
  return n;
}

function shown(o: IpcObject): string {
  return escapeControl(o.name);
}

function footer(s: Snapshot): string {
  return `\nSnapshot ${escapeControl(String(s.takenAt))}${s.hidden?.processes ? ` · ${plural(s.hidden.processes, 'process', 'processes')} not inspectable` : ''}`;
}

function unixBench(t: UnixSockType | undefined): LensBenchmark {
  return t === 'dgram' ? 'unix-dgram' : t === 'seqpacket' ? 'unix-seqpacket' : 'unix-stream';
}

function resolveUnix(ix: SnapshotIndex, site: CallSite, t: NameTarget): LensResolution {
  const key = (t.type === 'abstract' ? 'a:' : 'p:') + latin1(t.bytes);
  const objs = ix.unix.get(key) ?? [];
  const what = t.type === 'abstract' ? `abstract socket @${escapeControl(t.value)}` : `socket ${escapeControl(t.value)}`;
  const listener = objs.find((o) => o.unix?.state === 'listen');
  const bench = unixBench(listener?.unix?.type ?? objs[0]?.unix?.type ?? site.sockType);
  if (listener) {
    // Accepted sockets carry the listener's name; their peers are the clients.
    const accepted = objs.filter((o) => o !== listener && o.unix?.state !== 'listen' && o.unix?.type === listener.unix?.type);
    const clients = accepted.map((a) => (a.unix?.peer ? ix.byId.get(a.unix.peer) : undefined));
    const serverPids = pids([listener, ...accepted]);
    const clientPids = pids(clients);
    const pending = listener.unix?.pendingConnections ?? 0;
    const n = accepted.length;
    const title = `● listening · ${n} client${n === 1 ? '' : 's'} (server ${pidList(serverPids)}${clientPids.length ? `, client${clientPids.length === 1 ? '' : 's'} ${pidList(clientPids)}` : ''})`
      + `${pending ? ` · ${pending} pending` : ''} · ${formatBytes(bytesQueued([...accepted, ...clients]))} queued`;
    const tooltip = [
      `Unix ${listener.unix?.type ?? ''} listener ${shown(listener)} (inode ${listener.inode})`,
      holdersTooltip(ix, 'server', listener),
      ...clients.slice(0, 5).map((c, i) => holdersTooltip(ix, `client ${i + 1}`, c)),
    ].join('\n') + footer(ix.snapshot);
    return { title, objectId: listener.id, tooltip, benchmark: bench, chartable: listener.queue !== undefined };
  }
  const bound = objs[0];
  if (bound) {
    // A bound datagram socket, or connections whose listener has gone.
    const senders = ix.peersOf.get(bound.id) ?? 0;
    const holders = pids(objs);
    const dgram = bound.unix?.type === 'dgram';
    const title = dgram
      ? `● bound (datagram) · held by ${pidList(holders)} · ${senders} sender${senders === 1 ? '' : 's'} · ${formatBytes(bytesQueued(objs))} queued`
      : `● ${objs.length} connection${objs.length === 1 ? '' : 's'}, no listener (${pidList(holders)})`;
    const tooltip = [`Unix ${bound.unix?.type ?? ''} socket ${shown(bound)} (inode ${bound.inode}, ${bound.unix?.state ?? '?'})`, holdersTooltip(ix, 'held by', bound)].join('\n') + footer(ix.snapshot);
    return { title, objectId: bound.id, tooltip, benchmark: bench, chartable: bound.queue !== undefined };
  }
  return { title: '○ no such socket on this machine', objectId: null, tooltip: `No Unix ${what} in the latest snapshot.${footer(ix.snapshot)}`, benchmark: bench, chartable: false };
}

function resolveFifo(ix: SnapshotIndex, t: NameTarget): LensResolution {
  let objs = ix.fifo.get(latin1(t.bytes));
  if (!objs && !t.value.startsWith('/')) {
    // A relative path in code: match the one open FIFO whose path ends with it.
    const tail = '/' + latin1(t.bytes).replace(/^\.\//, '');
    const cands = [...ix.fifo.entries()].filter(([k]) => k.endsWith(tail));
    if (cands.length === 1) objs = cands[0]![1];
  }
  const o = objs?.[0];
  if (!o) return { title: '○ no process has this FIFO open', objectId: null, tooltip: `FIFO ${escapeControl(t.value)} is not open in any visible process.${footer(ix.snapshot)}`, benchmark: 'fifo', chartable: false };
  const readers = pids([{ ...o, endpoints: o.endpoints.filter((e) => e.access === 'r' || e.access === 'rw') }]);
  const writers = pids([{ ...o, endpoints: o.endpoints.filter((e) => e.access === 'w' || e.access === 'rw') }]);
  const q = o.queue?.unit === 'bytes' ? ` · ${formatBytes(o.queue.used)} queued` : '';
  const title = `FIFO · r: ${pidList(readers)} · w: ${pidList(writers)}${q}`;
  const tooltip = [`FIFO ${shown(o)} (inode ${o.inode})`, holdersTooltip(ix, 'holders', o)].join('\n') + footer(ix.snapshot);
  return { title, objectId: o.id, tooltip, benchmark: 'fifo', chartable: o.queue !== undefined };
}

function numberField(o: IpcObject, names: string[]): number | undefined {
  for (const n of names) {
    const v = n.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

function resolveShm(ix: SnapshotIndex, t: NameTarget): LensResolution {
  const o = ix.shm.get(bareName(latin1(t.bytes), '/dev/shm'))?.[0];
  if (!o) return { title: '○ no such shared memory object', objectId: null, tooltip: `No POSIX shared memory ${escapeControl(t.value)} in /dev/shm.${footer(ix.snapshot)}`, benchmark: 'shm-futex', chartable: false };
  const size = numberField(o, ['size', 'shm.size', 'posixShm.size']);
  const n = pids([o]).length;
  const title = `● ${size !== undefined ? `${formatBytes(size)} · ` : ''}mapped by ${n} process${n === 1 ? '' : 'es'}`;
  const tooltip = [`POSIX shared memory ${shown(o)} (inode ${o.inode})`, holdersTooltip(ix, 'holders', o)].join('\n') + footer(ix.snapshot);
  return { title, objectId: o.id, tooltip, benchmark: 'shm-futex', chartable: false };
}

function resolveMq(ix: SnapshotIndex, t: NameTarget): LensResolution {
  const o = ix.mq.get(bareName(latin1(t.bytes), '/dev/mqueue'))?.[0];
  if (!o) return { title: '○ no such message queue', objectId: null, tooltip: `No POSIX message queue ${escapeControl(t.value)} in /dev/mqueue.${footer(ix.snapshot)}`, benchmark: 'posix-mq', chartable: false };
  const q = o.queue;
  const fill = q ? (q.capacity === null ? `${q.used} messages` : `${q.used} / ${q.capacity} messages`) : 'queue fill unknown';
  const tooltip = [`POSIX message queue ${shown(o)} (inode ${o.inode})`, holdersTooltip(ix, 'open in', o)].join('\n') + footer(ix.snapshot);
  return { title: `● ${fill}`, objectId: o.id, tooltip, benchmark: 'posix-mq', chartable: q !== undefined };
}

function procNames(ix: SnapshotIndex, objs: IpcObject[]): string {
  return list(pids(objs).map((p) => procLabel(ix, p)), 2);
}

function resolvePort(ix: SnapshotIndex, t: PortTarget): LensResolution {
  const protos: ('tcp' | 'udp')[] = t.proto === 'any' ? ['tcp', 'udp'] : [t.proto];
  for (const proto of protos) {
    const here = ix.inetLocal.get(`${proto}:${t.port}`) ?? [];
    const bench: LensBenchmark = proto;
    if (proto === 'tcp') {
      const listeners = here.filter((o) => o.inet?.state === 'LISTEN');
      if (listeners.length === 0) continue;
      const conns = here.filter((o) => o.inet?.state === 'ESTABLISHED').length;
      const addrs = list(listeners.map((o) => escapeControl(o.inet?.local ?? '?')), 2);
      const who = procNames(ix, listeners);
      const title = `● LISTEN on ${addrs}${who ? ` (${who})` : ''} · ${conns} connection${conns === 1 ? '' : 's'}`;
      const tooltip = listeners.map((o) => `TCP listener ${escapeControl(o.inet?.local ?? '')} (inode ${o.inode})\n${holdersTooltip(ix, 'held by', o)}`).join('\n') + footer(ix.snapshot);
      return { title, objectId: listeners[0]!.id, tooltip, benchmark: bench, chartable: listeners[0]!.queue !== undefined };
    }
    if (here.length === 0) continue;
    const o = here[0]!;
    const who = procNames(ix, here);
    const title = `● UDP bound on ${list(here.map((x) => escapeControl(x.inet?.local ?? '?')), 2)}${who ? ` (${who})` : ''} · ${formatBytes(bytesQueued(here))} queued`;
    const tooltip = `UDP socket ${escapeControl(o.inet?.local ?? '')} (inode ${o.inode})\n${holdersTooltip(ix, 'held by', o)}${footer(ix.snapshot)}`;
    return { title, objectId: o.id, tooltip, benchmark: bench, chartable: o.queue !== undefined };
  }
  const bench: LensBenchmark = t.proto === 'udp' ? 'udp' : 'tcp';
  if (t.role === 'connect' && t.proto !== 'udp') {
    // No local listener: maybe connections to a remote server on that port.
    const out = (ix.tcpRemote.get(t.port) ?? []).filter((o) => o.inet?.state === 'ESTABLISHED' && portOfAddress(o.inet?.local) !== t.port);
    if (out.length) {
      const title = `● ${out.length} connection${out.length === 1 ? '' : 's'} to port ${t.port} (${procNames(ix, out)})`;
      const tooltip = out.slice(0, 5).map((o) => `${escapeControl(o.inet?.local ?? '')} → ${escapeControl(o.inet?.remote ?? '')}`).join('\n') + footer(ix.snapshot);
      return { title, objectId: out[0]!.id, tooltip, benchmark: bench, chartable: false };
    }
  }
  const title = t.proto === 'udp' ? `○ no UDP socket bound to port ${t.port}` : `○ nothing listening on port ${t.port}`;
  return { title, objectId: null, tooltip: `No ${t.proto === 'any' ? 'TCP or UDP' : t.proto.toUpperCase()} socket on local port ${t.port} in the latest snapshot.${footer(ix.snapshot)}`, benchmark: bench, chartable: false };
}

function resolveSignal(ix: SnapshotIndex, t: SignalTarget): LensResolution {
  const names = list(t.names, 4);
  if (!ix.catchers) {
    return { title: `${names} · handlers unknown (no signal dispositions in this snapshot)`, objectId: null, tooltip: `The snapshot does not carry per-process signal dispositions.${footer(ix.snapshot)}`, benchmark: 'signal', chartable: false };
  }
  const procs = new Map<number, ProcessInfo>();
  for (const n of t.names) for (const p of ix.catchers.get(n) ?? []) procs.set(p.pid, p);
  // Newest first: the program the user is working on was most likely started last (system daemons catch
  // SIGUSR1 too and would otherwise fill the title).
  const start = (p: ProcessInfo) => (typeof p['starttime'] === 'number' ? (p['starttime'] as number) : 0);
  const sorted = [...procs.values()].sort((a, b) => start(b) - start(a) || b.pid - a.pid);
  const who = sorted.length ? list(sorted.map((p) => procLabel(ix, p.pid))) : 'no process';
  const tooltip = sorted.slice(0, 20).map((p) => `${procLabel(ix, p.pid)}: ${escapeControl((p.cmdline ?? []).join(' ')).slice(0, 120)}`).join('\n') + footer(ix.snapshot);
  return { title: `${names} caught by: ${who}`, objectId: null, tooltip, benchmark: 'signal', chartable: false };
}

/** Resolve one call site; the snapshot is indexed once and the index reused for every later call. */
export function resolveCallSite(site: CallSite, snapshot: Snapshot): LensResolution {
  const ix = indexSnapshot(snapshot);
  const t = site.target;
  switch (t.type) {
    case 'path':
    case 'abstract': return resolveUnix(ix, site, t);
    case 'fifo': return resolveFifo(ix, t);
    case 'shm': return resolveShm(ix, t);
    case 'mq': return resolveMq(ix, t);
    case 'port': return resolvePort(ix, t);
    case 'signal': return resolveSignal(ix, t);
  }
}
