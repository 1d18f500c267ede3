// Plain-text table of a snapshot for `ipc-inspector ls`: every machine string is escaped for the terminal.

import type { IpcObject, ProcessInfo, Snapshot } from './model';
import { escapeControl } from './names';
import { countByCommand, extraDetails, formatBytes, formatQueue, hiddenProcessesHint, plural } from './format';
import { GROUPS, objectLabel } from './view/treeModel';

/** Widest a cell is padded to; holders and names beyond it are shortened (the JSON has them whole). */
const CELL = 60;

/**
 * Holders as `comm[pid]fd access`, as many as fit in one cell (at least one); the rest summed up by command,
 * so a pipe inherited by 100 workers stays one readable row: "... +107 more: python3 x107".
 */
function holders(o: IpcObject, procs: Map<number, ProcessInfo>): { text: string; cut: boolean } {
  if (o.endpoints.length === 0) return { text: '-', cut: false };
  const comm = (pid: number): string => escapeControl(procs.get(pid)?.comm ?? '?');
  const parts: string[] = [];
  let len = 0;
  let i = 0;
  for (; i < o.endpoints.length; i++) {
    const e = o.endpoints[i]!;
    const t = `${comm(e.pid)}[${e.pid}]${e.fd === null ? 'map' : `${e.fd}${e.access}`}`;
    if (parts.length && len + 1 + t.length > CELL) break;
    parts.push(t);
    len += (parts.length > 1 ? 1 : 0) + t.length;
  }
  if (i === o.endpoints.length) return { text: parts.join(' '), cut: false };
  return { text: `${parts.join(' ')} +${o.endpoints.length - i} more: ${countByCommand(o.endpoints.slice(i), comm)}`, cut: true };
}

/** A name longer than a cell keeps its start and its end (a path's directory and file), cut in the middle. */
function shortName(label: string): { text: string; cut: boolean } {
  if (label.length <= CELL) return { text: label, cut: false };
  // By code points, so a cut never splits a surrogate pair (an emoji in a name) into a lone half.
  const chars = Array.from(label);
  if (chars.length <= CELL) return { text: label, cut: false };
  const head = Math.floor((CELL - 3) / 2);
  return { text: `${chars.slice(0, head).join('')}...${chars.slice(chars.length - (CELL - 3 - head)).join('')}`, cut: true };
}

function details(o: IpcObject, byId: Map<string, IpcObject>): string {
  const parts: string[] = [];
  if (o.unix) {
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
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.min(Math.max(widths[i] ?? 0, c.length), CELL)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** The CLI's table; `viewerUid` (default: ours) picks the hint for processes that could not be inspected. */
export function renderTable(s: Snapshot, viewerUid = process.getuid?.() ?? -1): string {
  const procs = new Map(s.processes.map((p) => [p.pid, p]));
  const byId = new Map(s.objects.map((o) => [o.id, o]));
  const order = new Map<string, number>();
  GROUPS.forEach((g, i) => g.kinds.forEach((k) => order.set(k, i)));
  const objs = [...s.objects].sort((a, b) => (order.get(a.kind) ?? 99) - (order.get(b.kind) ?? 99) || a.inode - b.inode);
  const rows: string[][] = [['KIND', 'INODE', 'NAME', 'QUEUE', 'HOLDERS (comm[pid]fd access)', 'DETAILS']];
  let cut = 0;
  for (const o of objs) {
    const name = shortName(objectLabel(o));
    const held = holders(o, procs);
    if (name.cut || held.cut) cut++;
    rows.push([o.kind, String(o.inode), name.text, o.queue ? formatQueue(o.queue) : '-', held.text, details(o, byId)]);
  }
  let out = columns(rows);
  out += `\n${plural(s.objects.length, 'object')}, ${plural(s.processes.length, 'process', 'processes')} inspected`;
  out += `, ${s.durationMs.toFixed(0)} ms\n`;
  if (cut) out += `note: long names and holder lists of ${cut} ${cut === 1 ? 'object are' : 'objects are'} shortened to fit; ls --json has them whole\n`;
  if (s.hidden.processes) out += `note: ${hiddenProcessesHint(s.hidden.processes, viewerUid)}\n`;
  for (const n of s.notes) out += `note: ${escapeControl(n)}\n`;
  return out;
}
