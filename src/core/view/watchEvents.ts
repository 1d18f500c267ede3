// Which file-system events in a watched directory call for a new scan of the machine's IPC objects.

import { lstatSync } from 'node:fs';
import path from 'node:path';

/** Directories whose every entry is an IPC object (POSIX shared memory and semaphores, message queues). */
export const IPC_DIRS: ReadonlySet<string> = new Set(['/dev/shm', '/dev/mqueue']);

/**
 * True when an event for `filename` in `dir` may change what the explorer shows: a name appearing or vanishing
 * ('rename') in /dev/shm or /dev/mqueue, a listed FIFO or socket file (`knownPaths`) vanishing or renamed, or a
 * FIFO or socket appearing. Not: 'change' events, which data flowing through a FIFO or into a shared-memory
 * segment fires continuously (fills and sizes are the interval's job), nor other files, which come and go in
 * /tmp and the workspace all the time.
 */
export function isRelevantEvent(event: string, dir: string, filename: string | null, knownPaths: ReadonlySet<string>): boolean {
  if (event !== 'rename') return false;
  if (!filename || IPC_DIRS.has(dir)) return true;
  const p = path.join(dir, filename);
  if (knownPaths.has(p)) return true;
  try {
    const st = lstatSync(p);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false; // gone already and not listed: nothing to show or remove
  }
}

/**
 * The directories the explorer watches for a snapshot: /dev/shm, /dev/mqueue, /tmp and the workspace folders
 * always, first (so the cap never leaves them out), then the directories of the FIFOs and socket files listed,
 * up to `max`; and the paths listed (isRelevantEvent's `knownPaths`). Directories not in the plan any more are
 * to be unwatched: programs that make a fresh directory per run would otherwise fill the cap with dead ones.
 */
export function watchPlan(objectPaths: Iterable<string | undefined>, workspaceDirs: readonly string[], max: number): { dirs: string[]; known: Set<string> } {
  const dirs = new Set<string>(['/dev/shm', '/dev/mqueue', '/tmp', ...workspaceDirs]);
  const known = new Set<string>();
  for (const p of objectPaths) {
    if (!p || !path.isAbsolute(p)) continue;
    dirs.add(path.dirname(p));
    known.add(p);
  }
  return { dirs: [...dirs].slice(0, max), known };
}
