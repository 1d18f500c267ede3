import { strict as assert } from 'node:assert';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { buildTopology } from '../../src/core/live/topology';
import { parseToTopology } from '../../webview/shared/topologyProtocol';
import { decodeName } from '../../src/core/names';

const proc = (pid: number, comm: string) => ({ pid, ppid: 1, comm, cmdline: [comm, '--x'], uid: 0, netns: 1, ipcns: 2 });
function snap(objects: IpcObject[]): Snapshot {
  return {
    schemaVersion: 1, takenAt: '', durationMs: 0, self: { pid: 1 }, hidden: { processes: 0 }, notes: [],
    processes: [proc(10, 'writer'), proc(11, '<b>evil</b>\nname')], objects,
  };
}
const pipe: IpcObject = {
  id: 'pipe:15:100', kind: 'pipe', inode: 100, name: '', findings: [],
  endpoints: [{ pid: 10, fd: 1, access: 'w' }, { pid: 10, fd: 7, access: 'w' }, { pid: 11, fd: 0, access: 'r' }],
  queue: { used: 16384, capacity: 65536, unit: 'bytes' },
};
const a: IpcObject = {
  id: 'unix:8:1', kind: 'unix', inode: 1, name: '/run/a.sock', findings: [], endpoints: [{ pid: 10, fd: 3, access: 'rw' }],
  unix: { type: 'stream', state: 'connected', address: 'path', peer: 'unix:8:2', pendingConnections: 0, inflightFds: 0 },
};
const b: IpcObject = {
  id: 'unix:8:2', kind: 'unix', inode: 2, name: '', findings: [], endpoints: [{ pid: 11, fd: 4, access: 'rw' }],
  unix: { type: 'stream', state: 'connected', address: 'unnamed', peer: 'unix:8:1', pendingConnections: 0, inflightFds: 0 },
};

describe('live topology graph', () => {
  it('processes and objects are nodes; one link per holder process; each peer pair once', () => {
    const g = buildTopology(snap([pipe, a, b]));
    assert.deepEqual(g.nodes.map((n) => n.id).sort(), ['o:pipe:15:100', 'o:unix:8:1', 'o:unix:8:2', 'p:10', 'p:11']);
    assert.deepEqual(g.links.filter((l) => l.target === 'o:pipe:15:100').map((l) => l.source), ['p:10', 'p:11']);
    assert.deepEqual(g.links.filter((l) => l.kind === 'peer'), [{ source: 'o:unix:8:1', target: 'o:unix:8:2', kind: 'peer', fill: null }]);
    assert.equal(g.nodes.find((n) => n.id === 'o:pipe:15:100')?.fill, 0.25);
    assert.equal(g.truncated, false);
  });

  it('keeps machine text literal (escaped control characters only) and passes its own validator', () => {
    const g = buildTopology(snap([pipe, a, b]));
    assert.equal(g.nodes.find((n) => n.id === 'p:11')?.label, '<b>evil</b>\\nname 11');
    assert.ok(parseToTopology({ type: 'graph', nodes: g.nodes, links: g.links, filter: '', truncated: g.truncated }));
  });

  it('stops adding objects at the node budget and says so; named objects are not crowded out by anonymous pipes', () => {
    const many: IpcObject[] = Array.from({ length: 50 }, (_, i) => ({ ...pipe, id: `pipe:15:${i}`, inode: i }));
    const g = buildTopology(snap([...many, a]), 20);
    assert.equal(g.nodes.length, 20);
    assert.equal(g.truncated, true);
    assert.ok(g.nodes.some((n) => n.id === 'o:unix:8:1'), 'the named socket listed last in the snapshot is kept');
    assert.ok(g.links.every((l) => g.nodes.some((n) => n.id === l.source) && g.nodes.some((n) => n.id === l.target)));
  });
});

describe('live topology graph: hostile sizes never make the page refuse the whole graph', () => {
  const valid = (g: ReturnType<typeof buildTopology>) => parseToTopology({ type: 'graph', nodes: g.nodes, links: g.links, filter: '', truncated: g.truncated });

  it('a 1 100-byte name that is not UTF-8 (4 400 characters escaped) is clipped, start and end kept', () => {
    const raw = Buffer.concat([Buffer.from('/tmp/start-'), Buffer.alloc(1100, 0xff), Buffer.from('-end.fifo')]);
    const fifo: IpcObject = { id: 'fifo:8:9', kind: 'fifo', inode: 9, findings: [], endpoints: [{ pid: 10, fd: 3, access: 'r' }], ...decodeName(raw) } as IpcObject;
    const g = buildTopology(snap([fifo, a]));
    assert.ok(valid(g), 'the page accepts the graph');
    const label = g.nodes.find((n) => n.id === 'o:fifo:8:9')!.label;
    assert.ok(label.length <= 1024, `${label.length}`);
    assert.ok(label.startsWith('/tmp/start-\\xff') && label.endsWith('\\xff-end.fifo') && label.includes('…'), label.slice(0, 40));
  });

  it('objects held by hundreds of processes stop at the link budget (truncated), within what the page accepts', () => {
    const holders = Array.from({ length: 300 }, (_, i) => ({ pid: 1000 + i, fd: 3, access: 'r' as const }));
    const shared: IpcObject[] = Array.from({ length: 250 }, (_, i) => ({ ...pipe, id: `pipe:15:${5000 + i}`, inode: 5000 + i, endpoints: holders }));
    const g = buildTopology(snap(shared));
    assert.equal(g.truncated, true);
    assert.ok(g.links.length <= 50_000, `${g.links.length} links`);
    assert.ok(valid(g), 'the page accepts the graph');
  });
});
