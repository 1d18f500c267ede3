// Probes: runs of a snippet off the happy path, each checking one promise the snippet makes (a UDP server survives a
// datagram whose echo cannot be sent, a line server drops a client that never ends its line without buffering it,
// a server removes its socket on SIGTERM...). run.ts builds and runs them after the ordinary units.

import { createSocket } from 'node:dgram';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { SnippetLanguage } from '../../src/core/snippets/types';
import type { DefaultEdit } from './build';
import type { Outcome, Running } from './proc';

export interface JudgeOptions {
  anyExit?: boolean;
  output?: boolean;
}

export interface ProbeKit {
  id: string;
  language: SnippetLanguage;
  /** Starts the probed snippet ('leader') or the other side of its pair ('peer'), with `args`. */
  start(which: 'leader' | 'peer', args?: string[]): Running;
  /** Starts the probed snippet and waits for its first line; throws (failing the probe) if it prints none in time. */
  startLeader(): Promise<{ leader: Running; address: string }>;
  /** The catalogue's verdict on a finished program: exit 0 in time (`anyExit`: any status but a kill) and the expected output (unless `output` is false). */
  judge(which: 'leader' | 'peer', o: Outcome, opts?: JudgeOptions): string[];
}

export interface Probe {
  name: string;
  /** What a failure means for the user, one line. */
  promise: string;
  /** Snippet ids the probe runs against, in each language that has them (unless `languages` narrows it). */
  ids: readonly string[];
  languages?: readonly SnippetLanguage[];
  /** Placeholder defaults changed in the probed snippet or its peer (built as separate variants, C ones with `cflags`). */
  edits?(id: string): { leader?: readonly DefaultEdit[]; peer?: readonly DefaultEdit[]; cflags?: readonly string[] };
  /** Writes helper files that edits point at (once, before building). */
  prepare?(): void;
  /** Runs the probe; returns what went wrong (empty = passed). */
  run(kit: ProbeKit): Promise<string[]>;
}

const HELPERS = path.resolve(__dirname, '..', '..', '.cache', 'snippet-probes');
const GREP_CHECKING_SIGPIPE = path.join(HELPERS, 'grep-checking-sigpipe');
const UDP_MAX_PAYLOAD = 65_507; // IPv4: 65535 - 20 (IP header) - 8 (UDP header)
const MiB = 1 << 20;

/** Resolves with `r`'s outcome, killing it if it has not exited `ms` after the call. */
async function within(r: Running, ms: number): Promise<Outcome> {
  const timer = setTimeout(() => r.kill(), ms);
  try {
    return await r.done;
  } finally {
    clearTimeout(timer);
  }
}

const status = (o: Outcome): string => (o.code !== null ? `exit ${o.code}` : `killed by ${o.signal ?? 'its deadline'}`);

/** Peak resident memory (VmHWM) of a process in bytes, 0 when it cannot be read. */
function peakRss(pid: number | undefined): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Sends one datagram to host:port; resolves once it is handed to the kernel. */
function sendDatagram(address: string, payload: Buffer): Promise<void> {
  const colon = address.lastIndexOf(':');
  const socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    socket.send(payload, Number(address.slice(colon + 1)), address.slice(0, colon), (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Connects to a Unix socket path or host:port, writes `bytes` bytes without a newline and keeps the connection
 * open; resolves true when the server closes it within `ms`, false otherwise.
 */
function unterminatedLine(address: string, bytes: number, ms: number): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  const socket = address.startsWith('/') ? connect({ path: address }) : connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.on('error', () => undefined); // EPIPE / ECONNRESET: the server hung up on us, which is the point
    socket.on('data', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.write(Buffer.alloc(bytes, 'x'));
  });
}

/** Connects to host:port and resets the connection (RST, not FIN) as soon as it is established. */
function resetConnection(address: string): Promise<void> {
  const colon = address.lastIndexOf(':');
  const socket = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
  return new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.resetAndDestroy();
      socket.on('close', () => resolve());
    });
  });
}

export const PROBES: readonly Probe[] = [
  {
    name: 'udp-max-datagram',
    promise: 'a 65 507-byte datagram (its echo would exceed the UDP maximum) does not stop the server',
    ids: ['udp-server'],
    async run(kit) {
      const { leader: server, address } = await kit.startLeader();
      await sendDatagram(address, Buffer.alloc(UDP_MAX_PAYLOAD, 'x'));
      const client = kit.start('peer', [address]);
      const [s, c] = await Promise.all([server.done, client.done]);
      return [...kit.judge('leader', s), ...kit.judge('peer', c)];
    },
  },
  {
    name: 'line-without-newline',
    promise: 'a client sending 4 MiB without a newline is dropped after MAX_LINE bytes, and the next client is served',
    ids: ['unix-stream-server', 'tcp-server'],
    // max_clients 2: the probe's connection, then the ordinary client.
    edits: () => ({ leader: [{ from: '1', to: '2' }] }),
    async run(kit) {
      const { leader: server, address } = await kit.startLeader();
      const problems: string[] = [];
      const before = peakRss(server.child.pid);
      const dropped = await unterminatedLine(address, 4 * MiB, 5000);
      const grew = peakRss(server.child.pid) - before;
      if (!dropped) problems.push('still holds the connection 5 s after 4 MiB without a newline (MAX_LINE is 64 KiB)');
      if (grew > 2 * MiB) problems.push(`peak memory grew by ${(grew / MiB).toFixed(1)} MiB while a client sent 4 MiB without a newline`);
      const client = kit.start('peer', [address]);
      const [s, c] = await Promise.all([server.done, client.done]);
      // The server counts the dropped client as failed: any exit status, but in time; the client proves it was served.
      return [...problems, ...kit.judge('leader', s, { anyExit: true, output: false }), ...kit.judge('peer', c)];
    },
  },
  {
    name: 'client-reset-before-accept',
    promise: 'a client that connects and resets before the server accepts it fails alone; the next client is served',
    ids: ['tcp-server'],
    edits: () => ({ leader: [{ from: '1', to: '2' }] }), // max_clients 2: the reset connection, then the ordinary client
    async run(kit) {
      const { leader: server, address } = await kit.startLeader();
      // Stopped, the server cannot accept before the RST arrives: accept() then returns an already reset socket.
      process.kill(server.child.pid as number, 'SIGSTOP');
      try {
        await resetConnection(address);
      } finally {
        process.kill(server.child.pid as number, 'SIGCONT');
      }
      const client = kit.start('peer', [address]);
      const [s, c] = await Promise.all([server.done, client.done]);
      return [...kit.judge('leader', s, { anyExit: true, output: false }), ...kit.judge('peer', c)];
    },
  },
  {
    name: 'sigterm-cleanup',
    promise: 'SIGTERM while waiting removes the socket / FIFO / shm segment, then ends the program (exit 143 = 128 + SIGTERM, or SIGTERM re-raised)',
    ids: ['unix-stream-server', 'fifo-reader', 'shm-ring-producer'],
    async run(kit) {
      const { leader: p, address } = await kit.startLeader();
      const file = kit.id === 'shm-ring-producer' ? path.join('/dev/shm', address) : address;
      const problems: string[] = [];
      if (!existsSync(file)) problems.push(`${file} does not exist before SIGTERM`);
      process.kill(p.child.pid as number, 'SIGTERM');
      const o = await within(p, 5000);
      if (o.code !== 143 && o.signal !== 'SIGTERM') problems.push(`SIGTERM: ${status(o)}, expected exit 143 or SIGTERM\n    stderr: ${o.stderr.trim().slice(-400)}`);
      if (existsSync(file)) problems.push(`${file} is still there after SIGTERM`);
      return problems;
    },
  },
  {
    name: 'corrupt-tail',
    promise: 'a tail index ahead of head (a broken or hostile consumer) ends the producer at once with an error, not a panic or a hang',
    ids: ['shm-ring-producer'],
    async run(kit) {
      const { leader: p, address } = await kit.startLeader();
      // tail is the u64 at offset 64 in both layouts; without a consumer the producer soon waits for a free slot.
      const fd = openSync(path.join('/dev/shm', address), 'r+');
      const tail = Buffer.alloc(8);
      tail.writeBigUInt64LE(1n << 40n);
      writeSync(fd, tail, 0, 8, 64);
      closeSync(fd);
      const t0 = Date.now();
      const o = await within(p, 5000);
      const problems: string[] = [];
      if (o.code === null || o.code === 0 || o.code === 101 || /panicked/.test(o.stderr)) problems.push(`corrupt tail: ${status(o)}, expected an error exit\n    stderr: ${o.stderr.trim().slice(-400)}`);
      if (Date.now() - t0 > 3000) problems.push(`took ${Date.now() - t0} ms to notice the corrupt tail`);
      return problems;
    },
  },
  {
    name: 'child-sigpipe-default',
    promise: "the child runs with SIGPIPE at its default action (an ignored disposition survives exec and breaks 'cmd | head')",
    ids: ['pipe-child'],
    edits: () => ({ leader: [{ from: 'grep', to: GREP_CHECKING_SIGPIPE }] }),
    prepare() {
      mkdirSync(HELPERS, { recursive: true });
      writeFileSync(
        GREP_CHECKING_SIGPIPE,
        '#!/bin/sh\n# grep that refuses to run when started with SIGPIPE ignored (signal 13: 0x1000 in SigIgn).\n' +
          'ign=$(sed -n "s/^SigIgn:[[:space:]]*//p" /proc/$$/status)\n' +
          'if [ $(( 0x$ign & 0x1000 )) -ne 0 ]; then echo "started with SIGPIPE ignored" >&2; exit 3; fi\n' +
          'exec grep "$@"\n',
      );
      chmodSync(GREP_CHECKING_SIGPIPE, 0o755);
    },
    async run(kit) {
      return kit.judge('leader', await kit.start('leader').done);
    },
  },
  {
    name: 'message-longer-than-buffer',
    promise: 'a message longer than the fixed request buffer is refused, never sent with bytes from past the buffer',
    ids: ['tcp-server', 'unix-stream-server', 'fifo-reader'],
    languages: ['c'],
    edits: (id) => {
      const message = { 'tcp-server': 'hello over TCP', 'unix-stream-server': 'hello over a Unix socket', 'fifo-reader': 'hello through a FIFO' }[id] ?? '';
      // gcc sees the literal is too long for the buffer; a message known only at run time is what this is about.
      return { peer: [{ from: message, to: 'x'.repeat(4000) }], cflags: ['-Wno-format-truncation'] };
    },
    async run(kit) {
      const { leader, address } = await kit.startLeader();
      const [l, c] = await Promise.all([leader.done, kit.start('peer', [address]).done]);
      const problems = kit.judge('leader', l, { anyExit: true, output: false });
      if (c.code === 0 || c.code === null || !/too long/.test(c.stderr)) problems.push(`4000-byte message: ${status(c)}, expected a "too long" error\n    stderr: ${c.stderr.trim().slice(-400)}`);
      return problems;
    },
  },
];
