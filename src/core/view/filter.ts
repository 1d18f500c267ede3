// Explorer filters (mine / workspace / kinds / text), applied to a snapshot before any view is built.

import path from 'node:path';
import type { IpcKind, IpcObject, ProcessInfo, Snapshot } from '../model';

export interface ExplorerFilter {
  /** Only objects held by (or owned by) the current user. */
  mine: boolean;
  /** Only objects held by processes whose cwd is inside the workspace, or whose path is inside it. */
  workspaceOnly: boolean;
  /** Kinds to show; null shows every kind. */
  kinds: IpcKind[] | null;
  /** Case-insensitive substring of the name, a pid, or a holder's comm. */
  text: string;
}

export const NO_FILTER: ExplorerFilter = { mine: false, workspaceOnly: false, kinds: null, text: '' };

export interface FilterContext {
  uid: number;
  workspaceDirs: string[];
}

export function isFilterActive(f: ExplorerFilter): boolean {
  return f.mine || f.workspaceOnly || f.kinds !== null || f.text.trim() !== '';
}

export function describeFilter(f: ExplorerFilter): string {
  const parts: string[] = [];
  if (f.mine) parts.push('mine');
  if (f.workspaceOnly) parts.push('workspace');
  if (f.kinds) parts.push(f.kinds.join(','));
  if (f.text.trim()) parts.push(`"${f.text.trim()}"`);
  return parts.join(' · ');
}

function inside(p: string, dirs: string[]): boolean {
  if (!path.isAbsolute(p)) return false;
  const n = path.normalize(p);
  return dirs.some((d) => {
    const rel = path.relative(d, n);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** The file-system path of an object, when it has one (FIFO, bound socket file, /dev/shm file). */
export function objectPath(o: IpcObject): string | undefined {
  if (typeof o.path === 'string') return o.path;
  if (o.kind === 'fifo') return o.name || undefined;
  if (o.kind === 'unix' && o.unix?.address === 'path') return o.name || undefined;
  return undefined;
}

function matchesText(o: IpcObject, procs: Map<number, ProcessInfo>, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (!t) return true;
  if (o.name.toLowerCase().includes(t) || String(o.inode) === t || o.id.toLowerCase() === t) return true;
  return o.endpoints.some((e) => String(e.pid) === t || (procs.get(e.pid)?.comm.toLowerCase().includes(t) ?? false));
}

export function applyFilter(s: Snapshot, f: ExplorerFilter, ctx: FilterContext): Snapshot {
  if (!isFilterActive(f)) return s;
  const procs = new Map(s.processes.map((p) => [p.pid, p]));
  const objects = s.objects.filter((o) => {
    if (f.kinds && !f.kinds.includes(o.kind)) return false;
    if (f.mine) {
      const ownerUid = typeof o.uid === 'number' ? o.uid : undefined;
      const held = o.endpoints.some((e) => procs.get(e.pid)?.uid === ctx.uid);
      if (!held && ownerUid !== ctx.uid) return false;
    }
    if (f.workspaceOnly) {
      const p = objectPath(o);
      const byPath = p !== undefined && inside(p, ctx.workspaceDirs);
      const byCwd = o.endpoints.some((e) => {
        const cwd = procs.get(e.pid)?.cwd;
        return typeof cwd === 'string' && inside(cwd, ctx.workspaceDirs);
      });
      if (!byPath && !byCwd) return false;
    }
    return matchesText(o, procs, f.text);
  });
  return { ...s, objects };
}

/** Validate a persisted filter (workspace state is data we wrote, but may come from an older version). */
export function parseFilter(v: unknown, knownKinds: readonly IpcKind[]): ExplorerFilter {
  if (typeof v !== 'object' || v === null) return NO_FILTER;
  const r = v as Record<string, unknown>;
  const kinds = Array.isArray(r.kinds) ? r.kinds.filter((k): k is IpcKind => (knownKinds as readonly unknown[]).includes(k)) : null;
  return {
    mine: r.mine === true,
    workspaceOnly: r.workspaceOnly === true,
    kinds: kinds && kinds.length ? kinds : null,
    text: typeof r.text === 'string' ? r.text.slice(0, 200) : '',
  };
}
