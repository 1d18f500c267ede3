// The IPC objects a benchmark case needs, named and owned by the runner: unique names that carry the
// runner's pid, parent-created pipes/eventfds for inheritance, and cleanup that leaves nothing behind.

import { appendFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as n from '../../../native/bench/libc';
import type { MechanismId } from './catalogue';

export const NAME_PREFIX = 'ipcinsp-bench-';

/**
 * In the private directory of a sysv-msg case: 'key <key>' written before the workers start, then
 * 'id <msqid>' once worker a has created the queue. A System V queue has no name to find it by, so this
 * is how sweepStale() finds the queue of a runner that was killed (SIGKILL) before its cleanup.
 */
export const SYSV_MARKER = 'sysv-msg';

let counter = 0;

export interface CaseResources {
  /** Base POSIX name ('/ipcinsp-bench-<pid>-<n>'): shm as is, mq with -ab / -ba. */
  name: string;
  /** Base path for FIFOs and socket files, inside a private 0700 directory ('' when not needed). */
  path: string;
  /** System V key for sysv-msg. */
  key: number;
  /** Inherited fds for worker a and b (fd 3 = read end, fd 4 = write end), or empty. */
  fdsA: number[];
  fdsB: number[];
  /** Closes the parent's copies of inherited fds (after both workers are spawned). */
  closeParentFds(): void;
  /** Once both workers are ready: notes the id of the System V queue worker a created (sysv-msg only). */
  noteCreated(): void;
  /** Removes every object the case may have created; safe to call more than once. */
  cleanup(): void;
}

interface NativeOps {
  pipe2(): [number, number];
  setPipeSize(fd: number, bytes: number): void;
  eventfd(): number;
  close(fd: number): void;
  shmUnlink(name: string): void;
  mqUnlink(name: string): void;
  removeSysvQueue(key: number): void;
  removeSysvId(id: number): boolean;
}

let ops: NativeOps | null = null;

/** Parent-side native calls; koffi is loaded on first use (never at module load). */
function native(): NativeOps {
  if (ops) return ops;
  const c = n.libc();
  ops = {
    pipe2() {
      const fds = [0, 0];
      n.check(c.pipe2(fds, n.O_CLOEXEC), 'pipe2');
      return [fds[0]!, fds[1]!];
    },
    setPipeSize(fd, bytes) { n.check(c.fcntl(fd, n.F_SETPIPE_SZ, bytes), 'fcntl(F_SETPIPE_SZ)'); },
    eventfd() { return n.check(c.eventfd(0, n.EFD_CLOEXEC), 'eventfd'); },
    close(fd) { c.close(fd); },
    shmUnlink(name) { c.shm_unlink(name); },
    mqUnlink(name) { c.mq_unlink(name); },
    removeSysvQueue(key) {
      const id = c.msgget(key, 0);
      if (id >= 0) c.msgctl(id, n.IPC_RMID, null);
    },
    removeSysvId(id) { return c.msgctl(id, n.IPC_RMID, null) === 0; },
  };
  return ops;
}

/** One row of /proc/sysvipc/msg (columns found by the header's names). */
export interface SysvQueueRow { key: number; msqid: number; cuid: number; ctime: number }

export function sysvQueues(text?: string): SysvQueueRow[] {
  try {
    const lines = (text ?? readFileSync('/proc/sysvipc/msg', 'utf8')).split('\n');
    const head = lines[0]!.trim().split(/\s+/);
    const col = (name: string): number => head.indexOf(name);
    const [k, q, u, t] = [col('key'), col('msqid'), col('cuid'), col('ctime')];
    if (k < 0 || q < 0 || u < 0 || t < 0) return [];
    return lines.slice(1).filter((l) => l.trim()).map((l) => {
      const f = l.trim().split(/\s+/).map(Number);
      return { key: f[k]! >>> 0, msqid: f[q]!, cuid: f[u]!, ctime: f[t]! };
    });
  } catch { return []; }
}

/** The top 24 bits of the System V keys of the runner with this pid. */
function sysvKeyPrefix(pid: number): number {
  return (0x40000000 | ((pid & 0x3fffff) << 8)) >>> 8;
}

/** Keys 0x40000000 | pid(22 bits) << 8 | counter(8 bits): ours by construction, checked unused. */
function sysvKey(): number {
  const used = new Set(sysvQueues().map((r) => r.key));
  for (;;) {
    const k = ((sysvKeyPrefix(process.pid) << 8) | (counter++ & 0xff)) >>> 0;
    if (!used.has(k)) return k;
  }
}

function euid(): number {
  return process.geteuid?.() ?? -1;
}

function privateDir(): string {
  let base = tmpdir();
  // sun_path holds 107 bytes: keep the socket path short.
  if (base.length > 60) base = '/tmp';
  return mkdtempSync(path.join(base, `${NAME_PREFIX}${process.pid}-`));
}

export const PIPE_1M = 1 << 20;

export function allocateResources(mech: MechanismId): CaseResources {
  const id = `${process.pid}-${counter++}`;
  const name = `/${NAME_PREFIX}${id}`;
  const needsPath = mech === 'fifo' || mech.startsWith('unix-');
  const dir = needsPath || mech === 'sysv-msg' ? privateDir() : '';
  const key = mech === 'sysv-msg' ? sysvKey() : 0;
  // The marker exists before any worker can create the queue (see SYSV_MARKER).
  if (key) writeFileSync(path.join(dir, SYSV_MARKER), `key ${key}\n`, { mode: 0o600, flag: 'wx' });
  let sysvId = -1;
  const parentFds: number[] = [];
  let fdsA: number[] = [];
  let fdsB: number[] = [];
  if (mech === 'pipe' || mech === 'pipe-1m' || mech === 'eventfd') {
    const nat = native();
    let ab: [number, number];
    let ba: [number, number];
    if (mech === 'eventfd') {
      const x = nat.eventfd(), y = nat.eventfd();
      ab = [x, x];
      ba = [y, y];
    } else {
      ab = nat.pipe2();
      ba = nat.pipe2();
      if (mech === 'pipe-1m') for (const p of [ab, ba]) nat.setPipeSize(p[1], PIPE_1M);
    }
    fdsA = [ab[0], ba[1]];
    fdsB = [ba[0], ab[1]];
    parentFds.push(...new Set([...ab, ...ba]));
  }
  let fdsOpen = true;
  const res: CaseResources = {
    name,
    path: needsPath ? path.join(dir, 'ch') : '',
    key,
    fdsA,
    fdsB,
    closeParentFds() {
      if (!fdsOpen) return;
      fdsOpen = false;
      for (const fd of parentFds) native().close(fd);
    },
    noteCreated() {
      if (!key || sysvId >= 0) return;
      const row = sysvQueues().find((r) => r.key === key && r.cuid === euid());
      if (!row) return;
      sysvId = row.msqid;
      try { appendFileSync(path.join(dir, SYSV_MARKER), `id ${sysvId}\n`); } catch { /* the sweep falls back to key and time */ }
    },
    cleanup() {
      res.closeParentFds();
      if (mech === 'shm-spin' || mech === 'shm-futex') native().shmUnlink(name);
      if (mech === 'posix-mq') { native().mqUnlink(`${name}-ab`); native().mqUnlink(`${name}-ba`); }
      // The queue goes before its marker: a runner killed in between leaves a marker naming no queue.
      if (mech === 'sysv-msg') { if (sysvId >= 0) native().removeSysvId(sysvId); else native().removeSysvQueue(key); }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return res;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Owned by this user and of the expected type (never a symlink): else not ours to remove. */
function ownEntry(p: string, dir: boolean): { mtimeMs: number } | null {
  try {
    const st = lstatSync(p);
    return st.uid === euid() && (dir ? st.isDirectory() : !st.isSymbolicLink()) ? st : null;
  } catch { return null; }
}

/**
 * The System V queue named by the marker in `dir`, a run directory of the dead runner `pid`, if it still
 * matches: its key is one that runner would choose (its pid is in it) and is the marker's, this user created
 * it, and it is the queue recorded (msqid) or, when the runner died before recording it, was created no
 * earlier than the marker. Returns false when a matching queue could not be removed (the marker is kept).
 */
function sweepSysvMarker(dir: string, pid: number, rows: SysvQueueRow[], removed: string[]): boolean {
  const marker = path.join(dir, SYSV_MARKER);
  const st = ownEntry(marker, false);
  if (!st) return true;
  let text: string;
  try { text = readFileSync(marker, 'utf8'); } catch { return true; }
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const key = field('key'), id = field('id');
  if (key === undefined || key >>> 8 !== sysvKeyPrefix(pid)) return true;
  const q = rows.find((r) => r.key === key && r.cuid === euid()
    && (id !== undefined ? r.msqid === id : r.ctime >= Math.floor(st.mtimeMs / 1000) - 1));
  if (!q) return true;
  if (!native().removeSysvId(q.msqid)) return false;
  removed.push(`sysv msg key 0x${key.toString(16)} id ${q.msqid}`);
  return true;
}

/**
 * Removes objects left by benchmark runners that died without cleaning up (SIGKILL): only this user's
 * entries with our prefix whose embedded runner pid no longer exists, and the System V queues their run
 * directories name (SYSV_MARKER), each checked against the queue table first. Returns what was removed.
 */
export function sweepStale(): string[] {
  const removed: string[] = [];
  const re = new RegExp(`^${NAME_PREFIX}(\\d+)-`);
  const deadPid = (entry: string): number | null => {
    const m = re.exec(entry);
    const pid = m ? Number(m[1]) : NaN;
    return m && pid !== process.pid && !alive(pid) ? pid : null;
  };
  for (const [dir, unlinkName] of [
    ['/dev/shm', (e: string) => native().shmUnlink(`/${e}`)],
    ['/dev/mqueue', (e: string) => native().mqUnlink(`/${e}`)],
  ] as const) {
    if (!existsSync(dir)) continue;
    for (const e of safeList(dir)) {
      if (deadPid(e) !== null && ownEntry(path.join(dir, e), false)) { unlinkName(e); removed.push(path.join(dir, e)); }
    }
  }
  let rows: SysvQueueRow[] | undefined;
  for (const base of new Set([tmpdir(), '/tmp'])) {
    for (const e of safeList(base)) {
      const pid = deadPid(e);
      const p = path.join(base, e);
      if (pid === null || !ownEntry(p, true)) continue;
      if (!sweepSysvMarker(p, pid, (rows ??= sysvQueues()), removed)) continue;
      rmSync(p, { recursive: true, force: true });
      removed.push(p);
    }
  }
  return removed;
}

function safeList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
