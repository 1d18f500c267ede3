// Pipe/FIFO fill sampling: FIONREAD and F_GETPIPE_SZ through /proc/PID/fd/N of a process that already
// holds the read end (a pidfd_getfd duplicate of its fd, or a re-open of /proc/PID/fd/N). Never opens a
// FIFO by its path, never reads, closes at once.

import {
  AT_EMPTY_PATH, AT_FDCWD, AT_STATX_DONT_SYNC, FIONREAD, F_GETPIPE_SZ, O_CLOEXEC, O_DIRECTORY, O_NONBLOCK, O_PATH, O_RDONLY, S_IFIFO,
  S_IFMT, STATX_INO, STATX_TYPE, StatxBuf, inspectorFds, libc,
} from '../../../native/libc';
import type { Endpoint, IpcObject } from '../model';

export interface PipeSample {
  used: number;
  capacity: number;
}

const sx = new StatxBuf();
const count = new Int32Array(1);
let selfFdDir = -1;

/** An fd on /proc/self/fd, kept open for the life of the process (the re-open goes through it). */
export function selfFds(): number {
  if (selfFdDir >= 0) return selfFdDir;
  const c = libc();
  selfFdDir = c.openat(AT_FDCWD, '/proc/self/fd', O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (selfFdDir >= 0) inspectorFds.add(selfFdDir);
  return selfFdDir;
}

/**
 * Sample one pipe through a holder's fd: `name` (the fd number) relative to `fdDir` (an fd on
 * /proc/PID/fd, or AT_FDCWD with a full path). The fd is first opened O_PATH, which never runs the
 * file's open handler, and checked to still be the same pipe (dev, ino): the holder may have closed and
 * reused the fd number, and re-opening an arbitrary device could disturb it. Only then is that very
 * file re-opened O_RDONLY|O_NONBLOCK through /proc/self/fd, queried and closed. Null if not sampleable.
 */
export function sampleAt(fdDir: number, name: string, dev: number, ino: number): PipeSample | null {
  return viaReopen(fdDir, name, (fd) => isPipe(fd, dev, ino), queryFill);
}

/**
 * `name` relative to `fdDir` (a holder's /proc/PID/fd/N) opened O_PATH, which runs no open handler; when
 * `check` says that is still the expected file, that very file re-opened O_RDONLY|O_NONBLOCK through
 * /proc/self/fd and given to `query`; both closed at once. Null when any step fails.
 */
export function viaReopen<T>(fdDir: number, name: string, check: (pathFd: number) => boolean, query: (fd: number) => T | null): T | null {
  const c = libc();
  const pathFd = c.openat(fdDir, name, O_PATH | O_CLOEXEC, 0);
  if (pathFd < 0) return null;
  inspectorFds.add(pathFd);
  try {
    if (!check(pathFd)) return null;
    const self = selfFds();
    const rfd = self >= 0
      ? c.openat(self, String(pathFd), O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0)
      : c.openat(AT_FDCWD, `/proc/self/fd/${pathFd}`, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
    if (rfd < 0) return null;
    inspectorFds.add(rfd);
    try {
      return query(rfd);
    } finally {
      c.close(rfd);
      inspectorFds.delete(rfd);
    }
  } finally {
    c.close(pathFd);
    inspectorFds.delete(pathFd);
  }
}

/** True when `fd` (ours) is the pipe or FIFO (dev, ino): the holder may have closed and reused its fd. */
function isPipe(fd: number, dev: number, ino: number): boolean {
  const c = libc();
  // (AT_STATX_DONT_SYNC: a FIFO on a network file system is not asked to its server.)
  if (c.statx(fd, '', AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE | STATX_INO, sx.buf) !== 0) return false;
  if ((sx.mode() & S_IFMT) !== S_IFIFO) return false;
  if (sx.ino() !== ino) return false;
  return sx.dev() === dev;
}

/** Bytes queued (FIONREAD) and capacity (F_GETPIPE_SZ) of a pipe fd of ours; reads nothing. */
function queryFill(fd: number): PipeSample | null {
  const c = libc();
  if (c.ioctlInt(fd, FIONREAD, count) !== 0) return null;
  const used = count[0]!;
  const capacity = c.fcntl(fd, F_GETPIPE_SZ, 0);
  return capacity < 0 ? null : { used, capacity };
}

/** False once the kernel said pidfd_open/pidfd_getfd do not exist (ENOSYS) or a filter forbids them. */
let pidfdUsable = true;

/**
 * Sample fd `fd` of the process behind `pidfd` through pidfd_getfd: a duplicate of the holder's own
 * open file description, so no open handler runs and no reader is added (cheaper, 5 calls instead of 7,
 * and less intrusive than a re-open). Checked to be the same pipe (dev, ino), queried, closed at once.
 * The fill goes to out[k] (bytes queued) and out[k + 1] (capacity), with no object per sample (the
 * refresh path samples thousands of pipes at up to 10 Hz). True when sampled, null when not sampleable
 * through this fd, 'fallback' when pidfd_getfd is refused (no ptrace rights over the process, or not
 * supported).
 */
export function sampleViaPidfdInto(pidfd: number, fd: number, dev: number, ino: number, out: Int32Array, k: number): true | null | 'fallback' {
  const c = libc();
  const dup = c.pidfdGetfd(pidfd, fd);
  if (dup < 0) {
    const e = c.errnoName(c.errno());
    if (e === 'EBADF' || e === 'ESRCH') return null; // the fd closed or the process exited
    if (e === 'ENOSYS') pidfdUsable = false;
    return 'fallback';
  }
  // The duplicate is not recorded in inspectorFds: it is closed before this returns, and the walk of the
  // inspector's own process (the only reader of that set) never runs meanwhile on this thread; a helper
  // thread has a set of its own, which nobody reads. (Recording it cost about 0.2 µs of a 12 µs sample.)
  let sampled = false;
  try {
    if (isPipe(dup, dev, ino) && c.ioctlInt(dup, FIONREAD, count) === 0) {
      const capacity = c.fcntl(dup, F_GETPIPE_SZ, 0);
      if (capacity >= 0) {
        out[k] = count[0]!;
        out[k + 1] = capacity;
        sampled = true;
      }
    }
  } finally {
    c.close(dup);
  }
  return sampled ? true : null;
}

const one = new Int32Array(2);

/** sampleViaPidfdInto as an object. */
export function sampleViaPidfd(pidfd: number, fd: number, dev: number, ino: number): PipeSample | null | 'fallback' {
  const r = sampleViaPidfdInto(pidfd, fd, dev, ino, one, 0);
  return r === true ? { used: one[0]!, capacity: one[1]! } : r;
}

/** A pidfd for `pid`, or -1 when pidfds are unusable here (then sample through /proc/PID/fd). */
export function openPidfd(pid: number): number {
  if (!pidfdUsable) return -1;
  const c = libc();
  const fd = c.pidfdOpen(pid);
  if (fd < 0) {
    if (c.errnoName(c.errno()) === 'ENOSYS') pidfdUsable = false;
    return -1;
  }
  inspectorFds.add(fd);
  return fd;
}

/** pidfds of the processes sampled during one pass, closed together by close(). */
export class Pidfds {
  private readonly fds = new Map<number, number>();

  get(pid: number): number {
    let fd = this.fds.get(pid);
    if (fd === undefined) this.fds.set(pid, (fd = openPidfd(pid)));
    return fd;
  }

  close(): void {
    const c = libc();
    for (const fd of this.fds.values()) {
      if (fd < 0) continue;
      c.close(fd);
      inspectorFds.delete(fd);
    }
    this.fds.clear();
  }
}

/**
 * Sample one pipe held as fd `fd` by `pid`: through a pidfd when allowed, else through /proc/PID/fd/FD
 * (O_PATH check, then a re-open of that very file).
 */
export function samplePipe(pid: number, fd: number, dev: number, ino: number, pidfds?: Pidfds): PipeSample | null {
  const pidfd = pidfds ? pidfds.get(pid) : -1;
  if (pidfd >= 0) {
    const s = sampleViaPidfd(pidfd, fd, dev, ino);
    if (s !== 'fallback') return s;
  }
  return sampleAt(AT_FDCWD, `/proc/${pid}/fd/${fd}`, dev, ino);
}

/**
 * Fill of a pipe or FIFO that no process reads any more (its data stays queued while a writer holds it: a
 * stalled pipeline), through a writer's fd, and only through a pidfd duplicate: that is no new open of the
 * pipe, so its readers and writers stay exactly as they were (a re-open of /proc/PID/fd/N would add a writer,
 * so there is no fallback). Null when no writer's fd can be duplicated.
 */
export function sampleThroughWriter(endpoints: readonly Endpoint[], dev: number, ino: number, pidfds: Pidfds): PipeSample | null {
  for (const e of endpoints) {
    if (e.fd === null || e.access !== 'w') continue;
    const pidfd = pidfds.get(e.pid);
    if (pidfd < 0) continue;
    const s = sampleViaPidfd(pidfd, e.fd, dev, ino);
    if (s && s !== 'fallback') return s;
  }
  return null;
}

/** Fill of the pipes and FIFOs among `objects` that have writers but no reader (sampleThroughWriter), set in place. */
export function sampleUnread(objects: readonly IpcObject[]): void {
  let pidfds: Pidfds | null = null;
  try {
    for (const o of objects) {
      if ((o.kind !== 'pipe' && o.kind !== 'fifo') || o.queue || typeof o['dev'] !== 'number') continue;
      if (o.endpoints.some((e) => e.fd !== null && e.access !== 'w') || !o.endpoints.some((e) => e.fd !== null)) continue;
      pidfds ??= new Pidfds();
      const s = sampleThroughWriter(o.endpoints, o['dev'] as number, o.inode, pidfds);
      if (s) o.queue = { used: s.used, capacity: s.capacity, unit: 'bytes' };
    }
  } finally {
    pidfds?.close();
  }
}

/** Read ends first ('r', then 'rw'): only a process that already reads the pipe is used. */
export function readEnds(endpoints: readonly Endpoint[]): Endpoint[] {
  return [
    ...endpoints.filter((e) => e.access === 'r' && e.fd !== null),
    ...endpoints.filter((e) => e.access === 'rw' && e.fd !== null),
  ];
}

/**
 * Re-sample `queue` of known pipe and FIFO objects (the refresh path; a full snapshot samples during
 * the fd walk). Objects without a sampleable read end keep no queue.
 */
export function samplePipeFills(objects: IpcObject[]): { sampled: number; failed: number } {
  let sampled = 0;
  let failed = 0;
  const pidfds = new Pidfds();
  try {
    for (const o of objects) {
      if (o.kind !== 'pipe' && o.kind !== 'fifo') continue;
      const dev = o['dev'];
      if (typeof dev !== 'number') continue;
      const ends = readEnds(o.endpoints);
      if (!ends.length) continue;
      let s: PipeSample | null = null;
      for (const e of ends) {
        s = samplePipe(e.pid, e.fd!, dev, o.inode, pidfds);
        if (s) break;
      }
      if (s) {
        o.queue = { used: s.used, capacity: s.capacity, unit: 'bytes' };
        sampled++;
      } else {
        delete o.queue;
        failed++;
      }
    }
  } finally {
    pidfds.close();
  }
  return { sampled, failed };
}
