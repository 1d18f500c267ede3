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

export function lexPython(t: string, b: Builder): void {
  const n = t.length;
  let i = 0;
  while (i < n) {
    const c = t[i]!;
    if (c === '#') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
    let start = -1;
    let prefix = '';
    if (c === '"' || c === "'") {
      start = i;
    } else if (/[rRbBfFuU]/.test(c) && !isIdent(t[i - 1])) {
      let j = i;
      while (j < i + 2 && /[rRbBfFuU]/.test(t[j]!)) j++;
      if ((t[j] === '"' || t[j] === "'") && /^(?:[rbfu]|rb|br|fr|rf)$/i.test(t.slice(i, j))) {
        start = i;
        prefix = t.slice(i, j).toLowerCase();
        i = j;
      }
    }
    if (start < 0) { i++; continue; }
    const q = t[i]!;
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
