// Integration: `ipc-inspector watch` on a real pipe whose fill a child process changes; vanishing object,
// --count, Ctrl-C, unknown ids; POSIX and SysV message queues, TCP send queues, unaccepted connections,
// local time, option parsing, `help watch`, a user who cannot see the holder. Runs the real CLI entry
// (src/cli.ts through tsx) as a child process.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildSync } from 'esbuild';
import { mqueueMounted } from '../../src/core/scan/ipcSources';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper, type Holder } from './helpers/holders';

interface PipeInfo { pid: number; dev: number; ino: number }
interface Sample {
  t: number; id: string; used: number; capacity: number | null; unit: string;
  state?: string; sendQueue?: number; bytes?: number; maxBytes?: number | null;
}

const CLI = path.join(__dirname, '../../src/cli.ts');

function watch(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; lines: AsyncIterableIterator<string>; exit: Promise<[number | null, string]> } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CLI, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
    // 7 of 65536 bytes is 0.01 %: shown as under 0.1 %, not as 0.0 %.
    for (const l of out.slice(1)) assert.match(l, /^\d\d:\d\d:\d\d\.\d{3} {2}7 \/ 65536 bytes \(<0\.1%\)$/);
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

/** Run the CLI to its end: exit code, stdout, stderr. */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** The id of the object of `kind` that `pick` chooses in a fresh snapshot of that kind. */
function findId(kind: 'posix-mq' | 'sysv-msg' | 'tcp', pick: (o: ReturnType<typeof takeSnapshot>['objects'][number]) => boolean): string {
  const o = takeSnapshot({ kinds: [kind] }).objects.find((x) => x.kind === kind && pick(x));
  assert.ok(o, `no ${kind} object found`);
  return o.id;
}

describe('ipc-inspector watch: message queues, TCP send queues, unaccepted connections', function () {
  this.timeout(60000);
  const holders: Holder<unknown>[] = [];
  let mounted = false;
  before(function () {
    // A queue needs the mqueue filesystem at /dev/mqueue to be listed: mount it when it is not (root).
    if (mqueueMounted()) return;
    mkdirSync('/dev/mqueue', { recursive: true });
    if (spawnSync('mount', ['-t', 'mqueue', 'none', '/dev/mqueue']).status === 0) mounted = true;
  });
  after(() => {
    if (mounted) spawnSync('umount', ['/dev/mqueue']);
  });
  afterEach(async () => {
    await Promise.all(holders.map((h) => h.stop()));
    holders.length = 0;
  });

  it('a POSIX mqueue: messages against maxmsg, human and JSON, following sends', async function () {
    if (!mqueueMounted()) this.skip(); // not root: no mount
    const h = await startHelper<{ ino: number }>('watch_objects.py', ['mq']);
    holders.push(h);
    const id = findId('posix-mq', (o) => o.inode === h.info.ino);
    const once = await cli(['watch', id, '--count', '1']);
    assert.equal(once.code, 0, once.err);
    assert.match(once.out.split('\n')[1]!, /^\d\d:\d\d:\d\d\.\d{3} {2}3 \/ 10 messages \(30\.0%\)$/);
    const w = watch([id, '--interval', '100', '--json']);
    const first = await until(w.lines, 3);
    assert.deepEqual(first, { t: first.t, id, used: 3, capacity: 10, unit: 'messages' });
    await h.command('send');
    await until(w.lines, 4);
    w.child.kill('SIGINT');
    assert.equal((await w.exit)[0], 0);
  });

  it('a SysV msg queue: messages, and bytes against the byte limit', async () => {
    const h = await startHelper<{ msqid: number; ipcns: number }>('watch_objects.py', ['sysvmsg']);
    holders.push(h);
    const id = `sysv-msg:${h.info.ipcns}:${h.info.msqid}`;
    const once = await cli(['watch', id, '--count', '1']);
    assert.equal(once.code, 0, once.err);
    const limit = Number(/ \/ (\d+) bytes/.exec(once.out)?.[1]);
    const pct = 2000 / limit < 0.1 ? '<0.1%' : `${(2000 / limit).toFixed(1)}%`; // 20 bytes of the limit
    const line = once.out.split('\n')[1]!;
    assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}\d/);
    assert.equal(line.slice(12), `  2 messages  20 / ${limit} bytes (${pct})`);
    const w = watch([id, '--interval', '100', '--json']);
    const first = await until(w.lines, 2);
    assert.deepEqual(first, { t: first.t, id, used: 2, capacity: null, unit: 'messages', bytes: 20, maxBytes: limit });
    assert.ok(limit > 0);
    await h.command('send 300');
    const next = await until(w.lines, 3);
    assert.equal(next.bytes, 320);
    w.child.kill('SIGINT');
    assert.equal((await w.exit)[0], 0);
  });

  it('TCP: receive and send queues and the state, human and JSON (a sender whose receiver does not read)', async () => {
    const h = await startHelper<{ sender: { ino: number }; receiver: { ino: number } }>('watch_objects.py', ['tcpfull']);
    holders.push(h);
    const id = findId('tcp', (o) => o.inode === h.info.sender.ino);
    const once = await cli(['watch', id, '--count', '1']);
    assert.equal(once.code, 0, once.err);
    const m = /^\d\d:\d\d:\d\d\.\d{3} {2}Recv-Q 0 bytes {2}Send-Q (\d+) bytes {2}ESTABLISHED$/.exec(once.out.split('\n')[1]!);
    assert.ok(m, once.out);
    assert.ok(Number(m[1]) > 1 << 20, `Send-Q ${m[1]}`);
    const json = await cli(['watch', id, '--count', '1', '--json']);
    const s = JSON.parse(json.out) as Sample;
    assert.deepEqual(Object.keys(s).sort(), ['capacity', 'id', 'sendQueue', 'state', 't', 'unit', 'used']);
    assert.equal(s.state, 'ESTABLISHED');
    assert.equal(s.used, 0);
    assert.ok(s.sendQueue! > 1 << 20, `sendQueue ${s.sendQueue}`);
    const rid = findId('tcp', (o) => o.inode === h.info.receiver.ino);
    const r = JSON.parse((await cli(['watch', rid, '--count', '1', '--json'])).out) as Sample;
    assert.ok(r.used > 0 && r.sendQueue === 0, JSON.stringify(r));
  });

  it('an unaccepted connection (inode-less, tcp:orphan:...) is watched with its bytes, and ends once accepted', async () => {
    const h = await startHelper<{ listener: { local: [string, number] }; client: { local: [string, number] } }>('watch_objects.py', ['unaccepted']);
    holders.push(h);
    const name = `127.0.0.1:${h.info.listener.local[1]} -> 127.0.0.1:${h.info.client.local[1]}`;
    const id = findId('tcp', (o) => o.name === name);
    assert.match(id, /^tcp:orphan:\d*:127\.0\.0\.1:\d+>127\.0\.0\.1:\d+$/);
    const w = watch([id, '--interval', '100', '--json']);
    const first = await until(w.lines, 1000);
    assert.equal(first.state, 'ESTABLISHED');
    assert.equal(first.unit, 'bytes');
    await nextSample(w.lines);
    await h.command('accept');
    for (;;) {
      const r = await w.lines.next(); // samples until the accept is seen
      if (r.done) break;
    }
    const [code, err] = await w.exit;
    assert.equal(code, 1);
    assert.match(err, /vanished .*accepted, or closed/);
  });
});

describe('ipc-inspector watch: local time, option parsing, help, hidden holders', function () {
  this.timeout(60000);
  let h: Holder<PipeInfo>;
  let id: string;
  before(async () => {
    h = await startHelper<PipeInfo>('pipe_fill.py');
    id = `pipe:${h.info.dev}:${h.info.ino}`;
    await h.command('write 7');
  });
  after(async () => h.stop());

  it('human times are local (TZ honoured, as date prints them); --json t stays ms since the epoch', async () => {
    const secs = (hms: string): number => hms.split(':').reduce((a, x) => a * 60 + Number(x), 0);
    for (const TZ of ['Etc/GMT-14', 'America/New_York']) {
      const env = { ...process.env, TZ };
      const date = (): string => spawnSync('date', ['+%H:%M:%S'], { env, encoding: 'utf8' }).stdout.trim();
      // UTC+14 (no DST) and New York are never at UTC's time of day: the old UTC output fails this.
      const before = secs(date());
      const r = await cli(['watch', id, '--count', '1'], env);
      const after = secs(date());
      assert.equal(r.code, 0, r.err);
      const m = /^(\d\d:\d\d:\d\d)\.\d{3} {2}7 \/ 65536 bytes/.exec(r.out.split('\n')[1]!);
      assert.ok(m, r.out);
      const t = secs(m[1]!);
      const within = after >= before ? t >= before && t <= after : t >= before || t <= after; // (midnight)
      assert.ok(within, `${TZ}: watch printed ${m[1]}, date said ${before}..${after} s of the day`);
      const j = JSON.parse((await cli(['watch', id, '--count', '1', '--json'], env)).out) as Sample;
      assert.ok(Math.abs(j.t - Date.now()) < 30000, `${TZ}: t ${j.t} is ms since the epoch, whatever the zone`);
    }
  });

  it('--interval and --count take plain decimal integers only; anything else is a usage error (exit 2)', async () => {
    for (const bad of [['--interval', '1e3'], ['--count', '0x1'], ['--interval', '100.0'], ['--count', '0'], ['--count', '+1']]) {
      const r = await cli(['watch', id, ...bad]);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
      assert.match(r.err, new RegExp(`${bad[0]} must be .* plain decimal integer, not '${bad[1]!.replace('+', '\\+')}'`));
      assert.equal(r.out, '');
    }
    const ok = await cli(['watch', id, '--interval', '050', '--count', '2']);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.trim().split('\n').length, 3);
  });

  it('help watch|ls|bench|snippets prints that command\'s help; help of no command is a usage error', async () => {
    const w = await cli(['help', 'watch']);
    assert.equal(w.code, 0);
    assert.ok(w.out.startsWith('Usage: ipc-inspector watch <id>'), w.out);
    assert.equal(w.out, (await cli(['watch', '--help'])).out);
    for (const c of ['ls', 'bench', 'snippets']) {
      const r = await cli(['help', c]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^Usage:\\s+ipc-inspector ${c}`), `${c}: ${r.out.slice(0, 80)}`);
      assert.doesNotMatch(r.out, /inter-process communication of this Linux machine/, 'not the global help');
    }
    const bad = await cli(['help', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /no help for 'nope'/);
  });

  it('as a user who cannot inspect the holder, a pipe visible to root is said to be maybe hidden (N hidden)', async function () {
    const NOBODY = 65534;
    if (process.getuid!() !== 0) this.skip(); // only root can switch to nobody
    if (spawnSync('test', ['-x', process.execPath], { uid: NOBODY, gid: NOBODY }).status !== 0) this.skip();
    // The checkout may sit in a directory nobody cannot enter: the CLI is bundled into a world-readable one.
    const root = path.join(__dirname, '../..');
    const dir = mkdtempSync('/tmp/ipci-watch-nobody-');
    try {
      buildSync({
        entryPoints: { cli: path.join(root, 'src/cli.ts'), 'walk.worker': path.join(root, 'src/core/scan/walk.worker.ts') },
        bundle: true, platform: 'node', format: 'cjs', target: 'node20', outdir: dir, external: ['koffi'], logLevel: 'error',
      });
      for (const pkg of ['koffi', '@koromix']) cpSync(path.join(root, 'node_modules', pkg), path.join(dir, 'node_modules', pkg), { recursive: true });
      const open = (p: string): void => {
        const isDir = statSync(p).isDirectory();
        chmodSync(p, isDir ? 0o755 : 0o644);
        if (isDir) for (const e of readdirSync(p)) open(path.join(p, e));
      };
      open(dir);
      const r = spawnSync(process.execPath, [path.join(dir, 'cli.js'), 'watch', id, '--count', '1'], {
        cwd: dir, uid: NOBODY, gid: NOBODY, encoding: 'utf8', env: { ...process.env, HOME: '/tmp' }, timeout: 50000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`no object ${id} visible to this user now: it may have closed, or belong to processes this user cannot inspect \\(\\d+ hidden; run as their user, or as root\\)`));
      // Root sees it: the object is there.
      assert.equal((await cli(['watch', id, '--count', '1'])).code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
