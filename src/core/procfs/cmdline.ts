// Parser for /proc/PID/cmdline: NUL-separated arguments (a process may rewrite it without NULs).

const lenient = new TextDecoder('utf-8', { fatal: false });
const strict = new TextDecoder('utf-8', { fatal: true });

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

/**
 * The bytes in base64 when an argument is not valid UTF-8 (parseCmdline then shows U+FFFD for its bad bytes),
 * else undefined: a process's arguments are arbitrary bytes, kept exactly as names are (nameBase64).
 */
export function cmdlineBase64(buf: Uint8Array): string | undefined {
  let ascii = true;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return undefined;
  try {
    strict.decode(buf);
    return undefined;
  } catch {
    return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64');
  }
}
