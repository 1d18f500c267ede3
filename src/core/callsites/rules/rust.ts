// Rust call sites: std/tokio Unix and inet sockets, nix/libc mkfifo, shm_open, mq_open, signal-hook, tokio and nix signals.

import type { Ctx } from '../context';
import { text } from '../context';
import type { UnixSockType } from '../types';
import { found, lastQual, looksLikeSocket, namedObject, nameTarget, portOf, portTarget, signalNames, strValue, unixTarget, type Found, type Hit, type Rule } from './common';

const UNIX_TYPES: Record<string, UnixSockType> = {
  UnixListener: 'stream', UnixStream: 'stream', UnixDatagram: 'dgram', UnixSeqpacketListener: 'seqpacket', UnixSeqpacket: 'seqpacket',
};
const INET: Record<string, 'tcp' | 'udp'> = { TcpListener: 'tcp', TcpStream: 'tcp', UdpSocket: 'udp', TcpSocket: 'tcp' };

/** tokio::signal::unix::SignalKind constructors. */
const SIGNAL_KINDS: Record<string, string> = {
  user_defined1: 'SIGUSR1', user_defined2: 'SIGUSR2', interrupt: 'SIGINT', terminate: 'SIGTERM', hangup: 'SIGHUP',
  quit: 'SIGQUIT', child: 'SIGCHLD', alarm: 'SIGALRM', pipe: 'SIGPIPE', window_change: 'SIGWINCH', io: 'SIGIO',
};

function signalsIn(code: string): string[] {
  const names = signalNames(code);
  for (const m of code.matchAll(/SignalKind\s*::\s*(\w+)/g)) {
    const n = SIGNAL_KINDS[m[1]!];
    if (n && !names.includes(n)) names.push(n);
  }
  return names;
}

function socketCall(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  const q = lastQual(hit);
  const role = hit.kw === 'bind' ? 'listen' : 'connect';
  const v = ctx.value(args[0]);
  const sockType = UNIX_TYPES[q];
  if (sockType) {
    const s = strValue(v);
    const t = s && unixTarget(s.bytes);
    return t ? [found('unix', role, t, { sockType, via: s.via })] : [];
  }
  const proto = INET[q];
  if (proto) {
    const p = portOf(ctx, v);
    return p ? [found(proto, role, portTarget(p, proto, role), { via: p.via })] : [];
  }
  // An instance method (`sock.connect("…")`): a path-like literal is a Unix socket, "host:port" a port.
  const s = strValue(v);
  if (!s) return [];
  if (looksLikeSocket(s.bytes)) {
    const t = unixTarget(s.bytes);
    return t ? [found('unix', role, t, { via: s.via })] : [];
  }
  const p = portOf(ctx, v);
  return p && /:\d+$/.test(text(s.bytes)) ? [found('inet', role, portTarget(p, 'any', role), { via: p.via })] : [];
}

/** `SocketAddr::from_abstract_name(b"…")` / `from_pathname("…")`: the role comes from the bind/connect that follows. */
function socketAddr(ctx: Ctx, hit: Hit): Found[] {
  if (lastQual(hit) !== 'SocketAddr') return [];
  const { args, close } = ctx.args(hit.open);
  const s = args[0] && strValue(ctx.value(args[0]));
  if (!s || s.bytes.length === 0) return [];
  const next = ctx.firstAfter(/\b(UnixListener|UnixStream|UnixDatagram)\s*::\s*(bind_addr|connect_addr)\b|\.\s*(bind_addr|connect_addr)\b/, close < 0 ? hit.open : close, 600);
  const role = next && (next[2] ?? next[3]) === 'connect_addr' ? 'connect' : 'listen';
  const sockType = next?.[1] ? UNIX_TYPES[next[1]] : undefined;
  const target = hit.kw === 'from_abstract_name' ? nameTarget('abstract', s.bytes) : unixTarget(s.bytes);
  return target ? [found('unix', role, target, { sockType, via: s.via })] : [];
}

function signalCall(ctx: Ctx, hit: Hit): Found[] {
  const q = lastQual(hit);
  if (hit.kw === 'ctrl_c') return q === 'signal' ? [found('signal', 'handle', { type: 'signal', names: ['SIGINT'] })] : [];
  if (hit.kw === 'new' && q !== 'Signals' && q !== 'SignalsInfo') return [];
  if (hit.kw === 'register' && !/^(?:flag|low_level|signal_hook|iterator)$/.test(q)) return [];
  const { args } = ctx.args(hit.open);
  const first = args[0];
  if (!first) return [];
  let names = signalsIn(ctx.slice(first));
  if (names.length === 0) {
    // A named array: `Signals::new(TERM_SIGNALS)` / `Signals::new(&SIGS)`.
    const v = ctx.value(first);
    if (v?.kind === 'expr') names = signalsIn(ctx.slice(v));
  }
  return names.length ? [found('signal', 'handle', { type: 'signal', names })] : [];
}

const RULES: Record<string, Rule> = {
  bind: socketCall,
  connect: socketCall,
  from_abstract_name: socketAddr,
  from_pathname: socketAddr,
  mkfifo: (ctx, hit) => namedObject(ctx, hit, 0, 'fifo'),
  mkfifoat: (ctx, hit) => namedObject(ctx, hit, 1, 'fifo'),
  shm_open: (ctx, hit) => namedObject(ctx, hit, 0, 'shm'),
  mq_open: (ctx, hit) => namedObject(ctx, hit, 0, 'mq'),
  new: signalCall,
  register: signalCall,
  signal: signalCall,
  sigaction: signalCall,
  ctrl_c: signalCall,
};

export const rust = { keywords: Object.keys(RULES), rules: RULES };
