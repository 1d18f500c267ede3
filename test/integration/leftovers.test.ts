// Integration: findLeftovers() reuses a directory's listing while its mtime is unchanged. Every change a
// scan must see still shows at once: FIFOs and sockets added, removed or replaced (the directory changes),
// a mode changed (the FIFO is lstat()ed every pass), two changes within one tick of the kernel's coarse clock.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findLeftovers, listingStats } from '../../src/core/audit/leftovers';

describe('leftover FIFOs and socket files: cached listings stay exact', () => {
  let dir: string;
  const found = (deep: string[] = [dir]) =>
    findLeftovers([], deep).map((f) => `${f.kind} ${path.relative(dir, f.path.toString())} ${(f.mode & 0o777).toString(8)}`).sort();
  /** Make the directory's mtime old, so its listing is cached (a fresh one is not trusted). */
  const age = (d: string) => utimesSync(d, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipci-leftovers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees FIFOs added and removed after the listing was cached, and mode changes of a cached one', () => {
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'a.fifo')]);
    writeFileSync(path.join(dir, 'plain.txt'), 'x');
    age(dir);
    assert.deepEqual(found(), ['fifo a.fifo 600']);
    const before = { ...listingStats };
    assert.deepEqual(found(), ['fifo a.fifo 600'], 'second pass (cached listing)');
    assert.deepEqual([listingStats.read - before.read, listingStats.reused - before.reused], [0, 1], 'the listing was reused');
    chmodSync(path.join(dir, 'a.fifo'), 0o666);
    assert.deepEqual(found(), ['fifo a.fifo 666'], 'a chmod does not touch the directory, the FIFO is lstat()ed');
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'b.fifo')]);
    assert.deepEqual(found(), ['fifo a.fifo 666', 'fifo b.fifo 600']);
    unlinkSync(path.join(dir, 'a.fifo'));
    assert.deepEqual(found(), ['fifo b.fifo 600']);
  });

  it('two changes in one clock tick: a fresh listing is not reused, and a restored mtime still shows (ctime)', () => {
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'one.fifo')]);
    assert.deepEqual(found(), ['fifo one.fifo 600']);
    let before = { ...listingStats };
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'two.fifo')]);
    assert.deepEqual(found(), ['fifo one.fifo 600', 'fifo two.fifo 600']);
    assert.equal(listingStats.read - before.read, 1, 'read again');
    // The same mtime before and after a change (as two changes in one tick of the coarse clock would give).
    const old = new Date(Date.now() - 60_000);
    utimesSync(dir, old, old);
    assert.equal(found().length, 2);
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'three.fifo')]);
    utimesSync(dir, old, old);
    before = { ...listingStats };
    assert.deepEqual(found(), ['fifo one.fifo 600', 'fifo three.fifo 600', 'fifo two.fifo 600']);
    assert.equal(listingStats.read - before.read, 1, 'the ctime moved: read again');
  });

  it('a FIFO replaced by a socket of the same name; a new subdirectory with a FIFO deep inside', async () => {
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'x')]);
    age(dir);
    assert.deepEqual(found(), ['fifo x 600']);
    unlinkSync(path.join(dir, 'x'));
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(path.join(dir, 'x'), r));
    try {
      assert.deepEqual(found().map((s) => s.split(' ').slice(0, 2).join(' ')), ['unix x']);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    age(dir);
    age(path.join(dir, 'a'));
    assert.deepEqual(found(), []);
    execFileSync('mkfifo', ['-m', '600', path.join(dir, 'a', 'b', 'deep.fifo')]);
    assert.deepEqual(found(), ['fifo a/b/deep.fifo 600']);
  });

  it('a directory removed and another made under the same name is listed again', () => {
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    execFileSync('mkfifo', ['-m', '600', path.join(sub, 'f')]);
    age(sub);
    assert.deepEqual(found(), ['fifo sub/f 600']);
    rmSync(sub, { recursive: true });
    mkdirSync(sub);
    execFileSync('mkfifo', ['-m', '600', path.join(sub, 'g')]);
    age(sub); // even with the same old mtime, the inode differs
    assert.deepEqual(found(), ['fifo sub/g 600']);
  });
});
