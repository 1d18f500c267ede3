// Signalling a process the user picked in a scan, never another one that got its pid since: a pidfd is opened
// first and checked against the scanned start time (a pidfd refers to one process for good, a pid does not),
// and the signal goes through that pidfd after the user confirms, however long the question stays open.

import { constants as osConstants } from 'node:os';
import { inspectorFds, libc } from '../../native/libc';
import { parsePidStat } from './procfs/pidstat';
import { readFileSync } from 'node:fs';

export interface ProcessHandle {
  pid: number;
  pidfd: number;
  uid: number;
}

/** The uid of /proc/PID/status (real uid), or undefined when unreadable. */
function statusUid(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function startTime(pid: number): number | undefined {
  try {
    return parsePidStat(readFileSync(`/proc/${pid}/stat`)).stat?.starttime;
  } catch {
    return undefined;
  }
}

/**
 * A handle on process `pid` if it is still the one the scan saw (same start time, in clock ticks since boot),
 * else the reason. Close it with closeProcess().
 */
export function openProcess(pid: number, starttime: number): ProcessHandle | { reason: string } {
  const c = libc();
  const pidfd = c.pidfdOpen(pid);
  if (pidfd < 0) {
    const e = c.errnoName(c.errno());
    return { reason: e === 'ESRCH' ? `process ${pid} has exited` : `cannot open process ${pid} (${e})` };
  }
  inspectorFds.add(pidfd);
  // Read after the pidfd exists: if this start time is the scanned one, the pidfd is that process.
  const now = startTime(pid);
  const uid = statusUid(pid);
  if (now !== starttime || uid === undefined) {
    closeProcess({ pid, pidfd, uid: -1 });
    return { reason: now === undefined || uid === undefined ? `process ${pid} has exited` : `pid ${pid} is another process now (started later than the scanned one): refresh and try again` };
  }
  return { pid, pidfd, uid };
}

export function closeProcess(h: ProcessHandle): void {
  libc().close(h.pidfd);
  inspectorFds.delete(h.pidfd);
}

/** Send `signal` (a name such as "SIGTERM") through the handle: null when sent, else why not. */
export function signalProcess(h: ProcessHandle, signal: string): string | null {
  const sig = (osConstants.signals as Record<string, number>)[signal];
  if (!Number.isInteger(sig)) return `unknown signal ${signal}`;
  const c = libc();
  if (c.pidfdSendSignal(h.pidfd, sig!) === 0) return null;
  const e = c.errnoName(c.errno());
  return e === 'ESRCH' ? `process ${h.pid} has exited` : `could not signal process ${h.pid} (${e})`;
}
