// Pure: a snapshot as a graph for the topology view. Processes and IPC objects are nodes; each endpoint
// (a process holding an object) and each peer pair (two connected sockets) is a link.

import type { IpcObject, Snapshot } from '../model';
import { clipText, escapeControl } from '../names';
import { objectLabel } from '../view/treeModel';
import type { TopoLink, TopoNode } from '../../../webview/shared/topologyProtocol';

/** Beyond this the force layout stops being interactive in a webview; the page says "(truncated)". */
export const DEFAULT_MAX_NODES = 2000;

export const processNodeId = (pid: number) => `p:${pid}`;
export const objectNodeId = (id: string) => `o:${id}`;

function fillOf(o: IpcObject): number | null {
  const q = o.queue;
  if (!q || q.capacity === null || q.capacity <= 0) return null;
  return Math.max(0, Math.min(1, q.used / q.capacity));
}

export interface Topology {
  nodes: TopoNode[];
  links: TopoLink[];
  /** True when objects were left out to stay within maxNodes. */
  truncated: boolean;
}

/**
 * Objects are added until the node budget is spent, named ones (FIFOs, socket paths, segments) before
 * anonymous ones (a busy machine has thousands of anonymous pipes, which would crowd out everything
 * else); a process is included when it holds an included object. Labels are machine text and stay as
 * such (the page renders them as text).
 */
/** Links at most (the page refuses a graph over MAX_LINKS): objects held by hundreds of processes each add up. */
export const DEFAULT_MAX_LINKS = 50_000;

export function buildTopology(s: Snapshot, maxNodes = DEFAULT_MAX_NODES, maxLinks = DEFAULT_MAX_LINKS): Topology {
  const procs = new Map(s.processes.map((p) => [p.pid, p]));
  const nodes: TopoNode[] = [];
  const links: TopoLink[] = [];
  const included = new Set<string>();
  const procIncluded = new Set<number>();
  let truncated = false;
  const ordered = [...s.objects.filter((o) => o.name), ...s.objects.filter((o) => !o.name)];
  for (const o of ordered) {
    const newProcs = new Set(o.endpoints.map((e) => e.pid).filter((pid) => !procIncluded.has(pid)));
    // (At most one link per holder process, plus one for a peer.)
    if (nodes.length + 1 + newProcs.size > maxNodes || links.length + o.endpoints.length + 1 > maxLinks) {
      truncated = true;
      continue;
    }
    const fill = fillOf(o);
    nodes.push({ id: objectNodeId(o.id), kind: o.kind, label: clipText(objectLabel(o)), detail: `${o.kind} · inode ${o.inode}`, fill });
    included.add(o.id);
    for (const pid of newProcs) {
      procIncluded.add(pid);
      const p = procs.get(pid);
      nodes.push({
        id: processNodeId(pid), kind: 'process', label: p ? `${escapeControl(p.comm)} ${pid}` : `pid ${pid}`,
        detail: p ? clipText(escapeControl(p.cmdline.join(' ')), 2000) : '', fill: null,
      });
    }
    const seen = new Set<number>();
    for (const e of o.endpoints) {
      if (seen.has(e.pid)) continue; // one link per process, however many fds it holds
      seen.add(e.pid);
      links.push({ source: processNodeId(e.pid), target: objectNodeId(o.id), kind: 'endpoint', fill });
    }
  }
  for (const o of s.objects) {
    const peer = o.unix?.peer ?? o.inet?.peer ?? null;
    // Each pair once: from the smaller id.
    if (peer && included.has(o.id) && included.has(peer) && o.id < peer) {
      links.push({ source: objectNodeId(o.id), target: objectNodeId(peer), kind: 'peer', fill: null });
    }
  }
  return { nodes, links, truncated };
}
