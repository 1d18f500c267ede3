// Abstract-namespace Unix socket (Linux, net with a leading NUL): no file to clean up, but no permissions either.
import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

// Anyone in this network namespace can connect, and Node cannot read SO_PEERCRED to see who did:
// authenticate in the protocol (e.g. a token from a 0600 file) before trusting a client.
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (c: string) => { text += c; });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

async function client(name: string): Promise<void> {
  const socket = connect('\0' + name);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.end('${2:hello over an abstract socket}');
  console.log(`client got: \${await readAll(socket)}`);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--client' && process.argv[3]) return client(process.argv[3]);
  const name = `${1:myapp}-\${process.pid}`; // unique: abstract names are global in the network namespace
  // allowHalfOpen: the client ends its side after the request; we still answer on ours.
  const server = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen('\0' + name, resolve);
  });
  console.log(`listening on @\${name}`);
  try {
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    // Re-run this script as the client (execArgv keeps loaders such as tsx).
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--client', name], { stdio: 'inherit', timeout: 10000 });
    const exited = new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve); });
    const socket = await accepted;
    const request = await readAll(socket);
    $0
    socket.end(`got \${Buffer.byteLength(request)} bytes`);
    if ((await exited) !== 0 || request !== '$2') throw new Error(`exchange failed: \${JSON.stringify(request)}`);
    console.log(`server got: \${request}`);
  } finally {
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
