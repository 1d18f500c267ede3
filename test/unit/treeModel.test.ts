import { strict as assert } from 'node:assert';
import type { IpcObject, Snapshot } from '../../src/core/model';
import fc from 'fast-check';
import { buildTree, childrenOf, diffTrees, md, objectLabel, parentOf, objectTooltip, TreeBuildCache } from '../../src/core/view/treeModel';
import { decodeName } from '../../src/core/names';
import { renderTable } from '../../src/core/cliTable';

function snap(objects: IpcObject[]): Snapshot {
  return {
    schemaVersion: 1, takenAt: '2026-11-29T00:00:00Z', durationMs: 3, self: { pid: 1 }, hidden: { processes: 0 }, notes: [],
    processes: [
      { pid: 812, ppid: 1, comm: 'cat', cmdline: ['cat'], uid: 0, netns: 1, ipcns: 2 },
      { pid: 790, ppid: 1, comm: 'make', cmdline: ['make', '-j2'], uid: 0, netns: 1, ipcns: 2 },
    ],
    objects,
  };
}
const pipe = (used: number): IpcObject => ({
  id: 'pipe:15:160571', kind: 'pipe', inode: 160571, name: '',
  endpoints: [{ pid: 812, fd: 0, access: 'r' }, { pid: 790, fd: 5, access: 'w' }],
  queue: { used, capacity: 65536, unit: 'bytes' }, findings: [],
});
const sockA: IpcObject = {
  id: 'unix:8:100', kind: 'unix', inode: 100, name: '/run/x.sock', endpoints: [{ pid: 812, fd: 3, access: 'rw' }], findings: [],
  unix: { type: 'stream', state: 'connected', address: 'path', peer: 'unix:8:101', pendingConnections: 0, inflightFds: 0 },
};
const sockB: IpcObject = {
  id: 'unix:8:101', kind: 'unix', inode: 101, name: '', endpoints: [{ pid: 790, fd: 4, access: 'rw' }], findings: [],
  unix: { type: 'stream', state: 'connected', address: 'unnamed', peer: 'unix:8:100', pendingConnections: 0, inflightFds: 0 },
};

describe('tree model', () => {
  it('groups by mechanism in the seed order with counts, and labels nameless objects', () => {
    const m = buildTree(snap([pipe(12288), sockA, sockB]));
    assert.deepEqual(m.roots, ['group:pipes', 'group:fifos', 'group:unix']);
    const g = m.nodes.get('group:unix');
    assert.equal(g?.type === 'group' && g.description, '2');
    const p = m.nodes.get('obj:pipe:15:160571');
    assert.ok(p?.type === 'object');
    assert.equal(p.label, 'pipe 160571');
    assert.equal(p.description, 'r: cat 812 · w: make 790 · 12 KiB / 64 KiB');
    const unnamed = m.nodes.get('obj:unix:8:101');
    assert.equal(unnamed?.type === 'object' && unnamed.label, 'unnamed socket');
  });

  it('gives endpoints and the peer as children with stable ids and a navigable parent', () => {
    const m = buildTree(snap([sockA, sockB]));
    assert.deepEqual(childrenOf(m, 'obj:unix:8:100'), ['ep:unix:8:100:812:3', 'peer:unix:8:100']);
    const peer = m.nodes.get('peer:unix:8:100');
    assert.ok(peer?.type === 'peer');
    assert.equal(peer.peerObjectId, 'obj:unix:8:101');
    assert.equal(parentOf(m, 'obj:unix:8:101'), 'group:unix');
    assert.equal(parentOf(m, 'ep:unix:8:100:812:3'), 'obj:unix:8:100');
  });

  it('reports only the changed object when its queue fill changes', () => {
    const a = buildTree(snap([pipe(0), sockA, sockB]));
    const b = buildTree(snap([pipe(4096), sockA, sockB]));
    assert.deepEqual(diffTrees(a, b), { rootsChanged: false, changed: ['obj:pipe:15:160571'] });
    assert.deepEqual(diffTrees(b, buildTree(snap([pipe(4096), sockA, sockB]))), { rootsChanged: false, changed: [] });
  });

  it('reports the group when an object appears, and the roots when a group appears', () => {
    const a = buildTree(snap([sockA]));
    const b = buildTree(snap([sockA, sockB]));
    assert.deepEqual(diffTrees(a, b), { rootsChanged: false, changed: ['group:unix'] });
    const c = buildTree(snap([sockA, { ...sockB, id: 'tcp:1', kind: 'tcp', unix: undefined }]));
    assert.equal(diffTrees(b, c).rootsChanged, true);
  });

  it('escapes hostile names in tooltips and in the CLI table', () => {
    const hostile: IpcObject = { ...sockA, id: 'unix:8:200', inode: 200, name: '/tmp/<img src=x onerror=alert(1)>\n\x1b[31m', unix: { ...sockA.unix!, peer: null } };
    const tip = objectTooltip(hostile, new Map());
    assert.ok(!/(^|[^\\])</.test(tip), tip);
    assert.ok(tip.includes('/tmp/&lt;img src=x onerror=alert\\(1\\)&gt;\\\\n\\\\x1b\\[31m'), tip);
    const table = renderTable(snap([hostile]));
    assert.ok(!table.includes('\x1b'), 'ESC reached the terminal');
    assert.ok(table.includes('\\n\\x1b[31m'));
  });

  it('a bare URL in a name is no link in the hover (GFM links https://, ftp:// and www. by itself)', () => {
    // marked's GFM rules as VS Code ships them: where inline text stops for a URL, and the URL itself.
    const autolink = /(?:https?|ftp):\/\/|www\./i;
    const sock: IpcObject = { ...sockA, id: 'unix:8:300', inode: 300, name: '@https://evil.example/login?next=www.x.y', unix: { ...sockA.unix!, address: 'abstract', peer: null } };
    const tip = objectTooltip(sock, new Map());
    assert.doesNotMatch(tip, autolink, tip);
    assert.ok(tip.includes('@https\\://evil\\.example/login?next=www\\.x\\.y'), tip);
    fc.assert(fc.property(fc.array(fc.constantFrom('http', 's', 'ftp', ':', '/', '//', 'www', '.', 'W', '\\', 'x'), { maxLength: 20 }), (parts) => {
      assert.doesNotMatch(md(parts.join('')), autolink);
    }), { numRuns: 3000 });
  });

  it('the CLI table says why processes were not inspectable, and suggests root only to others', () => {
    const s = { ...snap([sockA]), hidden: { processes: 2 } };
    const asRoot = renderTable(s, 0);
    assert.match(asRoot, /\nnote: 2 processes are not inspectable: the kernel refuses their fd links even to root/);
    assert.ok(!/run as/.test(asRoot), asRoot);
    assert.match(renderTable(s, 1000), /\nnote: 2 processes are not inspectable \(another user's, or the kernel refuses their fd links\): run as that user, or as root, to see them\n/);
    assert.match(renderTable({ ...s, hidden: { processes: 1 } }, 1000), /note: 1 process is not inspectable/);
    assert.ok(!/inspectable/.test(renderTable(snap([sockA]), 1000)), 'nothing hidden: no note');
  });

  it('the CLI table keeps a row readable: many holders summed up by command, a 4 KB name cut in the middle', () => {
    const workers = Array.from({ length: 120 }, (_, i) => ({ pid: 2000 + i, ppid: 1, comm: i < 100 ? 'python3' : 'sh', cmdline: [], uid: 0, netns: 1, ipcns: 2 }));
    const wide: IpcObject = {
      id: 'pipe:15:9', kind: 'pipe', inode: 9, name: '', findings: [],
      endpoints: [{ pid: 812, fd: 0, access: 'r' }, ...workers.map((w) => ({ pid: w.pid, fd: 251, access: 'w' as const }))],
    };
    const long = `/tmp/${'d'.repeat(4000)}/app.sock`;
    const named: IpcObject = { ...sockA, id: 'unix:8:7', inode: 7, name: long };
    const s = snap([wide, named]);
    const table = renderTable({ ...s, processes: [...s.processes, ...workers] }, 0);
    const row = table.split('\n').find((l) => l.startsWith('pipe '))!;
    const shown = row.match(/\[\d+\]/g)!.length;
    assert.ok(shown >= 1 && shown < 10, row);
    const more = /\+(\d+) more: python3 x(\d+), sh x20$/.exec(row);
    assert.ok(more, row);
    assert.equal(shown + Number(more[1]), 121, 'every holder is shown or counted');
    assert.equal(Number(more[2]) + 20, Number(more[1]), 'the rest is summed up by command');
    const sock = table.split('\n').find((l) => l.startsWith('unix '))!;
    assert.ok(sock.length < 200, sock);
    assert.match(sock, /\/tmp\/d+\.\.\.d+\/app\.sock/, 'the start and the end of the path are kept');
    assert.match(table, /\nnote: long names and holder lists of 2 objects are shortened to fit; ls --json has them whole\n/);
    assert.ok(!/shortened/.test(renderTable(snap([pipe(0), sockA, sockB]), 0)), 'nothing cut: no note');
    // The hover lists the first holders and counts the rest by command, so it stays on screen.
    const tip = objectTooltip(wide, new Map([...s.processes, ...workers].map((p) => [p.pid, p])));
    assert.equal(tip.match(/^- holder: /gm)!.length, 12, tip);
    assert.match(tip, /\n- and 109 more holders: python3 ×89, sh ×20 \(expand the row for all\)$/m, tip);
    const small = objectTooltip(pipe(0), new Map());
    assert.equal(small.match(/^- holder: /gm)!.length, 2, small);
    assert.ok(!/more holder/.test(small), 'two holders: all listed, nothing counted');
    // A name of emoji (two UTF-16 units each) is cut between characters, never inside one.
    const emoji = renderTable(snap([{ ...sockA, id: 'unix:8:8', inode: 8, name: `/tmp/${'\u{1F600}'.repeat(100)}` }]), 0);
    const cell = emoji.split('\n').find((l) => l.startsWith('unix '))!;
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(cell), 'a lone surrogate in the cut name');
    assert.match(cell, /\/tmp\/\u{1F600}+\.\.\.\u{1F600}+ /u);
  });

  describe('TreeBuildCache: nodes of unchanged objects are reused', () => {
    it('the same instances give the same nodes, and the diff is empty without comparing them', () => {
      const cache = new TreeBuildCache();
      const s1 = snap([pipe(0), sockA, sockB]);
      const t1 = buildTree(s1, cache);
      // A new snapshot object with the same object and process instances (what the delta wire gives).
      const t2 = buildTree({ ...s1, takenAt: 'later' }, cache);
      for (const id of ['obj:pipe:15:160571', 'obj:unix:8:100', 'ep:pipe:15:160571:812:0', 'peer:unix:8:100']) {
        assert.equal(t2.nodes.get(id), t1.nodes.get(id), id);
      }
      assert.deepEqual(diffTrees(t1, t2), { rootsChanged: false, changed: [] });
      assert.deepEqual([...t2.nodes.keys()].sort(), [...t1.nodes.keys()].sort());
    });

    it('a changed object, a holder process that changed, or a changed peer rebuilds exactly those nodes', () => {
      const cache = new TreeBuildCache();
      const s1 = snap([pipe(0), sockA, sockB]);
      const t1 = buildTree(s1, cache);
      // The pipe fills (new instance): only it changes.
      const t2 = buildTree({ ...s1, objects: [pipe(4096), sockA, sockB] }, cache);
      assert.deepEqual(diffTrees(t1, t2).changed, ['obj:pipe:15:160571']);
      assert.match((t2.nodes.get('obj:pipe:15:160571') as { description: string }).description, /4 KiB/);
      // make (790) becomes make2 (a new process instance): the pipe it writes, sockB it holds, and the peer row
      // under sockA that names sockB's holder (sockA's own row is unchanged).
      const procs = [s1.processes[0]!, { ...s1.processes[1]!, comm: 'make2' }];
      const t3 = buildTree({ ...s1, processes: procs, objects: [pipe(4096), sockA, sockB] }, cache);
      assert.deepEqual(diffTrees(t2, t3).changed.sort(), ['obj:pipe:15:160571', 'obj:unix:8:101', 'peer:unix:8:100']);
      assert.match((t3.nodes.get('obj:pipe:15:160571') as { tooltip: string }).tooltip, /make2/);
      assert.match((t3.nodes.get('peer:unix:8:100') as { description: string }).description, /make2 790/);
      // Built again from the same inputs: everything reused.
      const t4 = buildTree({ ...s1, processes: procs, objects: [pipe(4096), sockA, sockB] }, cache);
      assert.deepEqual(diffTrees(t3, t4), { rootsChanged: false, changed: [] });
    });
  });
});

describe('object labels of names that are not UTF-8', () => {
  const named = (kind: IpcObject['kind'], raw: Buffer, prefix: string): IpcObject =>
    ({ id: `${kind}:1`, kind, inode: 1, endpoints: [], findings: [], ...decodeName(raw, prefix) }) as IpcObject;
  it('a POSIX shm segment, semaphore or queue keeps its leading "/", the bad bytes escaped', () => {
    const raw = Buffer.concat([Buffer.from('seg'), Buffer.from([0xff]), Buffer.from('x')]);
    for (const kind of ['posix-shm', 'posix-sem', 'posix-mq'] as const) {
      const o = named(kind, raw, '/');
      assert.ok(o['nameBase64'] !== undefined, 'kept as raw bytes');
      assert.equal(objectLabel(o), '/seg\\xffx', kind);
    }
    // A valid name is unchanged; a FIFO's raw name is the whole path.
    assert.equal(objectLabel(named('posix-shm', Buffer.from('seg'), '/')), '/seg');
    assert.equal(objectLabel(named('fifo', Buffer.concat([Buffer.from('/tmp/f'), Buffer.from([0xfe])]), '')), '/tmp/f\\xfe');
  });
});
