// Parser for /proc/PID/status: ids, thread count and the signal masks (as bigint bit sets).

import { splitKeyValues } from './keyvalue';

export interface PidStatus {
  name: string | null;
  tgid: number | null;
  ppid: number | null;
  /** Real, effective, saved and filesystem uid. */
  uid: [number, number, number, number] | null;
  gid: [number, number, number, number] | null;
  threads: number | null;
  /** SigQ: signals queued for the real uid (not per process) and the limit. */
  sigQ: { queued: number; limit: number } | null;
  /** Pending for the thread (SigPnd) and for the whole process (ShdPnd). */
  sigPnd: bigint | null;
  shdPnd: bigint | null;
  sigBlk: bigint | null;
  sigIgn: bigint | null;
  sigCgt: bigint | null;
  /** Every "Key:\tvalue" line, raw. */
  fields: Record<string, string>;
}

export interface PidStatusResult {
  status: PidStatus;
  skipped: string[];
}

/** Parse /proc/PID/status text. Never throws; missing or malformed fields are null and listed in skipped. */
export function parseStatus(text: string): PidStatusResult {
  const { entries, skipped } = splitKeyValues(text);
  const fields: Record<string, string> = Object.create(null);
  for (const [key, value] of entries) fields[key] = value;
  const int = (k: string): number | null => {
    const v = fields[k];
    if (v === undefined) return null;
    if (!/^-?\d+$/.test(v)) {
      skipped.push(`${k}: not a number`);
      return null;
    }
    return Number(v);
  };
  const quad = (k: string): [number, number, number, number] | null => {
    const v = fields[k];
    if (v === undefined) return null;
    const parts = v.split(/\s+/);
    if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p))) {
      skipped.push(`${k}: expected 4 numbers`);
      return null;
    }
    return parts.map(Number) as [number, number, number, number];
  };
  const mask = (k: string): bigint | null => {
    const v = fields[k];
    if (v === undefined) return null;
    if (!/^[0-9a-fA-F]{1,32}$/.test(v)) {
      skipped.push(`${k}: not a hex mask`);
      return null;
    }
    return BigInt('0x' + v);
  };
  let sigQ: PidStatus['sigQ'] = null;
  const q = fields['SigQ'];
  if (q !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(q);
    if (m) sigQ = { queued: Number(m[1]), limit: Number(m[2]) };
    else skipped.push('SigQ: expected n/limit');
  }
  return {
    status: {
      name: fields['Name'] ?? null,
      tgid: int('Tgid'),
      ppid: int('PPid'),
      uid: quad('Uid'),
      gid: quad('Gid'),
      threads: int('Threads'),
      sigQ,
      sigPnd: mask('SigPnd'),
      shdPnd: mask('ShdPnd'),
      sigBlk: mask('SigBlk'),
      sigIgn: mask('SigIgn'),
      sigCgt: mask('SigCgt'),
      fields,
    },
    skipped,
  };
}

/** Fast path: the real uid from status text (first number of the "Uid:" line), or null. */
export function statusUid(text: string): number | null {
  const i = text.startsWith('Uid:') ? 0 : text.indexOf('\nUid:') + 1;
  if (i <= 0 && !text.startsWith('Uid:')) return null;
  const m = /^Uid:[ \t]+(\d+)[ \t\n]/.exec(text.slice(i, i + 64));
  // (The number must end: "Uid:\t10" at the end of a cut text may be "Uid:\t1000".)
  return m ? Number(m[1]) : null;
}
