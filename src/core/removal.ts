// Checks before the explorer deletes the name of an IPC object (a stale socket file, an orphan FIFO, a POSIX
// shm segment, semaphore or message queue): the file at the path must still be that very object, owned by the
// user, and, for socket files and FIFOs, still unused in a scan taken after the user confirmed. Pure of
// VS Code, so tests run it against real kernel objects.

import { pathBytes } from './audit/audit';
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
 * With `fresh` (a snapshot taken after the user confirmed): also, no socket is bound to a socket file and no
 * process holds a FIFO, whatever the scan the user looked at said.
 */
export function checkRemoval(o: IpcObject, uid: number, fresh?: Snapshot): RemovalCheck {
  const path = removablePath(o);
  const type = TYPE[o.kind];
  if (!path || type === undefined) return { ok: false, gone: false, reason: `a ${o.kind} has no name in the file system to delete` };
  // (Shown in notifications: escapeNotice, so no name becomes a command link there.)
  const shown = escapeNotice(path.toString('utf8'));
  const want = expectedFile(o);
  if (!want) return { ok: false, gone: false, reason: `the scan could not tell which file ${shown} is (no socket diagnostics): refresh and try again` };
  const st = statBytes(path, false);
  if (!st) return { ok: false, gone: true, reason: `${shown} is already gone` };
  if ((st.mode & S_IFMT) !== type || st.ino !== want.ino || (want.dev !== null && st.dev !== want.dev)) {
    return { ok: false, gone: false, reason: `${shown} is another file now (inode ${st.ino}, the scan saw ${want.ino}): refresh and try again` };
  }
  if (st.uid !== uid) return { ok: false, gone: false, reason: `${shown} belongs to uid ${st.uid}; IPC Inspector only deletes what you own (uid ${uid})` };
  if (fresh) {
    if (o.kind === 'unix') {
      const bound = fresh.objects.find((x) => x.kind === 'unix' && x['stale'] !== true && x.unix?.boundFile?.dev === st.dev && x.unix.boundFile.ino === st.ino);
      if (bound) return { ok: false, gone: false, reason: `a socket is bound to ${shown} now (${bound.unix!.state}): it is not stale` };
    }
    if (o.kind === 'fifo') {
      const held = fresh.objects.find((x) => x.kind === 'fifo' && x.inode === st.ino && x['dev'] === st.dev && x.endpoints.length > 0);
      if (held) return { ok: false, gone: false, reason: `${shown} is held open now by ${held.endpoints.length === 1 ? 'a process' : `${held.endpoints.length} fds`}: it is not an orphan` };
    }
  }
  return { ok: true, path, st };
}
