// JavaScript/TypeScript lexer: comments, quotes, template literals (with nested `${}`), regex literals.

import { Builder, JS_RULES, isIdent, lineEnd, scanQuoted } from './lexbase';

const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/** Whether a `/` at `i` starts a regex literal, judged by the previous significant token. */
function regexAllowed(t: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (t[j] === ' ' || t[j] === '\t' || t[j] === '\n' || t[j] === '\r')) j--;
  if (j < 0) return true;
  const c = t[j]!;
  if (c === ')' || c === ']') return false;
  if (REGEX_AFTER.has(c)) return true;
  if (isIdent(c)) {
    let k = j;
    while (k >= 0 && isIdent(t[k])) k--;
    return REGEX_KEYWORDS.has(t.slice(k + 1, j + 1));
  }
  return false;
}

/** End of a regex literal starting at `i` ('/'), or -1 when it is not one (newline before the closing '/'). */
function scanRegex(t: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < t.length; j++) {
    const c = t[j]!;
    if (c === '\n') return -1;
    if (c === '\\') { j++; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let k = j + 1;
      while (isIdent(t[k])) k++;
      return k;
    }
  }
  return -1;
}

/**
 * End of a template literal whose opening backtick is at `i`, and whether it has substitutions.
 * Substitutions are skipped with their own strings, comments and nested templates; an explicit stack
 * (not recursion) so that hostile nesting cannot overflow the call stack.
 */
function scanTemplate(t: string, i: number): { end: number; interpolated: boolean } {
  const n = t.length;
  let interpolated = false;
  // -1: inside template text; >= 0: inside a substitution at that brace depth.
  const stack: number[] = [-1];
  let j = i + 1;
  while (j < n) {
    const c = t[j]!;
    const top = stack[stack.length - 1]!;
    if (top < 0) {
      if (c === '\\') { j += 2; continue; }
      if (c === '`') {
        stack.pop();
        j++;
        if (stack.length === 0) return { end: j, interpolated };
        continue;
      }
      if (c === '$' && t[j + 1] === '{') { interpolated = true; stack.push(0); j += 2; continue; }
      j++;
      continue;
    }
    if (c === '{') stack[stack.length - 1] = top + 1;
    else if (c === '}') { if (top === 0) stack.pop(); else stack[stack.length - 1] = top - 1; }
    else if (c === '"' || c === "'") { j = scanQuoted(t, j + 1, c, true, true); continue; }
    else if (c === '`') stack.push(-1);
    else if (c === '/' && t[j + 1] === '/') { j = lineEnd(t, j); continue; }
    else if (c === '/' && t[j + 1] === '*') { const e = t.indexOf('*/', j + 2); j = e < 0 ? n : e + 2; continue; }
    j++;
  }
  return { end: n, interpolated };
}

const NEXT = /[\/"'`]/g;

export function lexJs(t: string, b: Builder): void {
  const n = t.length;
  let i = 0;
  for (;;) {
    NEXT.lastIndex = i;
    if (!NEXT.exec(t)) break;
    i = NEXT.lastIndex - 1;
    const c = t[i]!;
    if (c === '/' && t[i + 1] === '/') { const e = lineEnd(t, i); b.comment(i, e); i = e; continue; }
    if (c === '/' && t[i + 1] === '*') { const e = t.indexOf('*/', i + 2); const end = e < 0 ? n : e + 2; b.comment(i, end); i = end; continue; }
    if (c === '/' && regexAllowed(t, i)) {
      const end = scanRegex(t, i);
      if (end > 0) { b.opaque(i, end); i = end; continue; }
    }
    if (c === '"' || c === "'") {
      const end = scanQuoted(t, i + 1, c, true, true);
      b.literal(i, end, t.slice(i + 1, Math.max(i + 1, end - 1)), JS_RULES);
      i = end;
      continue;
    }
    if (c === '`') {
      const { end, interpolated } = scanTemplate(t, i);
      b.literal(i, end, t.slice(i + 1, Math.max(i + 1, end - 1)), JS_RULES, interpolated);
      i = end;
      continue;
    }
    i++;
  }
}
