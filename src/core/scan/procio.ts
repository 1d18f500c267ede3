// Small I/O helpers over koffi for hot /proc reads: one reusable buffer, errno names instead of throws.

import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_DIRECTORY, O_PATH, O_RDONLY, STATX_BUF_SIZE, inspectorFds, libc, readStatx, type StatxFields } from '../../../native/libc';

let readBuf = Buffer.alloc(64 * 1024);
const statBuf = Buffer.alloc(STATX_BUF_SIZE);

export type ReadResult = { data: Buffer; error?: undefined } | { data?: undefined; error: string };

/**
 * Read a whole /proc file, relative to `dirfd` when given. Returns a copy of the bytes, or the errno
 * name. `oneShot`: the file is generated in one go (stat, status, fdinfo, cmdline), so a read shorter
 * than the buffer is the whole file and the EOF read(2) is skipped. Record-by-record files such as
 * /proc/net/unix return about a page per read and must not set it. `copy` false: `data` is a view of the
 * shared read buffer, valid only until the next readProcFile on this thread (for bytes parsed at once:
 * a scan reads maps, stat, status and cmdline of every process, megabytes of garbage otherwise).
 */
export function readProcFile(path: string, dirfd = AT_FDCWD, oneShot = false, copy = true): ReadResult {
  const c = libc();
  const fd = c.openat(dirfd, path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return { error: c.errnoName(c.errno()) };
  inspectorFds.add(fd);
  try {
    let len = 0;
    for (;;) {
      if (len === readBuf.length) {
        const bigger = Buffer.alloc(readBuf.length * 2);
        readBuf.copy(bigger);
        readBuf = bigger;
      }
      const n = c.read(fd, readBuf.subarray(len), readBuf.length - len);
      if (n < 0) return { error: c.errnoName(c.errno()) };
      if (n === 0) break;
      len += n;
      if (oneShot && len < readBuf.length) break;
    }
    if (!copy) return { data: readBuf.subarray(0, len) };
    // A copy (native memcpy; Buffer.from(view) copied byte by byte in JS, which showed in scan profiles).
    const data = Buffer.allocUnsafe(len);
    readBuf.copy(data, 0, 0, len);
    return { data };
  } finally {
    c.close(fd);
    inspectorFds.delete(fd);
  }
}

/** statx() of a path (following links), or the errno name. */
export function statPath(path: string, flags = 0, dirfd = AT_FDCWD, mask = 0x7ff): StatxFields | string {
  const c = libc();
  if (c.statx(dirfd, path, flags, mask, statBuf) !== 0) return c.errnoName(c.errno());
  return readStatx(statBuf);
}

/** What statBytes() reports: the statx fields, and mtime and ctime as seconds and nanoseconds. */
export interface PathStat extends StatxFields {
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

const ZERO = Buffer.alloc(1);

/**
 * statx() of a raw-byte path (names need not be UTF-8), without node:fs's Stats and Date objects, which
 * showed in profiles of the audit (hundreds of socket files in /tmp, every few seconds). `follow` false =
 * lstat. Undefined when the path cannot be read (ENOENT, EACCES, ENOTDIR, a NUL byte in the name).
 */
export function statBytes(path: Buffer, follow: boolean): PathStat | undefined {
  if (path.includes(0)) return undefined;
  const c = libc();
  if (c.statxBytes(AT_FDCWD, Buffer.concat([path, ZERO]), follow ? 0 : AT_SYMLINK_NOFOLLOW, 0x7ff, statBuf) !== 0) return undefined;
  const f = readStatx(statBuf) as PathStat;
  f.ctimeSec = statBuf.readInt32LE(100) * 2 ** 32 + statBuf.readUInt32LE(96);
  f.ctimeNsec = statBuf.readUInt32LE(104);
  f.mtimeSec = statBuf.readInt32LE(116) * 2 ** 32 + statBuf.readUInt32LE(112);
  f.mtimeNsec = statBuf.readUInt32LE(120);
  return f;
}

/** True for the errors that mean "the process or fd is gone": a normal event during a scan. */
export function isVanished(error: string): boolean {
  return error === 'ENOENT' || error === 'ESRCH';
}

/** An O_PATH directory fd on /proc/PID (saves the pid lookup on every relative open), or the errno name. */
export function openPidDir(pid: number): number | string {
  const c = libc();
  const fd = c.openat(AT_FDCWD, `/proc/${pid}`, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return c.errnoName(c.errno());
  inspectorFds.add(fd);
  return fd;
}

export function closeFd(fd: number): void {
  libc().close(fd);
  inspectorFds.delete(fd);
}
