// Reads one process's identity from /proc/PID: pid, ppid, comm, cmdline, uid, cwd and net/ipc namespace inodes.

import { readdirSync } from 'node:fs';
import { STATX_INO, libc } from '../../../native/libc';
import type { ProcessInfo } from '../model';
import { decodeName } from '../names';
import { cmdlineBase64, parseCmdline } from '../procfs/cmdline';
import { parsePidStat } from '../procfs/pidstat';
import { statusName, statusSignals, type ThreadSignals } from '../procfs/signals';
import { statusUid } from '../procfs/status';
import { closeFd, isVanished, openPidDir, readProcFile, statPath } from './procio';

/** Numeric entries of /proc: the thread-group ids (threads are not listed at the top level). */
export function listPids(root = '/proc'): number[] {
  const out: number[] = [];
  for (const name of readdirSync(root)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57 && /^\d+$/.test(name)) out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}

const linkBuf = Buffer.alloc(4096);

/** The working directory (readlink of /proc/PID/cwd), or undefined: other users' (EACCES), vanished. */
function readCwd(dirfd: number): string | undefined {
  const n = libc().readlinkat(dirfd, 'cwd', linkBuf, linkBuf.length);
  // Raw bytes decoded leniently: it is only compared with workspace folders, never shown unescaped.
  return n > 0 ? linkBuf.toString('utf8', 0, n) : undefined;
}

/** PF_KTHREAD in the flags field of /proc/PID/stat (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000;

/**
 * One process, read relative to its /proc/PID directory fd, or null when it vanished. Read problems
 * other than vanishing are appended to `problems`. A kernel thread gets only what stat says.
 */

export function readProcess(pid: number, dirfd: number, problems: string[] = []): ProcessInfo | null {
  const st = readProcFile('stat', dirfd, true, false);
  if (st.error !== undefined) {
    if (!isVanished(st.error)) problems.push(`${pid} stat: ${st.error}`);
    return null;
  }
  const parsed = parsePidStat(st.data);
  if (!parsed.stat) return null;
  const comm = decodeName(parsed.stat.comm);
  if (parsed.stat.flags & PF_KTHREAD) {
    // A kernel thread (kworker, ksoftirqd, ...; often most of the pids of a machine) has no fds, no mappings,
    // no command line and no user: nothing of it is read beyond stat, and its fds are not walked.
    const k: ProcessInfo = { pid, ppid: parsed.stat.ppid, comm: comm.name, cmdline: [], uid: 0, netns: null, ipcns: null, starttime: parsed.stat.starttime, kernelThread: true };
    if (comm.nameBase64 !== undefined) k['commBase64'] = comm.nameBase64;
    return k;
  }

  let uid: number | null = null;
  let signals: ReturnType<typeof statusSignals> = null;
  const status = readProcFile('status', dirfd, true, false);
  if (status.data) {
    const text = status.data.toString('latin1');
    uid = statusUid(text);
    signals = statusSignals(text);
  }
  if (uid === null) {
    // Owner of /proc/PID is the effective uid (root for non-dumpable processes): a best effort.
    const s = statPath('', 0x1000 /* AT_EMPTY_PATH */, dirfd);
    if (typeof s === 'string') {
      if (isVanished(s)) return null;
      problems.push(`${pid}: ${s}`);
    } else uid = s.uid;
  }
  const cmd = readProcFile('cmdline', dirfd, true, false);
  const cmdline = cmd.data ? parseCmdline(cmd.data) : [];

  const ns = (name: string): number | null => {
    const s = statPath(name, 0, dirfd, STATX_INO);
    if (typeof s === 'string') {
      if (!isVanished(s) && s !== 'EACCES' && s !== 'EPERM') problems.push(`${pid} ${name}: ${s}`);
      return null;
    }
    return s.ino;
  };
  const info: ProcessInfo = {
    pid,
    ppid: parsed.stat.ppid,
    comm: comm.name,
    cmdline,
    uid: uid ?? -1,
    netns: ns('ns/net'),
    ipcns: ns('ns/ipc'),
    starttime: parsed.stat.starttime,
  };
  const cwd = readCwd(dirfd);
  if (cwd !== undefined) info.cwd = cwd;
  if (comm.nameBase64 !== undefined) info['commBase64'] = comm.nameBase64;
  const rawArgs = cmd.data ? cmdlineBase64(cmd.data) : undefined;
  if (rawArgs !== undefined) info['cmdlineBase64'] = rawArgs;
  // Dispositions, mask and pending signals (names), from the status text already read.
  if (signals) info['signals'] = signals;
  return info;
}

/** Read one process by pid (opens and closes its /proc directory). */
export function readProcessByPid(pid: number, problems: string[] = []): ProcessInfo | null {
  const dirfd = openPidDir(pid);
  if (typeof dirfd === 'string') return null;
  try {
    return readProcess(pid, dirfd, problems);
  } finally {
    closeFd(dirfd);
  }
}

/**
 * Each thread's own signal state (its mask and what is pending for it alone), from /proc/PID/task/TID/status:
 * a process's status shows its main thread's only, and a signal blocked or pending in another thread is
 * invisible there. About 20 µs per thread, so read on demand (ls --signals, a process's details), not in every
 * scan. Threads that end meanwhile are skipped; null when the process is gone or its tasks are not readable.
 */
export function readThreadSignals(pid: number): ThreadSignals[] | null {
  let tids: number[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).filter((t) => /^\d+$/.test(t)).map(Number).sort((a, b) => a - b);
  } catch {
    return null;
  }
  const out: ThreadSignals[] = [];
  for (const tid of tids) {
    const r = readProcFile(`/proc/${pid}/task/${tid}/status`, undefined, true, false);
    if (!r.data) continue;
    const text = r.data.toString('latin1');
    const sig = statusSignals(text);
    if (!sig) continue;
    // (In a thread's status, SigPnd is that thread's own pending set; ShdPnd is the process's, shown already.)
    out.push({ tid, name: decodeName(Buffer.from(statusName(text), 'latin1')).name, blocked: sig.blocked, pending: sig.pendingThread });
  }
  return out;
}
