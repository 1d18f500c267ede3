// TCP server (net): TCP_NODELAY, idle timeout and keepalive on every connection, line echo.
import { createServer, type AddressInfo, type Socket } from 'node:net';

const MAX_LINE = ${4:65536};

function serve(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.setNoDelay(true); // small replies go out at once instead of waiting for Nagle's algorithm
    socket.setKeepAlive(true, ${6:60000}); // probes after this idle time find dead peers
    socket.setTimeout(${5:30000}, () => socket.destroy(new Error('client idle too long')));
    socket.setEncoding('utf8');
    let buffered = '';
    let last = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk; // TCP is a byte stream: chunks split and merge lines arbitrarily
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        last = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        $0
        socket.write(`echo: \${last}\n`); // one write per reply
      }
      if (buffered.length > MAX_LINE) socket.destroy(new Error('line too long'));
    });
    socket.on('end', () => { socket.end(); resolve(last); });
    socket.on('error', reject);
  });
}

async function main(): Promise<void> {
  const server = createServer();
  const maxClients: number = ${3:1}; // 0 = serve forever
  const done: Promise<boolean>[] = [];
  // Port 0: the kernel picks a free port. Node sets SO_REUSEADDR on listening sockets.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(${2:0}, '${1:127.0.0.1}', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  console.log(`listening on \${address}:\${port}`);
  try {
    await new Promise<void>((resolve) => {
      server.on('connection', (socket) => {
        const peer = `\${socket.remoteAddress}:\${socket.remotePort}`;
        // Handle each client's failure at once: a rejection nobody awaits yet would end the whole server.
        done.push(serve(socket).then(
          (last) => { console.log(`client \${peer} done, last line: \${JSON.stringify(last)}`); return true; },
          (err: Error) => { console.error(`client \${peer} failed: \${err.message}`); return false; },
        ));
        if (maxClients !== 0 && done.length >= maxClients) resolve();
      });
    });
    server.close();
    if ((await Promise.all(done)).includes(false)) process.exitCode = 1;
  } finally {
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
