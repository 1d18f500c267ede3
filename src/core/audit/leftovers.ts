// Finds FIFOs and socket files on disk (candidates for orphan FIFOs and stale socket files): /tmp without
// recursion, workspace folders to a bounded depth and count, skipping node_modules and .git. lstat only.

import { lstatSync, readdirSync, type Dirent } from 'node:fs';

export interface LeftoverFile {
  kind: 'fifo' | 'unix';
  /** Raw bytes of the path (names are arbitrary bytes). */
  path: Buffer;
  dev: number;
  ino: number;
  mode: number;
  uid: number;
}

export const WORKSPACE_MAX_DEPTH = 6;
export const WORKSPACE_MAX_ENTRIES = 20000;
const SKIP = new Set(['node_modules', '.git']);

function list(dir: Buffer): Dirent<Buffer>[] {
  try {
    return readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return []; // gone, EACCES, not a directory
  }
}

function join(dir: Buffer, name: Buffer): Buffer {
  return dir.length && dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, Buffer.from('/'), name]);
}

function pick(path: Buffer, d: Dirent<Buffer>, out: LeftoverFile[]): void {
  const fifo = d.isFIFO();
  if (!fifo && !d.isSocket()) return;
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return;
  }
  if (!st) return;
  // Re-check the type on the inode itself: the entry may have been replaced since readdir.
  const type = st.mode & 0o170000;
  if (type !== 0o010000 && type !== 0o140000) return;
  out.push({ kind: type === 0o010000 ? 'fifo' : 'unix', path, dev: st.dev, ino: st.ino, mode: st.mode, uid: st.uid });
}

/** FIFOs and sockets directly in `flatDirs`, and in `deepDirs` down to WORKSPACE_MAX_DEPTH levels. */
export function findLeftovers(flatDirs: readonly string[], deepDirs: readonly string[]): LeftoverFile[] {
  const out: LeftoverFile[] = [];
  const seen = new Set<string>();
  for (const dir of flatDirs) {
    const d = Buffer.from(dir);
    for (const e of list(d)) pick(join(d, e.name), e, out);
  }
  let budget = WORKSPACE_MAX_ENTRIES;
  for (const root of deepDirs) {
    const stack: [Buffer, number][] = [[Buffer.from(root), 0]];
    while (stack.length && budget > 0) {
      const [dir, depth] = stack.pop()!;
      for (const e of list(dir)) {
        if (--budget <= 0) break;
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          // isDirectory() on a Dirent does not follow symlinks: no loops through links.
          if (depth + 1 < WORKSPACE_MAX_DEPTH && !SKIP.has(e.name.toString('latin1'))) stack.push([p, depth + 1]);
        } else pick(p, e, out);
      }
    }
  }
  // A workspace inside /tmp is met twice.
  return out.filter((f) => {
    const k = `${f.dev}:${f.ino}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
