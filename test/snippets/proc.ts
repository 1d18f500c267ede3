// Child-process helpers for the snippet harness: run with a deadline, kill the whole process group, read a first line.

import { spawn, type ChildProcess } from 'node:child_process';

export interface Command {
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** A started process whose output is collected; `done` settles when it exits (or is killed at the deadline). */
export interface Running {
  child: ChildProcess;
  done: Promise<Outcome>;
  /** Resolves with the first stdout line, or undefined if the process exits or `ms` pass first. */
  firstLine(ms: number): Promise<string | undefined>;
  kill(): void;
}

const MAX_CAPTURE = 1 << 20;

/** Starts `c` in its own process group so a timeout also kills the children it spawned (re-exec'd peers). */
export function start(c: Command, timeoutMs: number): Running {
  const t0 = Date.now();
  const child = spawn(c.cmd, c.args, { cwd: c.cwd, env: c.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let exited = false;
  const lineWaiters: (() => void)[] = [];
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (s: string) => {
    if (stdout.length < MAX_CAPTURE) stdout += s;
    for (const w of lineWaiters.splice(0)) w();
  });
  child.stderr?.on('data', (s: string) => {
    if (stderr.length < MAX_CAPTURE) stderr += s;
  });
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  const done = new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
      if (settled) return;
      settled = true;
      exited = true;
      clearTimeout(timer);
      // Re-exec'd children of a failed program must not outlive the run.
      killGroup();
      for (const w of lineWaiters.splice(0)) w();
      resolve({ code, signal, stdout, stderr: stderr + extra, timedOut, ms: Date.now() - t0 });
    };
    child.on('error', (err) => finish(null, null, `\nspawn failed: ${err.message}`));
    child.on('close', (code, signal) => finish(code, signal));
  });
  const firstLine = (ms: number): Promise<string | undefined> =>
    new Promise((resolve) => {
      let finished = false;
      const settle = (v: string | undefined): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => settle(undefined), ms);
      const check = (): void => {
        const nl = stdout.indexOf('\n');
        if (nl >= 0) settle(stdout.slice(0, nl));
        else if (exited) settle(undefined);
        else lineWaiters.push(check);
      };
      check();
    });
  return { child, done, firstLine, kill: killGroup };
}

/** Runs `c` to completion (or its deadline). */
export function run(c: Command, timeoutMs: number): Promise<Outcome> {
  return start(c, timeoutMs).done;
}

/** Runs `tasks` with at most `limit` in flight, preserving result order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Last lines of a text, for failure reports. */
export function tail(text: string, lines = 12): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
