// C and C++ call sites: sun_path copies (path and abstract), mkfifo, shm_open, mq_open, htons ports, getaddrinfo,
// asio endpoints, signal/sigaction.

import type { Ctx, Span } from '../context';
import { text } from '../context';
import { found, lastQual, namedObject, portOf, portTarget, signalNames, sockTypeBefore, strValue, unixTarget, type Found, type Hit, type Rule } from './common';

/** bind/connect/listen nearest after the address is filled in (else before it). */
function roleNear(ctx: Ctx, pos: number): 'listen' | 'connect' | undefined {
  const after = ctx.firstAfter(/\b(bind|connect|listen)\s*\(/, pos, 2500);
  if (after) return after[1] === 'connect' ? 'connect' : 'listen';
  const before = ctx.lastBefore(/\b(bind|connect|listen)\s*\(/g, pos, 1500);
  if (before) return before[1] === 'connect' ? 'connect' : 'listen';
  return undefined;
}

/** `strncpy(addr.sun_path, "…", n)`, `snprintf(a.sun_path, sizeof …, "%s", "…")`, `memcpy(a.sun_path + 1, "…", n)`. */
function sunPathCopy(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const dst = args[0];
  if (!dst || !/\bsun_path\b/.test(ctx.slice(dst))) return [];
  let src: Span | undefined;
  if (hit.kw === 'snprintf' || hit.kw === 'sprintf') {
    const fmtIdx = hit.kw === 'snprintf' ? 2 : 1;
    const fmt = args[fmtIdx] && strValue(ctx.value(args[fmtIdx]));
    if (!fmt) return [];
    const f = text(fmt.bytes);
    if (f === '%s') src = args[fmtIdx + 1];
    else if (!f.includes('%')) src = args[fmtIdx];
    else return [];
  } else {
    src = args[1];
  }
  const v = src && strValue(ctx.value(src));
  if (!v || v.bytes.length === 0) return [];
  // Writing past sun_path[0] (left as NUL) makes the address abstract.
  const offset = /sun_path\s*(?:\+\s*1\b|\[\s*1\s*\])/.test(ctx.slice(dst));
  const bytes = offset ? Uint8Array.from([0, ...v.bytes]) : v.bytes;
  const target = hit.kw === 'memcpy' || offset || bytes[0] === 0 ? unixTarget(bytes) : unixTarget(stripAtNul(bytes));
  if (!target) return [];
  return [found('unix', roleNear(ctx, hit.kwStart) ?? 'listen', target, { sockType: sockTypeBefore(ctx, hit.kwStart), via: v.via })];
}

function stripAtNul(b: Uint8Array): Uint8Array {
  const z = b.indexOf(0);
  return z < 0 ? b : b.subarray(0, z);
}

/** `.sun_path = "…"` in a designated initializer. */
function sunPathInit(ctx: Ctx, hit: Hit): Found[] {
  const rest = ctx.trim(hit.open + 1, Math.min(ctx.code.length, hit.open + 400));
  const end = /[,}]/.exec(ctx.code.slice(rest.start, rest.end));
  const v = strValue(ctx.value({ start: rest.start, end: end ? rest.start + end.index : rest.end }));
  const target = v && unixTarget(v.bytes);
  return target ? [found('unix', roleNear(ctx, hit.kwStart) ?? 'listen', target, { sockType: sockTypeBefore(ctx, hit.kwStart), via: v.via })] : [];
}

/** `htons(8080)` (or a #define'd port) near a bind/connect; UDP when the socket was made with SOCK_DGRAM. */
function htons(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const p = args.length === 1 ? portOf(ctx, ctx.value(args[0]!)) : undefined;
  if (!p) return [];
  const role = roleNear(ctx, hit.kwStart);
  if (!role) return [];
  const t = sockTypeBefore(ctx, hit.kwStart, 4000);
  const proto = t === 'dgram' ? 'udp' : t === 'stream' ? 'tcp' : 'any';
  return [found(proto === 'any' ? 'inet' : proto, role, portTarget(p, proto, role), { via: p.via })];
}

/** `getaddrinfo(host, "8080", &hints, &res)`: AI_PASSIVE or a following bind means listen. */
function getaddrinfo(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const s = args[1] && strValue(ctx.value(args[1]));
  const port = s && /^\d{1,5}$/.test(text(s.bytes)) ? Number(text(s.bytes)) : 0;
  if (port < 1 || port > 65535) return [];
  const passive = ctx.lastBefore(/\bAI_PASSIVE\b/g, hit.kwStart, 1500) !== null;
  const role = passive ? 'listen' : roleNear(ctx, hit.kwStart) ?? 'connect';
  const t = sockTypeBefore(ctx, hit.kwStart, 1500);
  const proto = t === 'dgram' ? 'udp' : t === 'stream' ? 'tcp' : 'any';
  return [found(proto === 'any' ? 'inet' : proto, role, portTarget({ port }, proto, role), { via: s?.via })];
}

/** asio: `tcp::endpoint(tcp::v4(), 8080)`; an acceptor or bind nearby makes it a listener. */
function asioEndpoint(ctx: Ctx, hit: Hit): Found[] {
  const q = lastQual(hit);
  if (q !== 'tcp' && q !== 'udp') return [];
  const { args } = ctx.args(hit.open);
  if (args.length !== 2) return [];
  const p = portOf(ctx, ctx.value(args[1]!));
  if (!p) return [];
  const line = ctx.code.slice(ctx.code.lastIndexOf('\n', hit.kwStart) + 1, hit.kwStart);
  const role = /acceptor|bind|open/.test(line) || q === 'udp' ? 'listen' : 'connect';
  return [found(q, role, portTarget(p, q, role), { via: p.via })];
}

function signalCall(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  let names = signalNames(ctx.slice(args[0]));
  if (names.length === 0) {
    const v = ctx.value(args[0]);
    if (v?.kind === 'num' && v.via) names = signalNames(v.via);
  }
  // `sigaction(sig, …)` inside a helper: no literal signal, nothing to show.
  return names.length ? [found('signal', 'handle', { type: 'signal', names })] : [];
}

const RULES: Record<string, Rule> = {
  strncpy: sunPathCopy, strcpy: sunPathCopy, strlcpy: sunPathCopy, stpcpy: sunPathCopy, stpncpy: sunPathCopy,
  memcpy: sunPathCopy, snprintf: sunPathCopy, sprintf: sunPathCopy,
  sun_path: sunPathInit,
  mkfifo: (ctx, hit) => namedObject(ctx, hit, 0, 'fifo'),
  mkfifoat: (ctx, hit) => namedObject(ctx, hit, 1, 'fifo'),
  shm_open: (ctx, hit) => namedObject(ctx, hit, 0, 'shm'),
  mq_open: (ctx, hit) => namedObject(ctx, hit, 0, 'mq'),
  htons: htons,
  getaddrinfo,
  endpoint: asioEndpoint,
  signal: signalCall,
  sigaction: signalCall,
};

export const c = {
  keywords: Object.keys(RULES).filter((k) => k !== 'sun_path'),
  /** `.sun_path = ` is matched with its '=' standing in for '('. */
  extra: /\.\s*(sun_path)\s*(=)(?!=)/g,
  rules: RULES,
};
