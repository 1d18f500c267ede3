// Lens resolution against hand-built snapshots (schema of src/core/model.ts), and what each lens runs.

import { strict as assert } from 'node:assert';
import { actionLens, findCallSites, indexSnapshot, resolveCallSite, statusLens, type CallSite } from '../../src/core/callsites';
import type { IpcObject, ProcessInfo, Snapshot } from '../../src/core/model';

function proc(pid: number, comm: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid: 1, comm, cmdline: [comm], uid: 1000, netns: 1, ipcns: 1, ...extra };
}

function snap(objects: IpcObject[], processes: ProcessInfo[] = []): Snapshot {
  return { schemaVersion: 1, takenAt: '2025-01-01T00:00:00.000Z', durationMs: 5, self: { pid: 1 }, hidden: { processes: 0 }, notes: [], processes, objects };
}

function unix(ino: number, name: string, state: 'listen' | 'connected' | 'unconnected', pid: number | null, peer: number | null, queued = 0, extra: Partial<IpcObject> = {}): IpcObject {
  const address = name === '' ? 'unnamed' : name.startsWith('@') ? 'abstract' : 'path';
  return {
    id: `unix:8:${ino}`, kind: 'unix', inode: ino, name: name || `socket:[${ino}]`,
    endpoints: pid === null ? [] : [{ pid, fd: 3, access: 'rw' }],
    queue: state === 'listen' ? { used: 0, capacity: 128, unit: 'connections' } : { used: queued, capacity: null, unit: 'bytes' },
    unix: { type: 'stream', state, address, peer: peer === null ? null : `unix:8:${peer}`, pendingConnections: 0, inflightFds: 0 },
    findings: [], ...extra,
  };
}

function inet(ino: number, proto: 'tcp' | 'udp', local: string, remote: string | null, state: string, pid: number, queued = 0): IpcObject {
  return {
    id: `${proto}:9:${ino}`, kind: proto, inode: ino, name: `${local}`, endpoints: [{ pid, fd: 5, access: 'rw' }],
    queue: { used: queued, capacity: null, unit: 'bytes' },
    inet: { family: 4, protocol: proto, local, remote, state, peer: null }, findings: [],
  };
}

const site = (src: string, lang: string): CallSite => {
  const s = findCallSites(src, lang);
  assert.equal(s.length, 1, `one site in ${src}`);
  return s[0]!;
};

describe('resolveCallSite', () => {
  const listener = site('UnixListener::bind("/tmp/app.sock")', 'rust');

  it('a Unix listener: clients are the peers of accepted sockets, which share its name', () => {
    const s = snap([
      unix(100, '/tmp/app.sock', 'listen', 812, null),
      unix(101, '/tmp/app.sock', 'connected', 812, 201, 0),
      unix(102, '/tmp/app.sock', 'connected', 812, 202, 0),
      unix(201, '', 'connected', 901, 101, 0),
      unix(202, '', 'connected', 901, 102, 0),
      unix(300, '/tmp/other.sock', 'listen', 700, null),
    ], [proc(812, 'server'), proc(901, 'client')]);
    const r = resolveCallSite(listener, s);
    assert.equal(r.title, '● listening · 2 clients (server 812, client 901) · 0 B queued');
    assert.equal(r.objectId, 'unix:8:100');
    assert.equal(r.benchmark, 'unix-stream');
    assert.equal(r.chartable, true);
    assert.match(r.tooltip, /server: server 812 fd 3 rw/);
    // The same listener seen from a client's connect call.
    assert.equal(resolveCallSite(site('net.connect("/tmp/app.sock")', 'javascript'), s).objectId, 'unix:8:100');
  });

  it('counts queued bytes and pending connections, lists several client pids', () => {
    const l = unix(100, '/tmp/app.sock', 'listen', 812, null);
    l.unix!.pendingConnections = 3;
    const s = snap([l, unix(101, '/tmp/app.sock', 'connected', 812, 201, 4096), unix(201, '', 'connected', 901, 101, 10),
      unix(102, '/tmp/app.sock', 'connected', 812, 202), unix(202, '', 'connected', 902, 102)]);
    assert.equal(resolveCallSite(listener, s).title, '● listening · 2 clients (server 812, clients 901, 902) · 3 pending · 4.0 KiB queued');
  });

  it('no such socket', () => {
    const r = resolveCallSite(listener, snap([unix(300, '/tmp/other.sock', 'listen', 700, null)]));
    assert.deepEqual([r.title, r.objectId, r.chartable, r.benchmark], ['○ no such socket on this machine', null, false, 'unix-stream']);
  });

  it('abstract names match by raw bytes, NUL included', () => {
    const named = unix(400, '@a\u0000b', 'listen', 5, null, 0, { nameBase64: Buffer.from('a\u0000b').toString('base64') });
    const decoy = unix(401, '/a\u0000b', 'listen', 6, null);
    const s = snap([named, decoy]);
    assert.equal(resolveCallSite(site('UnixListener::bind("\\0a\\0b")', 'rust'), s).objectId, 'unix:8:400');
    assert.equal(resolveCallSite(site('net.Listen("unix", "@a\\x00b")', 'go'), s).objectId, 'unix:8:400');
    assert.equal(resolveCallSite(site('UnixListener::bind("\\0a")', 'rust'), s).objectId, null);
  });

  it('a bound datagram socket with its senders', () => {
    const d = unix(500, '/tmp/log.sock', 'unconnected', 44, null);
    d.unix!.type = 'dgram';
    const sender = unix(501, '', 'connected', 45, 500);
    sender.unix!.type = 'dgram';
    const r = resolveCallSite(site('UnixDatagram::bind("/tmp/log.sock")', 'rust'), snap([d, sender]));
    assert.equal(r.title, '● bound (datagram) · held by 44 · 1 sender · 0 B queued');
    assert.equal(r.benchmark, 'unix-dgram');
  });

  it('FIFO readers, writers and fill; relative paths match the one FIFO that ends with them', () => {
    const f: IpcObject = {
      id: 'fifo:2049:77', kind: 'fifo', inode: 77, name: '/home/u/proj/jobs.fifo',
      endpoints: [{ pid: 812, fd: 4, access: 'r' }], queue: { used: 4096, capacity: 65536, unit: 'bytes' }, findings: [],
    };
    const s = snap([f]);
    const r = resolveCallSite(site('mkfifo("/home/u/proj/jobs.fifo", 0600);', 'c'), s);
    assert.equal(r.title, 'FIFO · r: 812 · w: — · 4 KiB queued');
    assert.deepEqual([r.objectId, r.chartable, r.benchmark], ['fifo:2049:77', true, 'fifo']);
    assert.equal(resolveCallSite(site('os.mkfifo("jobs.fifo")', 'python'), s).objectId, 'fifo:2049:77');
    assert.equal(resolveCallSite(site('os.mkfifo("/tmp/jobs.fifo")', 'python'), s).title, '○ no process has this FIFO open');
  });

  it('shared memory size and mapping processes; message queue fill', () => {
    const shm: IpcObject = {
      id: 'posix-shm:25:9', kind: 'posix-shm', inode: 9, name: '/dev/shm/ring', size: 65536,
      endpoints: [{ pid: 10, fd: 3, access: 'rw' }, { pid: 10, fd: null, access: 'map' }, { pid: 11, fd: null, access: 'map' }], findings: [],
    };
    const mq: IpcObject = {
      id: 'posix-mq:30:5', kind: 'posix-mq', inode: 5, name: '/jobs', endpoints: [{ pid: 10, fd: 4, access: 'w' }],
      queue: { used: 3, capacity: 10, unit: 'messages' }, findings: [],
    };
    const s = snap([shm, mq]);
    const r = resolveCallSite(site('shm_open("/ring", O_RDWR, 0);', 'c'), s);
    assert.deepEqual([r.title, r.objectId, r.benchmark, r.chartable], ['● 64 KiB · mapped by 2 processes', 'posix-shm:25:9', 'shm-futex', false]);
    const q = resolveCallSite(site('mq_open("/jobs", O_RDONLY);', 'c'), s);
    assert.deepEqual([q.title, q.objectId, q.benchmark, q.chartable], ['● 3 / 10 messages', 'posix-mq:30:5', 'posix-mq', true]);
    assert.equal(resolveCallSite(site('mq_open("/nope", O_RDONLY);', 'c'), s).title, '○ no such message queue');
    assert.equal(resolveCallSite(site('shm_open("/nope", O_RDONLY, 0);', 'c'), s).title, '○ no such shared memory object');
  });

  it('TCP listener with its connections; UDP; nothing on the port', () => {
    const s = snap([
      inet(1, 'tcp', '0.0.0.0:8080', null, 'LISTEN', 455),
      inet(2, 'tcp', '127.0.0.1:8080', '127.0.0.1:50000', 'ESTABLISHED', 455),
      inet(3, 'tcp', '127.0.0.1:8080', '127.0.0.1:50001', 'ESTABLISHED', 455),
      inet(4, 'tcp', '127.0.0.1:50000', '127.0.0.1:8080', 'ESTABLISHED', 901),
      inet(5, 'udp', '0.0.0.0:9000', null, 'UNCONN', 456, 512),
    ], [proc(455, 'nginx'), proc(456, 'statsd')]);
    const t = resolveCallSite(site('TcpListener::bind("127.0.0.1:8080")', 'rust'), s);
    assert.deepEqual([t.title, t.objectId, t.benchmark], ['● LISTEN on 0.0.0.0:8080 (nginx 455) · 2 connections', 'tcp:9:1', 'tcp']);
    const u = resolveCallSite(site('stats.bind(9000);', 'javascript'), s);
    assert.deepEqual([u.title, u.objectId, u.benchmark], ['● UDP bound on 0.0.0.0:9000 (statsd 456) · 512 B queued', 'udp:9:5', 'udp']);
    assert.equal(resolveCallSite(site('net.Listen("tcp", ":8081")', 'go'), s).title, '○ nothing listening on port 8081');
    assert.equal(resolveCallSite(site('u.bind(("", 9001))\n', 'python'), s).title, '○ nothing listening on port 9001');
  });

  it('signals: the processes that catch them, or a plain note when the snapshot has no dispositions', () => {
    const sig = site('Signals::new(&[SIGUSR1])', 'rust');
    const withSignals = snap([], [
      proc(812, 'app', { starttime: 9000, signals: { caught: ['SIGUSR1', 'SIGTERM'], ignored: [], blocked: [], pending: [] } }),
      proc(813, 'other', { signals: { caught: ['USR2'] } }),
      proc(814, 'old', { starttime: 100, signals: { caught: [10] } }),
    ]);
    // Newest process first: the one the user just started, not the long-running daemons.
    assert.equal(resolveCallSite(sig, withSignals).title, 'SIGUSR1 caught by: app 812, old 814');
    assert.equal(resolveCallSite(site('signal.signal(signal.SIGHUP, h)', 'python'), withSignals).title, 'SIGHUP caught by: no process');
    const r = resolveCallSite(sig, snap([], [proc(812, 'app')]));
    assert.equal(r.title, 'SIGUSR1 · handlers unknown (no signal dispositions in this snapshot)');
    assert.deepEqual([r.objectId, r.benchmark], [null, 'signal']);
  });

  it('escapes hostile process names and addresses in titles', () => {
    const s = snap([inet(1, 'tcp', '0.0.0.0:8080', null, 'LISTEN', 455)], [proc(455, 'ev\u001b[31mil\n\u202e')]);
    const t = resolveCallSite(site('TcpListener::bind("0.0.0.0:8080")', 'rust'), s).title;
    assert.equal(t, '● LISTEN on 0.0.0.0:8080 (ev\\x1b[31mil\\n\\u202e 455) · 0 connections');
    assert.doesNotMatch(t, /[\u0000-\u001f\u202e]/);
  });

  it('a process named "$(pass) ok" is text in the lens title, not a check-mark icon', () => {
    const s = snap([inet(1, 'tcp', '0.0.0.0:8080', null, 'LISTEN', 455)], [proc(455, '$(pass) ok')]);
    const r = resolveCallSite(site('TcpListener::bind("0.0.0.0:8080")', 'rust'), s);
    // A code lens title renders $(name) as an icon, as the lenses' own "$(graph-line) Occupancy" does.
    assert.equal(statusLens(r).title, '● LISTEN on 0.0.0.0:8080 (\\$(pass) ok 455) · 0 connections');
    assert.match(actionLens(r)!.title, /^\$\(/, 'the lenses\' own icons stay icons');
  });

  it('indexes a snapshot once and resolves every lens against the same index', () => {
    // Correctness only: the cost of resolving lenses is measured by `npm run bench:lenses`, not here.
    const objects: IpcObject[] = [];
    for (let i = 0; i < 2000; i++) objects.push(unix(1000 + i, `/tmp/s${i}.sock`, 'listen', 100 + (i % 50), null));
    const s = snap(objects);
    assert.equal(indexSnapshot(s), indexSnapshot(s));
    const sites = findCallSites(Array.from({ length: 200 }, (_, i) => `UnixListener::bind("/tmp/s${i * 7}.sock")?;`).join('\n'), 'rust');
    assert.equal(sites.length, 200);
    sites.forEach((x, i) => assert.equal(resolveCallSite(x, s).objectId, `unix:8:${1000 + i * 7}`));
  });
});

describe('lens commands', () => {
  const s = site('UnixListener::bind("/tmp/app.sock")', 'rust');
  it('a live object: reveal it, and chart its queue', () => {
    const r = resolveCallSite(s, snap([unix(100, '/tmp/app.sock', 'listen', 812, null)]));
    assert.deepEqual(statusLens(r).command, 'ipcInspector.revealObject');
    assert.deepEqual(statusLens(r).arguments, ['obj:unix:8:100']);
    const a = actionLens(r)!;
    assert.deepEqual([a.command, a.arguments], ['ipcInspector.showOccupancy', ['obj:unix:8:100']]);
  });
  it('nothing live: plain text, and the matching benchmark', () => {
    const r = resolveCallSite(s, snap([]));
    assert.equal(statusLens(r).command, '');
    const a = actionLens(r)!;
    assert.deepEqual([a.command, a.arguments], ['ipcInspector.runBenchmark', [{ mechanisms: ['unix-stream'] }]]);
    const shm = resolveCallSite(site('shm_open("/x", O_RDWR, 0);', 'c'), snap([{ id: 'posix-shm:1:1', kind: 'posix-shm', inode: 1, name: '/x', endpoints: [], findings: [] }]));
    assert.deepEqual(actionLens(shm)!.arguments, [{ mechanisms: ['shm-futex'] }]);
  });
});
