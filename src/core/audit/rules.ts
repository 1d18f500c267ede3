// Pure security rules: file modes, directory chains, inet listeners and SysV modes -> findings (codes from
// findingCodes.ts). No I/O: the audit (audit.ts) lstat()s the paths and feeds the modes in here.

import type { Finding, IpcObject, UnixInfo } from '../model';

const S_ISVTX = 0o1000;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;

/** "0777" (four octal digits, as ls and chmod print permission bits). */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** What a writer can do with each kind: the consequence the message names. */
function action(kind: string): string {
  switch (kind) {
    case 'unix': return 'connect to it';
    case 'fifo': return 'write into it';
    case 'posix-mq':
    case 'sysv-msg': return 'send messages to it';
    case 'posix-sem':
    case 'sysv-sem': return 'change its value';
    default: return 'write into it';
  }
}

/** world-writable (warning) or group-writable (info) from the permission bits of an object's file. */
export function modeFindings(kind: string, mode: number): Finding[] {
  const m = octal(mode);
  if (mode & S_IWOTH) return [{ severity: 'warning', code: 'world-writable', message: `mode ${m}: any local user can ${action(kind)}` }];
  if (mode & S_IWGRP) return [{ severity: 'info', code: 'group-writable', message: `mode ${m}: every member of the owning group can ${action(kind)}` }];
  return [];
}

export interface DirMode {
  /** Directory path as text (for the message). */
  path: string;
  mode: number;
}

/**
 * insecure-directory when any ancestor is world-writable without the sticky bit: anyone can then
 * delete or replace the entry. One finding, naming the first such directory (nearest first).
 */
export function directoryFindings(ancestors: readonly DirMode[]): Finding[] {
  for (const d of ancestors) {
    if ((d.mode & S_IWOTH) && !(d.mode & S_ISVTX)) {
      return [{
        severity: 'warning',
        code: 'insecure-directory',
        message: `directory ${d.path} has mode ${octal(d.mode)} (world-writable, no sticky bit): any user can replace this entry`,
      }];
    }
  }
  return [];
}

/** Every ancestor directory of an absolute path, nearest first ('/a/b/c' -> '/a/b', '/a', '/'). */
export function ancestorsOf(p: string): string[] {
  if (!p.startsWith('/')) return [];
  const out: string[] = [];
  let cur = p.replace(/\/+$/, '');
  for (;;) {
    const i = cur.lastIndexOf('/');
    if (i < 0) break;
    cur = i === 0 ? '/' : cur.slice(0, i);
    out.push(cur);
    if (cur === '/') break;
  }
  return out;
}

/** TCP listeners and unconnected UDP sockets bound to 0.0.0.0 or :: (every interface). */
export function listenerFindings(o: Pick<IpcObject, 'inet'>): Finding[] {
  const i = o.inet;
  if (!i) return [];
  const open = i.protocol === 'tcp' ? i.state === 'LISTEN' : i.remote === null;
  if (!open) return [];
  const m = /^(0\.0\.0\.0|\[::\]):(\d+)$/.exec(i.local);
  if (!m) return [];
  const what = i.protocol === 'tcp' ? 'listens' : 'receives';
  return [{
    severity: 'warning',
    code: 'listens-on-all-interfaces',
    message: `${i.protocol.toUpperCase()} port ${m[2]} ${what} on ${m[1]} (every interface): reachable from other hosts`,
  }];
}

/** A mode field as later kinds may carry it: a number, or an octal string ("0666", "666"). */
export function modeOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^0?[0-7]{1,6}$/.test(v.trim())) return parseInt(v.trim(), 8);
  return null;
}

/**
 * SysV objects that every user may write through: 0666 (the classic "everyone may attach/send") and any other
 * mode with the write bit for others (0777, the examples' IPC_CREAT | 0777; 0622): world-writable.
 */
export function sysvFindings(kind: string, mode: number): Finding[] {
  if (!(mode & S_IWOTH)) return [];
  return [{ severity: 'warning', code: 'world-writable', message: `mode ${octal(mode)}: any local user can ${action(kind)} (SysV key open to all)` }];
}

export function staleSocketFinding(path: string): Finding {
  return { severity: 'info', code: 'stale-socket-file', message: `socket file ${path} has no listener: connect() fails with ECONNREFUSED` };
}

/**
 * Does a socket bound to a file keep that file alive for clients? A listener or a datagram socket does, and so
 * does one bound and not listening yet (about to). A connection does not: one accepted from a listener keeps
 * the listener's name and file after the listener is closed, while connect() to the file fails.
 */
export function servesBoundFile(u: Pick<UnixInfo, 'type' | 'state'>): boolean {
  return u.state === 'listen' || u.state === 'unconnected' || u.type === 'dgram';
}

export function orphanFifoFinding(path: string): Finding {
  return { severity: 'info', code: 'orphan-fifo', message: `FIFO ${path} is held open by no process` };
}

/** Append findings, skipping a code the object already carries (an audit may run twice on one object). */
export function addFindings(o: Pick<IpcObject, 'findings'>, fs: readonly Finding[]): void {
  for (const f of fs) if (!o.findings.some((g) => g.code === f.code)) o.findings.push(f);
}
