// Helpers shared by the per-language rules: the hit being examined and how its target is built.

import type { Ctx, Span, Value } from '../context';
import { parseHostPort, text } from '../context';
import type { CallMechanism, CallRole, CallTarget, NameTarget, PortTarget, UnixSockType } from '../types';

/** One keyword match: `kw` at `kwStart`, its '(' at `open` (or -1), and the qualifiers before it, nearest last. */
export interface Hit {
  kw: string;
  kwStart: number;
  open: number;
  qual: string[];
}

/** What a rule found; the finder adds the range and call name. */
export interface Found {
  mechanism: CallMechanism;
  role: CallRole;
  target: CallTarget;
  sockType?: UnixSockType;
  via?: string;
}

export type Rule = (ctx: Ctx, hit: Hit) => Found[];

export function lastQual(hit: Hit): string {
  return hit.qual[hit.qual.length - 1] ?? '';
}

export function nameTarget(type: NameTarget['type'], bytes: Uint8Array): NameTarget {
  return { type, bytes, value: text(bytes) };
}

/** A Unix socket address: a leading NUL (or '@' in Go) means the abstract namespace. */
export function unixTarget(bytes: Uint8Array, atIsAbstract = false): NameTarget | undefined {
  if (bytes.length === 0) return undefined;
  if (bytes[0] === 0 || (atIsAbstract && bytes[0] === 0x40)) {
    // Drop the terminator some C code copies along with the name ("\0name" has no trailing NUL in the kernel's view).
    let b = bytes.subarray(1);
    while (b.length > 0 && b[b.length - 1] === 0) b = b.subarray(0, b.length - 1);
    return b.length ? nameTarget('abstract', b) : undefined;
  }
  return nameTarget('path', stripNul(bytes));
}

/** A name for a syscall that stops at the first NUL (mkfifo, shm_open, mq_open, sun_path via strcpy). */
export function stripNul(bytes: Uint8Array): Uint8Array {
  const z = bytes.indexOf(0);
  return z < 0 ? bytes : bytes.subarray(0, z);
}

export function strValue(v: Value | undefined): { bytes: Uint8Array; via?: string } | undefined {
  return v?.kind === 'str' ? (v.via ? { bytes: v.bytes, via: v.via } : { bytes: v.bytes }) : undefined;
}

/** Whether a string reads as a socket address on its own: abstract, `*.sock`, or under a run directory. */
export function looksLikeSocket(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes[0] === 0) return true;
  const s = text(bytes);
  if (/^[a-z][\w+.-]*:\/\//i.test(s)) return false;
  return /\.(?:sock|socket|ipc)$/.test(s) || /^(?:\/var)?\/run\//.test(s) || /(?:^|\/)[^/]*sock[^/]*$/.test(s);
}

/** Whether a string passed to an ambiguous `connect`/`bind` reads as a socket path rather than a URL or host. */
export function looksLikePath(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes[0] === 0) return true;
  const s = text(bytes);
  if (/^[a-z][\w+.-]*:\/\//i.test(s)) return false;
  return s.startsWith('/') || s.startsWith('./') || s.startsWith('../') || /\.(?:sock|socket|ipc)$/.test(s);
}

/** Port from an evaluated argument: "host:port" string, a number, or a tuple / struct / object with a port. */
export function portOf(ctx: Ctx, v: Value | undefined, depth = 0): { port: number; host?: string; via?: string } | undefined {
  if (!v || depth > 3) return undefined;
  const withVia = <T extends object>(x: T | undefined): (T & { via?: string }) | undefined => (x && v.via ? { ...x, via: v.via } : x);
  if (v.kind === 'num') return v.n >= 1 && v.n <= 65535 ? withVia({ port: v.n }) : undefined;
  if (v.kind === 'str') return withVia(parseHostPort(text(v.bytes)));
  const span: Span = { start: v.start, end: v.end };
  const f = ctx.field(span, /[Pp]ort/);
  if (f) {
    const p = portOf(ctx, ctx.value(f), depth + 1);
    const h = ctx.field(span, /host|IP|hostname/);
    const hv = h ? ctx.value(h) : undefined;
    return p && withVia(hv?.kind === 'str' ? { ...p, host: text(hv.bytes) } : p);
  }
  const kw = /(?:^|[(,\s])port\s*=(?!=)\s*/.exec(ctx.slice(span));
  if (kw) {
    const from = span.start + kw.index + kw[0].length;
    const end = /[,)]/.exec(ctx.code.slice(from, span.end));
    return withVia(portOf(ctx, ctx.value({ start: from, end: end ? from + end.index : span.end }), depth + 1));
  }
  // A tuple or constructor whose last element is the port: ("0.0.0.0", 8080), SocketAddr::from(([127,0,0,1], 8080)).
  const code = ctx.code;
  let end = span.end;
  while (end > span.start && (code[end - 1] === ')' || /\s/.test(code[end - 1]!))) end--;
  const comma = code.lastIndexOf(',', end);
  if (comma < span.start) return undefined;
  const last = ctx.value({ start: comma + 1, end });
  const p = portOf(ctx, last?.kind === 'expr' ? undefined : last, depth + 1);
  if (!p) return undefined;
  // The host is the first string literal of the tuple, if any.
  const open = code.lastIndexOf('(', comma);
  const host = open >= span.start ? ctx.value({ start: open + 1, end: comma }) : undefined;
  return withVia(host?.kind === 'str' ? { ...p, host: text(host.bytes) } : p);
}

export function portTarget(p: { port: number; host?: string }, proto: PortTarget['proto'], role: PortTarget['role']): PortTarget {
  return p.host === undefined ? { type: 'port', port: p.port, proto, role } : { type: 'port', port: p.port, proto, role, host: p.host };
}

const SIG_RE = /\bSIG(?:RTMIN|RTMAX)(?:\s*[+-]\s*\d+)?|\bSIG[A-Z][A-Z0-9]*\b/g;

/** Signal names mentioned in masked code (SIGUSR1, libc::SIGTERM, Signal::SIGHUP, SIGRTMIN+2). */
export function signalNames(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(SIG_RE)) {
    const n = m[0].replace(/\s+/g, '');
    if (!n.startsWith('SIG_') && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Nearest SOCK_* before `pos`: the socket type the code created. */
export function sockTypeBefore(ctx: Ctx, pos: number, dist = 2500): UnixSockType | undefined {
  const m = ctx.lastBefore(/\bSOCK_(STREAM|DGRAM|SEQPACKET)\b/g, pos, dist);
  return m ? (m[1]!.toLowerCase() as UnixSockType) : undefined;
}

export function found(mechanism: CallMechanism, role: CallRole, target: CallTarget, extra: { sockType?: UnixSockType | undefined; via?: string | undefined } = {}): Found {
  const f: Found = { mechanism, role, target };
  if (extra.sockType) f.sockType = extra.sockType;
  if (extra.via) f.via = extra.via;
  return f;
}

/** A name for shm_open / mq_open / mkfifo from the argument at `idx`, with create-or-open from O_CREAT. */
export function namedObject(ctx: Ctx, hit: Hit, idx: number, type: 'fifo' | 'shm' | 'mq'): Found[] {
  if (hit.open < 0) return [];
  const { args } = ctx.args(hit.open);
  const a = args[idx];
  const v = a && strValue(ctx.value(a));
  if (!v || v.bytes.length === 0) return [];
  const bytes = stripNul(v.bytes);
  if (bytes.length === 0) return [];
  const mech = type === 'fifo' ? 'fifo' : type;
  const role: CallRole = type === 'fifo' ? 'create' : /O_CREAT|create\s*=\s*True/.test(args.slice(idx + 1).map((s) => ctx.slice(s)).join(',')) ? 'create' : 'open';
  return [found(mech, role, nameTarget(type, bytes), { via: v.via })];
}
