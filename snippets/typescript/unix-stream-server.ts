// Unix stream socket server (net): private 0700 directory, 0600 socket, line echo, socket removed on exit and on signals.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_LINE = ${4:65536};

/** Answers each line with "echo: <line>"; resolves with the last line when the client ends. */
function serve(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let last = '';
    socket.setEncoding('utf8');
    socket.setTimeout(${5:30000}, () => socket.destroy(new Error('client idle too long')));
    socket.on('data', (chunk: string) => {
      buffered += chunk; // 'data' chunks split and merge lines arbitrarily: reassemble them
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        last = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        $0
        socket.write(`echo: \${last}\n`);
      }
      if (buffered.length > MAX_LINE) socket.destroy(new Error('line too long'));
    });
    socket.on('end', () => { socket.end(); resolve(last); });
    socket.on('error', reject);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '${1:myapp}-')); // mode 0700: keeps others out until the chmod below
  const path = join(dir, '${2:server.sock}');
  const maxClients: number = ${3:1}; // 0 = serve forever
  const server = createServer();
  const done: Promise<boolean>[] = [];
  // The default action of SIGINT/SIGTERM skips `finally`: clean up and exit in a handler instead.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(128 + constants.signals[sig]);
    });
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject); // the directory is new, so no stale socket file can make this EADDRINUSE
      server.listen(path, resolve);
    });
    chmodSync(path, 0o600);
    console.log(`listening on \${path}`);
    await new Promise<void>((resolve) => {
      server.on('connection', (socket) => {
        // Handle each client's failure at once: a rejection nobody awaits yet would end the whole server.
        done.push(serve(socket).then(
          (last) => { console.log(`client done, last line: \${JSON.stringify(last)}`); return true; },
          (err: Error) => { console.error(`client failed: \${err.message}`); return false; },
        ));
        if (maxClients !== 0 && done.length >= maxClients) {
          server.close(); // stop accepting; Node also unlinks the socket file on close
          resolve();
        }
      });
    });
    if ((await Promise.all(done)).includes(false)) process.exitCode = 1;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
