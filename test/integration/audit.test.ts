// Integration: the security audit on real sockets, FIFOs, /dev/shm files and inet listeners created by a
// child process: modes, insecure directories, stale socket files, orphan FIFOs, listeners on all interfaces.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, chmodSync, unlinkSync, statSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IpcKind, IpcObject, Snapshot } from '../../src/core/model';
import { auditObjects, findAuditLeftovers } from '../../src/core/audit/audit';
import { takeSnapshot } from '../../src/core/scan/snapshot';
import { checkRemoval } from '../../src/core/removal';
import { PYTHON, startHelper, type Holder } from './helpers/holders';

interface File { dev: number; ino: number; path: string }
interface Port { port: number; ino: number }
interface Info {
  pid: number; open: File & { accepted: number[] }; private: File; groupFifo: File; loose: File; sticky: File; stale: File; orphan: File; shm: File;
  tcpAll: Port; tcpLocal: Port; udpAll: Port; relOpen: File; relPrivate: File; closedListener: File & { accepted: number };
}

const codes = (o: IpcObject | undefined): string[] => (o?.findings ?? []).map((f) => f.code).sort();

describe('security audit (real kernel objects)', function () {
  this.timeout(30000);
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-audit-'));
  let h: Holder<Info>;
  let snap: Snapshot;
  const byName = (p: string): IpcObject | undefined => snap.objects.find((o) => o.name === p);

  before(async () => {
    h = await startHelper<Info>('audit_objects.py', [work]);
    snap = takeSnapshot({ workspaceDirs: [work] });
  });
  after(async () => {
    await h?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('flags a 0777 listening socket as world-writable, naming the mode, and leaves a 0600 one alone', () => {
    const open = byName(h.info.open.path);
    assert.ok(open, 'listener not found');
    assert.equal(open.kind, 'unix');
    const f = open.findings.find((x) => x.code === 'world-writable');
    assert.ok(f, JSON.stringify(open.findings));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /mode 0777: any local user can connect/);
    assert.deepEqual(codes(byName(h.info.private.path)), []);
  });

  it('says it once for the file, on its listener: the connections it accepted (same name and file) carry no finding', () => {
    for (const ino of h.info.open.accepted) {
      const conn = snap.objects.find((o) => o.kind === 'unix' && o.inode === ino);
      assert.deepEqual([conn?.name, conn?.unix?.state], [h.info.open.path, 'connected']);
      assert.deepEqual(codes(conn), [], `accepted connection ${ino}`);
    }
    const all = snap.objects.filter((o) => o.name === h.info.open.path).flatMap((o) => o.findings.map((f) => f.code));
    assert.deepEqual(all, ['world-writable']);
  });

  it('flags a held 0660 FIFO as group-writable (and not orphan)', () => {
    const o = byName(h.info.groupFifo.path);
    assert.ok(o);
    assert.equal(o.kind, 'fifo');
    assert.equal(o.inode, h.info.groupFifo.ino);
    assert.deepEqual(codes(o), ['group-writable']);
    assert.match(o.findings[0]!.message, /mode 0660/);
  });

  it('flags a socket under a world-writable directory without the sticky bit, not one under a sticky one', () => {
    const loose = byName(h.info.loose.path);
    assert.deepEqual(codes(loose), ['insecure-directory']);
    assert.match(loose!.findings[0]!.message, new RegExp(`${path.dirname(h.info.loose.path)} has mode 0777`));
    assert.deepEqual(codes(byName(h.info.sticky.path)), []);
  });

  it('judges a socket bound to a relative path by its file, found from its holder\'s working directory', () => {
    const rel = byName('rel-open.sock');
    assert.ok(rel, 'relative listener not found');
    assert.equal(rel.unix?.address, 'path');
    assert.deepEqual(codes(rel), ['insecure-directory', 'world-writable']);
    assert.match(rel.findings.find((f) => f.code === 'world-writable')!.message, /mode 0777: any local user can connect/);
    assert.match(rel.findings.find((f) => f.code === 'insecure-directory')!.message, new RegExp(`directory ${path.dirname(h.info.relOpen.path)} has mode 0777`));
    // Its 0600 neighbour: only the directory.
    assert.deepEqual(codes(byName('rel-private.sock')), ['insecure-directory']);
  });

  it('reports a stale socket file as an object of kind unix with no endpoints', () => {
    const o = byName(h.info.stale.path);
    assert.ok(o, 'stale socket file not listed');
    assert.equal(o.kind, 'unix');
    assert.equal(o.inode, h.info.stale.ino);
    assert.deepEqual(o.endpoints, []);
    assert.equal(o.unix?.address, 'path');
    const f = o.findings.find((x) => x.code === 'stale-socket-file');
    assert.equal(f?.severity, 'info');
    // The live listeners are not stale.
    assert.ok(!codes(byName(h.info.open.path)).includes('stale-socket-file'));
  });

  it('reports the file of a listener closed while a connection it accepted lives on as stale (connect() is refused)', () => {
    const c = h.info.closedListener;
    // The accepted connection keeps the listener's name and file (as ss shows it)...
    const conn = snap.objects.find((o) => o.kind === 'unix' && o.inode === c.accepted);
    assert.deepEqual([conn?.name, conn?.unix?.state, conn?.unix?.boundFile], [c.path, 'connected', { dev: c.dev, ino: c.ino }]);
    // ...but nobody listens there any more.
    const stale = snap.objects.find((o) => o.kind === 'unix' && o['stale'] === true && o.name === c.path);
    assert.ok(stale, 'the socket file is not reported stale');
    assert.equal(stale.id, `unix:${c.dev}:${c.ino}`);
    assert.deepEqual(codes(stale), ['stale-socket-file']);
    assert.match(stale.findings[0]!.message, /has no listener: connect\(\) fails with ECONNREFUSED/);
    // And a scan taken after the user confirms agrees: the file may be deleted.
    assert.ok(checkRemoval(stale, process.getuid!(), takeSnapshot({ kinds: ['unix'] })).ok);
  });

  it('reports an orphan FIFO in a workspace dir as a fifo object with no endpoints; only with the workspace given', () => {
    const o = byName(h.info.orphan.path);
    assert.ok(o, 'orphan FIFO not listed');
    assert.equal(o.kind, 'fifo');
    assert.equal(o.id, `fifo:${h.info.orphan.dev}:${h.info.orphan.ino}`);
    assert.deepEqual(o.endpoints, []);
    assert.deepEqual(codes(o), ['orphan-fifo']);
    assert.equal(o.findings[0]!.severity, 'info');
    const without = takeSnapshot({ kinds: ['fifo'] });
    assert.ok(!without.objects.some((x) => x.name === h.info.orphan.path), 'workspace searched without being given');
  });

  it('an orphan FIFO and a stale socket file with non-UTF-8, markup and newline names: found by their raw bytes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-audit-raw-'));
    try {
      const d = Buffer.from(dir);
      const fifo = Buffer.concat([d, Buffer.from('/f\xff\xfe<img src=x>\n', 'latin1')]);
      const sock = Buffer.concat([d, Buffer.from('/s\x80\x1b[31m', 'latin1')]);
      // mkfifo and a bound-then-closed socket from Python, which takes the names as bytes.
      execFileSync(PYTHON, ['-c', 'import os, socket, sys\nos.mkfifo(bytes.fromhex(sys.argv[1]), 0o600)\n'
        + 's = socket.socket(socket.AF_UNIX)\ns.bind(bytes.fromhex(sys.argv[2]))\ns.close()', fifo.toString('hex'), sock.toString('hex')]);
      const out = auditObjects([], { kinds: new Set(['fifo', 'unix']), tmpDirs: [], workspaceDirs: [dir] });
      const byBytes = (b: Buffer): IpcObject | undefined => out.find((o) => o.nameBase64 === b.toString('base64'));
      const f = byBytes(fifo), s = byBytes(sock);
      assert.ok(f && s, `not found by raw bytes: ${JSON.stringify(out.map((o) => o.name))}`);
      assert.deepEqual([f.kind, codes(f)], ['fifo', ['orphan-fifo']]);
      assert.deepEqual([s.kind, codes(s)], ['unix', ['stale-socket-file']]);
      assert.equal(f.inode, Number(execFileSync(PYTHON, ['-c', 'import os, sys\nprint(os.lstat(bytes.fromhex(sys.argv[1])).st_ino)', fifo.toString('hex')], { encoding: 'utf8' })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leftovers found beforehand (as the snapshot does during the walk) are judged against the objects, not searched again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-audit-ahead-'));
    try {
      const fifo = path.join(dir, 'held-later');
      execFileSync('mkfifo', ['-m', '600', fifo]);
      const opts = { kinds: new Set<IpcKind>(['fifo', 'unix']), tmpDirs: [], workspaceDirs: [dir] };
      const leftovers = findAuditLeftovers(opts);
      assert.deepEqual(leftovers.map((f) => [f.kind, f.text]), [['fifo', fifo]]);
      const late = path.join(dir, 'made-after-the-search');
      execFileSync('mkfifo', ['-m', '600', late]);
      const ino = leftovers[0]!.ino;
      // A holder seen by the walk: no orphan. The FIFO made after the search is not looked for.
      const held: IpcObject = { id: `fifo:${leftovers[0]!.dev}:${ino}`, kind: 'fifo', inode: ino, name: fifo, endpoints: [{ pid: 1, fd: 3, access: 'r' }], findings: [], dev: leftovers[0]!.dev };
      assert.deepEqual(auditObjects([held], { ...opts, leftovers }).map((o) => o.name), [fifo]);
      assert.deepEqual(auditObjects([], { ...opts, leftovers }).map((o) => [o.name, codes(o)]), [[fifo, ['orphan-fifo']]]);
      assert.deepEqual(auditObjects([], opts).map((o) => o.name).sort(), [fifo, late], 'without them, the audit searches itself');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a leftover unchanged between audits is the same frozen object; a chmod of it or of its directory makes a new one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipci-audit-cache-'));
    try {
      const fifo = path.join(dir, 'f');
      execFileSync('mkfifo', ['-m', '600', fifo]);
      const audit = (): IpcObject => {
        const o = auditObjects([], { kinds: new Set(['fifo']), tmpDirs: [], workspaceDirs: [dir] }).find((x) => x.name === fifo);
        assert.ok(o, 'orphan FIFO not found');
        return o;
      };
      const a = audit();
      assert.ok(Object.isFrozen(a) && Object.isFrozen(a.findings), 'cached leftovers are frozen');
      assert.equal(audit(), a);
      chmodSync(fifo, 0o666);
      const b = audit();
      assert.notEqual(b, a);
      assert.deepEqual(codes(b), ['orphan-fifo', 'world-writable']);
      assert.equal(audit(), b);
      chmodSync(dir, 0o777); // world-writable, no sticky bit: the FIFO can be swapped by anyone
      const c = audit();
      assert.notEqual(c, b);
      assert.ok(codes(c).includes('insecure-directory'), JSON.stringify(codes(c)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds an orphan FIFO directly in /tmp (non-recursive) and not once a process holds it', async () => {
    const p = path.join('/tmp', `ipci-orphan-${process.pid}.fifo`);
    execFileSync('mkfifo', ['-m', '0600', p]);
    try {
      const ino = statSync(p).ino;
      const s = takeSnapshot({ kinds: ['fifo'] });
      const o = s.objects.find((x) => x.kind === 'fifo' && x.inode === ino);
      assert.deepEqual(codes(o), ['orphan-fifo']);
      // Held: a child of the test opens it (the inspector never opens a FIFO by path).
      const child = spawn(PYTHON, ['-c', 'import os,sys; os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK); print("ok", flush=True); sys.stdin.read()', p], { stdio: ['pipe', 'pipe', 'inherit'] });
      try {
        await once(child.stdout!, 'data');
        const held = takeSnapshot({ kinds: ['fifo'] }).objects.find((x) => x.kind === 'fifo' && x.inode === ino);
        assert.deepEqual(held?.endpoints.map((e) => e.pid), [child.pid]);
        assert.deepEqual(codes(held), []);
      } finally {
        child.kill('SIGKILL');
      }
    } finally {
      unlinkSync(p);
    }
  });

  it('flags TCP/UDP on 0.0.0.0 (warning), not a listener on 127.0.0.1', () => {
    const inet = (ino: number): IpcObject | undefined => snap.objects.find((o) => (o.kind === 'tcp' || o.kind === 'udp') && o.inode === ino);
    const all = inet(h.info.tcpAll.ino);
    assert.deepEqual(codes(all), ['listens-on-all-interfaces']);
    assert.equal(all!.findings[0]!.severity, 'warning');
    assert.match(all!.findings[0]!.message, new RegExp(`port ${h.info.tcpAll.port}.*0\\.0\\.0\\.0`));
    assert.deepEqual(codes(inet(h.info.udpAll.ino)), ['listens-on-all-interfaces']);
    assert.deepEqual(codes(inet(h.info.tcpLocal.ino)), []);
  });

  it('flags a 0666 /dev/shm segment as world-writable by lstat of its file', () => {
    const name = path.basename(h.info.shm.path);
    const o: IpcObject = { id: `posix-shm:${h.info.shm.dev}:${h.info.shm.ino}`, kind: 'posix-shm', inode: h.info.shm.ino, name: `/${name}`, endpoints: [], findings: [] };
    const out = auditObjects([o], { kinds: new Set(['posix-shm']) });
    assert.deepEqual(codes(out[0]), ['world-writable']);
    assert.match(out[0]!.findings[0]!.message, /mode 0666/);
    // Tightened: no finding.
    chmodSync(h.info.shm.path, 0o600);
    const again = auditObjects([{ ...o, findings: [] }], { kinds: new Set(['posix-shm']) });
    assert.deepEqual(codes(again[0]), []);
  });
});
