// Signal handling in Node: process.on(signal) in a child, acks between signals, clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// SIGUSR1 is reserved by Node (it starts the inspector): use SIGUSR2 for application signals.
const SIGNAL = '${1|SIGUSR2,SIGHUP,SIGWINCH|}';
const COUNT = ${2:3};

function child(): void {
  let seen = 0;
  // Listeners run on the event loop, not in the raw signal handler: any code is fine here.
  process.on(SIGNAL, () => {
    seen++;
    $0
    console.log(`got \${SIGNAL} #\${seen}`); // the ack lets the sender send the next one
  });
  process.on('SIGTERM', () => {
    console.log(`got SIGTERM after \${seen} \${SIGNAL}, exiting`);
    process.exit(seen === COUNT ? 0 : 1);
  });
  console.log('ready'); // only after the listeners are installed
  setInterval(() => {}, 1 << 30); // keep the event loop alive until SIGTERM
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child();
  // Re-run this script as the child (execArgv keeps loaders such as tsx).
  const proc = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--child'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 10000,
  });
  const exited = new Promise<number | null>((resolve, reject) => { proc.on('error', reject); proc.on('close', resolve); });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error('child closed its output');
    return r.value;
  };
  if ((await nextLine()) !== 'ready') throw new Error('child did not get ready');
  for (let i = 1; i <= COUNT; i++) {
    // Standard signals don't queue: wait for the ack before sending the same signal again.
    proc.kill(SIGNAL);
    const ack = await nextLine();
    if (ack !== `got \${SIGNAL} #\${i}`) throw new Error(`unexpected ack \${JSON.stringify(ack)}`);
    console.log(`child acknowledged: \${ack}`);
  }
  proc.kill('SIGTERM');
  console.log(`child said: \${await nextLine()}`);
  const code = await exited;
  if (code !== 0) throw new Error(`child failed: \${code}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
