// Endpoint order shared by the joins: by pid, then fd (mapping-only endpoints, fd null, first).

import type { Endpoint } from '../model';

export function byPidFd(a: Endpoint, b: Endpoint): number {
  return a.pid - b.pid || (a.fd ?? -1) - (b.fd ?? -1);
}

/**
 * `e` sorted by pid, fd, in place. Holders are collected in walk order, which is already that order, so
 * this is mostly a check: Array.prototype.sort copies its array on every call, sorted or not.
 */
export function sortedEndpoints(e: Endpoint[]): Endpoint[] {
  for (let i = 1; i < e.length; i++) if (byPidFd(e[i - 1]!, e[i]!) > 0) return e.sort(byPidFd);
  return e;
}
