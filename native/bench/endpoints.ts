// Per-mechanism setup in a worker: create (role a) or prepare, report ready info, then connect to the peer.

import type { WorkerConfig } from '../../src/core/bench/protocol';
import {
  DatagramChannel, EventfdChannel, MqChannel, SignalChannel, StreamChannel, SysvChannel, blockSignal,
} from './channels';
import type { Endpoint } from './frame';
import {
  AF_INET, AF_UNIX, IPC_CREAT, IPC_EXCL, IPPROTO_TCP, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR,
  O_WRONLY, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOL_SOCKET, SO_RCVBUF, SO_RCVBUFFORCE,
  SO_RCVTIMEO, TCP_NODELAY, check, libc, sockaddrIn, sockaddrUn,
} from './libc';
import { ShmChannel, mapShared, ringBytes } from './shmring';

const INHERITED_READ = 3, INHERITED_WRITE = 4;

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
}

function portOf(fd: number): number {
  const sa = Buffer.alloc(16);
  check(libc().getsockname(fd, sa, [16]), 'getsockname');
  return sa.readUInt16BE(2);
}

/** UDP receive window: how many datagrams of n bytes the receiver's buffer holds, with a margin. */
function udpWindow(fd: number, n: number): number {
  const c = libc();
  const want = int32(8 << 20);
  if (c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, want, 4) < 0) c.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, want, 4);
  const got = Buffer.alloc(4);
  check(c.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, got, [4]), 'getsockopt SO_RCVBUF');
  // A loopback datagram is charged at about the next power of two of its size plus skb overhead.
  let truesize = 1024;
  while (truesize < n + 512) truesize *= 2;
  truesize += 1024;
  return Math.max(1, Math.min(16, Math.floor(got.readInt32LE(0) / truesize) - 1));
}

function recvTimeout(fd: number, seconds: number): void {
  const tv = Buffer.alloc(16);
  tv.writeBigInt64LE(BigInt(seconds), 0);
  check(libc().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16), 'setsockopt SO_RCVTIMEO');
}

function socket(domain: number, type: number): number {
  return check(libc().socket(domain, type | SOCK_CLOEXEC, 0), 'socket');
}

export function endpoint(cfg: WorkerConfig): Endpoint {
  const c = libc();
  const a = cfg.role === 'a';
  const none = (): void => {};
  switch (cfg.mech) {
    case 'pipe':
    case 'pipe-1m':
      return { info: {}, connect: () => new StreamChannel(INHERITED_READ, INHERITED_WRITE, false), cleanup: none };
    case 'eventfd':
      return { info: {}, connect: () => new EventfdChannel(INHERITED_READ, INHERITED_WRITE), cleanup: none };
    case 'fifo': {
      const ab = `${cfg.path}.ab`, ba = `${cfg.path}.ba`;
      if (a) { check(c.mkfifo(ab, 0o600), 'mkfifo'); check(c.mkfifo(ba, 0o600), 'mkfifo'); }
      return {
        info: {},
        // Both sides open ab first, then ba, so the blocking opens pair up.
        connect: () => {
          if (a) {
            const r = check(c.open(ab, O_RDONLY | O_CLOEXEC, 0), 'open fifo');
            const w = check(c.open(ba, O_WRONLY | O_CLOEXEC, 0), 'open fifo');
            return new StreamChannel(r, w, false);
          }
          const w = check(c.open(ab, O_WRONLY | O_CLOEXEC, 0), 'open fifo');
          const r = check(c.open(ba, O_RDONLY | O_CLOEXEC, 0), 'open fifo');
          return new StreamChannel(r, w, false);
        },
        cleanup: () => { if (a) { c.unlink(ab); c.unlink(ba); } },
      };
    }
    case 'unix-stream':
    case 'unix-seqpacket': {
      const type = cfg.mech === 'unix-stream' ? SOCK_STREAM : SOCK_SEQPACKET;
      const path = `${cfg.path}.sock`;
      const fd = socket(AF_UNIX, type);
      if (a) {
        const sa = sockaddrUn(path);
        check(c.bind(fd, sa, sa.length), 'bind');
        check(c.listen(fd, 1), 'listen');
      }
      return {
        info: {},
        connect: () => {
          if (a) {
            const conn = check(c.accept(fd, null, null), 'accept');
            c.close(fd);
            return type === SOCK_STREAM ? new StreamChannel(conn, conn, true) : new DatagramChannel(conn);
          }
          const sa = sockaddrUn(path);
          check(c.connect(fd, sa, sa.length), 'connect');
          return type === SOCK_STREAM ? new StreamChannel(fd, fd, true) : new DatagramChannel(fd);
        },
        cleanup: () => { if (a) c.unlink(path); },
      };
    }
    case 'unix-dgram': {
      const mine = `${cfg.path}.${cfg.role}`, theirs = `${cfg.path}.${a ? 'b' : 'a'}`;
      const fd = socket(AF_UNIX, SOCK_DGRAM);
      const sa = sockaddrUn(mine);
      check(c.bind(fd, sa, sa.length), 'bind');
      return {
        info: {},
        connect: () => {
          const peer = sockaddrUn(theirs);
          check(c.connect(fd, peer, peer.length), 'connect');
          return new DatagramChannel(fd);
        },
        cleanup: () => { c.unlink(mine); },
      };
    }
    case 'tcp':
    case 'tcp-nodelay': {
      const fd = socket(AF_INET, SOCK_STREAM);
      const nodelay = (s: number): void => {
        if (cfg.mech === 'tcp-nodelay') check(c.setsockopt(s, IPPROTO_TCP, TCP_NODELAY, int32(1), 4), 'TCP_NODELAY');
      };
      let port = 0;
      if (a) {
        const sa = sockaddrIn(0);
        check(c.bind(fd, sa, 16), 'bind');
        check(c.listen(fd, 1), 'listen');
        port = portOf(fd);
      }
      return {
        info: a ? { port } : {},
        connect: (peer) => {
          if (a) {
            const conn = check(c.accept(fd, null, null), 'accept');
            c.close(fd);
            nodelay(conn);
            return new StreamChannel(conn, conn, true);
          }
          const sa = sockaddrIn(peer.port ?? 0);
          check(c.connect(fd, sa, 16), 'connect');
          nodelay(fd);
          return new StreamChannel(fd, fd, true);
        },
        cleanup: none,
      };
    }
    case 'udp': {
      const fd = socket(AF_INET, SOCK_DGRAM);
      const sa = sockaddrIn(0);
      check(c.bind(fd, sa, 16), 'bind');
      const info: Record<string, number> = { port: portOf(fd) };
      if (a && cfg.kind === 'throughput') {
        info.window = udpWindow(fd, cfg.size);
        info.ackevery = Math.max(1, info.window >> 1);
      }
      // A lost datagram must fail the run, not hang it.
      recvTimeout(fd, 5);
      return {
        info,
        connect: (peer) => {
          const to = sockaddrIn(peer.port ?? 0);
          check(c.connect(fd, to, 16), 'connect');
          return new DatagramChannel(fd);
        },
        cleanup: none,
      };
    }
    case 'shm-spin':
    case 'shm-futex': {
      const len = ringBytes(cfg.ringcap);
      // a creates the object before it reports ready; b opens it only after `go`.
      const open = (flags: number): number => check(c.shm_open(cfg.name, flags | O_RDWR | O_CLOEXEC, 0o600), 'shm_open');
      const created = a ? open(O_CREAT | O_EXCL) : -1;
      if (a) check(c.ftruncate(created, len), 'ftruncate');
      return {
        info: {},
        connect: () => {
          const fd = a ? created : open(0);
          const m = mapShared(fd, len);
          c.close(fd);
          return new ShmChannel(m, cfg.ringcap, a, cfg.mech === 'shm-futex');
        },
        cleanup: () => { if (a) c.shm_unlink(cfg.name); },
      };
    }
    case 'posix-mq': {
      const msgsize = Math.max(cfg.size, 4);
      const names = [`${cfg.name}-ab`, `${cfg.name}-ba`];
      if (a) {
        const attr = Buffer.alloc(64);
        attr.writeBigInt64LE(BigInt(maxMqMessages()), 8);
        attr.writeBigInt64LE(BigInt(msgsize), 16);
        for (const n of names) c.mq_close(check(c.mq_open(n, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600, attr), 'mq_open'));
      }
      return {
        info: {},
        connect: () => {
          const ab = check(c.mq_open(names[0], O_RDWR | O_CLOEXEC, 0, null), 'mq_open');
          const ba = check(c.mq_open(names[1], O_RDWR | O_CLOEXEC, 0, null), 'mq_open');
          return a ? new MqChannel(ab, ba, msgsize) : new MqChannel(ba, ab, msgsize);
        },
        cleanup: () => { if (a) for (const n of names) c.mq_unlink(n); },
      };
    }
    case 'sysv-msg': {
      const id = a ? check(c.msgget(cfg.key, IPC_CREAT | IPC_EXCL | 0o600), 'msgget') : -1;
      return {
        info: {},
        // b sends type 1 and receives type 2; a the other way round.
        connect: () => (a ? new SysvChannel(id, 2, 1) : new SysvChannel(check(c.msgget(cfg.key, 0), 'msgget'), 1, 2)),
        // Not removed here: IPC_RMID would destroy the last message before the peer reads it.
        // The runner removes the queue once both workers have exited.
        cleanup: none,
      };
    }
    case 'signal': {
      const set = blockSignal();
      return { info: { pid: process.pid }, connect: (peer) => new SignalChannel(peer.pid ?? 0, set), cleanup: none };
    }
  }
  throw new Error(`unknown mechanism ${String(cfg.mech)}`);
}

/** mq_maxmsg: the kernel default of 10, capped by fs.mqueue.msg_max. */
function maxMqMessages(): number {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v = Number(require('node:fs').readFileSync('/proc/sys/fs/mqueue/msg_max', 'utf8'));
    return Math.max(1, Math.min(10, v || 10));
  } catch { return 10; }
}
