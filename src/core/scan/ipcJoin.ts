// Pure join for the non-socket IPC kinds: POSIX shm/sem, memfd, POSIX mqueues, SysV shm/msg/sem,
// eventfd and signalfd, with fd holders and (for memory) mapping-only holders.

import { inodeId, type Endpoint, type IpcObject } from '../model';
import { decodeName } from '../names';
import type { MapEntry } from '../procfs/maps';
import { maskNames } from '../procfs/signals';
import { sysvKeyHex } from '../procfs/sysvipc';
import { byPidFd, sortedEndpoints } from './endpoints';
import type { FdRecord, IpcDevices } from './fds';
import type { HeldMq } from './heldMq';
import { SHM_DIR, type FileEntry, type MqEntry, type SysvTables } from './ipcSources';

export interface ProcessMaps {
  pid: number;
  entries: MapEntry[];
}

export interface IpcJoinInput {
  fds: readonly FdRecord[];
  maps: readonly ProcessMaps[];
  devs: IpcDevices;
  shm: readonly FileEntry[];
  mqueues: readonly MqEntry[];
  /** Queues known only through the fds that hold them (unlinked, or no mount to list them from). */
  heldMqueues?: readonly HeldMq[];
  sysv: SysvTables | null;
  /** Our IPC namespace inode (labels SysV and mqueue objects), or null when unknown. */
  ipcns: number | null;
}

const DELETED = Buffer.from(' (deleted)');
const MEMFD = Buffer.from('/memfd:');
const SYSV = /^\/SYSV[0-9a-f]{8}$/;
const SEM_PREFIX = Buffer.from('sem.');

function stripDeleted(b: Buffer): Buffer {
  return b.length >= DELETED.length && b.subarray(b.length - DELETED.length).equals(DELETED) ? b.subarray(0, b.length - DELETED.length) : b;
}

/** Build the objects; deterministic order (kind, then inode / id). */
export function joinIpcObjects(input: IpcJoinInput): IpcObject[] {
  const { devs } = input;
  const fdHolders = new Map<string, FdRecord[]>();
  for (let i = 0; i < input.fds.length; i++) {
    const f = input.fds[i]!;
    if (f.anon || f.link === null) continue;
    const key = `${f.dev}:${f.ino}`;
    let l = fdHolders.get(key);
    if (!l) fdHolders.set(key, (l = []));
    l.push(f);
  }
  const mapHolders = new Map<string, { pid: number; entry: MapEntry }[]>();
  for (const p of input.maps) {
    for (const e of p.entries) {
      const key = `${e.dev}:${e.ino}`;
      let l = mapHolders.get(key);
      if (!l) mapHolders.set(key, (l = []));
      l.push({ pid: p.pid, entry: e });
    }
  }
  // fd endpoints, plus a "map" endpoint for each process that maps the object but holds no fd on it.
  // (Called for every object of every scan: no intermediate arrays or sets unless there are mappings.)
  const endpointsOf = (key: string): { endpoints: Endpoint[]; mappedBy: number[] } => {
    const fds = fdHolders.get(key);
    const endpoints: Endpoint[] = [];
    if (fds) for (const f of fds) endpoints.push({ pid: f.pid, fd: f.fd, access: f.access ?? 'rw' });
    const mapped = mapHolders.get(key);
    if (!mapped) return { endpoints: sortedEndpoints(endpoints), mappedBy: [] };
    const withFd = new Set(fds?.map((f) => f.pid));
    const mappedBy = [...new Set(mapped.map((m) => m.pid))].sort((a, b) => a - b);
    for (const pid of mappedBy) if (!withFd.has(pid)) endpoints.push({ pid, fd: null, access: 'map' });
    return { endpoints: sortedEndpoints(endpoints), mappedBy };
  };

  const out: IpcObject[] = [];
  // POSIX shm and named semaphores: the files of /dev/shm, plus unlinked ones still held or mapped.
  if (devs.shmDev !== null) {
    const listed = new Set<string>();
    const shmObject = (raw: Buffer, f: { dev: number; ino: number; size: number | null; uid: number | null; mode: number | null }, deleted: boolean): IpcObject => {
      const isSem = raw.subarray(0, SEM_PREFIX.length).equals(SEM_PREFIX);
      const kind = isSem ? 'posix-sem' : 'posix-shm';
      const key = `${f.dev}:${f.ino}`;
      const { endpoints, mappedBy } = endpointsOf(key);
      const path = decodeName(Buffer.concat([Buffer.from(SHM_DIR + '/'), raw]));
      const o: IpcObject = {
        id: inodeId(kind, f.dev, f.ino), kind, inode: f.ino,
        // sem_open("/x") creates /dev/shm/sem.x: the semaphore's name is "/x" (the file is in `path`).
        ...decodeName(isSem ? raw.subarray(SEM_PREFIX.length) : raw, '/'),
        endpoints, findings: [], dev: f.dev, size: f.size, uid: f.uid, mode: f.mode, path: path.name, mappedBy,
      };
      if (deleted) o['deleted'] = true;
      return o;
    };
    for (const e of input.shm) {
      listed.add(`${e.dev}:${e.ino}`);
      out.push(shmObject(e.raw, e, false));
    }
    const unlisted = new Map<string, { raw: Buffer; dev: number; ino: number; size: number | null; uid: number | null; mode: number | null }>();
    for (let i = 0; i < input.fds.length; i++) {
      const f = input.fds[i]!;
      if (f.dev !== devs.shmDev || f.link === null || listed.has(`${f.dev}:${f.ino}`)) continue;
      const p = stripDeleted(f.link);
      const raw = p.subarray(p.lastIndexOf(0x2f) + 1);
      unlisted.set(`${f.dev}:${f.ino}`, { raw, dev: f.dev, ino: f.ino, size: f.size ?? null, uid: f.uid ?? null, mode: f.mode ?? null });
    }
    for (const p of input.maps) {
      for (const e of p.entries) {
        const key = `${e.dev}:${e.ino}`;
        if (e.dev !== devs.shmDev || listed.has(key) || unlisted.has(key)) continue;
        // Known through a mapping only (unlinked, no fd): maps tells no size, owner or mode, so none is given.
        unlisted.set(key, { raw: e.path.subarray(e.path.lastIndexOf(0x2f) + 1), dev: e.dev, ino: e.ino, size: null, uid: null, mode: null });
      }
    }
    for (const u of unlisted.values()) out.push(shmObject(u.raw, u, true));
  }

  // memfd: fds and mappings on the internal shm mount whose path is "/memfd:<name> (deleted)".
  if (devs.memfdDev !== null) {
    const memfds = new Map<string, { raw: Buffer; dev: number; ino: number; size: number | null; uid: number | null; mode: number | null }>();
    for (let i = 0; i < input.fds.length; i++) {
      const f = input.fds[i]!;
      if (f.dev !== devs.memfdDev || f.link === null || !f.link.subarray(0, MEMFD.length).equals(MEMFD)) continue;
      const key = `${f.dev}:${f.ino}`;
      if (!memfds.has(key)) memfds.set(key, { raw: stripDeleted(f.link).subarray(MEMFD.length), dev: f.dev, ino: f.ino, size: f.size ?? null, uid: f.uid ?? null, mode: f.mode ?? null });
    }
    for (const p of input.maps) {
      for (const e of p.entries) {
        const key = `${e.dev}:${e.ino}`;
        if (e.dev !== devs.memfdDev || memfds.has(key) || !e.path.subarray(0, MEMFD.length).equals(MEMFD)) continue;
        memfds.set(key, { raw: e.path.subarray(MEMFD.length), dev: e.dev, ino: e.ino, size: null, uid: null, mode: null });
      }
    }
    for (const [key, m] of [...memfds].sort((a, b) => a[1].ino - b[1].ino)) {
      const { endpoints, mappedBy } = endpointsOf(key);
      out.push({
        id: inodeId('memfd', m.dev, m.ino), kind: 'memfd', inode: m.ino, ...decodeName(m.raw, 'memfd:'),
        endpoints, findings: [], dev: m.dev, size: m.size, uid: m.uid, mode: m.mode, mappedBy,
      });
    }
  }

  // POSIX message queues: those of the mount, then those known only through their holders' fds, which
  // have no path (an unlinked queue's name may be another queue's by now; without a mount there is none).
  for (const q of [...input.mqueues, ...(input.heldMqueues ?? [])]) {
    const key = `${q.dev}:${q.ino}`;
    const held = 'deleted' in q;
    const o: IpcObject = {
      id: inodeId('posix-mq', q.dev, q.ino), kind: 'posix-mq', inode: q.ino, ...decodeName(q.raw, '/'),
      endpoints: (fdHolders.get(key) ?? []).map((f): Endpoint => ({ pid: f.pid, fd: f.fd, access: f.access ?? 'rw' })).sort(byPidFd),
      findings: [], dev: q.dev, uid: q.uid, mode: q.mode,
      msgsize: q.attr?.msgsize ?? null, bytes: q.qsize, notifyPid: q.notifyPid || null,
    };
    if (!held) o['path'] = decodeName(Buffer.concat([Buffer.from('/dev/mqueue/'), q.raw])).name;
    if (q.attr) o.queue = { used: q.attr.curmsgs, capacity: q.attr.maxmsg, unit: 'messages' };
    const ipcns = held ? (q as HeldMq).ipcns : input.ipcns;
    if (ipcns !== null) o['ipcns'] = ipcns;
    if (held && (q as HeldMq).deleted) o['deleted'] = true;
    out.push(o);
  }

  if (input.sysv) out.push(...joinSysv(input.sysv, input.maps, devs.memfdDev, input.ipcns));

  // eventfd: one object per eventfd-id (every eventfd shares the one anonymous inode).
  const eventfds = new Map<number, IpcObject>();
  const signalfds: IpcObject[] = [];
  for (let i = 0; i < input.fds.length; i++) {
    const f = input.fds[i]!;
    if (!f.anon) continue;
    const ep: Endpoint = { pid: f.pid, fd: f.fd, access: f.access ?? 'rw' };
    if (f.anon.kind === 'eventfd' && f.anon.eventfdId !== null) {
      let o = eventfds.get(f.anon.eventfdId);
      if (!o) {
        o = { id: `eventfd:${f.anon.eventfdId}`, kind: 'eventfd', inode: f.ino, name: `eventfd ${f.anon.eventfdId}`, endpoints: [], findings: [], eventfdId: f.anon.eventfdId, count: f.anon.eventfdCount };
        eventfds.set(f.anon.eventfdId, o);
      }
      o.endpoints.push(ep);
    } else if (f.anon.kind === 'signalfd') {
      // No per-file id in fdinfo: one object per (pid, fd).
      const names = f.anon.sigmask === null ? [] : maskNames(f.anon.sigmask);
      signalfds.push({
        id: `signalfd:${f.pid}:${f.fd}`, kind: 'signalfd', inode: f.ino, name: names.join(', ') || 'signalfd (empty mask)',
        endpoints: [ep], findings: [], signals: names, sigmask: f.anon.sigmask === null ? null : f.anon.sigmask.toString(16).padStart(16, '0'),
      });
    }
  }
  for (const o of [...eventfds.values()].sort((a, b) => (a['eventfdId'] as number) - (b['eventfdId'] as number))) {
    o.endpoints.sort(byPidFd);
    out.push(o);
  }
  out.push(...signalfds.sort((a, b) => a.endpoints[0]!.pid - b.endpoints[0]!.pid || a.endpoints[0]!.fd! - b.endpoints[0]!.fd!));
  return out;
}

/**
 * SysV objects of one IPC namespace: segments attached through maps "/SYSV<key> (deleted)" with
 * inode = shmid. `maps` must be those of the processes of that namespace (shmids repeat across them).
 */
export function joinSysv(sysv: SysvTables, maps: readonly ProcessMaps[], memfdDev: number | null, ipcns: number | null): IpcObject[] {
  const out: IpcObject[] = [];
  const ns = ipcns ?? 0;
  const attached = new Map<number, Set<number>>();
  for (const p of maps) {
    for (const e of p.entries) {
      if (e.dev !== memfdDev || !SYSV.test(e.path.toString('latin1'))) continue;
      let s = attached.get(e.ino);
      if (!s) attached.set(e.ino, (s = new Set()));
      s.add(p.pid);
    }
  }
  const label = (key: number, idName: string, id: number): string => (key === 0 ? `${idName} ${id}` : `key ${sysvKeyHex(key)}`);
  for (const s of sysv.shm) {
    out.push({
      id: `sysv-shm:${ns}:${s.shmid}`, kind: 'sysv-shm', inode: s.shmid, name: label(s.key, 'shmid', s.shmid),
      endpoints: [...(attached.get(s.shmid) ?? [])].sort((a, b) => a - b).map((pid): Endpoint => ({ pid, fd: null, access: 'map' })),
      findings: [], key: sysvKeyHex(s.key), shmid: s.shmid, size: s.size, mode: s.perms & 0o777, perms: s.perms,
      nattch: s.nattch, cpid: s.cpid, lpid: s.lpid, uid: s.uid, ipcns: ipcns,
    });
  }
  for (const m of sysv.msg) {
    out.push({
      id: `sysv-msg:${ns}:${m.msqid}`, kind: 'sysv-msg', inode: m.msqid, name: label(m.key, 'msqid', m.msqid),
      endpoints: [], queue: { used: m.qnum, capacity: null, unit: 'messages' }, findings: [],
      key: sysvKeyHex(m.key), msqid: m.msqid, bytes: m.cbytes, maxBytes: m.qbytes, mode: m.perms & 0o777, perms: m.perms,
      lspid: m.lspid, lrpid: m.lrpid, uid: m.uid, ipcns: ipcns,
    });
  }
  for (const s of sysv.sem) {
    out.push({
      id: `sysv-sem:${ns}:${s.semid}`, kind: 'sysv-sem', inode: s.semid, name: label(s.key, 'semid', s.semid),
      endpoints: [], findings: [], key: sysvKeyHex(s.key), semid: s.semid, nsems: s.nsems, mode: s.perms & 0o777,
      perms: s.perms, uid: s.uid, ipcns: ipcns,
    });
  }
  return out;
}
