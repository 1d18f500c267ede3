// `ipc-inspector watch <id>`: queue samples of one object over time. One snapshot finds the object, then
// each tick uses the cheap refresh path (refreshQueues: sock_diag dump / FIONREAD / mq_getattr / /proc/sysvipc/msg), never a full walk.

import { parseArgs } from 'node:util';
import { ALL_KINDS, type IpcKind, type QueueFill } from './model';
import { escapeControl } from './names';
import { REFRESH_KINDS, refreshQueues, type QueueSample } from './scan/refresh';
import { oneShotThreads } from './scan/helperPool';
import { takeSnapshot } from './scan/snapshot';
import { objectLabel } from './view/treeModel';

export const WATCH_HELP = `Usage: ipc-inspector watch <id> [--interval ms] [--count n] [--json]
  Print the queue fill of one object (an id from 'ipc-inspector ls --json', e.g. pipe:14:123456)
  every --interval ms (default 1000, 50..60000), --count times (default: until Ctrl-C); both are
  plain decimal integers. Times are local (as 'date' prints them).
  Pipes, FIFOs, Unix, TCP and UDP sockets (unaccepted connections too), POSIX and System V message
  queues can be watched. TCP and UDP sockets show their receive and send queues (Recv-Q, Send-Q),
  System V message queues their messages and bytes.
  --json   one line per sample: {"t": <ms since epoch>, "id", "used", "capacity", "unit"}, and
           "state" (sockets), "sendQueue" (bytes; TCP and UDP but listeners),
           "bytes" and "maxBytes" (System V message queues; maxBytes null when unreadable)
Exit codes: 0 done or Ctrl-C, 1 object not found or vanished, 2 usage error.
`;

/** Every kind the refresh path samples. */
const WATCHABLE = new Set<IpcKind>(REFRESH_KINDS);

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

/**
 * A plain decimal integer option ("250"; not "1e3", "0x10", "2.0", " 5" or "+5", which Number() takes),
 * from min to max; the error text otherwise.
 */
export function intOpt(v: string | undefined, name: string, what: string, def: number, min: number, max: number): number | string {
  if (v === undefined) return def;
  const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) return `--${name} must be ${what} from ${min} to ${max} as a plain decimal integer, not '${escapeControl(v)}'`;
  return n;
}

/** HH:MM:SS.mmm in local time (the TZ environment variable honoured, as by date). */
export function localTime(t: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${p(t.getMilliseconds(), 3)}`;
}

/** used / capacity as a percentage with one decimal; a non-zero fill under 0.1 % is '<0.1%', a fill short of full over 99.9 % '>99.9%'. */
export function percent(used: number, capacity: number): string {
  const p = (100 * used) / capacity;
  if (used > 0 && p < 0.1) return '<0.1%';
  if (used < capacity && p > 99.9) return '>99.9%';
  return `${p.toFixed(1)}%`;
}

function fill(used: number, capacity: number | null, unit: string, measure?: QueueFill['measure']): string {
  // (What the kernel counts when it is not the bytes waiting: see QueueFill.measure.)
  if (measure === 'next-datagram') return `next datagram ${used} bytes`;
  if (measure === 'memory') return `${used} bytes rcvbuf memory`;
  return capacity === null ? `${used} ${unit}` : `${used} / ${capacity} ${unit}${capacity > 0 ? ` (${percent(used, capacity)})` : ''}`;
}

/** One human line: local time, the fill (both queues of a TCP/UDP socket, messages and bytes of a SysV queue), state. */
export function human(s: QueueSample, t: Date): string {
  const q = s.queue!;
  let text: string;
  if (s.sendQueue !== undefined) text = `Recv-Q ${fill(q.used, q.capacity, q.unit, q.measure)}  Send-Q ${s.sendQueue} bytes`;
  else if (s.bytes) text = `${fill(q.used, q.capacity, q.unit)}  ${fill(s.bytes.used, s.bytes.capacity, 'bytes')}`;
  else text = fill(q.used, q.capacity, q.unit, q.measure);
  const state = s.state ? `  ${s.state}` : '';
  return `${localTime(t)}  ${text}${state}`;
}

/** One --json line: time in ms since the epoch (no time zone), the fill, and the socket state / send queue / SysV bytes when sampled. */
export function jsonLine(s: QueueSample, t: Date): string {
  const q = s.queue!;
  const o: Record<string, unknown> = { t: t.getTime(), id: s.id, used: q.used, capacity: q.capacity, unit: q.unit };
  if (q.measure !== undefined) o['measure'] = q.measure;
  if (s.state !== undefined) o['state'] = s.state;
  if (s.sendQueue !== undefined) o['sendQueue'] = s.sendQueue;
  if (s.bytes) {
    o['bytes'] = s.bytes.used;
    o['maxBytes'] = s.bytes.capacity;
  }
  return JSON.stringify(o);
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
  const interval = intOpt(values.interval, 'interval', 'a number of milliseconds', 1000, 50, 60000);
  const count = intOpt(values.count, 'count', 'a count', 0, 1, 1e9);
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
    // Pipes and FIFOs are found only through the fds of their holders: a process this user cannot
    // inspect hides its pipes. (Sockets and message queues are listed whoever holds them.)
    const hidden = snap.hidden.processes;
    io.err(hidden > 0 && (kind === 'pipe' || kind === 'fifo')
      ? `ipc-inspector watch: no object ${escapeControl(id)} visible to this user now: it may have closed, or belong to processes this user ` +
        `cannot inspect (${hidden} hidden${process.getuid?.() === 0 ? ': the kernel refuses their fd links even to root' : '; run as their user, or as root'})`
      : `ipc-inspector watch: no object ${escapeControl(id)} on this machine now (it may have closed; run 'ipc-inspector ls')`);
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
        const why = r.notes.length ? `: ${r.notes.join('; ')}`
          // An unaccepted connection gets an inode, and with it another id, once accepted.
          : !obj.inode && (kind === 'tcp' || kind === 'udp') ? ' (accepted, or closed: run \'ipc-inspector ls\' for its new id)' : '';
        io.err(`ipc-inspector watch: ${escapeControl(obj.id)} vanished or its queue can no longer be read${why}`);
        return 1;
      }
      const t = new Date();
      io.out(values.json ? jsonLine(s, t) : human(s, t));
    }
    return 0;
  } finally {
    if (ownSignal) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
