// Network namespaces in use: which processes live in which one, and fds to enter them for sock_diag.

import { AT_FDCWD, O_CLOEXEC, O_RDONLY, STATX_INO, inspectorFds, libc } from '../../../native/libc';
import { statPath } from './procio';

export interface NetnsGroup {
  ino: number;
  /** Processes living in it (any of them gives access to it). */
  pids: number[];
}

/** Inode of our own network namespace, or null. */
export function ownNetns(): number | null {
  const s = statPath('/proc/thread-self/ns/net', 0, AT_FDCWD, STATX_INO);
  return typeof s === 'string' ? null : s.ino;
}

/**
 * Run `f` with an fd on the namespace, opened through the first of its processes that is still there
 * and still in it (checked by inode). Returns undefined when none is.
 */
export function withNetnsFd<T>(group: NetnsGroup, f: (fd: number, pid: number) => T): T | undefined {
  const c = libc();
  for (const pid of group.pids) {
    const fd = c.openat(AT_FDCWD, `/proc/${pid}/ns/net`, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) continue;
    inspectorFds.add(fd);
    try {
      const s = statPath('', 0x1000 /* AT_EMPTY_PATH */, fd, STATX_INO);
      if (typeof s === 'string' || s.ino !== group.ino) continue;
      return f(fd, pid);
    } finally {
      c.close(fd);
      inspectorFds.delete(fd);
    }
  }
  return undefined;
}
