// Parser for /proc/PID/stat: the comm field may hold any bytes, including ') (', spaces and newlines.

export interface PidStat {
  pid: number;
  /** Raw bytes of comm (the task name, at most 15 bytes in practice, never trusted). */
  comm: Uint8Array;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  flags: number;
  numThreads: number;
  /** Start time after boot in clock ticks: with pid, identifies a process across pid reuse. */
  starttime: number;
}

export interface PidStatResult {
  stat: PidStat | null;
  skipped: string[];
}

const CLOSE_PAREN = 0x29;
const OPEN_PAREN = 0x28;

/** Parse the bytes of /proc/PID/stat. Never throws; returns stat null when pid/comm/ppid are unreadable. */
export function parsePidStat(input: Uint8Array | string): PidStatResult {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const skipped: string[] = [];
  const open = buf.indexOf(OPEN_PAREN);
  // The kernel writes "pid (comm) state ...": comm ends at the LAST ')' because comm may contain ')'.
  const close = buf.lastIndexOf(CLOSE_PAREN);
  if (open < 0 || close < open) {
    return { stat: null, skipped: ['no "(comm)" field'] };
  }
  // A Buffer view of the same bytes (no copy): toString over ranges of it.
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const pid = toInt(b.toString('latin1', 0, open).trim());
  const comm = Uint8Array.from(buf.subarray(open + 1, close)); // kept: a copy, not a view of the caller's buffer
  // The fields after comm, split on whitespace as /\s+/ would (in latin1: \t-\r, space, NBSP), but only
  // up to field 22 and without a string for the fields nobody reads (a scan parses every pid's stat).
  const rest = fieldsAfter(b, close + 1, 20);
  // The kernel ends the line with a newline: without one the text was cut, and so may be its last field ("19" of "1937").
  if (b.length > 0 && b[b.length - 1] !== 0x0a && rest.length > 0 && endsAtEnd(b, close + 1, rest.length)) {
    rest.pop();
    skipped.push('cut short (no newline at the end)');
  }
  // rest[0] = state (field 3), rest[1] = ppid (4), ... rest[n] = field n+3.
  const field = (n: number): number => {
    const v = toInt(rest[n - 3]);
    if (v === null) skipped.push(`field ${n} missing or not a number`);
    return v ?? 0;
  };
  if (pid === null) return { stat: null, skipped: ['pid is not a number'] };
  const ppid = toInt(rest[1]);
  if (ppid === null || rest[0] === undefined || rest[0] === '') {
    return { stat: null, skipped: ['state/ppid missing (truncated?)'] };
  }
  const stat: PidStat = {
    pid,
    comm,
    state: rest[0],
    ppid,
    pgrp: field(5),
    session: field(6),
    ttyNr: field(7),
    flags: field(9),
    numThreads: field(20),
    starttime: field(22),
  };
  return { stat, skipped };
}

const isSpace = (c: number): boolean => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;
/** Fields read: state, ppid, pgrp, session, tty_nr, flags, num_threads, starttime (3-based: 3 4 5 6 7 9 20 22). */
const WANTED = new Set([0, 1, 2, 3, 4, 6, 17, 19]);

/** The first `max` whitespace-separated fields of b[from..] (latin1), as strings where read, else ''. */
function fieldsAfter(b: Buffer, from: number, max: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let i = from;
  while (out.length < max) {
    while (i < b.length && isSpace(b[i]!)) i++;
    if (i >= b.length) break;
    const start = i;
    while (i < b.length && !isSpace(b[i]!)) i++;
    out.push(WANTED.has(out.length) ? b.toString('latin1', start, i) : '');
  }
  return out;
}

/** Whether the `count`-th field after `from` runs to the end of b (nothing but that field's bytes after it). */
function endsAtEnd(b: Buffer, from: number, count: number): boolean {
  let i = from;
  for (let n = 0; n < count; n++) {
    while (i < b.length && isSpace(b[i]!)) i++;
    while (i < b.length && !isSpace(b[i]!)) i++;
  }
  return i === b.length;
}

function toInt(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}
