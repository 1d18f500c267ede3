// UDP client (dgram): connect() to the server, send, wait with a timeout and resend a bounded number of times.
import { createSocket, type Socket } from 'node:dgram';

function once(socket: Socket, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); resolve(undefined); }, timeoutMs);
    const onMessage = (data: Buffer): void => { cleanup(); resolve(data); };
    const onError = (err: Error): void => { cleanup(); reject(err); }; // ECONNREFUSED: ICMP port unreachable
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
    };
    socket.on('message', onMessage);
    socket.on('error', onError);
  });
}

async function main(): Promise<void> {
  const target = process.argv[2] ?? '${1:127.0.0.1:7879}';
  const colon = target.lastIndexOf(':');
  const socket = createSocket('udp4');
  try {
    // connect() filters out datagrams from other senders.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(Number(target.slice(colon + 1)), target.slice(0, colon), () => { socket.off('error', reject); resolve(); });
    });
    const message = '${3:hello over UDP}';
    for (let attempt = 1; attempt <= ${4:3}; attempt++) {
      const reply = once(socket, ${2:500});
      socket.send(message);
      const data = await reply;
      if (!data) { console.error(`attempt \${attempt}: no reply yet`); continue; } // lost: resend
      const text = data.toString('utf8');
      if (text !== `echo: \${message}`) throw new Error(`unexpected reply \${JSON.stringify(text)}`);
      $0
      console.log(`server replied: \${text}`);
      return;
    }
    throw new Error('no reply from the server');
  } finally {
    socket.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
