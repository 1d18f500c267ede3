// Integration: `ipc-inspector watch` on a real pipe whose fill a child process changes; vanishing object,
// --count, Ctrl-C, unknown ids. Runs the real CLI entry (src/cli.ts through tsx) as a child process.

import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startHelper, type Holder } from './helpers/holders';

interface PipeInfo { pid: number; dev: number; ino: number }
interface Sample { t: number; id: string; used: number; capacity: number | null; unit: string }

const CLI = path.join(__dirname, '../../src/cli.ts');

function watch(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string>; exit: Promise<[number | null, string]> } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CLI, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<[number | null, string]>((resolve) => child.once('close', (code) => resolve([code, err])));
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exit };
}

async function nextSample(lines: AsyncIterableIterator<string>): Promise<Sample> {
  const r = await lines.next();
  assert.ok(!r.done, 'watch ended early');
  return JSON.parse(r.value) as Sample;
}

/** Read samples until one has `used` (the change lands within a tick or two). */
async function until(lines: AsyncIterableIterator<string>, used: number): Promise<Sample> {
  for (let i = 0; i < 50; i++) {
    const s = await nextSample(lines);
    if (s.used === used) return s;
  }
  throw new Error(`no sample with used=${used}`);
}

describe('ipc-inspector watch (real pipe)', function () {
  this.timeout(60000);
  let h: Holder<PipeInfo>;
  let id: string;
  beforeEach(async () => {
    h = await startHelper<PipeInfo>('pipe_fill.py');
    id = `pipe:${h.info.dev}:${h.info.ino}`;
  });
  afterEach(async () => h.stop());

  it('prints one JSON sample per tick that follows the fill, and exits 1 with a message when the pipe vanishes', async () => {
    await h.command('write 100');
    const w = watch([id, '--interval', '100', '--json']);
    const first = await until(w.lines, 100);
    assert.equal(first.id, id);
    assert.equal(first.unit, 'bytes');
    assert.equal(first.capacity, 65536);
    assert.ok(Math.abs(first.t - Date.now()) < 60000, 't is a time in ms since the epoch');
    assert.deepEqual(Object.keys(first).sort(), ['capacity', 'id', 't', 'unit', 'used']);
    await h.command('write 4000');
    await until(w.lines, 4100);
    await h.command('read 4100');
    await until(w.lines, 0);
    await h.command('close');
    const [code, err] = await w.exit;
    assert.equal(code, 1);
    assert.match(err, new RegExp(`${id} vanished`));
  });

  it('--count n prints n samples and exits 0; the human form shows used / capacity', async () => {
    await h.command('write 7');
    const w = watch([id, '--interval', '50', '--count', '3']);
    const out: string[] = [];
    for await (const l of w.lines) out.push(l);
    const [code] = await w.exit;
    assert.equal(code, 0);
    assert.equal(out[0], `watching pipe ${id.split(':')[2]} (${id}) every 50 ms; Ctrl-C stops`, 'kind, inode and id once each');
    assert.equal(out.length, 4);
    for (const l of out.slice(1)) assert.match(l, /^\d\d:\d\d:\d\d\.\d{3} {2}7 \/ 65536 bytes \(0\.0%\)$/);
  });

  it('Ctrl-C (SIGINT) ends the watch cleanly with exit code 0', async () => {
    const w = watch([id, '--interval', '200', '--json']);
    await nextSample(w.lines);
    w.child.kill('SIGINT');
    const [code, err] = await w.exit;
    assert.equal(code, 0);
    assert.equal(err, '');
  });

  it('an unknown id exits 1, a bad id or option exits 2', async () => {
    assert.equal((await watch(['pipe:1:1']).exit)[0], 1);
    assert.equal((await watch(['nonsense']).exit)[0], 2);
    assert.equal((await watch([id, '--interval', '5']).exit)[0], 2);
  });
});
