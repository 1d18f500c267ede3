// Plain-text table of a snapshot for `ipc-inspector ls`: every machine string is escaped for the terminal.

import type { IpcObject, ProcessInfo, Snapshot } from './model';
import { escapeControl } from './names';
import type { ThreadSignals } from './procfs/signals';
import { countByCommand, extraDetails, formatBytes, formatQueue, hiddenProcessesHint, plural } from './format';
import { GROUPS, objectLabel } from './view/treeModel';

/** Widest a cell is padded to; holders and names beyond it are shortened (the JSON has them whole). */
const CELL = 60;

/**
 * Holders as `comm[pid]fd access`, as many as fit in one cell (at least one); the rest summed up by command,
 * so a pipe inherited by 100 workers stays one readable row: "... +107 more: python3 x107".
 */
function holders(o: IpcObject, procs: Map<number, ProcessInfo>): { text: string; cut: boolean } {
  const n = o.endpoints.length;
  if (n === 0) return { text: '-', cut: false };
  const comm = (pid: number): string => escapeControl(procs.get(pid)?.comm ?? '?');
  const all = o.endpoints.map((e) => `${comm(e.pid)}[${e.pid}]${e.fd === null ? 'map' : `${e.fd}${e.access}`}`);
  const whole = all.join(' ');
  if (displayWidth(whole) <= CELL) return { text: whole, cut: false };
  // As many as fit with the summary of the rest in one cell (at least one holder).
  const cell = (k: number): string => `${all.slice(0, k).join(' ')} +${n - k} more: ${countByCommand(o.endpoints.slice(k), comm)}`;
  let k = 1;
  while (k + 1 < n && displayWidth(cell(k + 1)) <= CELL) k++;
  const text = cell(k);
  // A summary of one holder that is no shorter than the holder itself says less in as much room.
  if (k === n - 1 && displayWidth(whole) <= displayWidth(text)) return { text: whole, cut: false };
  return { text, cut: true };
}

/**
 * Columns a string takes in a terminal: 2 for East Asian wide and fullwidth characters (CJK, Hangul, most emoji),
 * 0 for combining marks and zero-width joiners, 1 otherwise (names reach here with their controls escaped).
 */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f)
      || c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f)) continue;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) || (c >= 0xac00 && c <= 0xd7a3)
      || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)
      || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

/** A name longer than a cell keeps its start and its end (a path's directory and file), cut in the middle. */
function shortName(label: string): { text: string; cut: boolean } {
  if (displayWidth(label) <= CELL) return { text: label, cut: false };
  // By code points, so a cut never splits a surrogate pair (an emoji in a name) into a lone half; by columns, so a
  // name of wide characters is cut to the same width as any other.
  const chars = Array.from(label);
  const half = Math.floor((CELL - 3) / 2);
  let head = '';
  for (let i = 0; i < chars.length && displayWidth(head + chars[i]) <= half; i++) head += chars[i];
  let tail = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i] + tail) <= CELL - 3 - half; i--) tail = chars[i] + tail;
  return { text: `${head}...${tail}`, cut: true };
}

function details(o: IpcObject, byId: Map<string, IpcObject>, ownNetns: number | null): string {
  const parts: string[] = [];
  // Sockets of another network namespace (a container's): the same address may be listed once per namespace.
  if (typeof o['netns'] === 'number' && ownNetns !== null && o['netns'] !== ownNetns) parts.push(`netns=${o['netns']}`);
  // (A stale socket file records no socket type or state: 'stale' alone says what it is.)
  if (o.unix && o['stale'] !== true) {
    parts.push(`${o.unix.type}/${o.unix.state}`);
    if (o.unix.peer) parts.push(`peer=${byId.get(o.unix.peer)?.inode ?? o.unix.peer}`);
    if (o.unix.pendingConnections) parts.push(`pending=${o.unix.pendingConnections}`);
    if (o.unix.inflightFds) parts.push(`inflight-fds=${o.unix.inflightFds}`);
  }
  if (o.inet) {
    parts.push(`${o.inet.local}->${o.inet.remote ?? '*'} ${o.inet.state}`);
    if (o.inet.sendQueue) parts.push(`sendq=${formatBytes(o.inet.sendQueue)}`);
    if (o.inet.peer) {
      const p = byId.get(o.inet.peer);
      // A peer with no inode has no fd: a connection still in a listener's accept queue, or one closing.
      parts.push(`peer=${!p ? o.inet.peer : p.inode ? p.inode : p.inet?.state === 'ESTABLISHED' ? 'unaccepted' : 'orphan'}`);
    }
  }
  parts.push(...extraDetails(o));
  for (const f of o.findings) parts.push(`!${f.code}`);
  return parts.join(' ');
}

/** Left-aligned columns; the last column is not padded. */
function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.min(Math.max(widths[i] ?? 0, displayWidth(c)), CELL)));
  const pad = (c: string, w: number): string => c + ' '.repeat(Math.max(0, w - displayWidth(c)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The CLI's table; `viewerUid` (default: ours) picks the hint for processes that could not be inspected. */
export function renderTable(s: Snapshot, viewerUid = process.getuid?.() ?? -1): string {
  const procs = new Map(s.processes.map((p) => [p.pid, p]));
  const byId = new Map(s.objects.map((o) => [o.id, o]));
  const self = s.processes.find((p) => p.pid === s.self.pid);
  const ownNetns = typeof self?.netns === 'number' ? self.netns : null;
  const order = new Map<string, number>();
  GROUPS.forEach((g, i) => g.kinds.forEach((k) => order.set(k, i)));
  const objs = [...s.objects].sort((a, b) => (order.get(a.kind) ?? 99) - (order.get(b.kind) ?? 99) || a.inode - b.inode);
  const rows: string[][] = [['KIND', 'INODE', 'NAME', 'QUEUE', 'HOLDERS (comm[pid]fd access)', 'DETAILS']];
  let cut = 0;
  for (const o of objs) {
    const name = shortName(objectLabel(o));
    const held = holders(o, procs);
    if (name.cut || held.cut) cut++;
    // (eventfds and signalfds all share one anonymous inode: their id is in the name, the inode says nothing.)
    const inode = o.kind === 'eventfd' || o.kind === 'signalfd' ? '-' : String(o.inode);
    rows.push([o.kind, inode, name.text, o.queue ? formatQueue(o.queue) : '-', held.text, details(o, byId, ownNetns)]);
  }
  let out = columns(rows);
  // (Processes whose fds could not be read are seen, not inspected: the note below says why.)
  const inspected = s.processes.length - s.hidden.processes;
  out += `\n${plural(s.objects.length, 'object')}, ${plural(inspected, 'process', 'processes')} inspected`;
  if (s.hidden.processes) out += ` (${s.hidden.processes} more not inspectable)`;
  out += `, ${s.durationMs.toFixed(0)} ms\n`;
  if (cut) out += `note: long names and holder lists of ${cut} ${cut === 1 ? 'object are' : 'objects are'} shortened to fit; ls --json has them whole\n`;
  if (s.hidden.processes) out += `note: ${hiddenProcessesHint(s.hidden.processes, viewerUid)}\n`;
  for (const n of s.notes) out += `note: ${escapeControl(n)}\n`;
  return out;
}

/** A list of signal names in a cell: without the "SIG" prefix, cut at CELL characters with the count left out. */
function signalCell(names: readonly string[] | undefined): { text: string; cut: boolean } {
  if (!names?.length) return { text: '-', cut: false };
  const short = names.map((n) => escapeControl(n.replace(/^SIG/, '')));
  let text = '';
  for (let i = 0; i < short.length; i++) {
    const next = text ? `${text},${short[i]}` : short[i]!;
    const more = ` +${short.length - i - 1}`;
    if (next.length + (i < short.length - 1 ? more.length : 0) > CELL) return { text: `${text} +${short.length - i}`, cut: true };
    text = next;
  }
  return { text, cut: false };
}

/**
 * The threads of a process worth a row of their own: other than the main thread, with a mask that is not the
 * main thread's or signals pending for them alone.
 */
export function notableThreads(pid: number, mainBlocked: readonly string[], threads: readonly ThreadSignals[]): ThreadSignals[] {
  const main = mainBlocked.join(',');
  return threads.filter((t) => t.tid !== pid && (t.pending.length > 0 || t.blocked.join(',') !== main));
}

/**
 * `ls --signals`: each process's signal dispositions, mask and pending signals, one row per process with any;
 * with `threads` (each thread's own state, by pid), a row under it for each thread whose mask is not the main
 * thread's or that has signals pending for it alone (a process's status shows its main thread only).
 */
export function renderSignalTable(s: Snapshot, threads?: ReadonlyMap<number, readonly ThreadSignals[]>): string {
  const rows: string[][] = [['PID', 'COMM', 'CAUGHT', 'IGNORED', 'BLOCKED', 'PENDING (process; thread)']];
  let cut = 0;
  let shown = 0;
  let threadRows = 0;
  for (const p of [...s.processes].sort((a, b) => a.pid - b.pid)) {
    const sig = p.signals as Partial<Record<'caught' | 'ignored' | 'blocked' | 'pending' | 'pendingThread', string[]>> | undefined;
    if (!sig || typeof sig !== 'object') continue;
    const lists = [sig.caught, sig.ignored, sig.blocked, sig.pending, sig.pendingThread];
    const own = notableThreads(p.pid, sig.blocked ?? [], threads?.get(p.pid) ?? []);
    if (lists.every((l) => !l?.length) && !own.length) continue;
    const [caught, ignored, blocked, pending, thread] = lists.map(signalCell);
    const pend = thread!.text === '-' ? pending!.text : `${pending!.text}; thread ${thread!.text}`;
    if ([caught, ignored, blocked, pending, thread].some((c) => c!.cut)) cut++;
    shown++;
    rows.push([String(p.pid), escapeControl(p.comm), caught!.text, ignored!.text, blocked!.text, pend]);
    // Threads with signals pending for them get a row each; the others, grouped by mask (a runtime's worker
    // threads often all block everything), one row per mask.
    const groups = new Map<string, ThreadSignals[]>();
    for (const t of own) {
      const key = t.pending.length ? `tid ${t.tid}` : t.blocked.join(',');
      const g = groups.get(key);
      if (g) g.push(t);
      else groups.set(key, [t]);
    }
    for (const g of groups.values()) {
      const t = g[0]!;
      const [tb, tp] = [signalCell(t.blocked), signalCell(t.pending)];
      if (tb.cut || tp.cut) cut++;
      threadRows++;
      const names = [...new Set(g.map((x) => escapeControl(x.name)))];
      const who = g.length === 1 ? `thread ${names[0]}` : `${g.length} threads: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` +${names.length - 3}` : ''}`;
      const tids = g.length === 1 ? String(t.tid) : `${t.tid}+${g.length - 1}`;
      rows.push([`  ${tids}`, who, '', '', tb.text, tp.text === '-' ? '-' : `thread ${tp.text}`]);
    }
  }
  let out = columns(rows);
  out += `\n${plural(shown, 'process', 'processes')} with signal dispositions, of ${plural(s.processes.length, 'process', 'processes')} seen\n`;
  if (threadRows) out += `indented rows: threads whose mask is not their main thread's (alike ones together: first tid+others), or with signals pending for them alone\n`;
  if (cut) out += `note: long signal lists of ${plural(cut, 'process', 'processes')} are shortened (+N: names left out); ls --signals --json has them whole\n`;
  return out;
}
