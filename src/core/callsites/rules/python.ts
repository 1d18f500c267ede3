// Python call sites: socket bind/connect (paths, abstract, (host, port)), socketserver, asyncio, os.mkfifo,
// shared memory and message queues (multiprocessing, posix_ipc), signal.signal.

import type { Ctx, Span } from '../context';
import { found, lastQual, looksLikePath, looksLikeSocket, namedObject, nameTarget, portOf, portTarget, signalNames, sockTypeBefore, stripNul, strValue, unixTarget, type Found, type Hit, type Rule } from './common';

function inetProto(ctx: Ctx, pos: number): 'tcp' | 'udp' | 'any' {
  const t = sockTypeBefore(ctx, pos, 2500);
  return t === 'dgram' ? 'udp' : t === 'stream' ? 'tcp' : 'any';
}

const DB_MODULES = /^(?:sqlite3|aiosqlite|apsw|duckdb|psycopg2?|asyncpg|pymysql|MySQLdb|mysql|redis|pika|zmq|ctx|context)$/;

/** `sock.bind("/path")`, `s.connect(b"\0name")`, `s.bind(("", 8080))`, `s.connect(ADDR)`. */
function sockCall(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  if (args.length !== 1) return [];
  const role = hit.kw === 'bind' ? 'listen' : 'connect';
  const v = ctx.value(args[0]!);
  if (v?.kind === 'str') {
    // A string address is AF_UNIX: take it when it reads as a socket, or when AF_UNIX is said nearby and the
    // receiver is not a database module (`sqlite3.connect("/tmp/cache.db")`).
    const unix = ctx.lastBefore(/\bAF_UNIX\b/g, hit.kwStart, 2500) !== null && !DB_MODULES.test(lastQual(hit)) && looksLikePath(v.bytes);
    if (!unix && !looksLikeSocket(v.bytes)) return [];
    const t = unixTarget(v.bytes);
    return t ? [found('unix', role, t, { sockType: sockTypeBefore(ctx, hit.kwStart), via: v.via })] : [];
  }
  if (v?.kind !== 'expr' || ctx.code[v.start] !== '(') return [];
  const p = portOf(ctx, v);
  if (!p) return [];
  const proto = inetProto(ctx, hit.kwStart);
  return [found(proto === 'any' ? 'inet' : proto, role, portTarget(p, proto, role), { via: p.via ?? v.via })];
}

const UNIX_SERVERS = /^(?:Threading|Forking)?Unix(Stream|Datagram)Server$/;
const INET_SERVERS = /^(?:Threading|Forking)?(TCP|UDP|HTTP|XMLRPC|WSGI)Server$/;

function serverCtor(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const addr = args[0] && (ctx.kwarg(args, 'server_address') ?? args[0]);
  if (!addr) return [];
  const v = ctx.value(addr);
  const u = UNIX_SERVERS.exec(hit.kw);
  if (u) {
    const s = strValue(v);
    const t = s && unixTarget(s.bytes);
    return t ? [found('unix', 'listen', t, { sockType: u[1] === 'Datagram' ? 'dgram' : 'stream', via: s.via })] : [];
  }
  const i = INET_SERVERS.exec(hit.kw);
  const p = i ? portOf(ctx, v) : undefined;
  if (!i || !p) return [];
  const proto = i[1] === 'UDP' ? 'udp' : 'tcp';
  return [found(proto, 'listen', portTarget(p, proto, 'listen'), { via: p.via })];
}

/** socket.create_server((host, port)) / create_connection((host, port)). */
function createSocket(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const a = ctx.kwarg(args, 'address') ?? args[0];
  const p = a && portOf(ctx, ctx.value(a));
  if (!p) return [];
  const role = hit.kw === 'create_server' ? 'listen' : 'connect';
  return [found('tcp', role, portTarget(p, 'tcp', role), { via: p.via })];
}

/** asyncio: start_unix_server(cb, path=…), open_unix_connection(path), start_server(cb, host, port), open_connection(host, port). */
function asyncioCall(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const server = hit.kw.startsWith('start_');
  if (hit.kw.includes('unix')) {
    const a = ctx.kwarg(args, 'path') ?? args[server ? 1 : 0];
    const s = a && strValue(ctx.value(a));
    const t = s && unixTarget(s.bytes);
    return t ? [found('unix', server ? 'listen' : 'connect', t, { sockType: 'stream', via: s.via })] : [];
  }
  const a = ctx.kwarg(args, 'port') ?? args[server ? 2 : 1];
  const p = a && portOf(ctx, ctx.value(a));
  if (!p) return [];
  const role = server ? 'listen' : 'connect';
  return [found('tcp', role, portTarget(p, 'tcp', role), { via: p.via })];
}

/** loop.create_datagram_endpoint(factory, local_addr=(h, p) | remote_addr=(h, p)). */
function datagramEndpoint(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const local = ctx.kwarg(args, 'local_addr');
  const a: Span | undefined = local ?? ctx.kwarg(args, 'remote_addr');
  const p = a && portOf(ctx, ctx.value(a));
  if (!p) return [];
  const role = local ? 'listen' : 'connect';
  return [found('udp', role, portTarget(p, 'udp', role), { via: p.via })];
}

/** multiprocessing.shared_memory.SharedMemory(name=…, create=True) and posix_ipc.SharedMemory("/name", O_CREAT). */
function sharedMemory(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const a = ctx.kwarg(args, 'name') ?? (args[0] && !/^\w+\s*=/.test(ctx.slice(args[0])) ? args[0] : undefined);
  const s = a && strValue(ctx.value(a));
  if (!s) return [];
  const bytes = stripNul(s.bytes);
  if (bytes.length === 0) return [];
  const all = args.map((x) => ctx.slice(x)).join(',');
  const role = /create\s*=\s*True|O_CREAT/.test(all) ? 'create' : 'open';
  return [found('shm', role, nameTarget('shm', bytes), { via: s.via })];
}

function signalCall(ctx: Ctx, hit: Hit): Found[] {
  if (hit.kw === 'signal' && lastQual(hit) !== 'signal') return [];
  const { args } = ctx.args(hit.open);
  if (!args[0]) return [];
  const names = signalNames(ctx.slice(args[0]));
  return names.length ? [found('signal', 'handle', { type: 'signal', names })] : [];
}

const RULES: Record<string, Rule> = {
  bind: sockCall, connect: sockCall, connect_ex: sockCall,
  create_server: createSocket, create_connection: createSocket,
  start_unix_server: asyncioCall, open_unix_connection: asyncioCall, start_server: asyncioCall, open_connection: asyncioCall,
  create_datagram_endpoint: datagramEndpoint,
  mkfifo: (ctx, hit) => namedObject(ctx, hit, 0, 'fifo'),
  SharedMemory: sharedMemory,
  MessageQueue: (ctx, hit) => namedObject(ctx, hit, 0, 'mq'),
  signal: signalCall, add_signal_handler: signalCall,
};
for (const k of ['UnixStreamServer', 'UnixDatagramServer', 'TCPServer', 'UDPServer', 'HTTPServer', 'XMLRPCServer', 'WSGIServer']) {
  for (const p of ['', 'Threading', 'Forking']) {
    if (p && (k === 'XMLRPCServer' || k === 'WSGIServer')) continue;
    RULES[p + k] = serverCtor;
  }
}

export const python = { keywords: Object.keys(RULES), rules: RULES };
