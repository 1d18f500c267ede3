// Shared pieces of the per-language lexers: the position-preserving output builder, quote scanning, escape rules.

import { decodeBody, type EscapeRules } from './escapes';

export type LexFamily = 'c' | 'rust' | 'go' | 'js' | 'python';

export interface StringLit {
  /** Offsets in the source of the whole literal, prefix and quotes included (end exclusive). */
  start: number;
  end: number;
  bytes: Uint8Array;
  /** A template / f-string with substitutions: its value is not known statically. */
  interpolated: boolean;
}

export interface Lexed {
  /**
   * The source with the same length and line breaks: comments become spaces, a string literal becomes
   * `"` + spaces + `"` (prefix included), a char literal or regex becomes spaces.
   */
  code: string;
  literals: StringLit[];
  /** Literal by start offset. */
  at: Map<number, StringLit>;
}

/** [A-Za-z0-9_$] by char code: called on hot paths, so no regex. */
export function isIdent(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x === 95 || x === 36;
}

function blank(s: string): string {
  return s.indexOf('\n') < 0 ? ' '.repeat(s.length) : s.replace(/[^\n]/g, ' ');
}

function litMask(len: number, text: string, start: number): string {
  if (len < 2) return '"'.slice(0, len);
  return '"' + blank(text.slice(start + 1, start + len - 1)) + '"';
}

export class Builder {
  private parts: string[] = [];
  private last = 0;
  readonly literals: StringLit[] = [];
  constructor(private readonly text: string) {}
  comment(a: number, b: number): void {
    a = Math.max(a, this.last); // a prefix can never reach back into the previous token
    this.flush(a);
    this.parts.push(blank(this.text.slice(a, b)));
    this.last = b;
  }
  opaque(a: number, b: number): void {
    this.comment(a, b);
  }
  literal(a: number, b: number, body: string, rules: EscapeRules, interpolated = false): void {
    a = Math.max(a, this.last);
    this.flush(a);
    this.parts.push(litMask(b - a, this.text, a));
    this.last = b;
    this.literals.push({ start: a, end: b, bytes: interpolated ? new Uint8Array() : decodeBody(body, rules), interpolated });
  }
  private flush(a: number): void {
    if (a > this.last) this.parts.push(this.text.slice(this.last, a));
  }
  done(): Lexed {
    this.flush(this.text.length);
    const at = new Map<number, StringLit>();
    for (const l of this.literals) at.set(l.start, l);
    return { code: this.parts.join(''), literals: this.literals, at };
  }
}

/** End (exclusive) of a quoted run starting after the opening quote at `i`; stops at newline if `oneLine`. */
export function scanQuoted(t: string, i: number, q: string, escapes: boolean, oneLine: boolean): number {
  const n = t.length;
  while (i < n) {
    const c = t[i]!;
    if (escapes && c === '\\') { i += 2; continue; }
    if (c === q) return i + 1;
    if (oneLine && c === '\n') return i;
    i++;
  }
  return n;
}

export function lineEnd(t: string, i: number): number {
  const e = t.indexOf('\n', i);
  return e < 0 ? t.length : e;
}

export const C_RULES: EscapeRules = { raw: false, hexIsByte: true, hexUnbounded: true, octal: true };
export const RAW: EscapeRules = { raw: true, hexIsByte: true, hexUnbounded: false, octal: false };
export const RUST_STR: EscapeRules = { raw: false, hexIsByte: false, hexUnbounded: false, octal: false };
export const RUST_BYTES: EscapeRules = { raw: false, hexIsByte: true, hexUnbounded: false, octal: false };
export const GO_RULES: EscapeRules = { raw: false, hexIsByte: true, hexUnbounded: false, octal: true };
export const JS_RULES: EscapeRules = { raw: false, hexIsByte: false, hexUnbounded: false, octal: true };
export const PY_STR: EscapeRules = { raw: false, hexIsByte: false, hexUnbounded: false, octal: true };
export const PY_BYTES: EscapeRules = { raw: false, hexIsByte: true, hexUnbounded: false, octal: true };

/** The identifier run that ends right before `i` (a literal prefix like `b`, `u8R`, `rb`). */
export function prefixBefore(t: string, i: number): string {
  let j = i;
  while (j > 0 && isIdent(t[j - 1]) && i - j < 4) j--;
  if (j > 0 && isIdent(t[j - 1])) return '';
  return t.slice(j, i);
}

