// The IPC objects a benchmark case needs, named and owned by the runner: unique names that carry the
// runner's pid, parent-created pipes/eventfds for inheritance, and cleanup that leaves nothing behind.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as n from '../../../native/bench/libc';
import type { MechanismId } from './catalogue';

export const NAME_PREFIX = 'ipcinsp-bench-';

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
  };
  return ops;
}

function sysvKeyInUse(key: number): boolean {
  try {
    return readFileSync('/proc/sysvipc/msg', 'utf8').split('\n').slice(1)
      .some((l) => Number(l.trim().split(/\s+/)[0]) === key);
  } catch { return false; }
}

/** Keys 0x40000000 | pid(22 bits) << 8 | counter(8 bits): ours by construction, checked unused. */
function sysvKey(): number {
  for (;;) {
    const k = (0x40000000 | ((process.pid & 0x3fffff) << 8) | (counter++ & 0xff)) >>> 0;
    if (!sysvKeyInUse(k)) return k;
  }
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
  const needsDir = mech === 'fifo' || mech.startsWith('unix-');
  const dir = needsDir ? privateDir() : '';
  const key = mech === 'sysv-msg' ? sysvKey() : 0;
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
    path: dir ? path.join(dir, 'ch') : '',
    key,
    fdsA,
    fdsB,
    closeParentFds() {
      if (!fdsOpen) return;
      fdsOpen = false;
      for (const fd of parentFds) native().close(fd);
    },
    cleanup() {
      res.closeParentFds();
      if (mech === 'shm-spin' || mech === 'shm-futex') native().shmUnlink(name);
      if (mech === 'posix-mq') { native().mqUnlink(`${name}-ab`); native().mqUnlink(`${name}-ba`); }
      if (mech === 'sysv-msg') native().removeSysvQueue(key);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return res;
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Removes objects left by benchmark runners that died without cleaning up (SIGKILL): only names with
 * our prefix whose embedded runner pid no longer exists. Returns what was removed.
 */
export function sweepStale(): string[] {
  const removed: string[] = [];
  const re = new RegExp(`^${NAME_PREFIX}(\\d+)-`);
  const dead = (entry: string): boolean => {
    const m = re.exec(entry);
    return !!m && Number(m[1]) !== process.pid && !alive(Number(m[1]));
  };
  for (const [dir, unlinkName] of [
    ['/dev/shm', (e: string) => native().shmUnlink(`/${e}`)],
    ['/dev/mqueue', (e: string) => native().mqUnlink(`/${e}`)],
  ] as const) {
    if (!existsSync(dir)) continue;
    for (const e of safeList(dir)) if (dead(e)) { unlinkName(e); removed.push(path.join(dir, e)); }
  }
  for (const base of new Set([tmpdir(), '/tmp'])) {
    for (const e of safeList(base)) {
      if (dead(e)) { rmSync(path.join(base, e), { recursive: true, force: true }); removed.push(path.join(base, e)); }
    }
  }
  return removed;
}

function safeList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
