// Decode the body of a source string literal into the bytes a program would pass to the kernel.

export interface EscapeRules {
  /** No escapes at all (Rust r"", Python r"", Go backticks, C++ R"()"). */
  raw: boolean;
  /** `\xHH` is one raw byte (C, Go, byte strings) rather than the code point U+00HH (Rust/Python/JS str). */
  hexIsByte: boolean;
  /** `\x` takes any number of hex digits (C), else exactly two. */
  hexUnbounded: boolean;
  /** `\0`..`\777` octal escapes (C, Python, Go needs 3 digits but accepts the same form). */
  octal: boolean;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

const SIMPLE: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, '"': 34, "'": 39, '`': 96, '?': 63 };

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** Bytes of a literal body (between the quotes). Never throws: an odd escape yields its characters. */
const EMPTY = new Uint8Array(0);

export function decodeBody(body: string, rules: EscapeRules): Uint8Array {
  if (body.length === 0) return EMPTY;
  // Fast path: nothing to decode.
  if ((rules.raw || body.indexOf('\\') < 0) && /^[\x00-\x7f]*$/.test(body)) return Buffer.from(body, 'latin1');
  const out: number[] = [];
  const n = body.length;
  let i = 0;
  while (i < n) {
    const cp = body.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (cp !== 92 || rules.raw || i + 1 >= n) {
      pushUtf8(out, cp);
      i += w;
      continue;
    }
    const c = body[i + 1]!;
    i += 2;
    if (c in SIMPLE) {
      out.push(SIMPLE[c]!);
    } else if (c === 'x') {
      let j = i;
      const max = rules.hexUnbounded ? n : Math.min(n, i + 2);
      while (j < max && isHex(body[j])) j++;
      if (j === i) { out.push(92, 120); continue; }
      const v = parseInt(body.slice(i, j), 16);
      i = j;
      if (rules.hexIsByte) out.push(v & 0xff);
      else pushUtf8(out, v);
    } else if (c >= '0' && c <= '7' && (rules.octal || c === '0')) {
      let j = i - 1;
      const max = rules.octal ? Math.min(n, j + 3) : j + 1;
      while (j < max && body[j]! >= '0' && body[j]! <= '7') j++;
      out.push(parseInt(body.slice(i - 1, j), 8) & 0xff);
      i = j;
    } else if (c === 'u' && body[i] === '{') {
      const close = body.indexOf('}', i);
      const hex = close > i ? body.slice(i + 1, close).replace(/_/g, '') : '';
      if (close < 0 || !/^[0-9a-fA-F]{1,6}$/.test(hex)) { out.push(92, 117); continue; }
      pushUtf8(out, Math.min(parseInt(hex, 16), 0x10ffff));
      i = close + 1;
    } else if (c === 'u' || c === 'U') {
      const len = c === 'u' ? 4 : 8;
      const hex = body.slice(i, i + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) { out.push(92, c.charCodeAt(0)); continue; }
      pushUtf8(out, Math.min(parseInt(hex, 16), 0x10ffff));
      i += len;
    } else if (c === '\n' || c === '\r') {
      // Line continuation: Rust also swallows the next line's leading whitespace.
      if (c === '\r' && body[i] === '\n') i++;
      while (i < n && (body[i] === ' ' || body[i] === '\t')) i++;
    } else {
      out.push(92);
      pushUtf8(out, c.codePointAt(0)!);
    }
  }
  return Uint8Array.from(out);
}
