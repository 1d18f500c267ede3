// POSIX message queues of other IPC namespaces (containers): mq_open only sees our namespace's queues, so
// they are listed through a member process's own mqueue mount (/proc/PID/root/dev/mqueue), their
// attributes read through the file, and their holders found by walking that namespace's processes for fds
// on that mount. Labelled with their ipcns, never mixed with ours.

import type { IpcObject, ProcessInfo } from '../model';
import { emptyWalk, walkProcessFds } from './fds';
import { joinIpcObjects } from './ipcJoin';
import { MQUEUE_DIR, closeMqueueDir, listMqueues, openMqueueDir } from './ipcSources';

export interface ForeignMq {
  objects: IpcObject[];
  /** Processes of other IPC namespaces whose queues could not be listed (no mqueue mount we can read). */
  unlisted: number;
}

/**
 * The mqueue mount seen by `pid` (its mount namespace), held open (see openMqueueDir: the path is the
 * container's, and is not followed again), or null. A mount shows the queues of the IPC namespace that mounted
 * it, not of whoever looks: our namespace's file system (`ownMqDevs`), seen through a process that shares our
 * mount namespace but not our IPC namespace, is not that process's.
 */
function mqueueMountOf(pid: number, ownMqDevs: ReadonlySet<number>): { dir: string; dev: number; fd: number; via: string } | null {
  const dir = `/proc/${pid}/root${MQUEUE_DIR}`;
  const m = openMqueueDir(dir);
  if (!m) return null;
  if (ownMqDevs.has(m.dev)) {
    closeMqueueDir(m.fd);
    return null;
  }
  return { dir, ...m };
}

/**
 * Queues of every IPC namespace other than `ownIpcns` that a listed process lives in. `ownMqDevs`: the
 * devices of our namespace's mqueue file system (its mount's, and those of queues our processes hold). `pipeDev`/`selfPid`
 * are the walk's; holders come from a second, mqueue-only walk of that namespace's processes, done only
 * when the namespace has queues.
 */
export function foreignMqueues(processes: readonly ProcessInfo[], ownIpcns: number, ownMqDevs: ReadonlySet<number>, pipeDev: number, selfPid: number, problems: string[]): ForeignMq {
  const groups = new Map<number, number[]>();
  for (const p of processes) {
    if (p.ipcns === null || p.ipcns === ownIpcns) continue;
    let g = groups.get(p.ipcns);
    if (!g) groups.set(p.ipcns, (g = []));
    g.push(p.pid);
  }
  const out: ForeignMq = { objects: [], unlisted: 0 };
  for (const [ns, pids] of groups) {
    let mount: ReturnType<typeof mqueueMountOf> = null;
    let via = 0;
    for (const pid of pids) {
      if ((mount = mqueueMountOf(pid, ownMqDevs))) {
        via = pid;
        break;
      }
    }
    if (!mount) {
      out.unlisted += pids.length;
      continue;
    }
    let queues;
    try {
      queues = listMqueues(problems, mount.via);
    } finally {
      closeMqueueDir(mount.fd);
    }
    if (!queues.length) continue;
    const devs = { shmDev: null, mqDev: mount.dev, memfdDev: null, anonDev: null };
    const walk = emptyWalk();
    for (const pid of pids) walkProcessFds(pid, -100 /* AT_FDCWD */, { pipeDev, selfPid, ipc: devs }, walk);
    const objects = joinIpcObjects({ fds: walk.fds.filter((f) => f.dev === mount.dev), maps: [], devs, shm: [], mqueues: queues, sysv: null, ipcns: ns });
    for (const o of objects) {
      // Their path, reachable from here: what Reveal and Unlink act on (never our own /dev/mqueue).
      if (typeof o.path === 'string') o.path = `${mount.dir}${o.path.slice(MQUEUE_DIR.length)}`;
      o['namespaceNote'] = `IPC namespace ipc:[${ns}], listed through process ${via}'s mount`;
    }
    out.objects.push(...objects);
  }
  return out;
}
