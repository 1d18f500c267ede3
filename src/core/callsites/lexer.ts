// A position-preserving lexer per language family: blanks comments, masks string literals and records their
// decoded bytes, so the finders can match calls in plain code without ever matching inside a comment or string.

import { Builder, C_RULES, GO_RULES, RAW, RUST_BYTES, RUST_STR, isIdent, lineEnd, prefixBefore, scanQuoted, type LexFamily, type Lexed } from './lexbase';
import { lexJs } from './lexJs';
import { lexPython } from './lexPython';

export type { LexFamily, Lexed, StringLit } from './lexbase';

/** Jump to the next character that can open a comment, string or char literal (native regex scan). */
function nextAt(re: RegExp, t: string, i: number): number {
  re.lastIndex = i;
  return re.exec(t) ? re.lastIndex - 1 : t.length;
}

const C_NEXT = /[\/"']/g;

function lexC(t: string, b: Builder): void {
  const n = t.length;
  let i = 0;
  while ((i = nextAt(C_NEXT, t, i)) < n) {
    const c = t[i]!;
    if (c === '/') {
      if (t[i + 1] === '/') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
      if (t[i + 1] === '*') { const e = t.indexOf('*/', i + 2); const end = e < 0 ? n : e + 2; b.comment(i, end); i = end; continue; }
      i++;
      continue;
    }
    if (c === '"') {
      const pre = prefixBefore(t, i);
      const start = i - (/^(?:L|u8|u|U)?R?$/.test(pre) ? pre.length : 0);
      if (pre.endsWith('R') && /^(?:L|u8|u|U)?R$/.test(pre)) {
        const open = t.indexOf('(', i + 1);
        const delim = open > 0 && open - i <= 17 ? t.slice(i + 1, open) : null;
        if (delim !== null && /^[^\s()\\]*$/.test(delim)) {
          const close = t.indexOf(')' + delim + '"', open + 1);
          const end = close < 0 ? n : close + delim.length + 2;
          b.literal(start, end, t.slice(open + 1, close < 0 ? n : close), RAW);
          i = end;
          continue;
        }
      }
      const end = scanQuoted(t, i + 1, '"', true, true);
      b.literal(start, end, t.slice(i + 1, Math.max(i + 1, end - 1)), C_RULES);
      i = end;
      continue;
    }
    // A quote after a digit/identifier is a C++14 digit separator (1'000), unless it is a char prefix.
    const pre = prefixBefore(t, i);
    if (pre !== '' && !/^(?:L|u8|u|U)$/.test(pre)) { i++; continue; }
    const end = scanQuoted(t, i + 1, "'", true, true);
    b.opaque(i, end);
    i = end;
  }
}

const RUST_NEXT = /[\/"']/g;

function lexRust(t: string, b: Builder): void {
  const n = t.length;
  let i = 0;
  while ((i = nextAt(RUST_NEXT, t, i)) < n) {
    const c = t[i]!;
    if (c === '/') {
      if (t[i + 1] === '/') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
      if (t[i + 1] === '*') {
        let depth = 1;
        let j = i + 2;
        while (j < n && depth > 0) {
          if (t[j] === '/' && t[j + 1] === '*') { depth++; j += 2; } else if (t[j] === '*' && t[j + 1] === '/') { depth--; j += 2; } else j++;
        }
        b.comment(i, j);
        i = j;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') {
      // Look back for a prefix: r"…", r#"…"#, br"…", cr#"…"#, b"…", c"…".
      let k = i;
      while (t[k - 1] === '#') k--;
      const hashes = i - k;
      let start = -1;
      if (t[k - 1] === 'r') {
        start = k - 1;
        if ((t[start - 1] === 'b' || t[start - 1] === 'c') && !isIdent(t[start - 2])) start--;
        else if (isIdent(t[start - 1])) start = -1;
      }
      if (start >= 0) {
        const closing = '"' + '#'.repeat(hashes);
        const close = t.indexOf(closing, i + 1);
        const end = close < 0 ? n : close + closing.length;
        b.literal(start, end, t.slice(i + 1, close < 0 ? n : close), RAW);
        i = end;
        continue;
      }
      const prefixed = hashes === 0 && (t[i - 1] === 'b' || t[i - 1] === 'c') && !isIdent(t[i - 2]);
      const end = scanQuoted(t, i + 1, '"', true, false);
      b.literal(prefixed ? i - 1 : i, end, t.slice(i + 1, Math.max(i + 1, end - 1)), prefixed && t[i - 1] === 'b' ? RUST_BYTES : RUST_STR);
      i = end;
      continue;
    }
    // Char literal ('a', '\n', '\u{1F600}', a non-BMP char, b'x') or a lifetime/label ('a, 'static).
    let end = -1;
    if (t[i + 1] === '\\') {
      const close = t.indexOf("'", i + 3);
      if (close > 0 && close - i <= 12) end = close + 1;
    } else {
      const cp = t.codePointAt(i + 1);
      const w = cp !== undefined && cp > 0xffff ? 2 : 1;
      if (cp !== undefined && t[i + 1 + w] === "'") end = i + 2 + w;
    }
    if (end > 0) { b.opaque(t[i - 1] === 'b' && !isIdent(t[i - 2]) ? i - 1 : i, end); i = end; continue; }
    i++;
  }
}

const GO_NEXT = /[\/"'`]/g;

function lexGo(t: string, b: Builder): void {
  const n = t.length;
  let i = 0;
  while ((i = nextAt(GO_NEXT, t, i)) < n) {
    const c = t[i]!;
    if (c === '/') {
      if (t[i + 1] === '/') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
      if (t[i + 1] === '*') { const e = t.indexOf('*/', i + 2); const end = e < 0 ? n : e + 2; b.comment(i, end); i = end; continue; }
      i++;
      continue;
    }
    if (c === '`') {
      const e = t.indexOf('`', i + 1);
      const end = e < 0 ? n : e + 1;
      // Go drops carriage returns from raw strings.
      b.literal(i, end, t.slice(i + 1, e < 0 ? n : e).replace(/\r/g, ''), RAW);
      i = end;
      continue;
    }
    if (c === '"') {
      const end = scanQuoted(t, i + 1, '"', true, true);
      b.literal(i, end, t.slice(i + 1, Math.max(i + 1, end - 1)), GO_RULES);
      i = end;
      continue;
    }
    const end = scanQuoted(t, i + 1, "'", true, true);
    b.opaque(i, end);
    i = end;
  }
}

/** Lex `text` for a language family. Linear time; never throws. */
export function lex(text: string, family: LexFamily): Lexed {
  const b = new Builder(text);
  switch (family) {
    case 'c': lexC(text, b); break;
    case 'rust': lexRust(text, b); break;
    case 'go': lexGo(text, b); break;
    case 'js': lexJs(text, b); break;
    case 'python': lexPython(text, b); break;
  }
  return b.done();
}
