// FIFO reader: creates a named pipe (0600, in a private 0700 directory) with mkfifo(1), reads lines until EOF, removes it.
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), '${1:myapp}-')); // mode 0700
  // The default action of SIGINT/SIGTERM skips `finally`: clean up in a handler, then let the default action end
  // us (`once` has removed the listener). process.exit() would wait for the open() or read() blocked in the thread pool.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      rmSync(dir, { recursive: true, force: true });
      process.kill(process.pid, sig);
    });
  }
  try {
    const path = join(dir, '${2:events.fifo}');
    // Node has no mkfifo(): run the coreutils command (it fails with EEXIST on a stale file).
    execFileSync('mkfifo', ['-m', '600', path]);
    console.log(`fifo at \${path}`);
    // Opening blocks (in libuv's thread pool, not the event loop) until a writer opens the other end.
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let count = 0;
    for await (const line of lines) {
      // Each line is "<sequence> <text>": check nothing was lost or reordered.
      const space = line.indexOf(' ');
      if (space < 0 || Number(line.slice(0, space)) !== count + 1) {
        throw new Error(`expected message \${count + 1}, got \${JSON.stringify(line)}`);
      }
      count++;
      console.log(`received \${count}: \${line.slice(space + 1)}`);
      $0
    }
    if (count === 0) throw new Error('writer closed the FIFO without sending anything');
    console.log(`received \${count} lines`);
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the FIFO outlives every open end
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
