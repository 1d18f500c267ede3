// Readers of the IPC namespaces that are not fds: /dev/shm, /dev/mqueue (+ mq_getattr), /proc/sysvipc/*,
// and the st_dev of the filesystems that back shm, memfd, mqueue and anonymous-inode fds.

import { lstatSync, readFileSync, readdirSync, statSync, statfsSync } from 'node:fs';
import {
  AT_EMPTY_PATH, AT_FDCWD, EFD_CLOEXEC, MFD_CLOEXEC, MQ_ATTR_SIZE, MSQID_DS_SIZE, O_CLOEXEC, O_DIRECTORY, O_NONBLOCK, O_RDONLY, STATX_BUF_SIZE, STATX_INO,
  STATX_TYPE, inspectorFds, libc, readStatx,
} from '../../../native/libc';
import { parseSysvMsg, parseSysvSem, parseSysvShm, type SysvMsg, type SysvSem, type SysvShm } from '../procfs/sysvipc';
import type { IpcDevices } from './fds';
import { readProcFile, statPath } from './procio';

export const SHM_DIR = '/dev/shm';
export const MQUEUE_DIR = '/dev/mqueue';
export const MQUEUE_NOT_MOUNTED = 'POSIX message queues: /dev/mqueue is not mounted, so only the queues a process holds open are shown, without a path (mount -t mqueue none /dev/mqueue to see them all)';

let internal: { memfdDev: number | null; anonDev: number | null } | undefined;

/** st_dev of one fd of our own, created and closed at once; null when the call fails. */
function devOfOwn(create: () => number): number | null {
  const c = libc();
  const fd = create();
  if (fd < 0) return null;
  const st = Buffer.alloc(STATX_BUF_SIZE);
  const ok = c.statx(fd, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, st) === 0;
  c.close(fd);
  return ok ? readStatx(st).dev : null;
}

/** True when an mqueue filesystem is mounted at /dev/mqueue (from our mount table). */
export function mqueueMounted(mountsText?: string): boolean {
  let text = mountsText;
  if (text === undefined) {
    const r = readProcFile('/proc/self/mounts');
    text = r.data ? r.data.toString('latin1') : '';
  }
  return text.split('\n').some((l) => {
    const f = l.split(' ');
    return f[1] === MQUEUE_DIR && f[2] === 'mqueue';
  });
}

/** The devices of this snapshot (the mqueue mount is re-checked every time: it can come and go). */
export function ipcDevices(): IpcDevices {
  if (!internal) {
    const c = libc();
    internal = {
      memfdDev: devOfOwn(() => c.memfdCreate('ipc-inspector-probe', MFD_CLOEXEC)),
      anonDev: devOfOwn(() => c.eventfd(0, EFD_CLOEXEC)),
    };
  }
  let shmDev: number | null = null;
  try {
    const s = statSync(SHM_DIR);
    if (s.isDirectory()) shmDev = s.dev;
  } catch {
    // no /dev/shm (minimal containers): no POSIX shm
  }
  let mqDev: number | null = null;
  if (mqueueMounted()) {
    try {
      mqDev = statSync(MQUEUE_DIR).dev;
    } catch {
      mqDev = null;
    }
  }
  return { shmDev, mqDev, ...internal };
}

export interface FileEntry {
  /** Raw bytes of the file name (no directory). */
  raw: Buffer;
  dev: number;
  ino: number;
  size: number;
  uid: number;
  mode: number;
}

/** Regular files of a directory, by raw name (lstat: a symlink planted there is not followed). */
export function listFiles(dir: string, problems: string[]): FileEntry[] {
  let names: Buffer[];
  try {
    names = readdirSync(dir, { encoding: 'buffer' });
  } catch (e) {
    problems.push(`${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return [];
  }
  const out: FileEntry[] = [];
  const prefix = Buffer.from(dir + '/');
  for (const raw of names) {
    try {
      const s = lstatSync(Buffer.concat([prefix, raw]));
      if (!s.isFile()) continue;
      out.push({ raw, dev: s.dev, ino: s.ino, size: s.size, uid: s.uid, mode: s.mode & 0o7777 });
    } catch {
      // removed since the readdir: skipped
    }
  }
  return out;
}

export interface MqAttr {
  curmsgs: number;
  maxmsg: number;
  msgsize: number;
}

export interface MqEntry extends FileEntry {
  attr: MqAttr | null;
  /** From the mqueue file's status text: QSIZE (bytes queued) and NOTIFY_PID (0: nobody registered). */
  qsize: number | null;
  notifyPid: number | null;
}

const attrBuf = Buffer.alloc(MQ_ATTR_SIZE);

/**
 * mq_getattr of a queue by raw name: mq_open(O_RDONLY|O_NONBLOCK) + mq_getattr + mq_close. Opening
 * for reading consumes nothing and registers no notification. Null when it cannot be opened.
 */
export function mqGetattr(raw: Buffer, expect?: QueueIdentity): MqAttr | null {
  const c = libc();
  const name = Buffer.concat([Buffer.from('/'), raw, Buffer.from([0])]);
  const q = c.mqOpen(name, O_RDONLY | O_NONBLOCK);
  if (q < 0) return null;
  try {
    return expect && !sameFile(q, expect) ? null : readMqAttr(q);
  } finally {
    c.mqClose(q);
  }
}

/** A queue as a snapshot found it: the refresh path checks that a name still means that queue. */
export interface QueueIdentity {
  dev: number;
  ino: number;
}

const idBuf = Buffer.alloc(STATX_BUF_SIZE);

/** True when our fd `fd` is the file (dev, ino) (a queue descriptor is an fd on Linux). */
function sameFile(fd: number, id: QueueIdentity): boolean {
  if (libc().statx(fd, '', AT_EMPTY_PATH, STATX_TYPE | STATX_INO, idBuf) !== 0) return false;
  const f = readStatx(idBuf);
  return f.ino === id.ino && f.dev === id.dev;
}

/** mq_getattr on a queue descriptor of ours. */
function readMqAttr(q: number): MqAttr | null {
  if (libc().mqGetattr(q, attrBuf) !== 0) return null;
  return {
    maxmsg: Number(attrBuf.readBigInt64LE(8)),
    msgsize: Number(attrBuf.readBigInt64LE(16)),
    curmsgs: Number(attrBuf.readBigInt64LE(24)),
  };
}

/** statfs f_type of an mqueue file system. */
export const MQUEUE_MAGIC = 0x19800202;
const O_NOFOLLOW = 0o400000;

/**
 * Another IPC namespace's mqueue directory, reached through one of its processes (`/proc/PID/root/dev/mqueue`),
 * held open: its fd and device, or null when what the path leads to now is no mqueue file system. The path is
 * the container's to change: its /dev/mqueue may be a symlink, and an absolute one is followed from OUR root
 * ("/dev" is the host's /dev). So the check is made on the directory opened (O_DIRECTORY: a device or FIFO
 * there is refused before any open handler runs), and every queue is then reached through that fd
 * (`/proc/self/fd/N/<name>`: an mqueue file system holds nothing but queues), never through the path again.
 * Close it with closeMqueueDir.
 */
export function openMqueueDir(dir: string): { fd: number; dev: number; via: string } | null {
  const c = libc();
  const fd = c.openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return null;
  inspectorFds.add(fd);
  const via = `/proc/self/fd/${fd}`;
  try {
    if (statfsSync(via).type === MQUEUE_MAGIC) return { fd, dev: statSync(via).dev, via };
  } catch {
    // gone meanwhile
  }
  closeMqueueDir(fd);
  return null;
}

export function closeMqueueDir(fd: number): void {
  libc().close(fd);
  inspectorFds.delete(fd);
}

/**
 * mq_getattr through an fd opened on the queue's file (e.g. another IPC namespace's mount reached via
 * /proc/PID/root): an mqueue file has no open handler, reading attributes consumes nothing, and its flush
 * on close only drops a notification registered by the closing process (never ours).
 */
export function mqGetattrAtPath(path: Buffer, expect?: QueueIdentity): MqAttr | null {
  const c = libc();
  const fd = c.openBytes(Buffer.concat([path, Buffer.from([0])]), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return null;
  inspectorFds.add(fd);
  try {
    return expect && !sameFile(fd, expect) ? null : readMqAttr(fd);
  } finally {
    c.close(fd);
    inspectorFds.delete(fd);
  }
}

/** "QSIZE:129 NOTIFY:0 SIGNO:0 NOTIFY_PID:0" -> numbers (pure; absent or odd fields are null). */
export function parseMqStatus(text: string): { qsize: number | null; notifyPid: number | null } {
  const field = (k: string): number | null => {
    const m = new RegExp(`(?:^|\\s)${k}:(\\d+)`).exec(text);
    return m ? Number(m[1]) : null;
  };
  return { qsize: field('QSIZE'), notifyPid: field('NOTIFY_PID') };
}

/**
 * The queues under /dev/mqueue with their attributes (our IPC namespace's mount), or under `dir`, another
 * namespace's mqueue mount held open by us (openMqueueDir's `via`; attributes then through the file, not
 * mq_open, which sees only ours).
 */
export function listMqueues(problems: string[], dir = MQUEUE_DIR): MqEntry[] {
  const prefix = Buffer.from(dir + '/');
  const own = dir === MQUEUE_DIR;
  return listFiles(dir, problems).map((f) => {
    let status = { qsize: null as number | null, notifyPid: null as number | null };
    try {
      // The file's content is a status line generated by the kernel: reading it touches no message.
      status = parseMqStatus(readFileSync(Buffer.concat([prefix, f.raw])).toString('latin1'));
    } catch {
      // gone or unreadable: no status
    }
    return { ...f, attr: own ? mqGetattr(f.raw) : mqGetattrAtPath(Buffer.concat([prefix, f.raw])), ...status };
  });
}

export interface SysvTables {
  shm: SysvShm[];
  msg: (SysvMsg & { qbytes: number | null })[];
  sem: SysvSem[];
}

const msqBuf = Buffer.alloc(MSQID_DS_SIZE);

/** msg_qbytes (the queue's byte limit) through msgctl(IPC_STAT); null without read permission. */
export function msgQbytes(msqid: number): number | null {
  const c = libc();
  if (c.msgctlStat(msqid, msqBuf) !== 0) return null;
  return Number(msqBuf.readBigUInt64LE(88));
}

/** /proc/sysvipc/{shm,msg,sem} of our IPC namespace. */
export function readSysv(problems: string[]): SysvTables {
  const read = (name: string): string => {
    const r = readProcFile(`/proc/sysvipc/${name}`);
    if (r.error !== undefined) {
      if (r.error !== 'ENOENT') problems.push(`/proc/sysvipc/${name}: ${r.error}`);
      return '';
    }
    return r.data.toString('latin1');
  };
  return {
    shm: parseSysvShm(read('shm')).rows,
    msg: parseSysvMsg(read('msg')).rows.map((m) => ({ ...m, qbytes: msgQbytes(m.msqid) })),
    sem: parseSysvSem(read('sem')).rows,
  };
}

const CLONE_NEWIPC = 0x08000000;

/**
 * SysV tables of another IPC namespace: this thread enters it (setns through /proc/PID/ns/ipc of one
 * of its processes, checked by inode), reads /proc/sysvipc/*, and returns to its own at once.
 * Undefined when no process gives a way in (gone, or not root). Throws only if returning fails.
 */
export function readSysvOfNamespace(ino: number, pids: readonly number[], problems: string[]): SysvTables | undefined {
  const c = libc();
  const own = c.open('/proc/thread-self/ns/ipc', O_RDONLY | O_CLOEXEC, 0);
  if (own < 0) return undefined;
  inspectorFds.add(own);
  try {
    for (const pid of pids) {
      const fd = c.open(`/proc/${pid}/ns/ipc`, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0) continue;
      inspectorFds.add(fd);
      try {
        const s = statPath('', AT_EMPTY_PATH, fd, STATX_INO);
        if (typeof s === 'string' || s.ino !== ino) continue;
        if (c.setns(fd, CLONE_NEWIPC) !== 0) return undefined;
        try {
          return readSysv(problems);
        } finally {
          if (c.setns(own, CLONE_NEWIPC) !== 0) throw new Error(`setns back to our IPC namespace failed: ${c.errnoName(c.errno())}`);
        }
      } finally {
        c.close(fd);
        inspectorFds.delete(fd);
      }
    }
    return undefined;
  } finally {
    c.close(own);
    inspectorFds.delete(own);
  }
}
