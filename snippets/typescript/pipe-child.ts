// Anonymous pipes to a child process (child_process.spawn): write its stdin, collect its stdout, check its exit code.
import { spawn } from 'node:child_process';

const lines = ['info: started', 'error: disk full', 'info: retrying', 'error: gave up'];

function run(command: string, args: string[], input: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // Node reads and writes the pipes from its event loop, so a large input cannot deadlock against the output.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], timeout: timeoutMs });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdin.on('error', reject); // EPIPE if the child exits before reading everything
    child.on('error', reject); // e.g. ENOENT: command not found
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(`\${command} failed: \${signal ?? `exit code \${code}`}`));
    });
    child.stdin.end(input); // end() closes the pipe: the child sees EOF
  });
}

async function main(): Promise<void> {
  const output = await run('${1:grep}', ['${2:error}'], lines.map((l) => l + '\n').join(''), ${3:10000});
  const received = output.split('\n').filter((l) => l !== '');
  $0
  const expected = lines.filter((l) => l.includes('$2'));
  if (JSON.stringify(received) !== JSON.stringify(expected)) {
    throw new Error(`expected \${JSON.stringify(expected)}, got \${JSON.stringify(received)}`);
  }
  console.log(`child returned \${received.length} of \${lines.length} lines: \${JSON.stringify(received)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
