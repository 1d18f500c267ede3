import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRelevantEvent, watchPlan } from '../../src/core/view/watchEvents';

describe('explorer watcher: which events call for a scan', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipci-watch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a new FIFO yes, a regular file or a directory no, an unknown vanished name no', () => {
    execFileSync('mkfifo', [path.join(dir, 'new.fifo')]);
    writeFileSync(path.join(dir, 'build.log'), 'x');
    assert.equal(isRelevantEvent('rename', dir, 'new.fifo', new Set()), true);
    assert.equal(isRelevantEvent('rename', dir, 'build.log', new Set()), false);
    assert.equal(isRelevantEvent('rename', dir, '.', new Set()), false);
    assert.equal(isRelevantEvent('rename', dir, 'gone.tmp', new Set()), false);
  });

  it('no \'change\' events: data flowing through a listed FIFO, writes into a shm segment', () => {
    assert.equal(isRelevantEvent('change', dir, 'new.fifo', new Set([path.join(dir, 'new.fifo')])), false);
    assert.equal(isRelevantEvent('change', '/dev/shm', 'seg', new Set()), false);
  });

  it('a listed FIFO or socket vanishing yes; anything in /dev/shm or /dev/mqueue; an event without a name', () => {
    assert.equal(isRelevantEvent('rename', dir, 'old.sock', new Set([path.join(dir, 'old.sock')])), true);
    assert.equal(isRelevantEvent('rename', '/dev/shm', 'seg', new Set()), true);
    assert.equal(isRelevantEvent('rename', '/dev/mqueue', 'q', new Set()), true);
    assert.equal(isRelevantEvent('rename', dir, null, new Set()), true);
  });
});

describe('explorer watcher: which directories are watched', () => {
  it('/dev/shm, /dev/mqueue, /tmp and the workspace always, even when the listed objects alone exceed the cap', () => {
    // 100 programs that each made a fresh directory for their socket (as the snippets do).
    const paths = Array.from({ length: 100 }, (_, i) => `/tmp/app-${i}/s.sock`);
    const plan = watchPlan(paths, ['/home/me/ws'], 64);
    assert.equal(plan.dirs.length, 64);
    assert.deepEqual(plan.dirs.slice(0, 4), ['/dev/shm', '/dev/mqueue', '/tmp', '/home/me/ws']);
    assert.equal(plan.known.size, 100, 'every listed path is known, watched directory or not');
  });
  it('directories of objects gone leave the plan (the explorer unwatches them); relative and missing paths are ignored', () => {
    const first = watchPlan(['/tmp/run-1/s.sock', '/tmp/run-1/f.fifo', 'rel/x.sock', undefined], [], 64);
    assert.deepEqual(first.dirs, ['/dev/shm', '/dev/mqueue', '/tmp', '/tmp/run-1']);
    const next = watchPlan(['/tmp/run-2/s.sock'], [], 64);
    assert.ok(!next.dirs.includes('/tmp/run-1'));
    assert.ok(next.dirs.includes('/tmp/run-2'));
    assert.deepEqual([...first.known], ['/tmp/run-1/s.sock', '/tmp/run-1/f.fifo']);
  });
});
