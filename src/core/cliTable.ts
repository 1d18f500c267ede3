// Plain-text table of a snapshot for `ipc-inspector ls`: every machine string is escaped for the terminal.

import type { IpcObject, ProcessInfo, Snapshot } from './model';
import { escapeControl } from './names';
import { extraDetails, formatQueue, hiddenProcessesHint } from './format';
import { GROUPS, objectLabel } from './view/treeModel';

function holders(o: IpcObject, procs: Map<number, ProcessInfo>): string {
  if (o.endpoints.length === 0) return '-';
  return o.endpoints
    .map((e) => `${escapeControl(procs.get(e.pid)?.comm ?? '?')}[${e.pid}]${e.fd === null ? 'map' : `${e.fd}${e.access}`}`)
    .join(' ');
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
    if (o.inet.peer) parts.push(`peer=${byId.get(o.inet.peer)?.inode ?? o.inet.peer}`);
  }
  parts.push(...extraDetails(o));
  for (const f of o.findings) parts.push(`!${f.code}`);
  return parts.join(' ');
}

/** Left-aligned columns; the last column is not padded. */
function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.min(Math.max(widths[i] ?? 0, c.length), 60)));
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
  for (const o of objs) {
    rows.push([o.kind, String(o.inode), objectLabel(o), o.queue ? formatQueue(o.queue) : '-', holders(o, procs), details(o, byId)]);
  }
  let out = columns(rows);
  out += `\n${s.objects.length} objects, ${s.processes.length} processes inspected`;
  out += `, ${s.durationMs.toFixed(0)} ms\n`;
  if (s.hidden.processes) out += `note: ${hiddenProcessesHint(s.hidden.processes, viewerUid)}\n`;
  for (const n of s.notes) out += `note: ${escapeControl(n)}\n`;
  return out;
}
