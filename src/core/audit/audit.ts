// Security audit of a snapshot: lstat()s the files behind socket files, FIFOs, shm and mqueues (never
// opens them), applies the pure rules, and adds stale socket files and orphan FIFOs found on disk as objects.

import { AT_FDCWD, libc } from '../../../native/libc';
import { inodeId, type IpcKind, type IpcObject } from '../model';
import { nameBytes } from '../names';
import { ownNetns } from '../scan/netns';
import { statBytes, type PathStat } from '../scan/procio';
import { findLeftovers, type LeftoverFile } from './leftovers';
import {
  addFindings, ancestorsOf, directoryFindings, listenerFindings, modeFindings, modeOf, orphanFifoFinding,
  servesBoundFile, staleSocketFinding, sysvFindings, type DirMode,
} from './rules';

export interface AuditOptions {
  /** Kinds the snapshot scanned: leftovers are only judged for kinds whose holders were looked at. */
  kinds: ReadonlySet<IpcKind>;
  /** Workspace folders searched (bounded) for orphan FIFOs and stale socket files, besides /tmp. */
  workspaceDirs?: readonly string[];
  /** Processes whose fds could not be read: a FIFO "nobody holds" may be held by one of them. */
  hiddenProcesses?: number;
  /** Directories searched for leftovers (default: /tmp non-recursively, plus workspaceDirs); for tests. */
  tmpDirs?: readonly string[];
  /** The candidates, when already found (findAuditLeftovers with the same options): not searched again. */
  leftovers?: readonly LeftoverFile[];
}

/**
 * The FIFOs and socket files on disk that the audit judges (orphan or stale). They do not depend on the
 * objects, so a snapshot finds them while helper threads walk the processes; [] when neither kind is wanted.
 */
export function findAuditLeftovers(opts: AuditOptions): LeftoverFile[] {
  if (!opts.kinds.has('fifo') && !opts.kinds.has('unix')) return [];
  return findLeftovers(opts.tmpDirs ?? ['/tmp'], opts.workspaceDirs ?? []);
}

const S_IFMT = 0o170000;

/** lstat() of a raw-byte path; undefined on EACCES, ENOTDIR, ENAMETOOLONG...: nothing to judge. */
function lstatBytes(p: Buffer): PathStat | undefined {
  return statBytes(p, false);
}

/** Ancestor directory modes, cached per audit (a thousand FIFOs in one directory cost one lstat each). */
class DirCache {
  private readonly modes = new Map<string, number | null>();
  /** Chains by parent directory: every file of a directory has the same one. */
  private readonly chains = new Map<string, { chain: DirMode[]; key: string }>();
  chain(p: string): DirMode[] {
    return this.chainOf(p).chain;
  }
  /** The chain and a text that changes when any of its modes does (part of the leftover cache key). */
  chainOf(p: string): { chain: DirMode[]; key: string } {
    if (!p.startsWith('/')) return { chain: [], key: '' }; // relative: no directories to judge
    const slash = p.lastIndexOf('/');
    const parent = slash <= 0 ? '/' : p.slice(0, slash);
    let c = this.chains.get(parent);
    if (c) return c;
    const chain: DirMode[] = [];
    for (const d of ancestorsOf(p)) {
      let m = this.modes.get(d);
      if (m === undefined) {
        m = lstatBytes(Buffer.from(d))?.mode ?? null;
        this.modes.set(d, m);
      }
      if (m !== null) chain.push({ path: d, mode: m });
    }
    c = { chain, key: chain.map((x) => x.mode.toString(8)).join(',') };
    this.chains.set(parent, c);
    return c;
  }
}

/** The file-system path of an object, as raw bytes, or null (unnamed, abstract, relative, not a file). */
export function pathBytes(o: IpcObject): Buffer | null {
  if (o.kind === 'fifo' || (o.kind === 'unix' && o.unix?.address === 'path')) {
    const b = nameBytes(o);
    return b.length && b[0] === 0x2f /* '/' */ ? b : null;
  }
  if (o.kind === 'posix-shm' || o.kind === 'posix-sem' || o.kind === 'posix-mq') {
    // A queue known only through its holders (unlinked, or no mount) has no file, whatever its name now is.
    const path = o['path'];
    if (typeof path !== 'string' && (o.kind === 'posix-mq' || o['deleted'] === true)) return null;
    // The directory from the path (ASCII: /dev/shm, /dev/mqueue, /proc/PID/root/dev/shm), the file name from
    // the name's own bytes: the path text has U+FFFD where a name is not UTF-8.
    const dir = typeof path === 'string' ? path.slice(0, path.lastIndexOf('/') + 1) : o.kind === 'posix-mq' ? '/dev/mqueue/' : '/dev/shm/';
    let n = nameBytes(o);
    if (n[0] === 0x2f) n = n.subarray(1);
    if (!n.length) return null;
    // sem_open("/x") is the file sem.x.
    return Buffer.concat([Buffer.from(dir), o.kind === 'posix-sem' ? Buffer.from('sem.') : Buffer.alloc(0), n]);
  }
  return null;
}

const cwdBuf = Buffer.alloc(4096);

/**
 * The absolute path of a socket bound to a relative path (bind() resolved it from the binder's working
 * directory, which sock_diag does not tell): a holder's working directory joined with the name, kept only
 * when the file there is the socket's bound file (UNIX_DIAG_VFS). Null when no holder's directory leads to it.
 */
function relativeSocketPath(o: IpcObject): Buffer | null {
  const b = o.unix?.boundFile;
  if (o.kind !== 'unix' || o.unix?.address !== 'path' || !b || o['stale'] === true) return null;
  const name = nameBytes(o);
  if (!name.length || name[0] === 0x2f) return null;
  const tried = new Set<number>();
  for (const e of o.endpoints) {
    if (tried.has(e.pid)) continue;
    tried.add(e.pid);
    const n = libc().readlinkat(AT_FDCWD, `/proc/${e.pid}/cwd`, cwdBuf, cwdBuf.length);
    if (n <= 0 || cwdBuf[0] !== 0x2f) continue;
    const dir = cwdBuf.subarray(0, n);
    const p = Buffer.concat([dir, dir[dir.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/'), name]);
    const st = lstatBytes(p);
    if (st && st.dev === b.dev && st.ino === b.ino) return p;
  }
  return null;
}

/** True when the file at the path is this very object (the name may have been replaced or deleted). */
function sameFile(o: IpcObject, st: PathStat): boolean {
  if (o.kind === 'unix') {
    const b = o.unix?.boundFile;
    // Without UNIX_DIAG_VFS (fallback scan) only the type can be checked.
    return b ? b.dev === st.dev && b.ino === st.ino : (st.mode & S_IFMT) === 0o140000;
  }
  if (o.kind === 'fifo') return typeof o['dev'] === 'number' ? o['dev'] === st.dev && o.inode === st.ino : o.inode === st.ino;
  return o.inode ? o.inode === st.ino : true;
}

function auditObject(o: IpcObject, dirs: DirCache): void {
  if (o.kind === 'tcp' || o.kind === 'udp') {
    addFindings(o, listenerFindings(o));
    return;
  }
  if (o.kind === 'sysv-shm' || o.kind === 'sysv-msg' || o.kind === 'sysv-sem') {
    const m = modeOf(o['mode'] ?? o['perms']);
    if (m !== null) addFindings(o, sysvFindings(o.kind, m));
    return;
  }
  const p = pathBytes(o) ?? relativeSocketPath(o);
  if (!p) return;
  let mode = o.kind === 'unix' || o.kind === 'fifo' ? null : modeOf(o['mode']);
  if (mode === null) {
    const st = lstatBytes(p);
    if (!st || !sameFile(o, st)) {
      // A socket whose file was deleted or replaced since bind(): no client can reach it by its path any more.
      // (Only when the file is known gone: a path we may not look up says nothing.)
      if (o.kind === 'unix' && o.unix?.boundFile && o['stale'] !== true) {
        if (st) o['replaced'] = true;
        else if (libc().errnoName(libc().errno()) === 'ENOENT') o['deleted'] = true;
      }
      return;
    }
    mode = st.mode;
  }
  // A connection accepted from a listener keeps the listener's name and file: the file's findings are the
  // listener's (or the stale file's), not repeated once per client.
  if (o.kind === 'unix' && o.unix && !servesBoundFile(o.unix)) return;
  addFindings(o, modeFindings(o.kind, mode));
  // Only names that clients look up by path can be swapped under them.
  if (o.kind === 'unix' || o.kind === 'fifo') addFindings(o, directoryFindings(dirs.chain(p.toString('utf8'))));
}

/**
 * Leftover objects of the last audit by path, with everything they are made of (identity, mode, owner, the
 * modes of the directories above, hidden count, namespace): a stale socket file that stays as it was is the
 * same frozen instance scan after scan (/tmp can hold hundreds; the scan worker then also skips their JSON).
 * Compared field by field, so an unchanged leftover costs no allocation. Replaced on every audit, so files
 * gone are dropped.
 */
interface CachedLeftover {
  o: IpcObject;
  kind: LeftoverFile['kind'];
  dev: number;
  ino: number;
  mode: number;
  uid: number;
  hidden: number;
  ns: number | null;
  chain: string;
}
let leftoverCache = new Map<string, CachedLeftover>();

function cachedLeftover(f: LeftoverFile, dirs: DirCache, hidden: number, ns: number | null, next: Map<string, CachedLeftover>): IpcObject {
  const chain = dirs.chainOf(f.text).key;
  let c = leftoverCache.get(f.key);
  if (!c || c.kind !== f.kind || c.dev !== f.dev || c.ino !== f.ino || c.mode !== f.mode || c.uid !== f.uid
    || c.hidden !== hidden || c.ns !== ns || c.chain !== chain) {
    c = { o: deepFreeze(leftoverObject(f, dirs, hidden, ns)), kind: f.kind, dev: f.dev, ino: f.ino, mode: f.mode, uid: f.uid, hidden, ns, chain };
  }
  next.set(f.key, c);
  return c.o;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** Object for a leftover file: kind fifo/unix with no endpoints, so views can offer to delete it. */
function leftoverObject(f: LeftoverFile, dirs: DirCache, hidden: number, ns: number | null): IpcObject {
  const shown = f.text;
  const o: IpcObject = f.kind === 'fifo'
    ? { id: inodeId('fifo', f.dev, f.ino), kind: 'fifo', inode: f.ino, name: '', endpoints: [], findings: [], dev: f.dev, orphan: true }
    : {
      id: inodeId('unix', f.dev, f.ino), kind: 'unix', inode: f.ino, name: '', endpoints: [], findings: [], dev: f.dev, stale: true,
      // A socket file does not record the socket's type: 'stream' is a placeholder, `stale` says so.
      unix: { type: 'stream', state: 'unconnected', address: 'path', peer: null, pendingConnections: 0, inflightFds: 0, boundFile: { dev: f.dev, ino: f.ino } },
    };
  Object.assign(o, decodePath(f.path));
  // Every unix object carries a network namespace; a socket file belongs to none (it is found by path
  // from any), so it is labelled with the inspector's own, the one its clients here would connect from.
  if (f.kind === 'unix' && ns !== null) o['netns'] = ns;
  const first = f.kind === 'fifo' ? orphanFifoFinding(shown) : staleSocketFinding(shown);
  if (hidden > 0 && f.kind === 'fifo') first.message += ` (of the processes the inspector can see; ${hidden} hidden)`;
  addFindings(o, [first, ...modeFindings(f.kind, f.mode), ...directoryFindings(dirs.chain(shown))]);
  return o;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function decodePath(b: Buffer): { name: string; nameBase64?: string } {
  const text = utf8.decode(b);
  const valid = Buffer.from(text, 'utf8').equals(b);
  return valid && !b.includes(0) ? { name: text } : { name: text, nameBase64: b.toString('base64') };
}

/** (dev, ino) pairs without a string per lookup (an audit looks up every leftover file, hundreds in /tmp). */
class DevInoSet {
  private readonly byDev = new Map<number, Set<number>>();
  add(dev: number, ino: number): void {
    let s = this.byDev.get(dev);
    if (!s) this.byDev.set(dev, (s = new Set()));
    s.add(ino);
  }
  has(dev: number, ino: number): boolean {
    return this.byDev.get(dev)?.has(ino) ?? false;
  }
}

/**
 * Add findings to `objects` in place and return them with the leftovers (orphan FIFOs, stale socket
 * files) appended. Never throws on unreadable paths: they are skipped.
 */
export function auditObjects(objects: IpcObject[], opts: AuditOptions): IpcObject[] {
  const dirs = new DirCache();
  for (const o of objects) auditObject(o, dirs);
  const wantFifo = opts.kinds.has('fifo');
  const wantUnix = opts.kinds.has('unix');
  if (!wantFifo && !wantUnix) return objects;
  const held = new DevInoSet();
  const bound = new DevInoSet();
  const boundNames = new Set<string>();
  let haveVfs = false;
  for (const o of objects) {
    if (o.kind === 'fifo' && o.endpoints.length && typeof o['dev'] === 'number') held.add(o['dev'], o.inode);
    // (A connection accepted from a listener that is gone keeps its file: it does not count.)
    if (o.kind === 'unix' && o.unix?.address === 'path' && servesBoundFile(o.unix)) {
      const b = o.unix.boundFile;
      if (b) {
        haveVfs = true;
        bound.add(b.dev, b.ino);
      }
      boundNames.add(nameBytes(o).toString('latin1'));
    }
  }
  const leftovers = opts.leftovers ?? findAuditLeftovers(opts);
  const out = [...objects];
  // Looked up once, not per stale socket file (a statx through procfs each; /tmp can hold hundreds).
  let ns: number | null | undefined;
  const next = new Map<string, CachedLeftover>();
  for (const f of leftovers) {
    if (f.kind === 'fifo') {
      if (!wantFifo || held.has(f.dev, f.ino)) continue;
    } else {
      if (!wantUnix) continue;
      if (haveVfs ? bound.has(f.dev, f.ino) : boundNames.has(f.key)) continue;
    }
    if (f.kind === 'unix' && ns === undefined) ns = ownNetns();
    out.push(cachedLeftover(f, dirs, opts.hiddenProcesses ?? 0, ns ?? null, next));
  }
  leftoverCache = next;
  return out;
}
