// The fd walk: every fd of every readable process, identified by (st_dev, st_ino) from stat of the fd.
// Uses dirfd-relative statx/readlinkat through koffi (about 3 µs per fd instead of ~10 µs via node:fs).

import {
  AT_EMPTY_PATH, AT_FDCWD, AT_STATX_DONT_SYNC, AT_SYMLINK_NOFOLLOW, MQUEUE_MAGIC, O_CLOEXEC, O_DIRECTORY, O_PATH, O_RDONLY, S_IFIFO, S_IFMT,
  S_IFSOCK, S_IFREG, STATFS_BUF_SIZE, STATX_INO, STATX_MODE, STATX_SIZE, STATX_TYPE, STATX_UID, StatxBuf, inspectorFds, libc, parseDirents,
} from '../../../native/libc';
import type { Access } from '../model';
import { parseFdinfo, scanFdinfoScm } from '../procfs/fdinfo';
import { openPidfd, sampleAt, sampleViaPidfd, selfFds, type PipeSample } from './fill';
import { isVanished } from './procio';
import { FILL_READ, RECORD_WORDS, REC, pathBlocks, recordPath, type FdTable, type MapperTable } from '../../../native/bpfFdIter';
import { kernelDevToUser } from '../../../native/netlinkParse';

export interface FdRecord {
  pid: number;
  fd: number;
  /** S_IFMT bits of the object (S_IFIFO, S_IFSOCK, ...). */
  type: number;
  dev: number;
  ino: number;
  access: Exclude<Access, 'map'> | null;
  /** Raw link text, read only where it names the object (FIFOs, shm, memfd, mqueue, anon inodes). */
  link: Buffer | null;
  /** Regular files of the IPC filesystems (shm, memfd, mqueue): size, owner and mode of the file. */
  size?: number;
  uid?: number;
  mode?: number;
  /** eventfd/signalfd (anonymous inodes): what their fdinfo says. */
  anon?: AnonFd;
  /**
   * A POSIX message queue on an mqueue file system other than our /dev/mqueue mount (none mounted, or
   * another IPC namespace's): known from the fd alone (see isMqueueFile).
   */
  mqueue?: true;
}

export interface AnonFd {
  kind: 'eventfd' | 'signalfd';
  eventfdId: number | null;
  eventfdCount: number | null;
  sigmask: bigint | null;
}

/** st_dev of the filesystems whose regular files (or anonymous inodes) are IPC objects. */
export interface IpcDevices {
  /** tmpfs at /dev/shm (POSIX shm and named semaphores). */
  shmDev: number | null;
  /** The mqueue mount of our IPC namespace, null when /dev/mqueue is not mounted. */
  mqDev: number | null;
  /** The kernel's internal shm mount: memfds (and SysV segments, which have no fds). */
  memfdDev: number | null;
  /** anon_inodefs: eventfd, signalfd, epoll, ... */
  anonDev: number | null;
}

export interface FdWalk {
  fds: FdRecord[];
  /** Processes whose fd directory is not readable (EACCES/EPERM): counted as hidden. */
  hiddenPids: number[];
  /** Processes gone before their fds could be listed. */
  vanishedPids: number[];
  /** fds listed (of every type). */
  seen: number;
  /** fds that closed between listing and stat. */
  vanishedFds: number;
  problems: string[];
  /** Pipe/FIFO fill sampled from the first read end met, by "dev:ino" (when sampleFill is set). */
  fills: Map<string, PipeSample>;
  /** Pipes/FIFOs that had a read end but could not be sampled through any of them. */
  fillFailed: Set<string>;
  /**
   * In-flight fds (fdinfo's scm_fds) of Unix sockets by inode, where the fd iterator read them (dgram and
   * connected sockets); the others' fdinfo is read after the walk (inflight.ts).
   */
  scm: Map<number, number>;
}

export interface WalkOptions {
  /** st_dev of pipefs: FIFOs on other devices get their path read. */
  pipeDev: number;
  /** The inspector's own pid: its scanning fds (inspectorFds) are skipped. */
  selfPid: number;
  /** Sample pipe/FIFO fill through the first read end met during the walk. */
  sampleFill?: boolean;
  /** Keep shm/memfd/mqueue fds and eventfd/signalfd fds on these devices (absent: none). */
  ipc?: IpcDevices;
  /** Every process's fds from the fd iterator, read at the start of the scan (absent: /proc is walked). */
  fdTable?: FdTable;
  /** The processes mapping shm or memfd files, from the mapping iterator read right after the fd iterator. */
  mappers?: MapperTable;
}

const STAT_MASK = STATX_TYPE | STATX_MODE | STATX_INO | STATX_UID | STATX_SIZE;
const S_IRUSR = 0o400;
const S_IWUSR = 0o200;

export function emptyWalk(): FdWalk {
  return { fds: [], hiddenPids: [], vanishedPids: [], seen: 0, vanishedFds: 0, problems: [], fills: new Map(), fillFailed: new Set(), scm: new Map() };
}

/** Walk /proc/PID/fd of every pid, keeping pipes, FIFOs and sockets. Never throws on vanished pids/fds. */
export function walkFds(pids: readonly number[], opts: WalkOptions): FdWalk {
  const out = emptyWalk();
  for (const pid of pids) walkProcessFds(pid, AT_FDCWD, opts, out);
  return out;
}

const sx = new StatxBuf();
const st = sx.buf;
const dents = Buffer.alloc(32 * 1024);
const link = Buffer.alloc(8192); // > PATH_MAX: a full-length path is never cut
const names: string[] = [];

/**
 * Append the pipe, FIFO and socket fds of one process to `out`. `pidDirfd` is an fd on /proc/PID
 * (paths are then relative), or AT_FDCWD.
 */
export function walkProcessFds(pid: number, pidDirfd: number, opts: WalkOptions, out: FdWalk): void {
  const c = libc();
  const dfd = c.openat(pidDirfd, pidDirfd === AT_FDCWD ? `/proc/${pid}/fd` : 'fd', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd < 0) {
    const e = c.errnoName(c.errno());
    if (isVanished(e)) out.vanishedPids.push(pid);
    else {
      out.hiddenPids.push(pid);
      if (e !== 'EACCES' && e !== 'EPERM') out.problems.push(`${pid} fd: ${e}`);
    }
    return;
  }
  inspectorFds.add(dfd);
  walkLinks = linkCache(out);
  let infoDir = -1;
  // A pidfd for pipe sampling, opened at the first read end to sample (-1: not yet, -2: unusable).
  let pidfd = -1;
  const sample = (name: string, fd: number, dev: number, ino: number): PipeSample | null => {
    if (pidfd === -1) {
      const f = openPidfd(pid);
      pidfd = f >= 0 ? f : -2;
    }
    if (pidfd >= 0) {
      const s = sampleViaPidfd(pidfd, fd, dev, ino);
      if (s !== 'fallback') return s;
    }
    return sampleAt(dfd, name, dev, ino);
  };
  const openInfoDir = (): number => {
    if (infoDir < 0) {
      infoDir = c.openat(pidDirfd, pidDirfd === AT_FDCWD ? `/proc/${pid}/fdinfo` : 'fdinfo', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (infoDir >= 0) inspectorFds.add(infoDir);
    }
    return infoDir;
  };
  try {
    names.length = 0;
    for (;;) {
      const n = c.getdents64(dfd, dents, dents.length);
      if (n <= 0) break;
      parseDirents(dents, n, names);
    }
    const self = pid === opts.selfPid;
    out.seen += names.length;
    for (const name of names) {
      const fd = Number(name);
      if (self && inspectorFds.has(fd)) continue;
      // (AT_STATX_DONT_SYNC: an fd on an NFS file whose server is down must not hang the scan, as it does
      // lsof's without -b; type, identity, size and owner as the client last knew them are enough.)
      if (c.statx(dfd, name, AT_STATX_DONT_SYNC, STAT_MASK, st) !== 0) {
        const e = c.errnoName(c.errno());
        if (e === 'EACCES' || e === 'EPERM') {
          // A listable fd directory whose links are refused (another user namespace, an LSM): the
          // process's fds are hidden, and every other fd would be refused too.
          out.hiddenPids.push(pid);
          break;
        }
        out.vanishedFds++;
        continue;
      }
      const mode = sx.mode();
      const type = mode & S_IFMT;
      if (type !== S_IFIFO && type !== S_IFSOCK) {
        if (opts.ipc && (type === S_IFREG || type === 0)) {
          cur.mode = mode;
          cur.dev = sx.dev();
          cur.ino = sx.ino();
          cur.size = sx.size();
          cur.uid = sx.uid();
          cur.devMajor = sx.devMajor();
          const r = ipcFd(pid, fd, dfd, openInfoDir, name, opts.ipc, cur, -1);
          if (r === 'vanished') out.vanishedFds++;
          else if (r) out.fds.push(r);
        }
        continue;
      }
      const ino = sx.ino();
      const dev = sx.dev();
      let access: FdRecord['access'] = 'rw';
      let linkText: Buffer | null = null;
      if (type === S_IFIFO) {
        // The kernel sets the permission bits of the /proc/PID/fd/N symlink itself from the file's
        // f_mode (FMODE_READ -> u+r, FMODE_WRITE -> u+w): the same information as fdinfo's O_ACCMODE,
        // for one lstat instead of an open/read/close of fdinfo.
        if (c.statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_MODE, st) !== 0) {
          out.vanishedFds++;
          continue;
        }
        const lmode = sx.mode();
        const r = (lmode & S_IRUSR) !== 0;
        const w = (lmode & S_IWUSR) !== 0;
        // Neither bit: an O_PATH fd, which is no end of the pipe (it neither reads nor writes).
        if (!r && !w) continue;
        access = r && w ? 'rw' : r ? 'r' : 'w';
        if (dev !== opts.pipeDev) {
          linkText = linkOf(dfd, name, dev, ino);
          if (linkText === null) {
            out.vanishedFds++;
            continue;
          }
        }
        if (opts.sampleFill && (access === 'r' || access === 'rw')) {
          const key = `${dev}:${ino}`;
          if (!out.fills.has(key)) keepFill(out, key, sample(name, fd, dev, ino));
        }
      }
      out.fds.push({ pid, fd, type, dev, ino, access, link: linkText });
    }
  } finally {
    c.close(dfd);
    inspectorFds.delete(dfd);
    if (infoDir >= 0) {
      c.close(infoDir);
      inspectorFds.delete(infoDir);
    }
    if (pidfd >= 0) {
      c.close(pidfd);
      inspectorFds.delete(pidfd);
    }
  }
}

/**
 * Like walkProcessFds, from the fd iterator's records [from, to) of this process (native/bpfFdIter.ts) instead
 * of a getdents and a statx per fd: identity, type, size, owner and open mode come with the record. /proc/PID/fd
 * is opened only when an fd needs its link read (FIFOs off pipefs, shm, memfd, mqueue, anonymous inodes) or a
 * pipe sampled without a pidfd; every such read checks that the fd is still that file.
 */
export function walkTableFds(pid: number, pidDirfd: number, t: FdTable, from: number, to: number, opts: WalkOptions, out: FdWalk): void {
  const c = libc();
  const w = t.words;
  walkLinks = linkCache(out);
  let dfd = -1;
  let infoDir = -1;
  let pidfd = -1;
  /** /proc/PID/fd, opened on first need; -2 when it cannot be (the process is gone or hidden since). */
  const fdDir = (): number => {
    if (dfd === -1) {
      const d = c.openat(pidDirfd, 'fd', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (d >= 0) inspectorFds.add(d);
      dfd = d >= 0 ? d : -2;
    }
    return dfd;
  };
  const openInfoDir = (): number => {
    if (infoDir < 0) {
      infoDir = c.openat(pidDirfd, 'fdinfo', O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (infoDir >= 0) inspectorFds.add(infoDir);
    }
    return infoDir;
  };
  try {
    for (let r = from, next = from; r < to; r = next) {
      // (The path's blocks after a record, when the iterator wrote one: the link text, from the same moment.)
      next = r + 1 + pathBlocks(w, r);
      out.seen++;
      const k = r * RECORD_WORDS;
      const mode = w[k + REC.mode]!;
      const type = mode & S_IFMT;
      const fmode = w[k + REC.fmode]! & 3; // FMODE_READ | FMODE_WRITE
      const fd = w[k + REC.fd]!;
      if (type !== S_IFIFO && type !== S_IFSOCK) {
        if (!opts.ipc || (type !== S_IFREG && type !== 0)) continue;
        const kdev = w[k + REC.dev]!;
        cur.mode = mode;
        cur.dev = kernelDevToUser(kdev);
        // (Regular files of other devices are dropped here without a link read, as the /proc walk does.)
        cur.devMajor = kdev >>> 20;
        cur.ino = w[k + REC.inoLo]! + w[k + REC.inoHi]! * 2 ** 32;
        cur.size = w[k + REC.sizeLo]! + w[k + REC.sizeHi]! * 2 ** 32;
        cur.uid = w[k + REC.uid]!;
        if (!wantedIpcFile(cur, opts.ipc)) continue;
        // With the path from the record, /proc/PID/fd is needed only to tell another mqueue file system's queue.
        const known = recordPath(w, r);
        const ipc = opts.ipc;
        const listed = cur.dev === ipc.shmDev || cur.dev === ipc.mqDev || cur.dev === ipc.memfdDev || cur.dev === ipc.anonDev;
        const d = known !== null && listed ? AT_FDCWD : fdDir();
        if (d === -2) {
          out.vanishedFds++;
          continue;
        }
        const rec = ipcFd(pid, fd, d, openInfoDir, String(fd), ipc, cur, fmode, known);
        if (rec === 'vanished') out.vanishedFds++;
        else if (rec) out.fds.push(rec);
        continue;
      }
      const ino = w[k + REC.inoLo]! + w[k + REC.inoHi]! * 2 ** 32;
      const dev = kernelDevToUser(w[k + REC.dev]!);
      let access: FdRecord['access'] = 'rw';
      let linkText: Buffer | null = null;
      if (type === S_IFIFO) {
        if (fmode === 0) continue; // O_PATH: no end of the pipe
        access = ACCESS_OF[fmode]!;
        if (dev !== opts.pipeDev) {
          linkText = recordPath(w, r);
          if (linkText === null) {
            const d = fdDir();
            linkText = d >= 0 ? linkOf(d, String(fd), dev, ino) : null;
          }
          if (linkText === null) {
            out.vanishedFds++;
            continue;
          }
        }
        if (opts.sampleFill && fmode & 1) {
          const key = `${dev}:${ino}`;
          if (!out.fills.has(key)) {
            if (pidfd === -1 && w[k + REC.fill] !== FILL_READ) {
              const f = openPidfd(pid);
              pidfd = f >= 0 ? f : -2;
            }
            // The iterator read the ring itself (FIONREAD's sum, F_GETPIPE_SZ's pages), else a sample by syscalls.
            let got: PipeSample | null | 'fallback' = w[k + REC.fill] === FILL_READ
              ? { used: w[k + REC.fillUsed]!, capacity: w[k + REC.fillPages]! * c.pageSize() }
              : pidfd >= 0 ? sampleViaPidfd(pidfd, fd, dev, ino) : 'fallback';
            if (got === 'fallback') {
              const d = fdDir();
              got = d >= 0 ? sampleAt(d, String(fd), dev, ino) : null;
            }
            keepFill(out, key, got);
          }
        }
      }
      // (A Unix socket's in-flight count, when the iterator could read it; fdinfo's otherwise.)
      else if (w[k + REC.fill] === FILL_READ) out.scm.set(ino, w[k + REC.fillUsed]!);
      out.fds.push({ pid, fd, type, dev, ino, access, link: linkText });
    }
  } finally {
    for (const f of [dfd, infoDir, pidfd]) {
      if (f >= 0) {
        c.close(f);
        inspectorFds.delete(f);
      }
    }
  }
}

/**
 * Whether ipcFd could keep a file with these fields (checked before /proc/PID/fd is opened for it): a file of
 * shm, memfd or our mqueue mount, one that may be another mqueue file system's queue, or an anonymous inode.
 */
function wantedIpcFile(f: FileFields, devs: IpcDevices): boolean {
  if (f.dev === devs.anonDev) return true;
  if ((f.mode & S_IFMT) !== S_IFREG) return false;
  if (f.dev === devs.shmDev || f.dev === devs.mqDev || f.dev === devs.memfdDev) return true;
  return f.devMajor === 0 && f.size === MQUEUE_FILE_SIZE;
}

/** A pipe's fill ("dev:ino") as sampled, or its failure (a later read end may still succeed). */
function keepFill(out: FdWalk, key: string, got: PipeSample | null): void {
  if (got) {
    out.fills.set(key, got);
    out.fillFailed.delete(key);
  } else out.fillFailed.add(key);
}

const own = new StatxBuf();

/** What the walk knows of an fd's file before deciding to keep it (from statx, or from the fd iterator). */
interface FileFields {
  mode: number;
  dev: number;
  ino: number;
  size: number;
  uid: number;
  devMajor: number;
}
const cur: FileFields = { mode: 0, dev: 0, ino: 0, size: 0, uid: 0, devMajor: 0 };
const ACCESS_OF = [null, 'r', 'w', 'rw'] as const;

/**
 * The path of fd `name` (relative to `dfd`, an fd on /proc/PID/fd) if it still is the file (dev, ino) stat'd
 * before, else null. Read through an O_PATH reference of our own (no open handler runs, as in sampleAt): a link
 * read from the holder's fd number could be another file's, the fd closed and its number reused meanwhile (a
 * process swapping FIFOs at one fd number got the other FIFO's path on one walk in five); ours cannot change.
 */
function linkOf(dfd: number, name: string, dev: number, ino: number): Buffer | null {
  // Another holder of the same file in this walk: its checked link (four calls saved per further fd).
  const key = `${dev}:${ino}`;
  const known = walkLinks.get(key);
  if (known) return known;
  const got = readLinkChecked(dfd, name, dev, ino);
  if (got) walkLinks.set(key, got);
  return got;
}

/** Links read and checked during the current walk, by "dev:ino" (see linkCache). */
let walkLinks = new Map<string, Buffer>();
const linkCaches = new WeakMap<FdWalk, Map<string, Buffer>>();

/** The link cache of one walk (one FdWalk collects one thread's part of a scan). */
function linkCache(out: FdWalk): Map<string, Buffer> {
  let m = linkCaches.get(out);
  if (!m) linkCaches.set(out, (m = new Map()));
  return m;
}

/**
 * `query` on an O_PATH reference of our own to fd `name` (relative to `dfd`), once it is checked to be the file
 * (dev, ino) stat'd before (the holder may have closed the fd and its number been reused meanwhile); closed at
 * once. Null when the fd is gone or is another file now.
 */
function viaCheckedRef<T>(dfd: number, name: string, dev: number, ino: number, query: (ref: number) => T | null): T | null {
  const c = libc();
  const ref = c.openat(dfd, name, O_PATH | O_CLOEXEC, 0);
  if (ref < 0) return null;
  inspectorFds.add(ref);
  try {
    if (c.statx(ref, '', AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO, own.buf) !== 0) return null;
    if (own.ino() !== ino || own.dev() !== dev) return null;
    return query(ref);
  } finally {
    c.close(ref);
    inspectorFds.delete(ref);
  }
}

function readLinkChecked(dfd: number, name: string, dev: number, ino: number): Buffer | null {
  return viaCheckedRef(dfd, name, dev, ino, (ref) => {
    const c = libc();
    const self = selfFds();
    const n = self >= 0 ? c.readlinkat(self, String(ref), link, link.length) : c.readlinkat(AT_FDCWD, `/proc/self/fd/${ref}`, link, link.length);
    return n >= 0 ? Buffer.from(link.subarray(0, n)) : null;
  });
}

/** i_size of every mqueue inode (FILENT_SIZE in ipc/mqueue.c). */
const MQUEUE_FILE_SIZE = 80;
const fsBuf = Buffer.alloc(STATFS_BUF_SIZE);
/** Devices already told apart: dev -> is an mqueue file system (cleared every second: device numbers are reused). */
const mqueueDevs = new Map<number, boolean>();
let mqueueDevsAt = 0;

/**
 * A regular file (statx in `st`) that is a POSIX message queue of an mqueue file system we do not know by
 * its mount: when /dev/mqueue is not mounted, queues are still reachable through the fds that hold them
 * (mq_open works without the mount), and another IPC namespace's queues have their own device. Only files
 * that look like one (an anonymous device, size 80) are checked, by fstatfs once per device: a
 * statfs of an arbitrary file could wait on a network file system.
 */
function isMqueueFile(dfd: number, name: string, f: FileFields): boolean {
  const { dev, ino } = f;
  if (f.devMajor !== 0 || f.size !== MQUEUE_FILE_SIZE) return false;
  const now = Date.now();
  if (now - mqueueDevsAt > 1000) {
    mqueueDevs.clear();
    mqueueDevsAt = now;
  }
  let known = mqueueDevs.get(dev);
  if (known === undefined) {
    // Through a reference checked to be that file (the fd number may have been reused meanwhile); a vanished fd
    // tells nothing and is not remembered.
    if (viaCheckedRef(dfd, name, dev, ino, (ref) => (libc().fstatfs(ref, fsBuf) === 0 ? true : null)) === null) return false;
    known = fsBuf.readUInt32LE(0) === MQUEUE_MAGIC && fsBuf.readUInt32LE(4) === 0;
    mqueueDevs.set(dev, known);
  }
  return known;
}

const ANON_EVENTFD = 'anon_inode:[eventfd]';
const ANON_SIGNALFD = 'anon_inode:[signalfd]';

/**
 * An fd on an IPC filesystem (statx already in `st`): shm/memfd/mqueue files get link, size, owner
 * and access; eventfd/signalfd get their fdinfo. Null for anything else.
 */
function ipcFd(
  pid: number, fd: number, dfd: number, openInfoDir: () => number, name: string, devs: IpcDevices,
  f: FileFields, fmodeAccess: number, knownLink: Buffer | null = null,
): FdRecord | null | 'vanished' {
  const c = libc();
  const { mode, dev, ino } = f;
  const type = mode & S_IFMT;
  // (Anonymous inodes are typeless here; a kernel that gives them S_IFREG still has them on anon_inodefs.)
  if (type === S_IFREG && dev !== devs.anonDev) {
    const otherMq = dev !== devs.shmDev && dev !== devs.mqDev && dev !== devs.memfdDev;
    if (otherMq && !isMqueueFile(dfd, name, f)) return null;
    // Access from f_mode (FMODE_READ 1, FMODE_WRITE 2), or from the symlink's own mode bits, which the kernel
    // sets from f_mode, as for FIFOs.
    let rw = fmodeAccess;
    if (rw < 0) {
      if (c.statx(dfd, name, AT_SYMLINK_NOFOLLOW, STATX_MODE, st) !== 0) return 'vanished';
      const lmode = sx.mode();
      rw = ((lmode & S_IRUSR) !== 0 ? 1 : 0) | ((lmode & S_IWUSR) !== 0 ? 2 : 0);
    }
    if (rw === 0) return null; // O_PATH
    const linkText = knownLink ?? linkOf(dfd, name, dev, ino);
    if (linkText === null) return 'vanished';
    const rec: FdRecord = { pid, fd, type, dev, ino, access: ACCESS_OF[rw]!, link: linkText, size: f.size, uid: f.uid, mode: mode & 0o7777 };
    if (otherMq) rec.mqueue = true;
    return rec;
  }
  if (dev !== devs.anonDev) return null;
  let text: string;
  if (knownLink) text = knownLink.toString('latin1');
  else {
    const n = c.readlinkat(dfd, name, link, link.length);
    if (n < 0) return 'vanished';
    text = link.toString('latin1', 0, n);
  }
  if (text !== ANON_EVENTFD && text !== ANON_SIGNALFD) return null;
  const infoDir = openInfoDir();
  if (infoDir < 0) return null;
  const infoText = readFdinfo(infoDir, name);
  if (infoText === null) return 'vanished';
  const info = parseFdinfo(infoText).fdinfo;
  return {
    pid, fd, type, dev, ino, access: info.access ?? 'rw', link: Buffer.from(text, 'latin1'),
    anon: { kind: text === ANON_EVENTFD ? 'eventfd' : 'signalfd', eventfdId: info.eventfdId, eventfdCount: info.eventfdCount, sigmask: info.sigmask },
  };
}

const infoBuf = Buffer.alloc(4096);

/** The text of /proc/PID/fdinfo/`name` (relative to an fd on /proc/PID/fdinfo); null when unreadable or gone. */
function readFdinfo(infoDir: number, name: string): string | null {
  const c = libc();
  const fd = c.openat(infoDir, name, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return null;
  inspectorFds.add(fd);
  let n: number;
  try {
    n = c.read(fd, infoBuf, infoBuf.length);
  } finally {
    c.close(fd);
    inspectorFds.delete(fd);
  }
  return n > 0 ? infoBuf.toString('latin1', 0, n) : null;
}

/**
 * scm_fds of one socket fd from fdinfo (relative to an fd on /proc/PID/fdinfo); null when unreadable,
 * or when the fd now names another inode (closed and reused since the stat).
 */
export function readScmFds(infoDir: number, name: string, ino: number): number | null {
  const text = readFdinfo(infoDir, name);
  if (text === null) return null;
  const f = scanFdinfoScm(text);
  if (f.ino !== ino) return null;
  return f.scmFds ?? 0;
}
