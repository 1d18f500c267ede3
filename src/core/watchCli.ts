// `ipc-inspector watch <id>`: queue samples of one object over time. One snapshot finds the object, then
// each tick uses the cheap refresh path (refreshQueues: sock_diag dump / FIONREAD), never a full walk.

import { parseArgs } from 'node:util';
import { ALL_KINDS, type IpcKind } from './model';
import { escapeControl } from './names';
import { refreshQueues, type QueueSample } from './scan/refresh';
import { oneShotThreads } from './scan/helperPool';
import { takeSnapshot } from './scan/snapshot';
import { objectLabel } from './view/treeModel';

export const WATCH_HELP = `Usage: ipc-inspector watch <id> [--interval ms] [--count n] [--json]
  Print the queue fill of one object (an id from 'ipc-inspector ls --json', e.g. pipe:14:123456)
  every --interval ms (default 1000, 50..60000), --count times (default: until Ctrl-C).
  Pipes, FIFOs, Unix, TCP and UDP sockets can be watched.
  --json   one line per sample: {"t": <ms since epoch>, "id", "used", "capacity", "unit"}
Exit codes: 0 done or Ctrl-C, 1 object not found or vanished, 2 usage error.
`;

const WATCHABLE = new Set<IpcKind>(['pipe', 'fifo', 'unix', 'tcp', 'udp']);

export interface WatchIo {
  out(line: string): void;
  err(line: string): void;
  /** Ends the watch early (Ctrl-C); default: SIGINT/SIGTERM of this process. */
  signal?: AbortSignal;
}

const defaultIo: WatchIo = {
  out: (l) => void process.stdout.write(l + '\n'),
  err: (l) => void process.stderr.write(l + '\n'),
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function intOpt(v: string | undefined, name: string, def: number, min: number, max: number): number | string {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) return `--${name} must be an integer from ${min} to ${max}`;
  return n;
}

function human(s: QueueSample, t: Date): string {
  const q = s.queue!;
  const cap = q.capacity === null ? '' : ` / ${q.capacity}`;
  const pct = q.capacity ? ` (${((100 * q.used) / q.capacity).toFixed(1)}%)` : '';
  const state = s.state ? `  ${s.state}` : '';
  return `${t.toISOString().slice(11, 23)}  ${q.used}${cap} ${q.unit}${pct}${state}`;
}

/** Run `watch` with its arguments (after the word `watch`). Resolves to the exit code. */
export async function runWatchCli(argv: string[], io: WatchIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { interval: { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`ipc-inspector watch: ${(e as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(WATCH_HELP.trimEnd());
    return 0;
  }
  const interval = intOpt(values.interval, 'interval', 1000, 50, 60000);
  const count = intOpt(values.count, 'count', 0, 1, 1e9);
  if (positionals.length !== 1 || typeof interval === 'string' || typeof count === 'string') {
    const why = typeof interval === 'string' ? interval : typeof count === 'string' ? count : 'exactly one object id expected';
    io.err(`ipc-inspector watch: ${why}\n${WATCH_HELP.trimEnd()}`);
    return 2;
  }
  const id = positionals[0]!;
  const kind = id.slice(0, id.indexOf(':')) as IpcKind;
  if (!(ALL_KINDS as readonly string[]).includes(kind)) {
    io.err(`ipc-inspector watch: '${escapeControl(id)}' is not an object id (expected <kind>:..., kinds: ${ALL_KINDS.join(', ')})`);
    return 2;
  }
  if (!WATCHABLE.has(kind)) {
    io.err(`ipc-inspector watch: objects of kind ${kind} have no queue the refresh path samples (watchable: ${[...WATCHABLE].join(', ')})`);
    return 2;
  }
  // Only the object's kind: fewer sock_diag dumps (the fd walk still runs, once).
  const snap = takeSnapshot({ kinds: [kind], threads: oneShotThreads() });
  const obj = snap.objects.find((o) => o.id === id);
  if (!obj) {
    io.err(`ipc-inspector watch: no object ${escapeControl(id)} on this machine now (it may have closed; run 'ipc-inspector ls')`);
    return 1;
  }

  const ownSignal = !io.signal;
  const ac = new AbortController();
  const signal = io.signal ?? ac.signal;
  const stop = (): void => ac.abort();
  if (ownSignal) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  try {
    if (!values.json) {
      // "pipe 8168300", "unix unnamed socket", "fifo /tmp/x": names escaped, invalid UTF-8 shown byte by byte.
      const label = objectLabel(obj);
      io.out(`watching ${label.startsWith(`${obj.kind} `) ? label : `${obj.kind} ${label}`} (${obj.id}) every ${interval} ms; Ctrl-C stops`);
    }
    for (let i = 0; count === 0 || i < count; i++) {
      if (i > 0) await sleep(interval, signal);
      if (signal.aborted) return 0;
      const r = refreshQueues([obj]);
      const s = r.samples.find((x) => x.id === id);
      if (!s || !s.queue) {
        const why = r.notes.length ? `: ${r.notes.join('; ')}` : '';
        io.err(`ipc-inspector watch: ${obj.id} vanished or its queue can no longer be read${why}`);
        return 1;
      }
      const t = new Date();
      io.out(values.json
        ? JSON.stringify({ t: t.getTime(), id, used: s.queue.used, capacity: s.queue.capacity, unit: s.queue.unit })
        : human(s, t));
    }
    return 0;
  } finally {
    if (ownSignal) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
