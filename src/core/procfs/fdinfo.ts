// Parser for /proc/PID/fdinfo/N: position, open flags (-> access mode), inode and per-type extras.

import type { Access } from '../model';
import { splitKeyValues } from './keyvalue';

export interface Fdinfo {
  pos: number | null;
  /** Open flags (the kernel prints them in octal). */
  flags: number | null;
  /** Access mode from flags & O_ACCMODE; null for O_PATH fds or unreadable flags. */
  access: Exclude<Access, 'map'> | null;
  mntId: number | null;
  ino: number | null;
  /** Unix sockets (kernel 6.x): fds sent with SCM_RIGHTS, queued on this socket, not yet received. */
  scmFds: number | null;
  eventfdCount: number | null;
  eventfdId: number | null;
  eventfdSemaphore: boolean | null;
  /** signalfd mask. */
  sigmask: bigint | null;
  /** pidfd target pid. */
  pidfdPid: number | null;
  /** Every other "key: value" line, raw (first occurrence wins; repeated keys such as "lock" appended). */
  extra: Record<string, string>;
}

export interface FdinfoResult {
  fdinfo: Fdinfo;
  skipped: string[];
}

const O_PATH = 0o10000000;

/** Access mode of open flags; null for O_PATH (neither readable nor writable). */
export function accessFromFlags(flags: number): Exclude<Access, 'map'> | null {
  if (flags & O_PATH) return null;
  switch (flags & 3) {
    case 0: return 'r';
    case 1: return 'w';
    case 2: return 'rw';
    default: return null;
  }
}

/** Parse fdinfo text. Never throws; a truncated file yields nulls for the missing fields. */
export function parseFdinfo(text: string): FdinfoResult {
  const { entries, skipped } = splitKeyValues(text);
  const kv: Record<string, string> = Object.create(null);
  const extra: Record<string, string> = Object.create(null);
  for (const [key, value] of entries) {
    if (key in kv) extra[key] = extra[key] === undefined ? value : `${extra[key]}\n${value}`;
    else kv[key] = value;
  }
  const num = (k: string, radix = 10): number | null => {
    const v = kv[k];
    if (v === undefined) return null;
    const ok = radix === 8 ? /^[0-7]+$/.test(v) : /^\d+$/.test(v);
    if (!ok) {
      skipped.push(`${k}: not a number`);
      return null;
    }
    const n = parseInt(v, radix);
    return Number.isSafeInteger(n) ? n : null;
  };
  const flags = num('flags', 8);
  let sigmask: bigint | null = null;
  if (kv['sigmask'] !== undefined) {
    if (/^[0-9a-fA-F]{1,32}$/.test(kv['sigmask'])) sigmask = BigInt('0x' + kv['sigmask']);
    else skipped.push('sigmask: not a hex mask');
  }
  const sem = num('eventfd-semaphore');
  const known = new Set(['pos', 'flags', 'mnt_id', 'ino', 'scm_fds', 'eventfd-count', 'eventfd-id',
    'eventfd-semaphore', 'sigmask', 'Pid']);
  for (const [k, v] of Object.entries(kv)) if (!known.has(k) && !(k in extra)) extra[k] = v;
  return {
    fdinfo: {
      pos: num('pos'),
      flags,
      access: flags === null ? null : accessFromFlags(flags),
      mntId: num('mnt_id'),
      ino: num('ino'),
      scmFds: num('scm_fds'),
      // eventfd-count is printed in hex on current kernels ("%16llx").
      eventfdCount: hexCount(kv['eventfd-count'], skipped),
      eventfdId: num('eventfd-id'),
      eventfdSemaphore: sem === null ? null : sem !== 0,
      sigmask,
      pidfdPid: kv['Pid'] !== undefined && /^-?\d+$/.test(kv['Pid']) ? Number(kv['Pid']) : null,
      extra,
    },
    skipped,
  };
}

function hexCount(v: string | undefined, skipped: string[]): number | null {
  if (v === undefined) return null;
  if (!/^[0-9a-fA-F]{1,16}$/.test(v)) {
    skipped.push('eventfd-count: not a hex number');
    return null;
  }
  const n = parseInt(v, 16);
  return Number.isSafeInteger(n) ? n : null;
}

/** Fast path for the scan: only `ino` and `scm_fds` of an fdinfo text (same results as parseFdinfo). */
export function scanFdinfoScm(text: string): { ino: number | null; scmFds: number | null } {
  return { ino: lineNumber(text, 'ino:'), scmFds: lineNumber(text, 'scm_fds:') };
}

function lineNumber(text: string, key: string): number | null {
  const at = text.startsWith(key) ? 0 : text.indexOf('\n' + key) + 1;
  if (at <= 0 && !text.startsWith(key)) return null;
  let i = at + key.length;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  let v = 0;
  const start = i;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  const end = text.charCodeAt(i);
  // The number must end (a newline or a blank): at the end of a cut text, "ino:\t12" may be "ino:\t12345".
  if (i === start || !(end === 0x0a || end === 0x20 || end === 0x09)) return null;
  return Number.isSafeInteger(v) ? v : null;
}
