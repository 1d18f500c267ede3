// Parser for /proc/net/unix, the fallback when sock_diag is unavailable: no peers, no queues, and the
// kernel prints the path raw, so a newline inside a path splits one record over several lines.

export interface NetUnixRecord {
  refCount: number;
  /** Flags column; 0x10000 (__SO_ACCEPTCON) marks a listening socket. */
  flags: number;
  /** Socket type: 1 stream, 2 dgram, 5 seqpacket. */
  type: number;
  /** SS_* state: 1 unconnected, 2 connecting, 3 connected, 4 disconnecting. */
  st: number;
  inode: number;
  /**
   * Raw path bytes as printed: abstract names start with '@' and have their NULs printed as '@', so a
   * relative path starting with '@' looks the same. Null for unnamed sockets.
   */
  path: Buffer | null;
}

export interface NetUnixResult {
  sockets: NetUnixRecord[];
  /** Lines that were not records; a line following a record is taken as the rest of its path. */
  skipped: string[];
  /** How many records had continuation lines joined into their path (newline in the path). */
  joinedLines: number;
}

const RECORD = /^[0-9a-fA-F]+: ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{8}) ([0-9A-Fa-f]{4}) ([0-9A-Fa-f]{2}) +(\d+)(?: (.*))?$/s;

/** Parse the raw bytes of /proc/net/unix. Never throws. */
export function parseProcNetUnix(buf: Buffer): NetUnixResult {
  const sockets: NetUnixRecord[] = [];
  const skipped: string[] = [];
  let joinedLines = 0;
  let lastJoined: NetUnixRecord | null = null;
  // latin1 maps bytes 1:1 to code units, so path bytes survive the regex untouched.
  const lines = buf.toString('latin1').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let start = 0;
  if (lines[0]?.startsWith('Num ')) start = 1;
  let last: NetUnixRecord | null = null;
  // The kernel ends every record with a newline: without one at the end, the last line was cut short, and the
  // record it belongs to (its own line, or the rest of its path) could carry a cut inode or path.
  const cut = buf.length > 0 && buf[buf.length - 1] !== 0x0a;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (cut && i === lines.length - 1) {
      if (RECORD.test(line)) last = null;
      if (last) sockets.pop();
      skipped.push(`line ${i + 1}: cut short (no newline at the end)`);
      break;
    }
    const m = RECORD.exec(line);
    if (m) {
      const inode = Number(m[6]);
      last = {
        refCount: parseInt(m[1]!, 16),
        flags: parseInt(m[3]!, 16),
        type: parseInt(m[4]!, 16),
        st: parseInt(m[5]!, 16),
        inode: Number.isSafeInteger(inode) ? inode : 0,
        path: m[7] !== undefined ? Buffer.from(m[7], 'latin1') : null,
      };
      sockets.push(last);
      continue;
    }
    if (last) {
      // A raw newline in the previous record's path: the line is the rest of that path.
      last.path = Buffer.concat([last.path ?? Buffer.alloc(0), Buffer.from('\n' + line, 'latin1')]);
      if (lastJoined !== last) joinedLines++;
      lastJoined = last;
      continue;
    }
    skipped.push(`line ${i + 1}: not a record`);
  }
  return { sockets, skipped, joinedLines };
}
