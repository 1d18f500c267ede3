// POSIX shared memory and named semaphores of other mount namespaces (containers): a container has its own
// /dev/shm (a tmpfs of its own), whose segments our /dev/shm does not show and whose fds and mappings are on
// another device. Listed through a member process's view of it (/proc/PID/root/dev/shm), their holders found
// by a second walk, fds and mappings on that device only, of the processes of that namespace. Labelled with
// their mount namespace, never mixed with ours.

import { AT_FDCWD, STATX_INO, STATX_TYPE } from '../../../native/libc';
import type { IpcObject, ProcessInfo } from '../model';
import { mapsDevField, mapsOnDevices } from '../procfs/maps';
import { emptyWalk, walkProcessFds } from './fds';
import { joinIpcObjects, type ProcessMaps } from './ipcJoin';
import { SHM_DIR, listFiles } from './ipcSources';
import { readProcFile, statPath } from './procio';

const S_IFDIR = 0o040000;

/** Inode of a process's mount namespace, or null (gone, another user's process). */
function mntnsOf(pid: number | 'self'): number | null {
  const s = statPath(`/proc/${pid}/ns/mnt`, 0, AT_FDCWD, STATX_INO);
  return typeof s === 'string' ? null : s.ino;
}

/** The /dev/shm seen by `pid` (its mount namespace) and its device, or null when it has none. */
function shmDirOf(pid: number): { dir: string; dev: number } | null {
  const dir = `/proc/${pid}/root${SHM_DIR}`;
  const s = statPath(dir, 0, AT_FDCWD, STATX_TYPE | STATX_INO);
  if (typeof s === 'string' || (s.mode & 0o170000) !== S_IFDIR) return null;
  return { dir, dev: s.dev };
}

/**
 * Segments and semaphores in the /dev/shm of every mount namespace other than ours that a listed process
 * lives in, when that /dev/shm is not ours (a bind mount of ours is already scanned). `pipeDev`/`selfPid`
 * are the walk's. Only a /dev/shm with files in it costs a walk.
 */
export function foreignShm(processes: readonly ProcessInfo[], ownShmDev: number | null, pipeDev: number, selfPid: number, problems: string[]): IpcObject[] {
  const own = mntnsOf('self');
  if (own === null) return [];
  const groups = new Map<number, number[]>();
  for (const p of processes) {
    if (p['kernelThread'] === true || p['fdsHidden'] === true || p.pid === selfPid) continue;
    const ns = mntnsOf(p.pid);
    if (ns === null || ns === own) continue;
    let g = groups.get(ns);
    if (!g) groups.set(ns, (g = []));
    g.push(p.pid);
  }
  // Mount namespaces that see one /dev/shm (containers of one pod) are joined: one object per segment.
  const byDev = new Map<number, { dir: string; via: number; namespaces: number[]; pids: number[] }>();
  for (const [ns, pids] of groups) {
    let shm: { dir: string; dev: number } | null = null;
    let via = 0;
    for (const pid of pids) {
      if ((shm = shmDirOf(pid))) {
        via = pid;
        break;
      }
    }
    if (!shm || shm.dev === ownShmDev) continue;
    const d = byDev.get(shm.dev);
    if (d) {
      d.namespaces.push(ns);
      d.pids.push(...pids);
    } else byDev.set(shm.dev, { dir: shm.dir, via, namespaces: [ns], pids: [...pids] });
  }
  const out: IpcObject[] = [];
  for (const [dev, g] of byDev) {
    const files = listFiles(g.dir, problems);
    if (!files.length) continue;
    const devs = { shmDev: dev, mqDev: null, memfdDev: null, anonDev: null };
    const walk = emptyWalk();
    const maps: ProcessMaps[] = [];
    const field = [mapsDevField(dev)];
    for (const pid of g.pids.sort((a, b) => a - b)) {
      walkProcessFds(pid, AT_FDCWD, { pipeDev, selfPid, ipc: devs }, walk);
      const m = readProcFile(`/proc/${pid}/maps`, AT_FDCWD, false, false);
      const entries = m.data ? mapsOnDevices(m.data, field) : [];
      if (entries.length) maps.push({ pid, entries });
    }
    const objects = joinIpcObjects({ fds: walk.fds.filter((f) => f.dev === dev), maps, devs, shm: files, mqueues: [], sysv: null, ipcns: null });
    const namespaces = g.namespaces.sort((a, b) => a - b);
    for (const o of objects) {
      // Their path, reachable from here: what Reveal and Unlink act on (never our own /dev/shm).
      if (typeof o['path'] === 'string') o['path'] = `${g.dir}${(o['path'] as string).slice(SHM_DIR.length)}`;
      o['mntns'] = namespaces[0];
      o['namespaceNote'] = `mount namespace ${namespaces.map((n) => `mnt:[${n}]`).join(', ')}, listed through process ${g.via}'s /dev/shm`;
    }
    out.push(...objects);
  }
  return out;
}
