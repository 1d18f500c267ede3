// Integration: the checks before the explorer deletes a name (core/removal.ts), on real socket files and FIFOs.
// The file must still be the object the user picked and theirs, and a scan taken after the confirmation must
// not show it in use; a socket file is compared by (dev, ino) like every other kind (it once was not at all).

import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { checkRemoval, removeChecked } from '../../src/core/removal';
import { takeSnapshot } from '../../src/core/scan/snapshot';

const uid = process.getuid!();

describe('checks before deleting a stale socket file or an orphan FIFO (real files)', function () {
  this.timeout(30000);
  let dir: string;
  const children: ChildProcess[] = [];
  const scan = (): Snapshot => takeSnapshot({ kinds: ['unix', 'fifo'], workspaceDirs: [dir] });
  const byName = (s: Snapshot, name: string, kind: IpcObject['kind']): IpcObject | undefined =>
    s.objects.find((o) => o.kind === kind && o.name === name && (o['stale'] === true || o['orphan'] === true));
  /** A socket file with no socket bound to it: bound by a process that then exits. */
  const staleSocket = (p: string) => execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', p]);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ipci-removal-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a stale socket file may be deleted; once rebound (a new file at the name) it may not', async () => {
    const p = path.join(dir, 'srv.sock');
    staleSocket(p);
    const o = byName(scan(), p, 'unix');
    assert.ok(o, 'the stale socket file is an object');
    const ok = checkRemoval(o, uid, scan());
    assert.ok(ok.ok, JSON.stringify(ok));
    // A server comes back meanwhile: it removes the stale name and binds a new socket file there.
    unlinkSync(p);
    const srv = spawn('python3', ['-c', 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); print("up", flush=True); time.sleep(60)', p], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(srv);
    await new Promise<void>((r) => srv.stdout!.once('data', () => r()));
    // (A file system may give the new file the old inode number, as ext4 does: the fresh scan refuses it then.)
    const now = checkRemoval(o, uid, scan());
    assert.equal(now.ok, false);
    assert.match(!now.ok ? now.reason : '', /another file now|a socket is bound to .* now \(listen\)/);
  });

  it('a socket file that a listener is bound to is refused by the scan taken after the confirmation', async () => {
    const p = path.join(dir, 'live.sock');
    const srv = spawn('python3', ['-c', 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); print("up", flush=True); time.sleep(60)', p], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(srv);
    await new Promise<void>((r) => srv.stdout!.once('data', () => r()));
    const live = scan().objects.find((o) => o.kind === 'unix' && o.name === p && o['stale'] !== true);
    assert.ok(live?.unix?.boundFile, 'the listener, with the file it is bound to');
    // As the view would see it if its holder were hidden: the file is the listener's, and it is ours.
    const r = checkRemoval({ ...live, endpoints: [] }, uid, scan());
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /a socket is bound to .* now \(listen\)/);
  });

  it('an orphan FIFO may be deleted until a process opens it; another owner or a missing file is refused', () => {
    // A name that is not UTF-8: the path is checked and deleted as the very bytes of the name.
    const raw = Buffer.concat([Buffer.from(`${dir}/q-`), Buffer.from([0xff, 0xfe]), Buffer.from('.fifo')]);
    execFileSync('python3', ['-c', 'import os,sys; os.mkfifo(bytes.fromhex(sys.argv[1]), 0o600)', raw.toString('hex')]);
    const o = scan().objects.find((x) => x.kind === 'fifo' && x['orphan'] === true && x['nameBase64'] !== undefined);
    assert.ok(o, 'the orphan FIFO with a non-UTF-8 name');
    const ok = checkRemoval(o, uid, scan());
    assert.ok(ok.ok && ok.path.equals(raw), JSON.stringify(ok));
    // A process opens it (read-write: no writer needed) after the scan the user looked at.
    const holder = spawn('python3', ['-c', 'import os,sys,time; fd=os.open(bytes.fromhex(sys.argv[1]), os.O_RDWR); print("up", flush=True); time.sleep(60)', raw.toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(holder);
    return new Promise<void>((resolve, reject) => holder.stdout!.once('data', () => {
      try {
        const held = checkRemoval(o, uid, scan());
        assert.equal(held.ok, false);
        assert.match(!held.ok ? held.reason : '', /held open now/);
        holder.kill('SIGKILL');
        chownSync(raw, 65534, 65534);
        const other = checkRemoval(o, uid);
        assert.match(!other.ok ? other.reason : '', /belongs to uid 65534/);
        unlinkSync(raw);
        const gone = checkRemoval(o, uid);
        assert.deepEqual([gone.ok, !gone.ok && gone.gone], [false, true]);
        resolve();
      } catch (e) {
        reject(e);
      }
    }));
  });

  it('the file checked is the file deleted: a directory swapped for a symlink after the check deletes nothing there', () => {
    // The orphan FIFO the user picked, in a directory that someone may rename and replace by a symlink (as a
    // container may with its /dev/mqueue seen through /proc/PID/root) to a directory with a file of that name.
    const sub = path.join(dir, 'd');
    const elsewhere = path.join(dir, 'elsewhere');
    execFileSync('mkdir', [sub, elsewhere]);
    const fifo = path.join(sub, 'jobs.fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    execFileSync('touch', [path.join(elsewhere, 'jobs.fifo')]);
    const o = scan().objects.find((x) => x.kind === 'fifo' && x.name === fifo && x['orphan'] === true);
    assert.ok(o, 'the orphan FIFO');
    const r = removeChecked(o, uid, scan(), () => {
      renameSync(sub, `${sub}.old`);
      symlinkSync(elsewhere, sub);
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(existsSync(path.join(elsewhere, 'jobs.fifo')), 'the file in the other directory was deleted');
    assert.ok(!existsSync(path.join(`${sub}.old`, 'jobs.fifo')), 'the FIFO checked is gone');
    // Refused as before when the file is not the object any more (here: the swap happened before the check).
    execFileSync('mkfifo', ['-m', '600', path.join(elsewhere, 'x.fifo')]);
    const r2 = removeChecked({ ...o, name: path.join(sub, 'jobs.fifo') }, uid, scan());
    assert.equal(r2.ok, false);
    assert.ok(existsSync(path.join(elsewhere, 'jobs.fifo')));
  });
});

describe('checks before deleting a POSIX shm segment, semaphore or message queue (real objects)', function () {
  this.timeout(30000);
  const made: Buffer[] = [];
  afterEach(() => {
    for (const p of made.splice(0)) {
      try {
        unlinkSync(p);
      } catch {
        // already deleted by the test
      }
    }
  });

  it('names that are not UTF-8 are checked and deleted as their very bytes; a queue unlinked while held has no file to delete', () => {
    execFileSync('sh', ['-c', 'mountpoint -q /dev/mqueue || mount -t mqueue none /dev/mqueue']);
    const tag = Buffer.concat([Buffer.from(`ipci-rm-${process.pid}-`), Buffer.from([0xff, 0xfe])]);
    const files = {
      'posix-shm': Buffer.concat([Buffer.from('/dev/shm/'), tag]),
      'posix-sem': Buffer.concat([Buffer.from('/dev/shm/sem.'), tag]),
      'posix-mq': Buffer.concat([Buffer.from('/dev/mqueue/'), tag]),
    };
    // Files of /dev/shm are segments (sem.* semaphores) whoever made them; a queue is made with mq_open.
    execFileSync('python3', ['-c', [
      'import ctypes, os, sys',
      'for p in sys.argv[1:3]: os.close(os.open(bytes.fromhex(p), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))',
      'rt = ctypes.CDLL(None, use_errno=True)',
      'q = rt.mq_open(b"/" + bytes.fromhex(sys.argv[3]), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600, None)',
      'assert q >= 0, ctypes.get_errno()',
    ].join('\n'), files['posix-shm'].toString('hex'), files['posix-sem'].toString('hex'), tag.toString('hex')]);
    made.push(...Object.values(files));
    const s = takeSnapshot({ kinds: ['posix-shm', 'posix-sem', 'posix-mq'] });
    for (const [kind, file] of Object.entries(files)) {
      const o = s.objects.find((x) => x.kind === kind && x['nameBase64'] === tag.toString('base64'));
      assert.ok(o, `${kind} with a non-UTF-8 name`);
      const ok = checkRemoval(o, uid);
      assert.ok(ok.ok && ok.path.equals(file), `${kind}: ${JSON.stringify(ok)}`);
    }
    // Unlinked while held: the object stays (deleted), and its name is no file of it any more.
    const holder = spawn('python3', ['-c', [
      'import ctypes, os, time',
      'rt = ctypes.CDLL(None, use_errno=True)',
      'name = b"/ipci-rm-held-%d" % os.getpid()',
      'q = rt.mq_open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600, None)',
      'assert q >= 0 and rt.mq_unlink(name) == 0',
      'print("up", flush=True)',
      'time.sleep(60)',
    ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise<void>((resolve, reject) => holder.stdout!.once('data', () => {
      try {
        const o = takeSnapshot({ kinds: ['posix-mq'] }).objects.find((x) => x['deleted'] === true && x.endpoints.some((e) => e.pid === holder.pid));
        assert.ok(o, 'the unlinked queue');
        const r = checkRemoval(o, uid);
        assert.equal(r.ok, false);
        assert.match(!r.ok ? r.reason : '', /no name in the file system/);
        resolve();
      } catch (e) {
        reject(e);
      } finally {
        holder.kill('SIGKILL');
      }
    }));
  });
});
