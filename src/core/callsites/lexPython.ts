// Python lexer: `#` comments, string prefixes (r, b, f, u and pairs), single and triple quotes.

import { Builder, PY_BYTES, PY_STR, RAW, isIdent, lineEnd, scanQuoted } from './lexbase';

function scanTriple(t: string, i: number, q: string): number {
  const close = q.repeat(3);
  let j = i;
  const n = t.length;
  while (j < n) {
    if (t[j] === '\\') { j += 2; continue; }
    if (t.startsWith(close, j)) return j + 3;
    j++;
  }
  return n;
}

const NEXT = /[#"']/g;

export function lexPython(t: string, b: Builder): void {
  let i = 0;
  for (;;) {
    NEXT.lastIndex = i;
    if (!NEXT.exec(t)) break;
    i = NEXT.lastIndex - 1;
    const c = t[i]!;
    if (c === '#') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
    // A prefix (r, b, f, u, rb, br, fr, rf in any case) right before the quote, not part of a longer name.
    let start = i;
    while (start > i - 2 && /[rRbBfFuU]/.test(t[start - 1] ?? '')) start--;
    while (start < i && isIdent(t[start - 1])) start++;
    let prefix = t.slice(start, i).toLowerCase();
    if (!/^(?:[rbfu]|rb|br|fr|rf)?$/.test(prefix)) { start = i; prefix = ''; }
    const q = c;
    const triple = t[i + 1] === q && t[i + 2] === q;
    const bodyStart = triple ? i + 3 : i + 1;
    const end = triple ? scanTriple(t, bodyStart, q) : scanQuoted(t, bodyStart, q, true, true);
    const closed = triple ? t.startsWith(q.repeat(3), end - 3) && end - 3 >= bodyStart : t[end - 1] === q && end - 1 >= bodyStart;
    const bodyEnd = closed ? end - (triple ? 3 : 1) : end;
    const body = t.slice(bodyStart, bodyEnd);
    const raw = prefix.includes('r');
    const rules = raw ? RAW : prefix.includes('b') ? PY_BYTES : PY_STR;
    // An f-string's value is static only without replacement fields ("{{" is a literal brace).
    const interpolated = prefix.includes('f') && /\{(?!\{)/.test(body.replace(/\{\{/g, ''));
    b.literal(start, end, body, rules, interpolated);
    i = end;
  }
}
