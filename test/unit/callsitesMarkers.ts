// Test helper: the `@expect` markers of a call-site fixture, and the same descriptor form for found sites.

import type { CallSite } from '../../src/core/callsites';

function bytesForm(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x >= 0x21 && x <= 0x7e && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
  return s;
}

/** "unix listen path:/tmp/x.sock via=SOCK" */
export function describe_(s: CallSite): string {
  const t = s.target;
  let target: string;
  if (t.type === 'port') target = `port:${t.proto}:${t.port}`;
  else if (t.type === 'signal') target = `signal:${t.names.join(',')}`;
  else target = `${t.type}:${bytesForm(t.bytes)}`;
  return `${s.mechanism} ${s.role} ${target}${s.viaConstant ? ` via=${s.viaConstant}` : ''}`;
}

/** line (0-based) -> sorted descriptors expected there. */
export function expectedByLine(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split('\n').forEach((line, i) => {
    const m = /@expect (.*)$/.exec(line);
    if (m) out.set(i, m[1]!.replace(/\s*\*\/\s*$/, '').split(' | ').map((x) => x.trim()).sort());
  });
  return out;
}

export function foundByLine(sites: CallSite[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const s of sites) {
    const l = out.get(s.range.line) ?? [];
    l.push(describe_(s));
    out.set(s.range.line, l.sort());
  }
  return out;
}
