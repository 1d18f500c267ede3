// Topology page: processes and IPC objects as a force graph (canvas), a search box, a legend, a details
// line for the hovered node and a keyboard-reachable list of matches. Click a node to reveal it in the tree.

import { select } from 'd3';
import { getState, onMessage, post, ready, setState } from '../lib/host';
import { NODE_KINDS, parseToTopology, parseTopologyPageState, revealRequest, type FromTopology, type ToTopology, type TopoNode } from '../shared/topologyProtocol';
import { KIND_VAR, TopologyGraph, type GNode } from './graph';

const send = (m: FromTopology) => post(m);
const app = select<HTMLElement, unknown>('#app').attr('class', 'topology').attr('aria-live', 'off');
let search = getState(parseTopologyPageState)?.search ?? '';
let nodes: TopoNode[] = [];

const bar = app.append('div').attr('class', 'toolbar');
const input = bar.append('input').attr('type', 'search').attr('id', 'search').attr('placeholder', 'Search name, pid, kind')
  .attr('aria-label', 'Search the graph').property('value', search);
bar.append('button').attr('class', 'secondary').attr('id', 'fit').text('Fit').on('click', () => graph.fit(true));
const counts = bar.append('span').attr('class', 'muted').attr('id', 'counts');
const legend = app.append('div').attr('class', 'legend').attr('aria-label', 'Colours by kind');
const groups: [string, string][] = [['process', 'process (square)'], ['pipe', 'pipe / FIFO'], ['unix', 'Unix socket'], ['tcp', 'TCP / UDP'],
  ['posix-shm', 'shared memory'], ['posix-mq', 'message queue'], ['eventfd', 'semaphore / eventfd / signalfd']];
const item = legend.selectAll('span.legend-item').data(groups).join('span').attr('class', 'legend-item');
item.append('span').attr('class', (d) => `swatch swatch-${KIND_VAR[d[0] as (typeof NODE_KINDS)[number]].slice('--vscode-charts-'.length)}`);
item.append('span').text((d) => d[1]);
const detail = app.append('p').attr('class', 'muted detail').attr('id', 'detail').attr('aria-live', 'polite');
const canvas = app.append('canvas').attr('id', 'graph').attr('role', 'img').attr('aria-label', 'IPC topology graph').node()!;
const matchList = app.append('ul').attr('class', 'match-list').attr('aria-label', 'Search matches');

const graph = new TopologyGraph(
  canvas,
  (n: GNode | null) => detail.text(n ? `${n.label} — ${n.detail}${n.fill !== null ? ` — ${Math.round(n.fill * 100)} % full` : ''}${revealRequest(n.id) ? ' (click to reveal in the tree)' : ''}` : ''),
  (n: GNode) => reveal(n.id),
);
function reveal(nodeId: string): void {
  const m = revealRequest(nodeId);
  if (m) send(m);
}
new ResizeObserver(() => graph.resize()).observe(canvas);

function applySearch(): void {
  const q = search.trim().toLowerCase();
  setState({ search });
  if (!q) {
    graph.setSearch(null);
    matchList.selectAll('li').remove();
    return;
  }
  const hits = nodes.filter((n) => n.label.toLowerCase().includes(q) || n.kind.includes(q) || n.detail.toLowerCase().includes(q));
  graph.setSearch(new Set(hits.map((n) => n.id)));
  matchList.selectAll('li').data(hits.slice(0, 50), (d) => (d as TopoNode).id).join((enter) => {
    const li = enter.append('li');
    li.append('button').attr('class', 'link-button');
    return li;
  }).select('button').text((d) => `${d.kind}: ${d.label}`).on('click', (_e, d) => {
    graph.focusNode(d.id);
    reveal(d.id);
  });
}
input.on('input', () => {
  search = String(input.property('value')).slice(0, 200);
  applySearch();
});
// Enter centres the best match (an exact label first) without revealing it: a click on it then does.
input.on('keydown', (e: KeyboardEvent) => {
  const q = search.trim().toLowerCase();
  if (e.key !== 'Enter' || !q) return;
  const exact = nodes.find((n) => n.label.toLowerCase() === q);
  const hit = exact ?? nodes.find((n) => n.label.toLowerCase().includes(q) || n.kind.includes(q) || n.detail.toLowerCase().includes(q));
  if (hit) graph.focusNode(hit.id);
});

function handle(m: ToTopology): void {
  nodes = m.nodes;
  graph.setData(m.nodes, m.links);
  const procs = m.nodes.filter((n) => n.kind === 'process').length;
  counts.text(`${procs} processes, ${m.nodes.length - procs} objects, ${m.links.length} links${m.truncated ? ' (truncated)' : ''}${m.filter ? ` · ${m.filter}` : ''}`);
  applySearch();
}

onMessage(parseToTopology, handle);
ready();
