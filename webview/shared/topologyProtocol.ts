// Topology graph protocol: typed messages in both directions and their validators. No DOM, no vscode.

import { hasOnlyKeys, isArrayOf, isInt, isNum, isObj, isOneOf, isStr, type Validator } from './validate';

export const MAX_NODES = 20_000;
export const MAX_LINKS = 60_000;
export const NODE_KINDS = [
  'process', 'pipe', 'fifo', 'unix', 'tcp', 'udp', 'posix-shm', 'posix-sem', 'posix-mq', 'sysv-shm', 'sysv-msg',
  'sysv-sem', 'eventfd', 'signalfd', 'memfd',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export interface TopoNode {
  /** `p:<pid>` for processes, `o:<object id>` for IPC objects. */
  id: string;
  kind: NodeKind;
  /** Machine text (process comm, object name): canvas fillText / .text() only. */
  label: string;
  detail: string;
  /** Queue fill as a share of capacity (0..1), null when unknown. */
  fill: number | null;
}

export interface TopoLink {
  source: string;
  target: string;
  kind: 'endpoint' | 'peer';
  fill: number | null;
}

export type ToTopology = { type: 'graph'; nodes: TopoNode[]; links: TopoLink[]; filter: string; truncated: boolean };

/** Click on a node: an object is revealed in the Objects view, a process in the Processes view. */
export type FromTopology = { type: 'reveal'; objectId: string } | { type: 'revealProcess'; pid: number };

export interface TopologyPageState {
  search: string;
}

const isNodeId = (v: unknown): v is string => isStr(v, 600) && /^(p:\d+|o:.+)$/s.test(v);
const isFill = (v: unknown): v is number | null => v === null || isNum(v, 0, 1);

const isNode = (v: unknown): v is TopoNode =>
  isObj(v) && hasOnlyKeys(v, ['id', 'kind', 'label', 'detail', 'fill']) && isNodeId(v.id) && isOneOf(v.kind, NODE_KINDS) &&
  isStr(v.label, 4096) && isStr(v.detail, 8192) && isFill(v.fill);

const isLink = (v: unknown): v is TopoLink =>
  isObj(v) && hasOnlyKeys(v, ['source', 'target', 'kind', 'fill']) && isNodeId(v.source) && isNodeId(v.target) &&
  isOneOf(v.kind, ['endpoint', 'peer'] as const) && isFill(v.fill);

export const parseToTopology: Validator<ToTopology> = (v) => {
  if (!isObj(v) || v.type !== 'graph' || !hasOnlyKeys(v, ['type', 'nodes', 'links', 'filter', 'truncated'])) return undefined;
  if (!isArrayOf(v.nodes, isNode, MAX_NODES) || !isArrayOf(v.links, isLink, MAX_LINKS) || !isStr(v.filter, 1024) || typeof v.truncated !== 'boolean') return undefined;
  const ids = new Set(v.nodes.map((n) => n.id));
  if (ids.size !== v.nodes.length || !v.links.every((l) => ids.has(l.source) && ids.has(l.target))) return undefined;
  return { type: 'graph', nodes: v.nodes, links: v.links, filter: v.filter, truncated: v.truncated };
};

/** Linux pids are at most 2^22 (pid_max). */
export const MAX_PID = 2 ** 22;

export const parseFromTopology: Validator<FromTopology> = (v) => {
  if (!isObj(v)) return undefined;
  if (v.type === 'reveal') {
    return hasOnlyKeys(v, ['type', 'objectId']) && isStr(v.objectId, 512) && v.objectId.length > 0
      ? { type: 'reveal', objectId: v.objectId } : undefined;
  }
  if (v.type === 'revealProcess') {
    return hasOnlyKeys(v, ['type', 'pid']) && isInt(v.pid, 1, MAX_PID) ? { type: 'revealProcess', pid: v.pid } : undefined;
  }
  return undefined;
};

/** What a click on a graph node asks for (node ids as built by core/live/topology), or undefined. */
export function revealRequest(nodeId: string): FromTopology | undefined {
  if (nodeId.startsWith('o:') && nodeId.length > 2) return { type: 'reveal', objectId: nodeId.slice(2) };
  const m = /^p:(\d{1,7})$/.exec(nodeId);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isInteger(pid) && pid >= 1 && pid <= MAX_PID ? { type: 'revealProcess', pid } : undefined;
}

export const parseTopologyPageState: Validator<TopologyPageState> = (v) =>
  isObj(v) && hasOnlyKeys(v, ['search']) && isStr(v.search, 200) ? { search: v.search } : undefined;
