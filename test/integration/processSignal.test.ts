// Integration: signals go through a pidfd opened and checked against the scanned start time before the user
// is asked anything (core/processSignal.ts), so a pid reused meanwhile never receives one.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { closeProcess, openProcess, signalProcess } from '../../src/core/processSignal';
import { parsePidStat } from '../../src/core/procfs/pidstat';

const startOf = (pid: number) => parsePidStat(readFileSync(`/proc/${pid}/stat`)).stat!.starttime;
/** A python child that prints "up", then a line per SIGUSR1 it receives. */
const listener = () => spawn('python3', ['-c', [
  'import signal,sys,time',
  'signal.signal(signal.SIGUSR1, lambda *a: print("usr1", flush=True))',
  'print("up", flush=True)',
  'time.sleep(30)',
].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = (c: ReturnType<typeof listener>) => new Promise<string>((r) => c.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));

describe('signalling a process through a pidfd checked against the scan', function () {
  this.timeout(20000);

  it('delivers the signal to the scanned process', async () => {
    const c = listener();
    try {
      assert.equal(await line(c), 'up');
      const h = openProcess(c.pid!, startOf(c.pid!));
      assert.ok(!('reason' in h), JSON.stringify(h));
      assert.equal(h.uid, process.getuid!());
      const got = line(c);
      assert.equal(signalProcess(h, 'SIGUSR1'), null);
      assert.equal(await got, 'usr1');
      closeProcess(h);
    } finally {
      c.kill('SIGKILL');
    }
  });

  it('refuses a pid whose start time is not the scanned one (a reused pid)', async () => {
    const c = listener();
    try {
      assert.equal(await line(c), 'up');
      const h = openProcess(c.pid!, startOf(c.pid!) - 1);
      assert.ok('reason' in h);
      assert.match(h.reason, /is another process now/);
    } finally {
      c.kill('SIGKILL');
    }
  });

  it('a process that exits while the question is open is not signalled, its pid whoever holds it now', async () => {
    const c = listener();
    assert.equal(await line(c), 'up');
    const h = openProcess(c.pid!, startOf(c.pid!));
    assert.ok(!('reason' in h));
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    assert.match(signalProcess(h, 'SIGTERM') ?? '', /has exited/);
    closeProcess(h);
    assert.match((openProcess(c.pid!, 1) as { reason: string }).reason, /has exited|another process/);
  });
});
