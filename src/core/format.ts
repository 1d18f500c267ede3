// Small, pure formatting helpers shared by the CLI, the tree and the webviews.

import type { Endpoint, IpcObject, QueueFill } from './model';
import { escapeControl } from './names';

/** 1536 -> "1.5 KiB"; exact below 1 KiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} B`;
  const s = v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1);
  return `${s} ${units[u]}`;
}

/** "12 KiB / 64 KiB", "3 / 10 messages", "2 / 128 connections". */
export function formatQueue(q: QueueFill): string {
  if (q.measure === 'next-datagram') return `next datagram ${formatBytes(q.used)}`;
  if (q.measure === 'memory') return `${formatBytes(q.used)} rcvbuf memory`;
  if (q.unit === 'bytes') {
    return q.capacity === null ? `${formatBytes(q.used)} queued` : `${formatBytes(q.used)} / ${formatBytes(q.capacity)}`;
  }
  const unit = q.unit;
  return q.capacity === null ? `${q.used} ${unit}` : `${q.used} / ${q.capacity} ${unit}`;
}

export function formatAccess(e: Endpoint): string {
  return e.fd === null ? `map (${e.access})` : `fd ${e.fd} ${e.access}`;
}

/** Kind-specific fields (shared memory size and mode, SysV keys, eventfd counts, ...). */
export function extraDetails(o: IpcObject): string[] {
  const parts: string[] = [];
  const num = (k: string) => (typeof o[k] === 'number' ? (o[k] as number) : undefined);
  // A container's own /dev/shm (only those segments carry a mount namespace): one name may be listed twice.
  const mntns = num('mntns');
  if (mntns !== undefined) parts.push(`mntns=${mntns}`);
  const size = num('size');
  if (size !== undefined) parts.push(`size=${formatBytes(size)}`);
  const mode = num('mode');
  if (mode !== undefined) parts.push(`mode=${(mode & 0o7777).toString(8).padStart(4, '0')}`);
  const uid = num('uid');
  if (uid !== undefined && uid >= 0) parts.push(`uid=${uid}`);
  if (typeof o['key'] === 'string') parts.push(`key=${escapeControl(o['key'] as string)}`);
  const count = num('count');
  if (count !== undefined) parts.push(`count=${count}`);
  const nsems = num('nsems');
  if (nsems !== undefined) parts.push(`nsems=${nsems}`);
  const notify = num('notifyPid');
  if (notify !== undefined) parts.push(`notify=${notify}`);
  const bytes = num('bytes');
  if (bytes !== undefined) parts.push(`bytes=${formatBytes(bytes)}`);
  // SysV shm marked for removal (IPC_RMID) while still attached: freed on the last detach (ipcs says "dest").
  if (o.kind === 'sysv-shm' && typeof o['perms'] === 'number' && ((o['perms'] as number) & 0o1000) !== 0) parts.push('dest');
  if (o['deleted'] === true) parts.push('deleted');
  if (o['replaced'] === true) parts.push('replaced');
  if (o['orphan'] === true) parts.push('orphan');
  if (o['stale'] === true) parts.push('stale');
  return parts;
}

/**
 * Holders summed up by command, most first: "python3 x112, node x2" (the two biggest, then "..."), for lists
 * too long to print whole. `comm` names a holder (already escaped for where it is shown).
 */
export function countByCommand(holders: readonly { pid: number }[], comm: (pid: number) => string, times = 'x'): string {
  const n = new Map<string, number>();
  for (const h of holders) {
    const c = comm(h.pid);
    n.set(c, (n.get(c) ?? 0) + 1);
  }
  const top = [...n].sort((a, b) => b[1] - a[1]);
  return top.slice(0, 2).map(([c, k]) => `${c} ${times}${k}`).join(', ') + (top.length > 2 ? ', ...' : '');
}

/** "1 pipe", "3 pipes": a count with its noun (`many` defaults to `one` + "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Why some processes' fds could not be read, and what would show them, for the viewer's uid. Root is refused
 * too where the kernel's ptrace access check fails: a process in another user namespace, or one a security
 * module or the sandbox protects (in a Firecracker guest, its init), so "run as root" is said only to others.
 */
export function hiddenProcessesHint(count: number, viewerUid: number): string {
  const [what, their] = count === 1 ? ['1 process is', 'its'] : [`${count} processes are`, 'their'];
  return viewerUid === 0
    ? `${what} not inspectable: the kernel refuses ${their} fd links even to root (another user namespace, a security module or a sandbox)`
    : `${what} not inspectable (another user's, or the kernel refuses ${their} fd links): run as that user, or as root, to see ${count === 1 ? 'it' : 'them'}`;
}
