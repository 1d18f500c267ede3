// takeSnapshot(): processes, the fd walk, sock_diag and pipe fills joined into one Snapshot (schema v1).
// Synchronous by design: it runs in a worker thread or the CLI, never on the extension host's thread.

import {
  AF_UNIX, AT_EMPTY_PATH, O_CLOEXEC, SOCK_CLOEXEC, STATX_BUF_SIZE, STATX_INO, STATX_TYPE, libc, readStatx,
} from '../../../native/libc';
import { auditObjects, findAuditLeftovers } from '../audit/audit';
import type { LeftoverFile } from '../audit/leftovers';
import { ALL_KINDS, SCHEMA_VERSION, type IpcKind, type IpcObject, type ProcessInfo, type Snapshot } from '../model';
import { mapsDevField } from '../procfs/maps';
import { joinObjects, mayHoldInflight, socketObjects, type SocketObjects } from './join';
import { sampleUnread } from './fill';
import { listPids } from './processes';
import { defaultHelperCount, warmHelpers } from './helperPool';
import { walkProcesses } from './parallelWalk';
import { readInflight, scmCandidates } from './inflight';
import type { InetSocket } from './inet';
import { foreignMqueues } from './foreignMq';
import { foreignShm } from './foreignShm';
import { heldMqueues, type HeldMq } from './heldMq';
import { ownNetns, withNetnsFd } from './netns';
import { joinIpcObjects, joinSysv, type ProcessMaps } from './ipcJoin';
import { MQUEUE_NOT_MOUNTED, ipcDevices, listFiles, listMqueues, readSysv, readSysvOfNamespace, SHM_DIR, type FileEntry, type MqEntry, type SysvTables } from './ipcSources';
import { statPath } from './procio';
import { readInetSockets, readUnixSockets, type NetnsTarget } from './sockets';
import type { UnixSocket } from './unixSockets';
import { plural } from '../format';
import { fdIterStatus, prepareIterators } from '../../../native/bpfFdIter';
import { devFieldNumbers } from './mapsQuery';

export interface SnapshotOptions {
  /** Kinds to report (default: every kind the engine scans). */
  kinds?: readonly IpcKind[];
  /** Use NETLINK_SOCK_DIAG (default true); false forces the /proc/net/{unix,tcp,udp} fallbacks. */
  sockDiag?: boolean;
  /** Sample pipe/FIFO fill (default true). */
  sampleFill?: boolean;
  /**
   * Threads for the per-process pass, the caller included (default: one per core, at most 4, or
   * IPC_INSPECTOR_SCAN_THREADS); 1 = the calling thread alone.
   */
  threads?: number;
  /** Workspace folders (used by later issues to flag workspace objects). */
  workspaceDirs?: readonly string[];
  /** Read every fd with the BPF iterator where it can be used (default true); false walks /proc only. */
  fdIterator?: boolean;
}

/** The kinds this version of the engine scans. */
export const SCANNED_KINDS: readonly IpcKind[] = ALL_KINDS;

const FD_IPC_KINDS: readonly IpcKind[] = ['posix-shm', 'posix-sem', 'memfd', 'posix-mq', 'eventfd', 'signalfd'];
const MAPPED_KINDS: readonly IpcKind[] = ['posix-shm', 'posix-sem', 'memfd', 'sysv-shm'];

let devices: { pipeDev: number; sockDev: number } | undefined;

/** st_dev of pipefs and sockfs, learned once from a pipe and a socket of our own, closed at once. */
export function pseudoDevices(): { pipeDev: number; sockDev: number } {
  if (devices) return devices;
  const c = libc();
  const st = Buffer.alloc(STATX_BUF_SIZE);
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new Error(`pipe2: ${c.errnoName(c.errno())}`);
  const pipeOk = c.statx(fds[0]!, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, st) === 0;
  c.close(fds[0]!);
  c.close(fds[1]!);
  if (!pipeOk) throw new Error(`statx(pipe): ${c.errnoName(c.errno())}`);
  const pipeDev = readStatx(st).dev;
  const s = c.socket(AF_UNIX, 2 /* SOCK_DGRAM */ | SOCK_CLOEXEC, 0);
  if (s < 0) throw new Error(`socket(AF_UNIX): ${c.errnoName(c.errno())}`);
  const sockOk = c.statx(s, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, st) === 0;
  c.close(s);
  if (!sockOk) throw new Error(`statx(socket): ${c.errnoName(c.errno())}`);
  devices = { pipeDev, sockDev: readStatx(st).dev };
  return devices;
}

/** Take one snapshot of the machine's IPC as seen from this process. Throws only if koffi cannot load. */
export function takeSnapshot(options: SnapshotOptions = {}): Snapshot {
  const t0 = performance.now();
  const phasesMs: Record<string, number> = {};
  let tPhase = t0;
  const phase = (name: string): void => {
    const now = performance.now();
    phasesMs[name] = Math.round((now - tPhase) * 100) / 100;
    tPhase = now;
  };
  const takenAt = new Date().toISOString();
  const helpers = options.threads === undefined ? defaultHelperCount() : Math.max(0, options.threads - 1);
  // Helper threads start loading now (the first time) and take the walk as soon as they can.
  if (helpers > 0) warmHelpers(helpers);
  const selfPid = process.pid;
  const { pipeDev, sockDev } = pseudoDevices();
  const kinds = new Set(options.kinds ?? SCANNED_KINDS);
  const notes: string[] = [];

  const pids = listPids();
  // Every fd of every process at once (a BPF iterator, root only), unless told not to; null: /proc is walked.
  const useDiag = options.sockDiag !== false;
  const wantSockets = kinds.has('unix') || kinds.has('tcp') || kinds.has('udp');
  const unixSockets: UnixSocket[] = [];
  const inetSockets: InetSocket[] = [];
  let ownNs: number | null = null;
  const wantIpc = FD_IPC_KINDS.some((k) => kinds.has(k)) || MAPPED_KINDS.some((k) => kinds.has(k));
  const devs = wantIpc ? ipcDevices() : null;
  const ipcProblems: string[] = [];
  let shm: FileEntry[] = [];
  let mqueues: MqEntry[] = [];
  let sysv: SysvTables | null = null;
  let ownIpcns: number | null = null;
  // Mappings are read only on the devices that back shm objects (a text pre-filter per process).
  const mapDevs = devs && MAPPED_KINDS.some((k) => kinds.has(k))
    ? [devs.shmDev, devs.memfdDev].filter((d): d is number => d !== null).map(mapsDevField)
    : [];

  // Every fd of every process, and every process that maps a file of those devices, in one run of an iterator
  // each (BPF, root only): read by a helper thread during the socket dumps; null: /proc is walked.
  // (The fd program also writes the paths of FIFOs, of shm, mqueue and memfd files and of anonymous inodes.)
  const plan = options.fdIterator === false ? null : prepareIterators(mapDevs.map((d) => {
    const [major, minor] = devFieldNumbers(d);
    return { major, minor };
  }), { pipeDev, regular: devs ? [devs.shmDev, devs.mqDev, devs.memfdDev] : [], anonDev: devs?.anonDev ?? null });
  phase('start, processes listed, iterators ready');

  // What is not read per process: the socket dumps and the IPC objects that are not fds (names and
  // figures). This thread reads them while helper threads already walk other processes; its own process
  // is walked last, after the dumps' netlink sockets are closed, so they never show up.
  // The socket objects are built from the dumps here too, holders added by the join.
  let sockets: SocketObjects | undefined;
  const auditOptions = { kinds, workspaceDirs: options.workspaceDirs };
  let leftovers: LeftoverFile[] = [];
  const meanwhile = (): void => {
    const t = performance.now();
    if (wantSockets) {
      ownNs = ownNetns();
      readNamespaceSockets({ ino: ownNs }, kinds, useDiag, unixSockets, inetSockets, notes);
      sockets = socketObjects(unixSockets, inetSockets, sockDev);
    }
    // The audit's FIFOs and socket files on disk: like the dumps, taken while the processes are walked.
    leftovers = findAuditLeftovers(auditOptions);
    const t2 = performance.now();
    phasesMs['sock_diag, socket objects, files to audit (during the walk)'] = Math.round((t2 - t) * 100) / 100;
    if (devs?.shmDev != null && (kinds.has('posix-shm') || kinds.has('posix-sem'))) shm = listFiles(SHM_DIR, ipcProblems);
    if (kinds.has('posix-mq')) {
      if (devs?.mqDev != null) mqueues = listMqueues(ipcProblems);
      else notes.push(MQUEUE_NOT_MOUNTED);
    }
    if (kinds.has('sysv-shm') || kinds.has('sysv-msg') || kinds.has('sysv-sem')) sysv = readSysv(ipcProblems);
    const selfIpc = statPath('/proc/self/ns/ipc');
    ownIpcns = typeof selfIpc === 'string' ? null : selfIpc.ino;
    phasesMs['ipc (during the walk)'] = Math.round((performance.now() - t2) * 100) / 100;
  };

  // One pass per process: identity, fds and mappings, relative to one /proc/PID directory fd, shared with helper
  // threads when there are other cores (parallelWalk.ts).
  const pass = walkProcesses(pids, {
    pipeDev,
    selfPid,
    sampleFill: options.sampleFill !== false && (kinds.has('pipe') || kinds.has('fifo')),
    ipc: devs && FD_IPC_KINDS.some((k) => kinds.has(k)) ? devs : null,
    mapDevs,
  }, helpers, meanwhile, plan);
  phase('processes+fds+fill+maps');
  if (pass.iterators) phasesMs[`fd and mapping iterators (within the walk, by ${pass.iterators.byHelper ? 'a helper' : 'the scanning thread'})`] = Math.round(pass.iterators.readMs * 100) / 100;
  const { walk, processes, problems } = pass;
  if (wantSockets) {
    const before = unixSockets.length + inetSockets.length;
    readOtherNamespaces(processes, ownNs, kinds, useDiag, unixSockets, inetSockets, notes);
    // (Rare: other namespaces' sockets join ours, peers found across the whole set as before.)
    if (unixSockets.length + inetSockets.length !== before) sockets = socketObjects(unixSockets, inetSockets, sockDev);
    phase('sockets of other network namespaces');
  }
  const vanished = pass.vanished;
  const hidden = new Set(walk.hiddenPids);
  for (const p of processes) if (hidden.has(p.pid)) p['fdsHidden'] = true;
  problems.push(...walk.problems);
  if (problems.length) notes.push(`${plural(problems.length, 'unexpected read error')}, e.g. ${problems[0]}`);

  const maps: ProcessMaps[] = pass.maps;

  if (walk.fillFailed.size) notes.push(`fill of ${plural(walk.fillFailed.size, 'pipe/FIFO', 'pipes/FIFOs')} could not be sampled (read end not accessible or gone)`);

  // In-flight fds (fdinfo scm_fds) of the sockets that may hold some, now that the dump tells which: read by
  // the helpers while this thread joins and audits the objects, then filled into the Unix objects.
  let objects: IpcObject[] = [];
  const join = (): void => {
    const tj = performance.now();
    objects = joinObjects({ fds: walk.fds, pipeDev, sockDev, unixSockets, fills: walk.fills, inetSockets, sockets });
    // Pipes and FIFOs whose readers are all gone, with data still queued: through a writer's pidfd duplicate.
    if (options.sampleFill !== false) sampleUnread(objects);
    // Queues of other IPC namespaces listed through their own mounts, then every held queue no mount listed
    // (unlinked while held; all of them when /dev/mqueue is not mounted), through its holders' fds.
    let foreign: ReturnType<typeof foreignMqueues> | null = null;
    let held: HeldMq[] = [];
    if (devs && kinds.has('posix-mq')) {
      const ipcnsOf = new Map(processes.map((p) => [p.pid, p.ipcns] as const));
      // Our namespace's mqueue file system: its mount's, or (not mounted) the one our processes' queues are on.
      const ownMqDevs = new Set<number>(devs.mqDev !== null ? [devs.mqDev] : []);
      for (let i = 0; i < walk.fds.length; i++) {
        const f = walk.fds[i]!;
        if (f.mqueue === true && ownIpcns !== null && ipcnsOf.get(f.pid) === ownIpcns) ownMqDevs.add(f.dev);
      }
      if (ownIpcns !== null) foreign = foreignMqueues(processes, ownIpcns, ownMqDevs, pipeDev, selfPid, ipcProblems);
      // (Listed: ours and other namespaces' from their mounts; any other queue held open, one of those unlinked
      // while held included, is a held one, labelled with its holders' namespace.)
      const listed = new Set([...mqueues.map((q) => `${q.dev}:${q.ino}`), ...(foreign?.objects ?? []).map((o) => `${o['dev'] as number}:${o.inode}`)]);
      held = heldMqueues(walk.fds, devs.mqDev, listed, (pid) => ipcnsOf.get(pid) ?? null);
    }
    if (devs) objects.push(...joinIpcObjects({ fds: walk.fds, maps, devs, shm, mqueues, heldMqueues: held, sysv: null, ipcns: ownIpcns }));
    if (sysv) objects.push(...sysvObjects(sysv, ownIpcns, processes, maps, devs?.memfdDev ?? null, notes, ipcProblems));
    if (foreign) {
      objects.push(...foreign.objects);
      if (foreign.unlisted) notes.push(`${plural(foreign.unlisted, 'process', 'processes')} in other IPC namespaces without a readable mqueue mount: only the POSIX message queues they hold open are shown`);
    }
    // Containers' own /dev/shm: segments that ours does not show, held through fds and mappings on their device.
    if (devs && (kinds.has('posix-shm') || kinds.has('posix-sem'))) objects.push(...foreignShm(processes, devs.shmDev, pipeDev, selfPid, ipcProblems));
    objects = objects.filter((o) => kinds.has(o.kind));
    if (ipcProblems.length) notes.push(...ipcProblems.map((p) => `IPC objects: ${p}`));
    const ta = performance.now();
    phasesMs['join (during the in-flight reads)'] = Math.round((ta - tj) * 100) / 100;
    // The audit needs no in-flight counts: it runs here too, while the helpers still read them.
    objects = auditObjects(objects, { ...auditOptions, hiddenProcesses: hidden.size, leftovers });
    phasesMs['audit (during the in-flight reads)'] = Math.round((performance.now() - ta) * 100) / 100;
  };
  if (kinds.has('unix')) {
    // (fdinfo only for the sockets whose count the fd iterator did not read: listeners, and all without it.)
    const known = walk.scm;
    const candidates = scmCandidates(walk.fds, new Set(unixSockets.filter((u) => !known.has(u.ino) && mayHoldInflight(u)).map((u) => u.ino)));
    const scmFds = readInflight(candidates, helpers, join);
    known.forEach((n, ino) => {
      if (n > 0) scmFds.set(ino, n);
    });
    if (scmFds.size) {
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i]!;
        // (Stale socket files the audit added are frozen, held by nobody and never in scmFds.)
        if (o.unix && o.kind === 'unix' && o['stale'] !== true) o.unix.inflightFds = scmFds.get(o.inode) ?? 0;
      }
    }
  } else join();
  phase('join + audit + in-flight fds');

  return {
    schemaVersion: SCHEMA_VERSION,
    takenAt,
    durationMs: Math.round((performance.now() - t0) * 100) / 100,
    self: { pid: selfPid },
    hidden: { processes: hidden.size },
    notes,
    processes,
    objects,
    scan: {
      fds: walk.seen, vanishedProcesses: vanished, vanishedFds: walk.vanishedFds, phasesMs, walkThreads: pass.threads,
      fdSource: pass.iterators ? 'bpf-iterator' : 'procfs',
      ...(pass.iterators || options.fdIterator === false ? {} : { fdIteratorUnusable: fdIterStatus().reason ?? 'read failed' }),
    },
  };
}

/** Unix, TCP and UDP sockets of one network namespace (ours: no fd), appended to `unix` and `inet`. */
function readNamespaceSockets(
  ns: NetnsTarget, kinds: ReadonlySet<IpcKind>, useDiag: boolean, unix: UnixSocket[], inet: InetSocket[], notes: string[],
): void {
  if (kinds.has('unix')) {
    const r = readUnixSockets(useDiag, ns);
    for (const x of r.sockets) unix.push(x);
    notes.push(...r.notes);
  }
  for (const protocol of ['tcp', 'udp'] as const) {
    if (!kinds.has(protocol)) continue;
    const r = readInetSockets(protocol, useDiag, ns);
    for (const x of r.sockets) inet.push(x);
    notes.push(...r.notes);
  }
}

/**
 * Sockets of every other network namespace a walked process lives in (readable ones: all of them as root),
 * entered through one of its processes. The namespaces come from the walk (each process's ns/net), so this
 * runs after it. Without our own namespace's inode we could not tell ours from the others: none then.
 */
function readOtherNamespaces(
  processes: readonly ProcessInfo[], ownNs: number | null, kinds: ReadonlySet<IpcKind>, useDiag: boolean,
  unix: UnixSocket[], inet: InetSocket[], notes: string[],
): void {
  if (ownNs === null) return;
  const by = new Map<number, number[]>();
  for (let i = 0; i < processes.length; i++) {
    const p = processes[i]!;
    if (p.netns === null || p.netns === ownNs) continue;
    let list = by.get(p.netns);
    if (!list) by.set(p.netns, (list = []));
    list.push(p.pid);
  }
  let unreachable = 0;
  for (const [ino, pids] of by) {
    const done = withNetnsFd({ ino, pids }, (fd, pid) => {
      readNamespaceSockets({ ino, fd, pid }, kinds, useDiag, unix, inet, notes);
      return true;
    });
    if (!done) unreachable += pids.length;
  }
  if (unreachable) notes.push(`${plural(unreachable, 'process lives', 'processes live')} in network namespaces that could not be entered: their sockets are not listed`);
}

/**
 * SysV objects of our IPC namespace and, entered one by one (root), of every other one a process lives
 * in, each labelled with its ipcns; attachments only from the processes of that namespace.
 */
function sysvObjects(
  own: SysvTables, ownIpcns: number | null, processes: readonly ProcessInfo[], maps: readonly ProcessMaps[],
  memfdDev: number | null, notes: string[], problems: string[],
): ReturnType<typeof joinSysv> {
  const byNs = new Map<number | null, number[]>();
  for (const p of processes) {
    const ns = ownIpcns === null || p.ipcns === null ? ownIpcns : p.ipcns;
    let l = byNs.get(ns);
    if (!l) byNs.set(ns, (l = []));
    l.push(p.pid);
  }
  const mapsOf = (pids: readonly number[]): ProcessMaps[] => {
    const set = new Set(pids);
    return maps.filter((m) => set.has(m.pid));
  };
  const out = joinSysv(own, mapsOf(byNs.get(ownIpcns) ?? []), memfdDev, ownIpcns);
  let unreachable = 0;
  for (const [ns, pids] of byNs) {
    if (ns === ownIpcns || ns === null) continue;
    const t = readSysvOfNamespace(ns, pids, problems);
    if (t) out.push(...joinSysv(t, mapsOf(pids), memfdDev, ns));
    else unreachable += pids.length;
  }
  if (unreachable) notes.push(`${plural(unreachable, 'process', 'processes')} in other IPC namespaces that could not be entered: their SysV objects are not shown`);
  return out;
}
