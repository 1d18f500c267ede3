// Integration: the engine as a normal user (nobody): its own objects complete, other users' processes
// counted as hidden, nothing thrown. Skipped when not root (cannot switch user) or nobody cannot run node.
// The checkout may sit under a 0700 directory (/root, CI's mktemp -d) that nobody cannot enter: the engine
// is bundled with esbuild into a world-readable temporary directory, with koffi and the Python helper.

import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const NOBODY = 65534;

/** Bundle the engine and its helpers into a world-readable directory and run snapshot-as-user.ts there as nobody. */
function runAsNobody(): SpawnSyncReturns<string> {
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
      cwd: dir, uid: NOBODY, gid: NOBODY, encoding: 'utf8', env: { ...process.env, HOME: '/tmp' }, timeout: 50000,
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
  });
});
