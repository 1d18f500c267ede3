// Go call sites: net.Listen/Dial/ListenPacket (and the *Unix/*TCP/*UDP variants with address structs),
// http.ListenAndServe, syscall/unix Mkfifo, signal.Notify.

import type { Ctx, Span } from '../context';
import { parseHostPort, text } from '../context';
import { found, lastQual, namedObject, portOf, portTarget, signalNames, strValue, unixTarget, type Found, type Hit, type Rule } from './common';

const NETWORKS: Record<string, { mech: 'unix' | 'tcp' | 'udp'; sockType?: 'stream' | 'dgram' | 'seqpacket' }> = {
  unix: { mech: 'unix', sockType: 'stream' }, unixgram: { mech: 'unix', sockType: 'dgram' }, unixpacket: { mech: 'unix', sockType: 'seqpacket' },
  tcp: { mech: 'tcp' }, tcp4: { mech: 'tcp' }, tcp6: { mech: 'tcp' }, udp: { mech: 'udp' }, udp4: { mech: 'udp' }, udp6: { mech: 'udp' },
};

function netCall(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  // net.Listen("tcp", …) and ListenConfig.Listen(ctx, "tcp", …): the address follows the network argument.
  let k = -1;
  let net: (typeof NETWORKS)[string] | undefined;
  for (let i = 0; i < Math.min(args.length, 3) && k < 0; i++) {
    const s = strValue(ctx.value(args[i]!));
    if (s && NETWORKS[text(s.bytes)]) { k = i; net = NETWORKS[text(s.bytes)]; }
  }
  if (!net) return [];
  const role = hit.kw.startsWith('Dial') ? 'connect' : 'listen';
  // DialUnix(net, laddr, raddr): the remote address is the one that says where we connect.
  const rest = args.slice(k + 1).filter((a) => ctx.slice(a) !== 'nil');
  const addr: Span | undefined = role === 'connect' ? rest[rest.length - 1] : rest[0];
  if (!addr) return [];
  const v = ctx.value(addr);
  if (net.mech === 'unix') {
    let s = strValue(v);
    if (!s && v?.kind === 'expr') {
      const name = ctx.field(v, /Name/);
      s = name ? strValue(ctx.value(name)) : undefined;
      if (s && !s.via && v.via) s = { ...s, via: v.via };
    }
    const t = s && unixTarget(s.bytes, true);
    return t ? [found('unix', role, t, { sockType: net.sockType, via: s?.via })] : [];
  }
  const p = v?.kind === 'str' ? (parseHostPort(text(v.bytes)) && portOf(ctx, v)) : portOf(ctx, v);
  return p ? [found(net.mech, role, portTarget(p, net.mech, role), { via: p.via })] : [];
}

function listenAndServe(ctx: Ctx, hit: Hit): Found[] {
  const { args } = ctx.args(hit.open);
  const p = args[0] && portOf(ctx, ctx.value(args[0]));
  return p ? [found('tcp', 'listen', portTarget(p, 'tcp', 'listen'), { via: p.via })] : [];
}

function notify(ctx: Ctx, hit: Hit): Found[] {
  if (lastQual(hit) !== 'signal') return [];
  const { args } = ctx.args(hit.open);
  const names: string[] = [];
  for (const a of args.slice(1)) {
    const t = ctx.slice(a);
    for (const n of signalNames(t)) if (!names.includes(n)) names.push(n);
    if (/\bos\s*\.\s*Interrupt\b/.test(t) && !names.includes('SIGINT')) names.push('SIGINT');
    if (/\bos\s*\.\s*Kill\b/.test(t) && !names.includes('SIGKILL')) names.push('SIGKILL');
  }
  return names.length ? [found('signal', 'handle', { type: 'signal', names })] : [];
}

const RULES: Record<string, Rule> = {
  Mkfifo: (ctx, hit) => namedObject(ctx, hit, 0, 'fifo'),
  Mkfifoat: (ctx, hit) => namedObject(ctx, hit, 1, 'fifo'),
  ListenAndServe: listenAndServe, ListenAndServeTLS: listenAndServe,
  Notify: notify, NotifyContext: notify,
};
for (const k of ['Listen', 'Dial', 'DialTimeout', 'ListenPacket', 'ListenUnix', 'ListenUnixgram', 'DialUnix', 'ListenTCP', 'DialTCP', 'ListenUDP', 'DialUDP', 'DialContext']) RULES[k] = netCall;

export const go = { keywords: Object.keys(RULES), rules: RULES };
