// Small I/O helpers over koffi for hot /proc reads: one reusable buffer, errno names instead of throws.

import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH, O_RDONLY, STATX_BUF_SIZE, inspectorFds, libc, readStatx, type StatxFields } from '../../../native/libc';

let readBuf = Buffer.alloc(64 * 1024);
const statBuf = Buffer.alloc(STATX_BUF_SIZE);

export type ReadResult = { data: Buffer; error?: undefined } | { data?: undefined; error: string };

/**
 * Read a whole /proc file, relative to `dirfd` when given. Returns a copy of the bytes, or the errno
 * name. `oneShot`: the file is generated in one go (stat, status, fdinfo, cmdline), so a read shorter
 * than the buffer is the whole file and the EOF read(2) is skipped. Record-by-record files such as
 * /proc/net/unix return about a page per read and must not set it.
 */
export function readProcFile(path: string, dirfd = AT_FDCWD, oneShot = false): ReadResult {
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
