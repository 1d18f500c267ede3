// findCallSites: one lexing pass, one keyword scan over the masked code, then each language's rule at each hit.

import { Ctx } from './context';
import type { LexFamily } from './lexbase';
import { c } from './rules/c';
import type { Found, Hit, Rule } from './rules/common';
import { go } from './rules/go';
import { js } from './rules/js';
import { python } from './rules/python';
import { rust } from './rules/rust';
import { isCallSiteLanguage, type CallSite } from './types';

interface LangSpec {
  family: LexFamily;
  scan: RegExp;
  extra?: RegExp;
  rules: Record<string, Rule>;
}

function spec(family: LexFamily, set: { keywords: string[]; rules: Record<string, Rule>; extra?: RegExp }): LangSpec {
  const words = [...set.keywords].sort((a, b) => b.length - a.length).join('|');
  const s: LangSpec = { family, scan: new RegExp(`(?<![\\w$])(${words})\\s*(\\()`, 'g'), rules: set.rules };
  if (set.extra) s.extra = set.extra;
  return s;
}

const SPECS: Record<string, LangSpec> = {};
SPECS['rust'] = spec('rust', rust);
SPECS['c'] = SPECS['cpp'] = spec('c', c);
SPECS['python'] = spec('python', python);
SPECS['go'] = spec('go', go);
SPECS['typescript'] = SPECS['typescriptreact'] = SPECS['javascript'] = SPECS['javascriptreact'] = spec('js', js);

/** Qualifiers before a keyword (`tokio::net::UnixListener::` -> [tokio, net, UnixListener]); ')' for a call result. */
function qualifiers(code: string, at: number): string[] {
  const out: string[] = [];
  let i = at;
  for (let n = 0; n < 4; n++) {
    let j = i;
    while (j > 0 && /\s/.test(code[j - 1]!) && i - j < 40) j--;
    let sep = 0;
    if (code[j - 1] === '.') sep = 1;
    else if (code[j - 1] === ':' && code[j - 2] === ':') sep = 2;
    if (!sep) break;
    j -= sep;
    while (j > 0 && /\s/.test(code[j - 1]!) && i - j < 80) j--;
    if (code[j - 1] === ')' || code[j - 1] === '?') { out.unshift(')'); break; }
    const end = j;
    // Allow Go composite-literal receivers like `net.ListenConfig{}.Listen`.
    if (code[j - 1] === '}' && code[j - 2] === '{') j -= 2;
    while (j > 0 && /[\w$]/.test(code[j - 1]!) && end - j < 64) j--;
    if (j === end) break;
    out.unshift(code.slice(j, end));
    i = j;
  }
  return out;
}

/** Offsets of line starts, for offset -> (line, column). */
function lineStarts(text: string): number[] {
  const out = [0];
  let i = -1;
  while ((i = text.indexOf('\n', i + 1)) >= 0) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], off: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * IPC call sites with a literal (or constant) path, name, port or signal in `text`, in document order.
 * Unsupported languages yield []. Linear in the text size; never throws on odd input.
 */
export function findCallSites(text: string, languageId: string): CallSite[] {
  if (!isCallSiteLanguage(languageId)) return [];
  const sp = SPECS[languageId]!;
  const ctx = new Ctx(text, sp.family);
  const code = ctx.code;
  const hits: Hit[] = [];
  for (const re of sp.extra ? [sp.scan, sp.extra] : [sp.scan]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(code))) {
      const kwStart = m.index + m[0].indexOf(m[1]!);
      hits.push({ kw: m[1]!, kwStart, open: m.index + m[0].length - 1, qual: qualifiers(code, kwStart) });
    }
  }
  hits.sort((a, b) => a.kwStart - b.kwStart);
  const starts = lineStarts(text);
  const out: CallSite[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    let found: Found[];
    try {
      found = sp.rules[hit.kw]?.(ctx, hit) ?? [];
    } catch {
      found = []; // a rule must never take the whole document down
    }
    if (found.length === 0) continue;
    const qual = hit.qual[hit.qual.length - 1];
    const calleeStart = qual && qual !== ')' ? code.lastIndexOf(qual, hit.kwStart - 1) : hit.kwStart;
    const line = lineOf(starts, calleeStart);
    const lineEnd = line + 1 < starts.length ? starts[line + 1]! - 1 : text.length;
    const close = hit.open >= 0 && code[hit.open] === '(' ? ctx.args(hit.open).close : -1;
    const end = close >= 0 && close < lineEnd ? close + 1 : lineEnd;
    const sep = qual && qual !== ')' ? code.slice(calleeStart + qual.length, hit.kwStart).replace(/\s+/g, '') : '';
    const call = qual && qual !== ')' ? `${qual}${sep}${hit.kw}` : hit.kw;
    for (const f of found) {
      const site: CallSite = {
        range: { line, start: calleeStart - starts[line]!, end: Math.max(calleeStart + 1, end) - starts[line]! },
        mechanism: f.mechanism,
        role: f.role,
        call,
        target: f.target,
      };
      if (f.sockType) site.sockType = f.sockType;
      if (f.via) site.viaConstant = f.via;
      const key = `${line}:${site.range.start}:${JSON.stringify(f.target, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(site);
    }
  }
  return out;
}
