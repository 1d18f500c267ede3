import { strict as assert } from 'node:assert';
import type { IpcObject, Snapshot } from '../../src/core/model';
import { buildTopology } from '../../src/core/live/topology';
import { parseToTopology } from '../../webview/shared/topologyProtocol';

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
