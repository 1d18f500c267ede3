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
