// Finds FIFOs and socket files on disk (candidates for orphan FIFOs and stale socket files): /tmp without
// recursion, workspace folders to a bounded depth and count, skipping node_modules and .git. lstat only;
// a directory's listing is reused while its mtime is unchanged.

import { readdirSync, type Dirent } from 'node:fs';
import { statBytes } from '../scan/procio';

export interface LeftoverFile {
  kind: 'fifo' | 'unix';
  /** Raw bytes of the path (names are arbitrary bytes): the same instance while the directory listing is reused. */
  path: Buffer;
  /** The path as latin1 (one char per byte: a lossless key) and as UTF-8 text, decoded once per listing. */
  key: string;
  text: string;
  dev: number;
  ino: number;
  mode: number;
  uid: number;
}

export const WORKSPACE_MAX_DEPTH = 6;
export const WORKSPACE_MAX_ENTRIES = 20000;
const SKIP = new Set(['node_modules', '.git']);

/** What a directory listing is kept for: its subdirectories and its FIFO and socket entries. */
interface Listing {
  /** Entries read (the walk's budget counts every entry, kept or not). */
  count: number;
  dirs: Buffer[];
  /** FIFO and socket entries (their type is re-checked by lstat each pass), with their full paths. */
  files: ListedFile[];
}

/** A FIFO or socket entry of a listing: its path joined and decoded once, reused while the listing is. */
interface ListedFile {
  name: Buffer;
  path: Buffer;
  key: string;
  text: string;
}

interface CachedListing extends Listing {
  dev: number;
  ino: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

/**
 * Listings of the directories searched, reused while the directory's inode, mtime and ctime are unchanged
 * (an entry added, removed or renamed changes the mtime). Scans repeat every few seconds, and most of /tmp
 * and of a workspace is regular files that never matter here. A listing taken less than RACY_NS after the
 * directory's mtime is not trusted later: the kernel's coarse clock can give a second change the same mtime.
 * Replaced on every pass, so directories that are no longer visited are dropped.
 */
let cache = new Map<string, CachedListing>();
/** Directories read with readdir and listings reused, since the start (for tests and benchmarks). */
export const listingStats = { read: 0, reused: 0 };
const RACY_MS = 2_000;
const S_IFMT = 0o170000;

function list(dir: Buffer, next: Map<string, CachedListing>): Listing {
  const key = dir.toString('latin1');
  const st = statBytes(dir, true);
  if (!st || (st.mode & S_IFMT) !== 0o040000) return { count: 0, dirs: [], files: [] };
  const old = cache.get(key);
  if (old && old.dev === st.dev && old.ino === st.ino && old.mtimeSec === st.mtimeSec && old.mtimeNsec === st.mtimeNsec
    && old.ctimeSec === st.ctimeSec && old.ctimeNsec === st.ctimeNsec) {
    next.set(key, old);
    listingStats.reused++;
    return old;
  }
  const listedAt = Date.now();
  listingStats.read++;
  let entries: Dirent<Buffer>[];
  try {
    entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return { count: 0, dirs: [], files: [] }; // gone, EACCES
  }
  const l: CachedListing = {
    count: entries.length, dirs: [], files: [], dev: st.dev, ino: st.ino,
    mtimeSec: st.mtimeSec, mtimeNsec: st.mtimeNsec, ctimeSec: st.ctimeSec, ctimeNsec: st.ctimeNsec,
  };
  for (const e of entries) {
    // isDirectory() on a Dirent does not follow symlinks: no loops through links.
    if (e.isDirectory()) l.dirs.push(e.name);
    else if (e.isFIFO() || e.isSocket()) {
      const path = join(dir, e.name);
      l.files.push({ name: e.name, path, key: path.toString('latin1'), text: path.toString('utf8') });
    }
  }
  if (listedAt - (st.mtimeSec * 1000 + st.mtimeNsec / 1e6) > RACY_MS) next.set(key, l);
  return l;
}

function join(dir: Buffer, name: Buffer): Buffer {
  return dir.length && dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, Buffer.from('/'), name]);
}

function pick(f: ListedFile, out: LeftoverFile[]): void {
  const st = statBytes(f.path, false);
  if (!st) return;
  // The type from the inode itself: the entry may have been replaced since it was listed.
  const type = st.mode & 0o170000;
  if (type !== 0o010000 && type !== 0o140000) return;
  out.push({ kind: type === 0o010000 ? 'fifo' : 'unix', path: f.path, key: f.key, text: f.text, dev: st.dev, ino: st.ino, mode: st.mode, uid: st.uid });
}

/** FIFOs and sockets directly in `flatDirs`, and in `deepDirs` down to WORKSPACE_MAX_DEPTH levels. */
export function findLeftovers(flatDirs: readonly string[], deepDirs: readonly string[]): LeftoverFile[] {
  const out: LeftoverFile[] = [];
  const seen = new Set<string>();
  const next = new Map<string, CachedListing>();
  for (const dir of flatDirs) {
    const d = Buffer.from(dir);
    for (const f of list(d, next).files) pick(f, out);
  }
  let budget = WORKSPACE_MAX_ENTRIES;
  for (const root of deepDirs) {
    const stack: [Buffer, number][] = [[Buffer.from(root), 0]];
    while (stack.length && budget > 0) {
      const [dir, depth] = stack.pop()!;
      const l = list(dir, next);
      // The budget counts every entry read, as a plain readdir walk would, cached or not.
      const within = Math.min(l.count, budget);
      budget -= l.count;
      if (within < l.count) {
        // Over budget in this directory: keep what a walk in readdir order would, approximately (no subdirectories).
        for (const f of l.files.slice(0, within)) pick(f, out);
        break;
      }
      for (const f of l.files) pick(f, out);
      if (depth + 1 < WORKSPACE_MAX_DEPTH) {
        for (const name of l.dirs) if (!SKIP.has(name.toString('latin1'))) stack.push([join(dir, name), depth + 1]);
      }
    }
  }
  cache = next;
  // A workspace inside /tmp (or a directory given twice) is met twice; one flat directory alone cannot repeat.
  if (deepDirs.length === 0 && flatDirs.length <= 1) return out;
  return out.filter((f) => {
    const k = `${f.dev}:${f.ino}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
