// Channel implementations over file descriptors (pipes, FIFOs, sockets, eventfd), message queues and signals.

import type { Channel, Frame } from './frame';
import { EINTR, MSG_NOSIGNAL, SIG_BLOCK, SIGUSR2, check, libc, sigset } from './libc';

const MSG_TRUNC = 0x20;

function interrupted(): boolean {
  return libc().errno() === EINTR;
}

/** A byte stream: pipe/FIFO (read/write) or stream socket (send/recv). */
export class StreamChannel implements Channel {
  private readonly c = libc();
  constructor(private readonly rfd: number, private readonly wfd: number, private readonly socket: boolean) {}
  send(f: Frame, n: number): void {
    const { c } = this;
    for (let off = 0; off < n;) {
      const buf = off === 0 ? f.payload : f.payload.subarray(off);
      const r = this.socket ? c.send(this.wfd, buf, n - off, MSG_NOSIGNAL) : c.write(this.wfd, buf, n - off);
      if (r < 0) { if (interrupted()) continue; check(r, 'write'); }
      off += r;
    }
  }
  recv(f: Frame, n: number): void {
    const { c } = this;
    for (let off = 0; off < n;) {
      const buf = off === 0 ? f.payload : f.payload.subarray(off);
      const r = this.socket ? c.recv(this.rfd, buf, n - off, 0) : c.read(this.rfd, buf, n - off);
      if (r < 0) { if (interrupted()) continue; check(r, 'read'); }
      if (r === 0) throw new Error(`peer closed the channel after ${off} of ${n} bytes`);
      off += r;
    }
  }
  close(): void {
    this.c.close(this.rfd);
    if (this.wfd !== this.rfd) this.c.close(this.wfd);
  }
}

/** Connected datagram or seqpacket socket: one send, one recv per message, lengths checked. */
export class DatagramChannel implements Channel {
  private readonly c = libc();
  constructor(private readonly fd: number) {}
  send(f: Frame, n: number): void {
    for (;;) {
      const r = this.c.send(this.fd, f.payload, n, MSG_NOSIGNAL);
      if (r < 0 && interrupted()) continue;
      check(r, 'send');
      if (r !== n) throw new Error(`short datagram send: ${r} of ${n} bytes`);
      return;
    }
  }
  recv(f: Frame, n: number): void {
    for (;;) {
      const r = this.c.recv(this.fd, f.payload, f.cap, MSG_TRUNC);
      if (r < 0 && interrupted()) continue;
      check(r, 'recv (a timeout here means a datagram was lost)');
      if (r !== n) throw new Error(`received a ${r}-byte datagram, expected ${n}`);
      return;
    }
  }
  close(): void { this.c.close(this.fd); }
}

/** eventfd pair: the 8-byte counter carries payload[0] + 1, so the echo can be checked. */
export class EventfdChannel implements Channel {
  private readonly c = libc();
  private readonly v = Buffer.alloc(8);
  constructor(private readonly rfd: number, private readonly wfd: number) {}
  send(f: Frame): void {
    this.v.writeUInt32LE(f.payload[0]! + 1, 0);
    for (;;) {
      const r = this.c.write(this.wfd, this.v, 8);
      if (r < 0 && interrupted()) continue;
      check(r, 'eventfd write');
      return;
    }
  }
  recv(f: Frame): void {
    for (;;) {
      const r = this.c.read(this.rfd, this.v, 8);
      if (r < 0 && interrupted()) continue;
      check(r, 'eventfd read');
      const x = this.v.readUInt32LE(0);
      if (x < 1 || x > 256 || this.v.readUInt32LE(4) !== 0) throw new Error(`eventfd counter ${x}: lost or merged notifications`);
      f.payload[0] = x - 1;
      return;
    }
  }
  close(): void { this.c.close(this.rfd); this.c.close(this.wfd); }
}

/** POSIX message queues, one per direction; mq_receive needs a buffer of at least mq_msgsize. */
export class MqChannel implements Channel {
  private readonly c = libc();
  constructor(private readonly rq: number, private readonly wq: number, private readonly msgsize: number) {}
  send(f: Frame, n: number): void {
    for (;;) {
      const r = this.c.mq_send(this.wq, f.payload, n, 0);
      if (r < 0 && interrupted()) continue;
      check(r, 'mq_send');
      return;
    }
  }
  recv(f: Frame, n: number): void {
    if (f.cap < this.msgsize) throw new Error(`receive buffer ${f.cap} < mq_msgsize ${this.msgsize}`);
    for (;;) {
      const r = this.c.mq_receive(this.rq, f.payload, f.cap, null);
      if (r < 0 && interrupted()) continue;
      check(r, 'mq_receive');
      if (r !== n) throw new Error(`received a ${r}-byte message, expected ${n}`);
      return;
    }
  }
  close(): void { this.c.mq_close(this.rq); this.c.mq_close(this.wq); }
}

/** One System V queue; the message type says the direction. The frame's headroom holds the mtype. */
export class SysvChannel implements Channel {
  private readonly c = libc();
  constructor(private readonly id: number, private readonly sendType: number, private readonly recvType: number) {}
  send(f: Frame, n: number): void {
    f.raw.writeUInt32LE(this.sendType, 0);
    f.raw.writeUInt32LE(0, 4);
    for (;;) {
      const r = this.c.msgsnd(this.id, f.raw, n, 0);
      if (r < 0 && interrupted()) continue;
      check(r, 'msgsnd');
      return;
    }
  }
  recv(f: Frame, n: number): void {
    for (;;) {
      const r = this.c.msgrcv(this.id, f.raw, f.cap, this.recvType, 0);
      if (r < 0 && interrupted()) continue;
      check(r, 'msgrcv');
      if (r !== n) throw new Error(`received a ${r}-byte message, expected ${n}`);
      return;
    }
  }
  close(): void { /* the queue is removed by role a and the parent */ }
}

/** Blocks SIGUSR2 in the calling (main) thread, so it stays pending there for sigwaitinfo. */
export function blockSignal(): Buffer {
  const set = sigset(SIGUSR2);
  check(libc().sigprocmask(SIG_BLOCK, set, null), 'sigprocmask');
  return set;
}

/** tgkill to the peer's main thread (tid = pid): a process-directed signal could go to any Node thread. */
export class SignalChannel implements Channel {
  private readonly c = libc();
  constructor(private readonly peer: number, private readonly set: Buffer) {}
  send(): void {
    check(this.c.tgkill(this.peer, this.peer, SIGUSR2), 'tgkill');
  }
  recv(): void {
    for (;;) {
      const r = this.c.sigwaitinfo(this.set, null);
      if (r < 0 && interrupted()) continue;
      check(r, 'sigwaitinfo');
      if (r !== SIGUSR2) throw new Error(`sigwaitinfo returned signal ${r}`);
      return;
    }
  }
  close(): void {}
}
