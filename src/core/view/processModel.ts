// Pure view model of the "Processes" view: each process holding IPC, its endpoints grouped by kind, the
// processes it talks to (other holders of the same object or of its peer), and its signal dispositions.

import type { IpcObject, ProcessInfo, Snapshot } from '../model';
import { escapeControl } from '../names';
import { GROUPS, countOf, objectLabel, commOf } from './treeModel';

export type ProcNode =
  | { type: 'process'; id: string; pid: number; label: string; description: string; tooltip: string; childIds: string[] }
  | { type: 'kindGroup'; id: string; label: string; description: string; childIds: string[] }
  | { type: 'holding'; id: string; objectNodeId: string; label: string; description: string }
  | { type: 'talks'; id: string; label: string; description: string; childIds: string[] }
  | { type: 'talkPeer'; id: string; pid: number; label: string; description: string }
  | { type: 'signals'; id: string; label: string; description: string; childIds: string[] }
  | { type: 'signalLine'; id: string; label: string; description: string };

export interface ProcModel {
  roots: string[];
  nodes: Map<string, ProcNode>;
}

/** Signal dispositions as the engine reports them (issue 3): names per category. */
interface SignalsBlock {
  caught?: string[];
  ignored?: string[];
  blocked?: string[];
  pending?: string[];
  pendingThread?: string[];
  threads?: number;
}

function signalsOf(p: ProcessInfo): SignalsBlock | undefined {
  const s = p.signals;
  return typeof s === 'object' && s !== null ? (s as SignalsBlock) : undefined;
}

export function buildProcessTree(s: Snapshot): ProcModel {
  const procs = new Map(s.processes.map((p) => [p.pid, p]));
  const byId = new Map(s.objects.map((o) => [o.id, o]));
  const held = new Map<number, IpcObject[]>();
  for (const o of s.objects) {
    for (const pid of new Set(o.endpoints.map((e) => e.pid))) {
      const l = held.get(pid) ?? [];
      l.push(o);
      held.set(pid, l);
    }
  }
  const nodes = new Map<string, ProcNode>();
  const roots: string[] = [];
  const pids = [...held.keys()].sort((a, b) => a - b);
  for (const pid of pids) {
    const p = procs.get(pid);
    const objs = held.get(pid)!;
    const pidId = `proc:${pid}`;
    const childIds: string[] = [];
    const counts: string[] = [];
    for (const g of GROUPS) {
      const mine = objs.filter((o) => g.kinds.includes(o.kind));
      if (!mine.length) continue;
      counts.push(countOf(g, mine.length));
      const gid = `pkind:${pid}:${g.key}`;
      const gChildren: string[] = [];
      for (const o of mine) {
        for (const e of o.endpoints.filter((x) => x.pid === pid)) {
          const hid = `phold:${pid}:${o.id}:${e.fd ?? 'map'}`;
          nodes.set(hid, {
            type: 'holding', id: hid, objectNodeId: `obj:${o.id}`, label: objectLabel(o),
            description: e.fd === null ? `mapped · ${e.access}` : `fd ${e.fd} · ${e.access}`,
          });
          gChildren.push(hid);
        }
      }
      nodes.set(gid, { type: 'kindGroup', id: gid, label: g.label, description: String(mine.length), childIds: gChildren });
      childIds.push(gid);
    }
    // Talks to: other holders of the same objects, and holders of each object's peer.
    const partners = new Map<number, Set<string>>();
    for (const o of objs) {
      const others = [...o.endpoints];
      const peerId = o.unix?.peer ?? o.inet?.peer ?? null;
      const peer = peerId ? byId.get(peerId) : undefined;
      if (peer) others.push(...peer.endpoints);
      for (const e of others) {
        if (e.pid === pid) continue;
        const via = partners.get(e.pid) ?? new Set<string>();
        via.add(o.kind);
        partners.set(e.pid, via);
      }
    }
    if (partners.size) {
      const tid = `ptalk:${pid}`;
      const tChildren: string[] = [];
      for (const [other, via] of [...partners].sort((a, b) => a[0] - b[0])) {
        const id = `ptalkp:${pid}:${other}`;
        nodes.set(id, { type: 'talkPeer', id, pid: other, label: `${commOf(procs.get(other), other)} ${other}`, description: `via ${[...via].join(', ')}` });
        tChildren.push(id);
      }
      nodes.set(tid, { type: 'talks', id: tid, label: 'talks to', description: String(partners.size), childIds: tChildren });
      childIds.push(tid);
    }
    const sig = p ? signalsOf(p) : undefined;
    if (sig) {
      const sid = `psig:${pid}`;
      const sChildren: string[] = [];
      // A multi-threaded process's mask and thread-pending set are its main thread's (each thread has its own:
      // Show Process lists them).
      const main = typeof sig.threads === 'number' && sig.threads > 1;
      const lines: [string, string[] | undefined][] = [
        ['caught', sig.caught], ['ignored', sig.ignored], [main ? 'blocked (main thread)' : 'blocked', sig.blocked], ['pending', sig.pending],
        [main ? 'pending (main thread)' : 'pending (thread)', sig.pendingThread],
      ];
      for (const [name, list] of lines) {
        if (!list || !list.length) continue;
        const id = `psigl:${pid}:${name}`;
        nodes.set(id, { type: 'signalLine', id, label: name, description: list.map((x) => escapeControl(String(x))).join(' ') });
        sChildren.push(id);
      }
      if (sChildren.length) {
        nodes.set(sid, { type: 'signals', id: sid, label: 'signals', description: '', childIds: sChildren });
        childIds.push(sid);
      }
    }
    nodes.set(pidId, {
      type: 'process', id: pidId, pid, label: `${commOf(p, pid)} ${pid}`, description: counts.join(' · '),
      tooltip: p ? escapeControl(p.cmdline.join(' ')) || escapeControl(p.comm) : `pid ${pid}`, childIds,
    });
    roots.push(pidId);
  }
  return { roots, nodes };
}

export function procChildren(m: ProcModel, id: string | undefined): string[] {
  if (id === undefined) return m.roots;
  const n = m.nodes.get(id);
  return n && 'childIds' in n ? n.childIds : [];
}
