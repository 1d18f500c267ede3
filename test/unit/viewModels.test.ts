import { strict as assert } from 'node:assert';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { applyFilter, NO_FILTER, parseFilter } from '../../src/core/view/filter';
import { buildProcessTree, procChildren } from '../../src/core/view/processModel';
import { buildFindings } from '../../src/core/view/findingsModel';
import { ALL_KINDS } from '../../src/core/model';
import { GROUPS, countOf } from '../../src/core/view/treeModel';

const objects: IpcObject[] = [
  { id: 'fifo:1:10', kind: 'fifo', inode: 10, name: '/work/ws/build.fifo', endpoints: [{ pid: 100, fd: 3, access: 'r' }, { pid: 200, fd: 4, access: 'w' }], findings: [{ severity: 'warning', code: 'world-writable', message: 'mode 0666' }] },
  { id: 'unix:8:20', kind: 'unix', inode: 20, name: '/run/daemon.sock', endpoints: [{ pid: 300, fd: 5, access: 'rw' }], findings: [],
    unix: { type: 'stream', state: 'connected', address: 'path', peer: 'unix:8:21', pendingConnections: 0, inflightFds: 0 } },
  { id: 'unix:8:21', kind: 'unix', inode: 21, name: '', endpoints: [{ pid: 100, fd: 6, access: 'rw' }], findings: [{ severity: 'info', code: 'stale-socket-file', message: 'x' }],
    unix: { type: 'stream', state: 'connected', address: 'unnamed', peer: 'unix:8:20', pendingConnections: 0, inflightFds: 0 } },
];
const snap: Snapshot = {
  schemaVersion: 1, takenAt: '', durationMs: 1, self: { pid: 1 }, hidden: { processes: 0 }, notes: [],
  processes: [
    { pid: 100, ppid: 1, comm: 'reader', cmdline: ['reader'], uid: 1000, netns: 1, ipcns: 1, cwd: '/work/ws/sub', signals: { caught: ['SIGUSR1', 'SIGRTMIN+2'], blocked: ['SIGTERM'] } },
    { pid: 200, ppid: 1, comm: 'writer', cmdline: ['writer'], uid: 0, netns: 1, ipcns: 1, cwd: '/' },
    { pid: 300, ppid: 1, comm: 'daemon', cmdline: ['daemon'], uid: 0, netns: 1, ipcns: 1, cwd: '/' },
  ],
  objects,
};
const ctx = { uid: 1000, workspaceDirs: ['/work/ws'] };
const ids = (s: Snapshot) => s.objects.map((o) => o.id);

describe('explorer filters', () => {
  it('no filter returns the snapshot unchanged', () => {
    assert.equal(applyFilter(snap, NO_FILTER, ctx), snap);
  });
  it('mine keeps objects held by a process of my uid', () => {
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, mine: true }, ctx)), ['fifo:1:10', 'unix:8:21']);
  });
  it('workspace keeps objects whose path or holder cwd is inside the workspace', () => {
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, workspaceOnly: true }, ctx)), ['fifo:1:10', 'unix:8:21']);
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, workspaceOnly: true }, { uid: 0, workspaceDirs: ['/run'] })), ['unix:8:20']);
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, workspaceOnly: true }, { uid: 0, workspaceDirs: ['/wor'] })), []);
  });
  it('kinds and text (name, pid, comm) filter', () => {
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, kinds: ['unix'] }, ctx)), ['unix:8:20', 'unix:8:21']);
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, text: 'DAEMON' }, ctx)), ['unix:8:20']);
    assert.deepEqual(ids(applyFilter(snap, { ...NO_FILTER, text: '200' }, ctx)), ['fifo:1:10']);
  });
  it('parses persisted state defensively', () => {
    assert.deepEqual(parseFilter({ mine: 1, kinds: ['pipe', 'bogus'], text: 42 }, ALL_KINDS), { mine: false, workspaceOnly: false, kinds: ['pipe'], text: '' });
    assert.deepEqual(parseFilter(null, ALL_KINDS), NO_FILTER);
  });
});

describe('processes view model', () => {
  const m = buildProcessTree(snap);
  it('lists each holding process with its endpoints grouped by kind', () => {
    assert.deepEqual(m.roots, ['proc:100', 'proc:200', 'proc:300']);
    assert.deepEqual(procChildren(m, 'proc:100'), ['pkind:100:fifos', 'pkind:100:unix', 'ptalk:100', 'psig:100']);
    const n = m.nodes.get('proc:100');
    assert.equal(n?.description, '1 FIFO · 1 Unix socket');
  });
  it('counts in words, singular and plural', () => {
    const g = (key: string) => GROUPS.find((x) => x.key === key)!;
    assert.equal(countOf(g('pipes'), 1), '1 pipe');
    assert.equal(countOf(g('pipes'), 0), '0 pipes');
    assert.equal(countOf(g('fifos'), 3), '3 FIFOs');
    assert.equal(countOf(g('events'), 2), '2 eventfds');
    for (const x of GROUPS) assert.ok(x.noun[0] !== x.noun[1], `${x.key}: one and many differ`);
  });
  it('talks to: other holders of the same object and holders of the peer', () => {
    assert.deepEqual(procChildren(m, 'ptalk:100'), ['ptalkp:100:200', 'ptalkp:100:300']);
    assert.equal(m.nodes.get('ptalkp:100:300')?.description, 'via unix');
  });
  it('signal dispositions', () => {
    assert.deepEqual(procChildren(m, 'psig:100'), ['psigl:100:caught', 'psigl:100:blocked']);
    assert.equal(m.nodes.get('psigl:100:caught')?.description, 'SIGUSR1 SIGRTMIN+2');
    // A multi-threaded process: its mask is said to be the main thread's.
    const threaded = buildProcessTree({ ...snap, processes: snap.processes.map((p) => (p.pid === 100 ? { ...p, signals: { blocked: ['SIGTERM'], threads: 4 } } : p)) });
    assert.deepEqual(procChildren(threaded, 'psig:100'), ['psigl:100:blocked (main thread)']);
  });
});

describe('findings view model', () => {
  it('lists warnings first with an explanation of risk and fix', () => {
    const f = buildFindings(snap);
    assert.deepEqual(f.map((x) => x.id), ['finding:fifo:1:10:world-writable', 'finding:unix:8:21:stale-socket-file']);
    assert.match(f[0]!.explanation, /Risk: .*Fix: /s);
    assert.equal(f[0]!.objectNodeId, 'obj:fifo:1:10');
  });
  it('escapes control characters of machine names in the explanation (one line per part)', () => {
    const name = '/tmp/<img src=x onerror=alert(1)>\nmore\x1b[31m';
    const o: IpcObject = { id: 'fifo:1:99', kind: 'fifo', inode: 99, name, endpoints: [], findings: [{ severity: 'info', code: 'orphan-fifo', message: `FIFO ${name} is held open by no process` }] };
    const [f] = buildFindings({ ...snap, objects: [o] });
    const [first] = f!.explanation.split('\n');
    assert.equal(first, 'FIFO /tmp/<img src=x onerror=alert(1)>\\nmore\\x1b[31m is held open by no process');
    assert.ok(f!.description.endsWith('\\nmore\\x1b[31m'), f!.description);
  });
});
