// Checks before the explorer deletes the name of an IPC object (a stale socket file, an orphan FIFO, a POSIX
// shm segment, semaphore or message queue): the file at the path must still be that very object, owned by the
// user, and, for socket files and FIFOs, still unused in a scan taken after the user confirmed. Pure of
// VS Code, so tests run it against real kernel objects.

import { unlinkSync } from 'node:fs';
import { O_CLOEXEC, O_DIRECTORY, O_PATH, inspectorFds, libc } from '../../native/libc';
import { pathBytes } from './audit/audit';
import { servesBoundFile } from './audit/rules';
import type { IpcObject, Snapshot } from './model';
import { escapeNotice } from './names';
import { statBytes, type PathStat } from './scan/procio';

const S_IFMT = 0o170000;
const TYPE: Partial<Record<IpcObject['kind'], number>> = {
  unix: 0o140000, fifo: 0o010000, 'posix-shm': 0o100000, 'posix-sem': 0o100000, 'posix-mq': 0o100000,
};

export type RemovalCheck =
  | { ok: true; path: Buffer; st: PathStat }
  | { ok: false; gone: boolean; reason: string };

/** The path that would be deleted for `o` (raw bytes: a name need not be UTF-8), or null when it has none. */
export function removablePath(o: IpcObject): Buffer | null {
  return TYPE[o.kind] === undefined ? null : pathBytes(o);
}

/** (dev, ino) the file must have: the bound file of a socket, else the object's own identity. */
function expectedFile(o: IpcObject): { dev: number | null; ino: number } | null {
  if (o.kind === 'unix') return o.unix?.boundFile ?? null;
  return o.inode ? { dev: typeof o['dev'] === 'number' ? (o['dev'] as number) : null, ino: o.inode } : null;
}

/**
 * May the name of `o` be deleted now by user `uid`? Without `fresh`: the file is the object and the user's.
 * With `fresh` (a snapshot taken after the user confirmed): also, no socket listens on a socket file (servesBoundFile)
 * and no process holds a FIFO, whatever the scan the user looked at said.
 */
export function checkRemoval(o: IpcObject, uid: number, fresh?: Snapshot): RemovalCheck {
  return check(o, uid, fresh, null);
}

/** The checks; `at`: where to stat the file (a path through a directory fd of ours), else its path. */
function check(o: IpcObject, uid: number, fresh: Snapshot | undefined, at: Buffer | null): RemovalCheck {
  const path = removablePath(o);
  const type = TYPE[o.kind];
  if (!path || type === undefined) return { ok: false, gone: false, reason: `a ${o.kind} has no name in the file system to delete` };
  // (Shown in notifications: escapeNotice, so no name becomes a command link there.)
  const shown = escapeNotice(path.toString('utf8'));
  const want = expectedFile(o);
  if (!want) return { ok: false, gone: false, reason: `the scan could not tell which file ${shown} is (no socket diagnostics): refresh and try again` };
  const st = statBytes(at ?? path, false);
  if (!st) return { ok: false, gone: true, reason: `${shown} is already gone` };
  if ((st.mode & S_IFMT) !== type || st.ino !== want.ino || (want.dev !== null && st.dev !== want.dev)) {
    return { ok: false, gone: false, reason: `${shown} is another file now (inode ${st.ino}, the scan saw ${want.ino}): refresh and try again` };
  }
  if (st.uid !== uid) return { ok: false, gone: false, reason: `${shown} belongs to uid ${st.uid}; IPC Inspector only deletes what you own (uid ${uid})` };
  if (fresh) {
    if (o.kind === 'unix') {
      const bound = fresh.objects.find((x) => x.kind === 'unix' && x['stale'] !== true && x.unix?.boundFile?.dev === st.dev
        && x.unix.boundFile.ino === st.ino && servesBoundFile(x.unix));
      if (bound) return { ok: false, gone: false, reason: `a socket is bound to ${shown} now (${bound.unix!.state}): it is not stale` };
    }
    if (o.kind === 'fifo') {
      const held = fresh.objects.find((x) => x.kind === 'fifo' && x.inode === st.ino && x['dev'] === st.dev && x.endpoints.length > 0);
      if (held) return { ok: false, gone: false, reason: `${shown} is held open now by ${held.endpoints.length === 1 ? 'a process' : `${held.endpoints.length} fds`}: it is not an orphan` };
    }
  }
  return { ok: true, path, st };
}

export type Removal = { ok: true; path: Buffer } | { ok: false; gone: boolean; reason: string };

/**
 * checkRemoval with `fresh`, then the unlink, both through one fd of ours on the file's directory: the file
 * checked is the file unlinked. By its path, the unlink would resolve the directories again, and whoever may
 * change one of them meanwhile (a container's /dev/mqueue seen through /proc/PID/root, a directory the user
 * does not own) could swap it for a symlink to another directory holding a file of that name: a host file
 * deleted as root. `afterCheck`: for tests, run between the check and the unlink.
 */
export function removeChecked(o: IpcObject, uid: number, fresh?: Snapshot, afterCheck?: () => void): Removal {
  const path = removablePath(o);
  const slash = path ? path.lastIndexOf(0x2f) : -1;
  if (!path || slash < 0 || path.includes(0)) {
    const r = checkRemoval(o, uid, fresh);
    return r.ok ? { ok: false, gone: false, reason: `${escapeNotice(path?.toString('utf8') ?? o.kind)} is no path that can be deleted` } : r;
  }
  const base = path.subarray(slash + 1);
  const c = libc();
  const dirfd = c.openBytes(Buffer.concat([slash === 0 ? Buffer.from('/') : path.subarray(0, slash), Buffer.from([0])]), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return { ok: false, gone: true, reason: `${escapeNotice(path.toString('utf8'))} is already gone (its directory: ${c.errnoName(c.errno())})` };
  inspectorFds.add(dirfd);
  try {
    const at = Buffer.concat([Buffer.from(`/proc/self/fd/${dirfd}/`), base]);
    const r = check(o, uid, fresh, at);
    if (!r.ok) return r;
    afterCheck?.();
    try {
      unlinkSync(at);
    } catch (e) {
      return { ok: false, gone: (e as NodeJS.ErrnoException).code === 'ENOENT', reason: `could not delete ${escapeNotice(path.toString('utf8'))}: ${escapeNotice((e as NodeJS.ErrnoException).code ?? String(e))}` };
    }
    return { ok: true, path };
  } finally {
    c.close(dirfd);
    inspectorFds.delete(dirfd);
  }
}
