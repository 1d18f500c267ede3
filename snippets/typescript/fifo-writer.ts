// FIFO writer: opens an existing named pipe for writing and sends numbered lines.
import { open } from 'node:fs/promises';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: fifo-writer FIFO_PATH');
  // Blocks a thread-pool thread (not the event loop) until a reader opens the FIFO.
  const fifo = await open(path, 'w');
  const count = ${1:3};
  try {
    for (let seq = 1; seq <= count; seq++) {
      // Each write of at most PIPE_BUF (4096) bytes is atomic: lines from several writers never interleave.
      await fifo.write(`\${seq} ${2:hello through a FIFO}\n`);
    }
  } finally {
    await fifo.close(); // the reader sees EOF once the last writer closes
  }
  console.log(`sent \${count} lines to \${path}`);
}

main().catch((err: unknown) => {
  console.error(err); // EPIPE if the reader went away
  process.exitCode = 1;
});
