// Starts the Python helpers that create real kernel objects, reads their JSON lines, and ends them.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface Holder<T> {
  info: T;
  child: ChildProcess;
  /** Send one command line and wait for the next JSON line. */
  command<R>(line: string): Promise<R>;
  /** Close stdin and wait for the helper (and its forked holders) to exit. */
  stop(): Promise<void>;
}

export function helperPath(name: string): string {
  return path.join(__dirname, name);
}

/** The system interpreter directly: a pyenv shim costs seconds per start on a busy machine. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Run a helper script with python3 and wait for its first JSON line. `prefix` runs it through another
 * command (e.g. unshare), which must exec "$@".
 */
export async function startHelper<T>(script: string, args: string[] = [], prefix: string[] = []): Promise<Holder<T>> {
  const argv = [...prefix, PYTHON, helperPath(script), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const q = queue.shift();
      if (q !== undefined) return resolve(q);
      const t = setTimeout(() => reject(new Error(`${script}: no output within 10 s`)), 10000);
      waiters.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
  const info = JSON.parse(await next()) as T;
  return {
    info,
    child,
    async command<R>(line: string): Promise<R> {
      child.stdin!.write(line + '\n');
      return JSON.parse(await next()) as R;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}

/** tsx's compile cache (test runs only). */
const TSX_CACHE = path.join(tmpdir(), `tsx-${process.getuid?.() ?? 0}`) + '/';

/**
 * What this process's fds name (their link targets, sorted), without the event-loop fds of threads that are
 * starting or stopping meanwhile (a scan's helper threads start in the background: each opens an epoll fd,
 * an eventfd and possibly an io_uring of its own at a moment of its choosing). A leaked pipe duplicate, pidfd
 * or /proc file still shows.
 */
export function ownFdTargets(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the fd of the directory listing itself, closed by now
    }
    if (/^anon_inode:\[(eventpoll|eventfd|io_uring)\]$/.test(target)) continue;
    // tsx writing its compile cache while a helper thread starting from the TypeScript sources compiles them
    // (a scan now ends before a cold helper has started): the test runner's files, not the inspector's.
    if (target.startsWith(TSX_CACHE)) continue;
    out.push(target);
  }
  return out.sort();
}
