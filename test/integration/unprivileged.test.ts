// Integration: the engine as a normal user (nobody): its own objects complete, other users' processes
// counted as hidden, nothing thrown. Skipped when not root (cannot switch user) or nobody cannot run node.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const NOBODY = 65534;

describe('takeSnapshot as an unprivileged user', function () {
  this.timeout(60000);

  it('sees its own pipe with both ends and fill, and counts root processes as hidden (kernel threads are not)', function () {
    if (process.getuid!() !== 0) this.skip();
    const root = path.join(__dirname, '../..');
    // A checkout under a 0700 directory (/root, mktemp -d) is unreadable to nobody: node then fails with
    // ERR_MODULE_NOT_FOUND rather than EACCES, so probe readability first.
    const probe = spawnSync('test', ['-r', path.join(root, 'node_modules/tsx/package.json')], { uid: NOBODY, gid: NOBODY });
    if (probe.status !== 0) this.skip();
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'helpers/snapshot-as-user.ts')], {
      cwd: root, uid: NOBODY, gid: NOBODY, encoding: 'utf8', env: { ...process.env, HOME: '/tmp' }, timeout: 50000,
    });
    if (r.error || (r.status !== 0 && /EACCES|permission denied/i.test(r.stderr))) this.skip(); // checkout not readable by nobody
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
