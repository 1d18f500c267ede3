// POSIX message queues known only through the fds that hold them: a queue unlinked (mq_unlink) while
// processes still hold it and send or receive on it, and every held queue when /dev/mqueue is not mounted
// (mq_open works without the mount) or when another IPC namespace has no mount we can read. Their
// attributes come through a holder's own fd, never through a name (a name may meanwhile be another queue).

import {
  AT_EMPTY_PATH, AT_FDCWD, MQ_ATTR_SIZE, S_IFMT, S_IFREG, STATX_BUF_SIZE, STATX_INO, STATX_TYPE, libc, u64,
} from '../../../native/libc';
import { makedev } from '../../../native/netlinkParse';
import type { Endpoint } from '../model';
import type { FdRecord } from './fds';
import { Pidfds, viaReopen } from './fill';
import { parseMqStatus, type MqAttr, type MqEntry } from './ipcSources';

export interface HeldMq extends MqEntry {
  /** Unlinked while held: its name may since be another queue's. */
  deleted: boolean;
  /** The IPC namespace of its holders (null when they live in several, or unknown). */
  ipcns: number | null;
}

export interface MqFigures {
  attr: MqAttr;
  qsize: number | null;
  notifyPid: number | null;
}

const st = Buffer.alloc(STATX_BUF_SIZE);
const attrBuf = Buffer.alloc(MQ_ATTR_SIZE);
const statusBuf = Buffer.alloc(256);
const DELETED = Buffer.from(' (deleted)');

/** True when our `fd` is the regular file (dev, ino): the holder may have closed and reused its fd number. */
function isQueue(fd: number, dev: number, ino: number): boolean {
  if (libc().statx(fd, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, st) !== 0) return false;
  if ((st.readUInt16LE(28) & S_IFMT) !== S_IFREG || u64(st, 32) !== ino) return false;
  return makedev(st.readUInt32LE(136), st.readUInt32LE(140)) === dev;
}

/**
 * mq_getattr and the status line (QSIZE, NOTIFY_PID) of our fd on a queue. The status is read with pread at
 * offset 0: a pidfd duplicate shares the holder's file position, which read() would move.
 */
function figuresOf(fd: number): MqFigures | null {
  const c = libc();
  if (c.mqGetattr(fd, attrBuf) !== 0) return null;
  const attr = { maxmsg: Number(attrBuf.readBigInt64LE(8)), msgsize: Number(attrBuf.readBigInt64LE(16)), curmsgs: Number(attrBuf.readBigInt64LE(24)) };
  const n = c.pread(fd, statusBuf, statusBuf.length, 0);
  const status = n > 0 ? parseMqStatus(statusBuf.toString('latin1', 0, n)) : { qsize: null, notifyPid: null };
  return { attr, ...status };
}

/**
 * The figures of queue (dev, ino) through fd `fd` of `pid`: a pidfd_getfd duplicate of the holder's own
 * file (no open at all), else /proc/PID/fd/N opened O_PATH, checked, and that very file re-opened read-only
 * (an mqueue file has no open handler; mq_getattr and the status line consume nothing; the close only drops
 * a notification registered by the closing process, never ours). Closed at once. Null when not readable.
 */
export function mqFiguresViaFd(pid: number, fd: number, dev: number, ino: number, pidfds: Pidfds): MqFigures | null {
  const c = libc();
  const pidfd = pidfds.get(pid);
  if (pidfd >= 0) {
    const dup = c.pidfdGetfd(pidfd, fd);
    if (dup >= 0) {
      try {
        return isQueue(dup, dev, ino) ? figuresOf(dup) : null;
      } finally {
        c.close(dup);
      }
    }
    const e = c.errnoName(c.errno());
    if (e === 'EBADF' || e === 'ESRCH') return null;
  }
  return viaReopen(AT_FDCWD, `/proc/${pid}/fd/${fd}`, (f) => isQueue(f, dev, ino), figuresOf);
}

/**
 * The figures through the first holder whose fd can be read, readers first: the status line cannot be
 * read through a duplicate of a write-only descriptor (mq_getattr can).
 */
export function mqFiguresViaHolders(endpoints: readonly Pick<Endpoint, 'pid' | 'fd' | 'access'>[], dev: number, ino: number, pidfds: Pidfds): MqFigures | null {
  let partial: MqFigures | null = null;
  for (const e of [...endpoints].sort((a, b) => Number(a.access === 'w') - Number(b.access === 'w'))) {
    if (e.fd === null) continue;
    const f = mqFiguresViaFd(e.pid, e.fd, dev, ino, pidfds);
    if (f && f.qsize !== null) return f;
    partial ??= f;
  }
  return partial;
}

/**
 * The queues among `fds` (ours: on `mqDev`; others: flagged `mqueue` by the walk) that `listed` (dev:ino
 * of the queues read from a mount, ours and other namespaces') does not have.
 * `ipcnsOf` gives a holder's IPC namespace.
 */
export function heldMqueues(
  fds: readonly FdRecord[], mqDev: number | null, listed: ReadonlySet<string>, ipcnsOf: (pid: number) => number | null,
): HeldMq[] {
  const byKey = new Map<string, FdRecord[]>();
  for (let i = 0; i < fds.length; i++) {
    const f = fds[i]!;
    if (f.link === null || (f.dev !== mqDev && f.mqueue !== true)) continue;
    const key = `${f.dev}:${f.ino}`;
    if (listed.has(key)) continue;
    let l = byKey.get(key);
    if (!l) byKey.set(key, (l = []));
    l.push(f);
  }
  if (!byKey.size) return [];
  const out: HeldMq[] = [];
  const pidfds = new Pidfds();
  try {
    for (const holders of byKey.values()) {
      const f = holders[0]!;
      // The link is the queue's path in its mount ("/name", or "/dev/mqueue/name" through a mount), with
      // " (deleted)" once unlinked; the name is the last component.
      const deleted = f.link!.length >= DELETED.length && f.link!.subarray(f.link!.length - DELETED.length).equals(DELETED);
      const path = deleted ? f.link!.subarray(0, f.link!.length - DELETED.length) : f.link!;
      const raw = path.subarray(path.lastIndexOf(0x2f) + 1);
      const figures = mqFiguresViaHolders(holders.map((h) => ({ pid: h.pid, fd: h.fd, access: h.access ?? 'rw' })), f.dev, f.ino, pidfds);
      const nss = new Set(holders.map((h) => ipcnsOf(h.pid)));
      out.push({
        raw, dev: f.dev, ino: f.ino, size: f.size ?? 0, uid: f.uid ?? 0, mode: f.mode ?? 0,
        attr: figures?.attr ?? null, qsize: figures?.qsize ?? null, notifyPid: figures?.notifyPid ?? null,
        deleted, ipcns: nss.size === 1 ? [...nss][0]! : null,
      });
    }
  } finally {
    pidfds.close();
  }
  return out.sort((a, b) => a.dev - b.dev || a.ino - b.ino);
}
