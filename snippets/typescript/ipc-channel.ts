// A cross-platform IpcChannel: framed send/recv of whole byte messages over a Unix socket (local) or TCP (otherwise).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_MESSAGE = ${1:1048576};

export interface IpcChannel {
  send(msg: Buffer): Promise<void>;
  /** One whole message, exactly as sent: framing keeps messages from being split or merged. */
  recv(): Promise<Buffer>;
  close(): void;
}

class FramedChannel implements IpcChannel {
  private buffered = Buffer.alloc(0);
  private waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(msg: Buffer): Promise<void> {
    if (msg.length > MAX_MESSAGE) return Promise.reject(new RangeError('message too large'));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(msg.length);
    return new Promise((resolve, reject) => this.socket.write(Buffer.concat([header, msg]), (err) => (err ? reject(err) : resolve())));
  }

  recv(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    while (this.waiters.length > 0 && this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_MESSAGE) return this.fail(new RangeError(`peer announced \${length} bytes`));
      if (this.buffered.length < 4 + length) break;
      const msg = Buffer.from(this.buffered.subarray(4, 4 + length));
      this.buffered = this.buffered.subarray(4 + length);
      this.waiters.shift()!.resolve(msg);
    }
    if (this.failure) for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.socket.destroy();
    this.deliver();
  }
}

/** "unix:/path" -> Unix socket (named pipe path on Windows); "host:port" -> TCP with TCP_NODELAY. Rejects, never throws. */
export function connect(address: string, timeoutMs = ${2:5000}): Promise<IpcChannel> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    if (address.startsWith('unix:')) {
      socket = netConnect(address.slice(5));
    } else {
      const colon = address.lastIndexOf(':');
      const port = Number(address.slice(colon + 1));
      if (colon < 0 || !Number.isInteger(port)) return reject(new Error(`expected host:port, got \${address}`));
      socket = netConnect({ host: address.slice(0, colon), port, noDelay: true });
    }
    const timer = setTimeout(() => socket.destroy(new Error(`connect \${address}: timed out`)), timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); socket.off('error', reject); resolve(new FramedChannel(socket)); });
    socket.once('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

function listen(server: Server, target: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'number') server.listen(target, '127.0.0.1', resolve);
    else server.listen(target, resolve);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '${3:myapp}-'));
  const echo = (socket: Socket): void => {
    const ch = new FramedChannel(socket);
    ch.recv().then((m) => ch.send(m)).catch((err: Error) => console.error(`echo server: \${err.message}`));
  };
  const tcp = createServer(echo);
  const unix = createServer(echo);
  try {
    await listen(tcp, 0);
    await listen(unix, join(dir, 'chan.sock'));
    const addresses = [`127.0.0.1:\${(tcp.address() as AddressInfo).port}`, `unix:\${join(dir, 'chan.sock')}`];
    const message = Buffer.from('${4:hello through IpcChannel}'.repeat(1000)); // larger than one chunk: framing matters
    for (const address of addresses) {
      const ch = await connect(address);
      try {
        await ch.send(message);
        const reply = await ch.recv();
        if (!reply.equals(message)) throw new Error(`\${address}: got \${reply.length} bytes back`);
        console.log(`\${address}: echoed \${reply.length} bytes intact`);
      } finally {
        ch.close();
      }
    }
    $0
  } finally {
    tcp.close();
    unix.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
