// Pure view model of the explorer tree: groups, labels, descriptions, stable ids, and the minimal diff
// between two snapshots. The VS Code adapter (src/extension/tree) only maps these nodes to TreeItems.

import type { Endpoint, IpcKind, IpcObject, ProcessInfo, Snapshot } from '../model';
import { escapeControl, displayName } from '../names';
import { countByCommand, extraDetails, formatBytes, formatQueue, plural } from '../format';
import { objectPath } from './filter';

export interface GroupDef {
  key: string;
  label: string;
  kinds: IpcKind[];
  icon: string;
  /** How one object of the group and several are counted in text ("1 FIFO", "3 FIFOs"). */
  noun: [one: string, many: string];
}

/** "1 FIFO", "3 FIFOs", "0 pipes": a count of a group's objects in words. */
export function countOf(g: GroupDef, n: number): string {
  return `${n} ${n === 1 ? g.noun[0] : g.noun[1]}`;
}

/** Groups in the seed's order of mechanisms. */
export const GROUPS: readonly GroupDef[] = [
  { key: 'pipes', label: 'Pipes', kinds: ['pipe'], icon: 'arrow-right', noun: ['pipe', 'pipes'] },
  { key: 'fifos', label: 'FIFOs', kinds: ['fifo'], icon: 'arrow-swap', noun: ['FIFO', 'FIFOs'] },
  { key: 'unix', label: 'Unix sockets', kinds: ['unix'], icon: 'plug', noun: ['Unix socket', 'Unix sockets'] },
  { key: 'tcp', label: 'TCP', kinds: ['tcp'], icon: 'globe', noun: ['TCP socket', 'TCP sockets'] },
  { key: 'udp', label: 'UDP', kinds: ['udp'], icon: 'broadcast', noun: ['UDP socket', 'UDP sockets'] },
  { key: 'shm', label: 'Shared memory', kinds: ['posix-shm', 'sysv-shm', 'memfd'], icon: 'database', noun: ['shared-memory object', 'shared-memory objects'] },
  { key: 'mq', label: 'Message queues', kinds: ['posix-mq', 'sysv-msg'], icon: 'mail', noun: ['message queue', 'message queues'] },
  { key: 'sem', label: 'Semaphores', kinds: ['posix-sem', 'sysv-sem'], icon: 'lock', noun: ['semaphore', 'semaphores'] },
  { key: 'signals', label: 'Signals', kinds: ['signalfd'], icon: 'zap', noun: ['signalfd', 'signalfds'] },
  { key: 'events', label: 'eventfd', kinds: ['eventfd'], icon: 'bell', noun: ['eventfd', 'eventfds'] },
];

/** Groups always shown (with a 0 count) so the first-slice kinds are discoverable. */
const ALWAYS_SHOWN = new Set(['pipes', 'fifos', 'unix']);

export type TreeNode = GroupNode | ObjectNode | EndpointNode | PeerNode;

export interface GroupNode {
  type: 'group';
  id: string;
  group: GroupDef;
  label: string;
  description: string;
  objectIds: string[];
}
export interface ObjectNode {
  type: 'object';
  id: string;
  object: IpcObject;
  label: string;
  description: string;
  /** Markdown with every field, built on first read (only a hovered item's is ever needed). */
  readonly tooltip: string;
  /** Changes whenever the tooltip would (the object as JSON and its holders' names): diffs compare this. */
  tooltipKey: string;
  icon: string;
  warning: boolean;
  contextValue: string;
  childIds: string[];
}
export interface EndpointNode {
  type: 'endpoint';
  id: string;
  objectId: string;
  endpoint: Endpoint;
  process: ProcessInfo | undefined;
  label: string;
  description: string;
  tooltip: string;
}
export interface PeerNode {
  type: 'peer';
  id: string;
  objectId: string;
  peerObjectId: string;
  label: string;
  description: string;
}

export interface TreeModel {
  roots: string[];
  nodes: Map<string, TreeNode>;
}

const objNodeId = (o: IpcObject) => `obj:${o.id}`;

export function commOf(p: ProcessInfo | undefined, pid: number): string {
  return p ? escapeControl(p.comm) : `pid ${pid}`;
}

/** Label of an object: its name, or a readable stand-in for nameless objects. */
/**
 * What the raw name (nameBase64) leaves out of the name: "@" of an abstract socket; "/" of a POSIX shm segment,
 * semaphore or queue (their raw name is the file's, "/" is part of the name only).
 */
function labelPrefix(o: IpcObject): string {
  if (o.unix?.address === 'abstract') return '@';
  if ((o.kind === 'posix-shm' || o.kind === 'posix-sem' || o.kind === 'posix-mq') && o.name.startsWith('/') && o['nameBase64'] !== undefined) {
    return Buffer.from(o['nameBase64'] as string, 'base64')[0] === 0x2f ? '' : '/';
  }
  return '';
}

export function objectLabel(o: IpcObject): string {
  if (o.name) return displayName(o, labelPrefix(o));
  switch (o.kind) {
    case 'pipe': return `pipe ${o.inode}`;
    case 'unix': return 'unnamed socket';
    default: return `${o.kind} ${o.inode}`;
  }
}

function endpointSummary(o: IpcObject, procs: Map<number, ProcessInfo>): string {
  const parts: string[] = [];
  const byAccess = new Map<string, string[]>();
  for (const e of o.endpoints) {
    const key = e.access;
    const list = byAccess.get(key) ?? [];
    const label = `${commOf(procs.get(e.pid), e.pid)} ${e.pid}`;
    if (!list.includes(label)) list.push(label);
    byAccess.set(key, list);
  }
  for (const [access, list] of byAccess) {
    const shown = list.slice(0, 2).join(', ') + (list.length > 2 ? ` +${list.length - 2}` : '');
    parts.push(`${access}: ${shown}`);
  }
  return parts.join(' · ');
}

export function objectDescription(o: IpcObject, procs: Map<number, ProcessInfo>): string {
  const parts: string[] = [];
  if (o.unix) parts.push(o['stale'] === true ? 'stale socket file' : `${o.unix.type} ${o.unix.state}`);
  if (o.inet) parts.push(o.inet.state);
  const eps = endpointSummary(o, procs);
  parts.push(eps || 'no visible holder');
  if (o.queue) parts.push(formatQueue(o.queue));
  else if (typeof o.size === 'number') parts.push(formatBytes(o.size));
  if (o.deleted === true) parts.push(o.kind === 'unix' ? 'socket file deleted' : 'deleted');
  if (o['replaced'] === true) parts.push('socket file replaced');
  return parts.join(' · ');
}

/**
 * Markdown-safe escaping of display text (already control-escaped): metacharacters with a backslash, and
 * `<`, `>`, `&` as HTML entities. Entities, not backslashes, for the angle brackets: VS Code also turns a tree
 * item's markdown tooltip into plain text (its fallback), where `\<` becomes a bare `<` that its HTML
 * sanitizer then parses as markup (`<img onerror=...>` got as far as a blocked CSP inline-handler report).
 * `:` too: VS Code's markdown (GFM) links a bare `https://…` or `ftp://…` by itself, so a socket named
 * `/tmp/https://host/x` showed a clickable link in its hover; `https\://` is shown the same and links nothing
 * (`www.` and `a@b.c` are already broken up by the escaped `.`).
 */
export function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (c) => `\\${c}`).replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

/** Markdown-safe escaping of a raw machine string. */
export function escapeMarkdown(s: string): string {
  return md(escapeControl(s));
}

/** Holders listed one by one in an object's hover; more are counted by command. */
const TOOLTIP_HOLDERS = 12;

export function objectTooltip(o: IpcObject, procs: Map<number, ProcessInfo>): string {
  const lines: string[] = [];
  lines.push(`**${md(objectLabel(o))}**`, '');
  lines.push(`- kind: ${escapeMarkdown(o.kind)}`);
  lines.push(`- inode: ${o.inode}`);
  lines.push(`- id: ${escapeMarkdown(o.id)}`);
  if (o.nameBase64) lines.push(`- raw name (base64): ${escapeMarkdown(o.nameBase64)}`);
  if (o.unix) {
    const u = o.unix;
    lines.push(`- type: ${u.type}, state: ${u.state}, address: ${u.address}`);
    lines.push(`- peer: ${u.peer ? escapeMarkdown(u.peer) : 'none'}`);
    if (u.pendingConnections) lines.push(`- pending connections: ${u.pendingConnections}`);
    if (u.inflightFds) lines.push(`- file descriptors in flight: ${u.inflightFds}`);
  }
  if (o.inet) {
    const i = o.inet;
    lines.push(`- ${i.protocol}${i.family === 6 ? '6' : ''} ${escapeMarkdown(i.local)} → ${escapeMarkdown(i.remote ?? '*')} (${escapeMarkdown(i.state)})`);
  }
  if (o.queue) lines.push(`- queue: ${escapeMarkdown(formatQueue(o.queue))}`);
  const extra = extraDetails(o);
  if (extra.length) lines.push(`- ${md(extra.join(', '))}`);
  // A hover stays on screen: the first holders, then the rest counted by command (the row's children list all).
  for (const e of o.endpoints.slice(0, TOOLTIP_HOLDERS)) {
    lines.push(`- holder: ${md(commOf(procs.get(e.pid), e.pid))} (pid ${e.pid}${e.fd === null ? ', mapped' : `, fd ${e.fd}`}, ${e.access})`);
  }
  if (o.endpoints.length > TOOLTIP_HOLDERS) {
    const rest = o.endpoints.slice(TOOLTIP_HOLDERS);
    lines.push(`- and ${plural(rest.length, 'more holder')}: ${countByCommand(rest, (pid) => md(commOf(procs.get(pid), pid)), '×')} (expand the row for all)`);
  }
  for (const f of o.findings) lines.push(`- ⚠ ${escapeMarkdown(f.message)}`);
  return lines.join('\n');
}

/**
 * `ipc.<kind>` plus capabilities the menus key on: `.file` (has a path in the file system), `.stale`
 * (socket file without listener or FIFO nobody holds: may be unlinked), `.queue` (has a fill to chart),
 * `.shm` (shared memory that can be peeked), `.peer` (has a peer to jump to).
 */
export function objectContextValue(o: IpcObject): string {
  let v = `ipc.${o.kind}`;
  if (objectPath(o)) v += '.file';
  if (o.findings.some((f) => f.code === 'stale-socket-file' || f.code === 'orphan-fifo')) v += '.stale';
  if (o.queue) v += '.queue';
  if (o.kind === 'posix-shm' || o.kind === 'sysv-shm' || o.kind === 'memfd') v += '.shm';
  if (o.kind === 'posix-shm' || o.kind === 'posix-mq' || o.kind === 'posix-sem') v += '.unlinkable';
  if (o.unix?.peer || o.inet?.peer) v += '.peer';
  return v;
}

const collator = new Intl.Collator();

/**
 * Nodes built for an object last time, with what they were built from: the object, its holders' processes,
 * its peer and the peer's holders (label, description and tooltip read nothing else). The scan client hands
 * back the same instances for what did not change (snapshotWire.ts), so most objects are found here by
 * identity and their nodes reused, instances included (diffTrees then skips them at once).
 */
export class TreeBuildCache {
  private entries = new WeakMap<IpcObject, { deps: unknown[]; nodes: TreeNode[] }>();

  get(o: IpcObject, deps: unknown[]): TreeNode[] | undefined {
    const e = this.entries.get(o);
    if (!e || e.deps.length !== deps.length) return undefined;
    for (let i = 0; i < deps.length; i++) if (e.deps[i] !== deps[i]) return undefined;
    return e.nodes;
  }

  set(o: IpcObject, deps: unknown[], nodes: TreeNode[]): void {
    this.entries.set(o, { deps, nodes });
  }
}

export function buildTree(snapshot: Snapshot, cache?: TreeBuildCache): TreeModel {
  const procs = new Map(snapshot.processes.map((p) => [p.pid, p]));
  const nodes = new Map<string, TreeNode>();
  const roots: string[] = [];
  const objectsById = new Map(snapshot.objects.map((o) => [o.id, o]));
  // One pass into the groups, each object's label computed once, one collator for every comparison (a
  // localeCompare call per comparison was a third of a render of 500 objects).
  const byKind = new Map<string, { o: IpcObject; label: string }[]>();
  for (const o of snapshot.objects) {
    let list = byKind.get(o.kind);
    if (!list) byKind.set(o.kind, (list = []));
    list.push({ o, label: objectLabel(o) });
  }
  for (const g of GROUPS) {
    const labelled = g.kinds.flatMap((k) => byKind.get(k) ?? [])
      .sort((a, b) => collator.compare(a.label, b.label) || a.o.inode - b.o.inode);
    const objs = labelled.map((x) => x.o);
    if (objs.length === 0 && !ALWAYS_SHOWN.has(g.key)) continue;
    const groupId = `group:${g.key}`;
    const group: GroupNode = {
      type: 'group', id: groupId, group: g, label: g.label, description: String(objs.length), objectIds: [],
    };
    for (const { o, label } of labelled) {
      const id = objNodeId(o);
      const peerId = o.unix?.peer ?? o.inet?.peer ?? null;
      const peer = peerId ? objectsById.get(peerId) : undefined;
      const deps: unknown[] = [g, peer];
      for (const e of o.endpoints) deps.push(procs.get(e.pid));
      if (peer) for (const e of peer.endpoints) deps.push(procs.get(e.pid));
      const cached = cache?.get(o, deps);
      if (cached) {
        for (const n of cached) nodes.set(n.id, n);
        group.objectIds.push(id);
        continue;
      }
      const built: TreeNode[] = [];
      const childIds: string[] = [];
      for (const e of o.endpoints) {
        const epId = `ep:${o.id}:${e.pid}:${e.fd ?? 'map'}`;
        const p = procs.get(e.pid);
        built.push({
          type: 'endpoint', id: epId, objectId: id, endpoint: e, process: p,
          label: `${commOf(p, e.pid)} ${e.pid}`,
          description: e.fd === null ? `mapped · ${e.access}` : `fd ${e.fd} · ${e.access}`,
          tooltip: p ? escapeControl(p.cmdline.join(' ')) : '',
        });
        childIds.push(epId);
      }
      if (peerId) {
        const pid = `peer:${o.id}`;
        built.push({
          type: 'peer', id: pid, objectId: id, peerObjectId: `obj:${peerId}`,
          label: `peer: ${peer ? objectLabel(peer) : peerId}`,
          description: peer ? endpointSummary(peer, procs) || 'no visible holder' : 'not visible',
        });
        childIds.push(pid);
      }
      let tooltip: string | undefined;
      // Only the holders' processes (all the tooltip reads): a cached node must not keep a whole snapshot alive.
      const holders = new Map<number, ProcessInfo>();
      for (const e of o.endpoints) {
        const p = procs.get(e.pid);
        if (p) holders.set(e.pid, p);
      }
      built.push({
        type: 'object', id, object: o, label, description: objectDescription(o, procs),
        get tooltip() {
          return (tooltip ??= objectTooltip(o, holders));
        },
        tooltipKey: `${JSON.stringify(o)}|${o.endpoints.map((e) => commOf(procs.get(e.pid), e.pid)).join(',')}`,
        icon: g.icon, warning: o.findings.some((f) => f.severity === 'warning'),
        contextValue: objectContextValue(o), childIds,
      });
      for (const n of built) nodes.set(n.id, n);
      cache?.set(o, deps, built);
      group.objectIds.push(id);
    }
    nodes.set(groupId, group);
    roots.push(groupId);
  }
  return { roots, nodes };
}

/** Children of a node id (roots for undefined). */
export function childrenOf(model: TreeModel, id: string | undefined): string[] {
  if (id === undefined) return model.roots;
  const n = model.nodes.get(id);
  if (!n) return [];
  if (n.type === 'group') return n.objectIds;
  if (n.type === 'object') return n.childIds;
  return [];
}

export function parentOf(model: TreeModel, id: string): string | undefined {
  const n = model.nodes.get(id);
  if (!n || n.type === 'group') return undefined;
  if (n.type === 'object') {
    for (const r of model.roots) {
      const g = model.nodes.get(r);
      if (g?.type === 'group' && g.objectIds.includes(id)) return r;
    }
    return undefined;
  }
  return n.objectId;
}

function nodeSignature(n: TreeNode): string {
  switch (n.type) {
    case 'group': return `${n.description}|${n.objectIds.join(',')}`;
    case 'object': return `${n.label}|${n.description}|${n.tooltipKey}|${n.warning}|${n.childIds.join(',')}`;
    case 'endpoint': return `${n.label}|${n.description}|${n.tooltip}`;
    case 'peer': return `${n.label}|${n.description}`;
  }
}

export interface TreeDiff {
  /** The root list itself changed (a group appeared or disappeared): refresh everything. */
  rootsChanged: boolean;
  /** Ids of nodes whose own rendering or child list changed; firing these refreshes them and their subtrees. */
  changed: string[];
}

/**
 * Minimal change events: a node is reported when its rendering or its list of children changed; a node
 * whose parent is already reported is left out (refreshing the parent refreshes its subtree).
 */
export function diffTrees(prev: TreeModel | undefined, next: TreeModel): TreeDiff {
  if (!prev) return { rootsChanged: true, changed: [] };
  if (prev.roots.join('|') !== next.roots.join('|')) return { rootsChanged: true, changed: [] };
  const changed: string[] = [];
  const visit = (id: string) => {
    const a = prev.nodes.get(id);
    const b = next.nodes.get(id);
    // The same instance (TreeBuildCache): itself and its subtree were built from the same data.
    if (a !== undefined && a === b) return;
    if (!a || !b || nodeSignature(a) !== nodeSignature(b)) {
      changed.push(id);
      return; // its subtree is refreshed with it
    }
    for (const c of childrenOf(next, id)) visit(c);
  };
  for (const r of next.roots) visit(r);
  return { rootsChanged: false, changed };
}
