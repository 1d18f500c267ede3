// Integration: the engine as a normal user (nobody): its own objects complete, other users' processes
// counted as hidden, nothing thrown. Skipped when not root (cannot switch user) or nobody cannot run node.
// The checkout may sit under a 0700 directory (/root, CI's mktemp -d) that nobody cannot enter: the engine
// is bundled with esbuild into a world-readable temporary directory, with koffi and the Python helper.

import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { startHelper } from './helpers/holders';

const NOBODY = 65534;

/** Bundle the engine and its helpers into a world-readable directory and run snapshot-as-user.ts there as nobody. */
function runAsNobody(env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const root = path.join(__dirname, '../..');
  const dir = mkdtempSync('/tmp/ipci-nobody-');
  try {
    buildSync({
      entryPoints: { 'snapshot-as-user': path.join(__dirname, 'helpers/snapshot-as-user.ts'), 'walk.worker': path.join(root, 'src/core/scan/walk.worker.ts') },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', outdir: dir, external: ['koffi'], logLevel: 'error',
    });
    // The bundle finds its helper thread (walk.worker.js) and the Python helper next to itself.
    cpSync(path.join(__dirname, 'helpers/ipc_objects.py'), path.join(dir, 'ipc_objects.py'));
    for (const pkg of ['koffi', '@koromix']) cpSync(path.join(root, 'node_modules', pkg), path.join(dir, 'node_modules', pkg), { recursive: true });
    const open = (p: string): void => {
      const isDir = statSync(p).isDirectory();
      chmodSync(p, isDir ? 0o755 : 0o644);
      if (isDir) for (const e of readdirSync(p)) open(path.join(p, e));
    };
    open(dir);
    return spawnSync(process.execPath, [path.join(dir, 'snapshot-as-user.js')], {
      cwd: dir, uid: NOBODY, gid: NOBODY, encoding: 'utf8', env: { ...process.env, HOME: '/tmp', ...env }, timeout: 50000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('takeSnapshot as an unprivileged user', function () {
  this.timeout(60000);

  it('sees its own pipe with both ends and fill, and counts root processes as hidden (kernel threads are not)', function () {
    if (process.getuid!() !== 0) this.skip(); // only root can switch to nobody
    // A node that nobody may not run (installed under a 0700 home directory): nothing to test here.
    if (spawnSync('test', ['-x', process.execPath], { uid: NOBODY, gid: NOBODY }).status !== 0) this.skip();
    const r = runAsNobody();
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out.error, undefined, out.error);
    assert.equal(out.uid, NOBODY);
    assert.ok(out.hidden > 0 && out.hidden === out.foreign, `hidden ${out.hidden}, other users' processes (not kernel threads) ${out.foreign}`);
    assert.ok(out.unixSockets > 0, 'sock_diag works unprivileged: every socket is listed, held or not');
    assert.ok(out.pipe, 'own pipe found');
    assert.deepEqual(out.pipe.endpoints.map((e: { pid: number }) => e.pid).sort(), [out.info.writer.pid, out.info.reader.pid].sort());
    assert.deepEqual(out.pipe.queue, { used: 1234, capacity: 65536, unit: 'bytes' });
    // No BPF for a user without CAP_BPF/CAP_PERFMON: the /proc walk, and the snapshot says why.
    assert.equal(out.fdSource, 'procfs');
    assert.match(out.fdIteratorUnusable, /not permitted/);
  });

  it('the refresh path on root\'s objects it may not read: no exception, no sample for pipes and queues, sockets still sampled', async function () {
    if (process.getuid!() !== 0) this.skip();
    if (spawnSync('test', ['-x', process.execPath], { uid: NOBODY, gid: NOBODY }).status !== 0) this.skip();
    const dir = mkdtempSync('/tmp/ipci-foreign-');
    const pipe = await startHelper<{ pipe: { dev: number; ino: number } }>('ipc_objects.py', ['pipe', dir]);
    const fifo = await startHelper<{ fifo: { dev: number; ino: number } }>('ipc_objects.py', ['fifo', dir]);
    const socks = await startHelper<{ pairs: Record<string, { a: { ino: number } }> }>('ipc_objects.py', ['socketpairs', dir]);
    try {
      const s = takeSnapshot();
      const find = (kind: string, ino: number) => s.objects.find((o) => o.kind === kind && o.inode === ino);
      const targets = [find('pipe', pipe.info.pipe.ino), find('fifo', fifo.info.fifo.ino), find('unix', socks.info.pairs['stream']!.a.ino)];
      assert.ok(targets.every(Boolean), 'root sees the three objects');
      assert.ok(targets[0]!.queue && targets[1]!.queue, 'and samples the pipe and the FIFO');
      const r = runAsNobody({ IPCI_FOREIGN: JSON.stringify(targets) });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      assert.equal(out.error, undefined, out.error);
      const samples = out.foreignSamples as { id: string; queue: unknown }[] | { error: string };
      assert.ok(Array.isArray(samples), JSON.stringify(samples));
      const by = new Map(samples.map((x) => [x.id, x]));
      assert.equal(by.get(targets[0]!.id)?.queue, null, 'root\'s pipe: no sample (its ends cannot be reached)');
      assert.equal(by.get(targets[1]!.id)?.queue, null, 'root\'s FIFO: no sample');
      assert.deepEqual(by.get(targets[2]!.id)?.queue, targets[2]!.queue, 'sock_diag answers anyone: the socket is sampled');
      assert.deepEqual(out.ownSamples?.[0]?.queue, { used: 1234, capacity: 65536, unit: 'bytes' }, 'its own pipe, refreshed');
    } finally {
      await Promise.all([pipe.stop(), fifo.stop(), socks.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
