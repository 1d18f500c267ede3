// Parser for /proc/PID/cmdline: NUL-separated arguments (a process may rewrite it without NULs).

const lenient = new TextDecoder('utf-8', { fatal: false });

/** Split cmdline bytes at NUL; a trailing NUL does not add an empty argument. Never throws. */
export function parseCmdline(buf: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0) {
      out.push(lenient.decode(buf.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start < buf.length) out.push(lenient.decode(buf.subarray(start)));
  return out;
}
