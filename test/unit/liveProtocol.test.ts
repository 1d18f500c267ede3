import { strict as assert } from 'node:assert';
import { parseFromOccupancy, parseOccupancyState, parseToOccupancy, type SeriesStats } from '../../webview/shared/occupancyProtocol';
import { parseFromRing, parseRingPageState, parseToRing } from '../../webview/shared/ringProtocol';
import { parseFromHex, parseHexPageState, parseToHex } from '../../webview/shared/hexProtocol';
import { parseFromTopology, parseToTopology, revealRequest } from '../../webview/shared/topologyProtocol';
import { PRESETS } from '../../src/core/live/ringLayout';

const HOSTILE = '<img src=x onerror=alert(1)>\n\u202e\u001b[31m';
const stats: SeriesStats = { current: 1, capacity: 10, min: 0, max: 2, mean: 1, highWater: 5, alarm: false, error: null };
const config = { rateHz: 5, windowSeconds: 60, paused: false, alarm: null };

describe('live protocol: occupancy', () => {
  it('accepts well-formed messages both ways, with hostile names as plain data', () => {
    const init = { type: 'init', config, series: [{ info: { id: 'pipe:1:2', label: HOSTILE, kind: 'pipe', unit: 'bytes' }, points: [[1, 2, 3], [2, null, null]], stats }] };
    assert.deepEqual(parseToOccupancy(init), init);
    const tick = { type: 'tick', t: 5, values: [{ id: 'pipe:1:2', used: null, capacity: null, stats: { ...stats, error: HOSTILE } }] };
    assert.deepEqual(parseToOccupancy(tick), tick);
    assert.deepEqual(parseFromOccupancy({ type: 'setRate', hz: 20 }), { type: 'setRate', hz: 20 });
    assert.deepEqual(parseFromOccupancy({ type: 'setAlarm', alarm: { kind: 'percent', value: 90 } }), { type: 'setAlarm', alarm: { kind: 'percent', value: 90 } });
    assert.deepEqual(parseFromOccupancy({ type: 'setAlarm', alarm: null }), { type: 'setAlarm', alarm: null });
    assert.deepEqual(parseFromOccupancy({ type: 'exportCsv' }), { type: 'exportCsv' });
    assert.deepEqual(parseOccupancyState({ ids: ['pipe:1:2'], config }), { ids: ['pipe:1:2'], config });
  });

  it('rejects out-of-range values, extra fields, wrong types and unknown types', () => {
    for (const bad of [
      { type: 'setRate', hz: 0 }, { type: 'setRate', hz: 21 }, { type: 'setRate', hz: 5.5 }, { type: 'setRate', hz: '5' },
      { type: 'setWindow', seconds: 29 }, { type: 'setWindow', seconds: 601 },
      { type: 'setAlarm', alarm: { kind: 'percent', value: 0 } }, { type: 'setAlarm', alarm: { kind: 'percent', value: 101 } },
      { type: 'setAlarm', alarm: { kind: 'absolute', value: -1 } }, { type: 'setAlarm', alarm: { kind: 'ratio', value: 1 } },
      { type: 'setAlarm' }, { type: 'setPaused', paused: 1 }, { type: 'remove', id: '' }, { type: 'remove', id: 'x'.repeat(513) },
      { type: 'exportCsv', path: '/etc/passwd' }, { type: 'setRate', hz: 5, extra: true }, { type: 'runCommand', command: 'rm' },
      null, 'exportCsv', [], JSON.parse('{"type":"setPaused","paused":true,"__proto__":{"x":1}}'),
    ]) {
      assert.equal(parseFromOccupancy(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(parseToOccupancy({ type: 'tick', t: 1, values: [{ id: 'a', used: -1, capacity: null, stats }] }), undefined);
    assert.equal(parseToOccupancy({ type: 'tick', t: 1, values: [{ id: 'a', used: 1, capacity: null, stats: { ...stats, extra: 1 } }] }), undefined);
    assert.equal(parseToOccupancy({ type: 'tick', t: 1, values: [{ id: 'a', used: Infinity, capacity: null, stats }] }), undefined);
    assert.equal(parseToOccupancy({ type: 'config', config: { ...config, rateHz: 50 } }), undefined);
    assert.equal(parseToOccupancy({ type: 'init', config, series: Array(17).fill({ info: { id: 'a', label: 'a', kind: 'pipe', unit: 'bytes' }, points: [], stats }) }), undefined);
    assert.equal(parseOccupancyState({ ids: [1], config }), undefined);
  });
});

describe('live protocol: ring', () => {
  const info = { title: HOSTILE, kind: 'posix-shm', mode: 'ring', layout: { preset: 'seed' }, layoutEditable: true, demo: null };
  const state = { t: 1, used: 100, capacity: 4095, unit: 'bytes', ring: { capacity: 4096, readIndex: 1, writeIndex: 101, rawRead: '1', rawWrite: '101', stable: true }, error: null };

  it('accepts well-formed messages', () => {
    assert.deepEqual(parseToRing({ type: 'init', info, target: { objectId: 'posix-shm:1:2' } }), { type: 'init', info, target: { objectId: 'posix-shm:1:2' } });
    assert.deepEqual(parseToRing({ type: 'state', state }), { type: 'state', state });
    const demo = { running: true, rates: { producer: 3000, consumer: 2500, burstiness: 0.5 }, pids: [10, 11], name: '/ipc-inspector-demo-1-ab' };
    assert.deepEqual(parseToRing({ type: 'demo', demo }), { type: 'demo', demo });
    assert.deepEqual(parseFromRing({ type: 'setLayout', choice: { preset: 'custom', layout: PRESETS['spsc-u32'] } }), { type: 'setLayout', choice: { preset: 'custom', layout: PRESETS['spsc-u32'] } });
    assert.deepEqual(parseFromRing({ type: 'demoRates', rates: { producer: 0, consumer: 1e6, burstiness: 1 } }), { type: 'demoRates', rates: { producer: 0, consumer: 1e6, burstiness: 1 } });
    assert.deepEqual(parseRingPageState({ target: { segment: '/ring-1' }, paused: true }), { target: { segment: '/ring-1' }, paused: true });
  });

  it('rejects positions outside the ring, bad rates, bad layouts, path-like segment names', () => {
    assert.equal(parseToRing({ type: 'state', state: { ...state, ring: { ...state.ring, readIndex: 4096 } } }), undefined);
    assert.equal(parseToRing({ type: 'state', state: { ...state, ring: { ...state.ring, rawRead: '1e3' } } }), undefined);
    assert.equal(parseToRing({ type: 'state', state: { ...state, unit: 'furlongs' } }), undefined);
    assert.equal(parseToRing({ type: 'init', info, target: { segment: '/../../etc/passwd' } }), undefined);
    assert.equal(parseToRing({ type: 'init', info: { ...info, mode: 'hex' }, target: { objectId: 'a' } }), undefined);
    for (const bad of [
      { type: 'demoRates', rates: { producer: -1, consumer: 1, burstiness: 0 } },
      { type: 'demoRates', rates: { producer: 1, consumer: 1e7, burstiness: 0 } },
      { type: 'demoRates', rates: { producer: 1, consumer: 1, burstiness: 1.5 } },
      { type: 'demoRates', rates: { producer: 1, consumer: 1, burstiness: 0, extra: 0 } },
      { type: 'setLayout', choice: { preset: 'custom', layout: { ...PRESETS.seed, readOffset: 99999 } } },
      { type: 'setLayout', choice: { preset: 'nope' } },
      { type: 'demoStop', now: true },
      { type: 'setPaused', paused: 'yes' },
    ]) {
      assert.equal(parseFromRing(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(parseRingPageState({ target: { segment: 'no-slash' }, paused: false }), undefined);
    assert.equal(parseRingPageState({ target: { objectId: 'a', segment: '/b' }, paused: false }), undefined);
  });
});

describe('live protocol: hex and topology', () => {
  it('hex: base64 only, bounded to 64 KiB; refresh takes no arguments', () => {
    const ok = { type: 'bytes', objectId: 'posix-shm:1:2', title: HOSTILE, file: '/dev/shm/x', size: 3, base64: 'AAEC', readAt: 1 };
    assert.deepEqual(parseToHex(ok), ok);
    assert.equal(parseToHex({ ...ok, base64: '<b>' }), undefined);
    assert.ok(parseToHex({ ...ok, base64: 'A'.repeat(87_388) }) === undefined, 'over 64 KiB');
    assert.ok(parseToHex({ ...ok, base64: 'A'.repeat(87_384) }) !== undefined, 'exactly 64 KiB');
    assert.equal(parseToHex({ ...ok, size: -1 }), undefined);
    assert.deepEqual(parseFromHex({ type: 'refresh' }), { type: 'refresh' });
    assert.equal(parseFromHex({ type: 'refresh', offset: 0 }), undefined);
    assert.equal(parseHexPageState({ objectId: '' }), undefined);
  });

  it('topology: links must join known nodes; ids are unique; reveal carries only an object id', () => {
    const nodes = [
      { id: 'p:1', kind: 'process', label: HOSTILE, detail: '', fill: null },
      { id: 'o:pipe:1:2', kind: 'pipe', label: 'pipe 2', detail: 'pipe', fill: 0.5 },
    ];
    const links = [{ source: 'p:1', target: 'o:pipe:1:2', kind: 'endpoint', fill: 0.5 }];
    const g = { type: 'graph', nodes, links, filter: '', truncated: false };
    assert.deepEqual(parseToTopology(g), g);
    assert.equal(parseToTopology({ ...g, links: [{ ...links[0], target: 'o:missing' }] }), undefined);
    assert.equal(parseToTopology({ ...g, nodes: [nodes[0], nodes[0]] }), undefined);
    assert.equal(parseToTopology({ ...g, nodes: [{ ...nodes[1], fill: 1.5 }] , links: [] }), undefined);
    assert.equal(parseToTopology({ ...g, nodes: [{ ...nodes[1], kind: 'script' }], links: [] }), undefined);
    assert.deepEqual(parseFromTopology({ type: 'reveal', objectId: 'pipe:1:2' }), { type: 'reveal', objectId: 'pipe:1:2' });
    assert.equal(parseFromTopology({ type: 'reveal', objectId: 'pipe:1:2', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(parseFromTopology({ type: 'executeCommand', command: 'x' }), undefined);
  });

  it('topology: a process reveal carries only a pid within pid_max', () => {
    assert.deepEqual(parseFromTopology({ type: 'revealProcess', pid: 4242 }), { type: 'revealProcess', pid: 4242 });
    for (const pid of [0, -1, 1.5, 2 ** 22 + 1, NaN, Infinity, '4242', null, [4242], { valueOf: () => 1 }]) {
      assert.equal(parseFromTopology({ type: 'revealProcess', pid }), undefined, `pid ${String(pid)}`);
    }
    assert.equal(parseFromTopology({ type: 'revealProcess' }), undefined);
    assert.equal(parseFromTopology({ type: 'revealProcess', pid: 1, objectId: 'x' }), undefined, 'no extra keys');
    assert.equal(parseFromTopology({ type: 'reveal', pid: 1 }), undefined, 'an object reveal needs an object id');
    assert.equal(parseFromTopology({ type: 'reveal', objectId: '' }), undefined);
    assert.equal(parseFromTopology(JSON.parse('{"type":"revealProcess","pid":1,"__proto__":{"x":1}}')), undefined);
  });

  it('topology: a clicked node becomes the matching reveal request, anything else none', () => {
    assert.deepEqual(revealRequest('o:pipe:1:2'), { type: 'reveal', objectId: 'pipe:1:2' });
    assert.deepEqual(revealRequest('p:4242'), { type: 'revealProcess', pid: 4242 });
    for (const id of ['p:0', 'p:', 'p:12a', 'p:99999999', 'o:', 'x:1', '']) assert.equal(revealRequest(id), undefined, id);
    // Each request passes the host's validator unchanged.
    for (const id of ['o:pipe:1:2', 'p:4242']) assert.deepEqual(parseFromTopology(revealRequest(id)), revealRequest(id));
  });
});
