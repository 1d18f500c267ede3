// The finder's working state for one document: masked code, literals, named constants, and the small
// evaluators (argument lists, literal/number/constant values, ports) that every language's rules share.

import type { LexFamily, Lexed, StringLit } from './lexbase';
import { lex } from './lexer';

export interface Span { start: number; end: number }

export type Value =
  | { kind: 'str'; bytes: Uint8Array; lit: StringLit; via?: string }
  | { kind: 'num'; n: number; via?: string }
  | { kind: 'expr'; start: number; end: number; via?: string };

interface ConstDef { pos: number; value: Span }

const MAX_ARGS = 64;
/** Spans longer than this are never a literal, number or constant: skip the text tests on them. */
const MAX_VALUE = 2000;

/** Opening brackets in document order and their closers (-1 when unbalanced): found in one pass with a stack. */
interface Brackets { opens: number[]; closes: number[] }

function matchBrackets(code: string): Brackets {
  const opens: number[] = [];
  const closes: number[] = [];
  const stack: number[] = []; // indices into opens
  const n = code.length;
  for (let i = 0; i < n; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      stack.push(opens.length);
      opens.push(i);
      closes.push(-1);
    } else if (c === 41 || c === 93 || c === 125) {
      const want = c === 41 ? 40 : c - 2; // ')' pairs with '(', ']' with '[', '}' with '{'
      // A stray closer is ignored; a closer for an outer bracket abandons the unclosed ones inside it.
      let k = stack.length - 1;
      while (k >= 0 && code.charCodeAt(opens[stack[k]!]!) !== want) k--;
      if (k < 0) continue;
      closes[stack[k]!] = i;
      while (stack.length > k) stack.pop();
    }
  }
  return { opens, closes };
}

/** Closer of the bracket at `pos` (-1 if unbalanced or not a bracket): binary search over the openers. */
function closerOf(b: Brackets, pos: number): number {
  let lo = 0;
  let hi = b.opens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = b.opens[mid]!;
    if (v === pos) return b.closes[mid]!;
    if (v < pos) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class Ctx {
  readonly lexed: Lexed;
  readonly code: string;
  private consts: Map<string, ConstDef[]> | undefined;
  private matches: Brackets | undefined;
  private readonly argCache = new Map<number, { args: Span[]; close: number }>();
  private readonly tokens = new Map<string, { at: number[]; m: RegExpExecArray[] }>();
  constructor(readonly text: string, family: LexFamily) {
    this.lexed = lex(text, family);
    this.code = this.lexed.code;
  }

  /** Items of the list whose '(' (or '[' / '{') is at `open`: trimmed spans, and the closer's index (-1 if unbalanced). */
  args(open: number): { args: Span[]; close: number } {
    const hit = this.argCache.get(open);
    if (hit) return hit;
    const match = (this.matches ??= matchBrackets(this.code));
    const close = closerOf(match, open);
    const out: { args: Span[]; close: number } = { args: [], close };
    if (close < 0) return out;
    const code = this.code;
    // Nested groups are jumped over, so each character is visited by one list only: linear overall.
    let from = open + 1;
    for (let j = open + 1; j < close; j++) {
      const c = code.charCodeAt(j);
      if (c === 40 || c === 91 || c === 123) {
        const m = closerOf(match, j);
        if (m < 0 || m > close) break;
        j = m;
      } else if (c === 44) {
        out.args.push(this.trim(from, j));
        from = j + 1;
        if (out.args.length >= MAX_ARGS) break;
      }
    }
    const last = this.trim(from, close);
    if (last.end > last.start || out.args.length > 0) out.args.push(last);
    this.argCache.set(open, out);
    return out;
  }

  trim(start: number, end: number): Span {
    const code = this.code;
    while (start < end && /\s/.test(code[start]!)) start++;
    while (end > start && /\s/.test(code[end - 1]!)) end--;
    return { start, end };
  }

  /** Masked text of a span (capped: the rules only ever look at short arguments). */
  slice(s: Span): string {
    return this.code.slice(s.start, Math.min(s.end, s.start + MAX_VALUE));
  }

  /** Python keyword argument `name=value` among `args`, as the value's span. */
  kwarg(args: Span[], name: string): Span | undefined {
    const re = new RegExp(`^${name}\\s*=(?!=)`);
    for (const a of args) {
      const m = re.exec(this.slice(a));
      if (m) return this.trim(a.start + m[0].length, a.end);
    }
    return undefined;
  }

  /** Value of a struct/object field (`port: 8080`, `Name: "x"`, `path: SOCK`) inside `within`. */
  field(within: Span, name: RegExp): Span | undefined {
    const code = this.code;
    const text = code.slice(within.start, Math.min(within.end, within.start + MAX_VALUE));
    const re = new RegExp(`(?:^|[{,(\\s])(?:${name.source})\\s*:(?!:)\\s*`, 'g');
    const m = re.exec(text);
    if (!m) return undefined;
    const from = within.start + m.index + m[0].length;
    let depth = 0;
    for (let j = from; j < within.end; j++) {
      const c = code[j]!;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') { if (depth === 0) return this.trim(from, j); depth--; }
      else if (c === ',' && depth === 0) return this.trim(from, j);
    }
    return this.trim(from, within.end);
  }

  /** Evaluate an argument: a literal (through harmless wrappers), a number, or a named constant. */
  value(span: Span, depth = 0): Value | undefined {
    const s = this.unwrap(this.trim(span.start, span.end));
    if (s.end <= s.start) return undefined;
    const code = this.code;
    if (s.end - s.start > MAX_VALUE) return { kind: 'expr', start: s.start, end: s.end };
    const lit = this.lexed.at.get(s.start);
    if (lit && lit.end === s.end) return lit.interpolated ? undefined : { kind: 'str', bytes: lit.bytes, lit };
    if (lit && !lit.interpolated) {
      // Adjacent literals are one string in C, C++ and Python: "/ipcd-" "replies".
      const parts = [lit.bytes];
      let at = lit.end;
      for (;;) {
        while (at < s.end && /\s/.test(code[at]!)) at++;
        const next = this.lexed.at.get(at);
        if (!next || next.interpolated || next.end > s.end) break;
        parts.push(next.bytes);
        at = next.end;
      }
      if (at === s.end && parts.length > 1) return { kind: 'str', bytes: Uint8Array.from(Buffer.concat(parts)), lit };
    }
    const t = code.slice(s.start, s.end);
    const num = /^(\d[\d_']*|0[xX][0-9a-fA-F_]+)(?:_?[uUiI](?:8|16|32|64|size)|[uUlL]{0,3})?(?:\s+as\s+\w+)?$/.exec(t);
    if (num) {
      const n = Number(num[1]!.replace(/[_']/g, ''));
      return Number.isFinite(n) ? { kind: 'num', n } : undefined;
    }
    const id = /^[A-Za-z_$][\w$]*(?:\s*(?:::|\.)\s*[A-Za-z_$][\w$]*)*$/.exec(t);
    if (id) {
      if (depth >= 3) return undefined;
      const name = /([A-Za-z_$][\w$]*)$/.exec(t)![1]!;
      const def = this.constant(name, s.start);
      if (!def) return undefined;
      const v = this.value(def.value, depth + 1);
      return v ? { ...v, via: v.via ?? name } : undefined;
    }
    return { kind: 'expr', start: s.start, end: s.end };
  }

  /**
   * Strip wrappers that do not change a literal's value: `&`, `*`, `Path::new(…)`, `CString::new(…)?`,
   * `….as_ptr()`, `….unwrap()`, `Buffer.from(…)`, a cast `(const char *)`.
   */
  private unwrap(s: Span): Span {
    const code = this.code;
    let { start, end } = s;
    for (let guard = 0; guard < 6; guard++) {
      const head = /^(?:&\s*(?:mut\s+)?|\*\s*|\(\s*(?:const\s+)?(?:unsigned\s+)?char\s*\*\s*\)\s*)/.exec(code.slice(start, Math.min(end, start + 40)));
      if (head && head[0].length > 0) { start += head[0].length; continue; }
      const tailRe = /(?:\s*\?|\s*\.\s*(?:unwrap|expect|as_ptr|as_ref|as_c_str|to_string|to_owned|into|as_bytes|to_vec|as_os_str|encode|unwrap_or_default|cast|as_mut_ptr)\s*\([^()]*\))$/;
      const tail = tailRe.exec(code.slice(Math.max(start, end - 60), end));
      if (tail) { end -= tail[0].length; continue; }
      const wrap = /^(?:[\w:]*(?:Path|PathBuf|CString|CStr|OsStr|OsString|String|str)\s*::\s*(?:new|from|from_bytes_with_nul|from_bytes_until_nul)|Buffer\s*\.\s*from|os\s*\.\s*fsencode|str|bytes|Path|pathlib\s*\.\s*Path)\s*\(/.exec(code.slice(start, Math.min(end, start + 60)));
      if (wrap && code[end - 1] === ')') {
        const inner = this.args(start + wrap[0].length - 1);
        if (inner.close === end - 1 && inner.args.length === 1) { start = inner.args[0]!.start; end = inner.args[0]!.end; continue; }
      }
      break;
    }
    return { start, end };
  }

  /** The definition of `name` nearest before `pos` (else the first after it). */
  constant(name: string, pos: number): ConstDef | undefined {
    const defs = (this.consts ??= this.collectConstants()).get(name);
    if (!defs) return undefined;
    let best: ConstDef | undefined;
    for (const d of defs) if (d.pos < pos && d.value.start !== pos) best = d;
    return best ?? defs.find((d) => d.value.start > pos);
  }

  private collectConstants(): Map<string, ConstDef[]> {
    const code = this.code;
    const out = new Map<string, ConstDef[]>();
    // `#define NAME value`, `NAME = value`, `NAME: Type = value`, `NAME := value`, `char NAME[] = value`.
    const re = /#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+|\b([A-Za-z_$][\w$]*)[ \t]*(?:\[[^\]\n]{0,20}\][ \t]*)?(?::[^=;\n(){}]{1,80}?)?:?=(?![=>])[ \t]*/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(code))) {
      const name = m[1] ?? m[2]!;
      const from = m.index + m[0].length;
      const value = this.statementEnd(from, m[1] !== undefined);
      if (value.end <= value.start) continue;
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push({ pos: m.index, value });
    }
    return out;
  }

  /** The expression from `from` to the end of its statement (`;`, `,`, or a newline at depth 0). */
  private statementEnd(from: number, define: boolean): Span {
    const code = this.code;
    let depth = 0;
    const max = Math.min(code.length, from + 400);
    let j = from;
    for (; j < max; j++) {
      const c = code[j]!;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') { if (depth === 0) break; depth--; }
      else if (depth === 0 && (c === ';' || c === '\n' || (c === ',' && !define))) break;
    }
    if (j === max && depth > 0) return { start: from, end: from };
    return this.trim(from, j);
  }

  /** Every match of `re` in the masked code, found once per document and reused by every hit. */
  private index(re: RegExp): { at: number[]; m: RegExpExecArray[] } {
    let ix = this.tokens.get(re.source);
    if (!ix) {
      ix = { at: [], m: [] };
      const g = new RegExp(re.source, 'g');
      let m: RegExpExecArray | null;
      while ((m = g.exec(this.code))) {
        ix.at.push(m.index);
        ix.m.push(m);
        if (m[0].length === 0) g.lastIndex++;
      }
      this.tokens.set(re.source, ix);
    }
    return ix;
  }

  /** Nearest match of `re` that ends before `pos`, starting no further than `dist` back. */
  lastBefore(re: RegExp, pos: number, dist: number): RegExpExecArray | null {
    const { at, m } = this.index(re);
    let lo = 0;
    let hi = at.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (at[mid]! < pos) lo = mid + 1; else hi = mid; }
    for (let k = lo - 1; k >= 0 && at[k]! >= pos - dist; k--) if (at[k]! + m[k]![0].length <= pos) return m[k]!;
    return null;
  }

  /** First match of `re` starting at or after `pos` and within `dist`. */
  firstAfter(re: RegExp, pos: number, dist: number): RegExpExecArray | null {
    const { at, m } = this.index(re);
    let lo = 0;
    let hi = at.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (at[mid]! < pos) lo = mid + 1; else hi = mid; }
    return lo < at.length && at[lo]! + m[lo]![0].length <= pos + dist ? m[lo]! : null;
  }
}

/** "host:port", "[::1]:8080", ":8080", "8080" -> port and host. */
export function parseHostPort(s: string): { host?: string; port: number } | undefined {
  const m = /^(?:\[([^\]]*)\]|([^:\s]*)):(\d{1,5})$/.exec(s) ?? /^()()(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = m[1] ?? m[2];
  return host === undefined ? { port } : { host, port };
}

const latin = new TextDecoder('utf-8', { fatal: false });
export function text(bytes: Uint8Array): string {
  return latin.decode(bytes);
}
