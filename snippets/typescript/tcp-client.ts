// TCP client (net): connect with a timeout, TCP_NODELAY, send a line, check the echoed reply.
import { connect } from 'node:net';

function request(host: string, port: number, message: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    let reply = '';
    socket.setEncoding('utf8');
    // Covers the connect as well as an idle server.
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from \${host}:\${port} in time`)));
    socket.on('connect', () => socket.end(message + '\n'));
    socket.on('data', (chunk: string) => { reply += chunk; });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject); // ECONNREFUSED, EHOSTUNREACH, ...
  });
}

async function main(): Promise<void> {
  const target = process.argv[2] ?? '${1:127.0.0.1:7878}';
  const colon = target.lastIndexOf(':');
  const port = Number(target.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) throw new Error('expected HOST:PORT');
  const message = '${3:hello over TCP}';
  const reply = await request(target.slice(0, colon), port, message, ${2:5000});
  $0
  if (reply !== `echo: \${message}\n`) throw new Error(`unexpected reply \${JSON.stringify(reply)}`);
  console.log(`server replied: \${reply.trimEnd()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
