// Unix stream socket client (net): connect to a socket path, send a line with a timeout, check the echoed reply.
import { connect } from 'node:net';

function request(path: string, message: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // ENOENT: nobody bound there; ECONNREFUSED: a stale socket file whose server is gone.
    const socket = connect(path);
    let reply = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no reply in time')));
    socket.on('connect', () => socket.end(message + '\n')); // end(): we are done sending
    socket.on('data', (chunk: string) => { reply += chunk; });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: unix-stream-client SOCKET_PATH');
  const message = '${1:hello over a Unix socket}';
  const reply = await request(path, message, ${2:5000});
  $0
  if (reply !== `echo: \${message}\n`) throw new Error(`unexpected reply \${JSON.stringify(reply)}`);
  console.log(`server replied: \${reply.trimEnd()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
