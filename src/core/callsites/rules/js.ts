// JavaScript/TypeScript (Node) call sites: server.listen(path | port | {port} | {path}), net.connect /
// createConnection, dgram bind, mkfifo through child_process, process.on('SIGUSR1').

import type { Ctx, Value } from '../context';
import { text } from '../context';
import { found, lastQual, looksLikeSocket, nameTarget, portOf, portTarget, stripNul, strValue, unixTarget, type Found, type Hit, type Rule } from './common';

/** A listen/connect argument: a path string, a port number, or an options object with path or port. */
function endpointArg(ctx: Ctx, v: Value | undefined, role: 'listen' | 'connect', strict: boolean, proto: 'tcp' | 'udp'): Found[] {
  if (!v) return [];
  if (v.kind === 'str') {
    if (strict && !looksLikeSocket(v.bytes)) return [];
    const t = unixTarget(v.bytes);
    return t ? [found('unix', role, t, { sockType: 'stream', via: v.via })] : [];
  }
  if (v.kind === 'num') {
    const p = portOf(ctx, v);
    return p ? [found(proto, role, portTarget(p, proto, role), { via: p.via })] : [];
  }
  if (ctx.code[v.start] !== '{') return [];
  const path = ctx.field(v, /path/);
  if (path) {
    const s = strValue(ctx.value(path));
    const t = s && unixTarget(s.bytes);
    return t ? [found('unix', role, t, { sockType: 'stream', via: s.via ?? v.via })] : [];
  }
  const p = portOf(ctx, v);
  return p ? [found(proto, role, portTarget(p, proto, role), { via: p.via ?? v.via })] : [];
}

function listen(ctx: Ctx, hit: Hit): Found[] {
  if (hit.qual.length === 0) return [];
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  const v = ctx.value(args[0]);
  const out = endpointArg(ctx, v, 'listen', false, 'tcp');
  // listen(port, host): keep the host for the title.
  const host = args[1] && strValue(ctx.value(args[1]));
  const f = out[0];
  if (f && f.target.type === 'port' && host && f.target.host === undefined) f.target.host = text(host.bytes);
  return out;
}

function connect(ctx: Ctx, hit: Hit): Found[] {
  const q = lastQual(hit);
  if (hit.qual.length === 0) return [];
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  // net.connect / net.createConnection / tls.connect are sure; `x.connect(...)` is anything with a connect method.
  const sure = q === 'net' || q === 'tls';
  if (!sure && hit.kw === 'createConnection') return [];
  return endpointArg(ctx, ctx.value(args[0]), 'connect', !sure, 'tcp');
}

/** dgram: `socket.bind(9000)`, `socket.bind({ port: 9000 })`; never `fn.bind(this)`. */
function dgramBind(ctx: Ctx, hit: Hit): Found[] {
  if (hit.qual.length === 0) return [];
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  const v = ctx.value(args[0]);
  if (!v || v.kind === 'str') return [];
  return endpointArg(ctx, v, 'listen', true, 'udp');
}

/** spawn('mkfifo', ['-m', '600', '/tmp/x']) / execSync('mkfifo /tmp/x'). */
function mkfifoProcess(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const cmd = args[0] && strValue(ctx.value(args[0]));
  if (!cmd) return [];
  const c = text(cmd.bytes);
  if (c === 'mkfifo' && args[1] && ctx.code[args[1].start] === '[') {
    const inner = ctx.args(args[1].start);
    const last = inner.args[inner.args.length - 1];
    const s = last && strValue(ctx.value(last));
    const bytes = s && stripNul(s.bytes);
    return bytes && bytes.length ? [found('fifo', 'create', nameTarget('fifo', bytes), { via: s.via })] : [];
  }
  const m = /^mkfifo(?:\s+-m\s+\S+)?\s+(\S+)$/.exec(c);
  if (m && !/[$`'"]/.test(m[1]!)) return [found('fifo', 'create', nameTarget('fifo', Buffer.from(m[1]!, 'utf8')))];
  return [];
}

function processSignal(ctx: Ctx, hit: Hit): Found[] {
  if (lastQual(hit) !== 'process') return [];
  const { args } = ctx.args(hit.open);
  const s = args[0] && strValue(ctx.value(args[0]));
  const name = s && text(s.bytes);
  return name && /^SIG[A-Z0-9]+$/.test(name) ? [found('signal', 'handle', { type: 'signal', names: [name] })] : [];
}

const RULES: Record<string, Rule> = {
  listen,
  connect, createConnection: connect,
  bind: dgramBind,
  spawn: mkfifoProcess, spawnSync: mkfifoProcess, execFile: mkfifoProcess, execFileSync: mkfifoProcess,
  exec: mkfifoProcess, execSync: mkfifoProcess,
  on: processSignal, once: processSignal, addListener: processSignal, prependListener: processSignal,
};

export const js = { keywords: Object.keys(RULES), rules: RULES };
