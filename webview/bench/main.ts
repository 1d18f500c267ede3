// Benchmark results panel (browser): latency percentiles and CDF on log scales, throughput bars, the seed's
// claims beside the measurements, an earlier run for comparison, and a data table. d3 only; text via .text().

import { axisBottom, axisLeft, line, max, min, scaleBand, scaleLinear, scaleLog, select, transition, type Selection } from 'd3';
import { getState, onMessage, post, ready, setState } from '../lib/host';
import {
  validateBenchState, validateBenchToWebview, type BenchPanelState, type ResultView, type RunListEntry, type RunView,
} from '../shared/benchProtocol';
import { watchChartColours } from '../lib/chartColours';
import { formatDurationNs, formatRateMBps } from '../shared/axisFormat';

// Chart colours readable on this theme's background (the stylesheet draws with them), kept up on theme changes.
watchChartColours();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Div = Selection<any, unknown, any, any>;

const app = select<HTMLElement, unknown>('#app');
let state: BenchPanelState = getState(validateBenchState) ?? { runId: null, compareId: null };

const header = app.append('header');
header.append('h1').text('IPC benchmarks');
const machineLine = header.append('p').attr('class', 'muted').attr('id', 'machine');
const toolbar = header.append('div').attr('class', 'toolbar');
const runSel = labelled(toolbar, 'Run', 'select').attr('id', 'run-select');
const cmpSel = labelled(toolbar, 'Compare with', 'select').attr('id', 'compare-select');
for (const f of ['json', 'csv', 'markdown'] as const) {
  toolbar.append('button').attr('class', 'secondary').attr('data-format', f).text(`Export ${f === 'markdown' ? 'Markdown' : f.toUpperCase()}`)
    .on('click', () => post({ type: 'export', format: f }));
}
const progressLine = header.append('p').attr('id', 'progress').attr('role', 'status');
app.append('p').attr('class', 'muted').text(
  'Latency is the round trip of a 1-byte ping-pong between two processes. "split" pins them to two CPUs, "same" to one: '
  + 'on a virtual machine a wake-up across CPUs can cost tens of microseconds and hide the mechanism itself, so blocking '
  + 'mechanisms are shown both ways. Dashed boxes and lines are the figures the seed document claims.');
const empty = app.append('p').attr('id', 'empty').text('No benchmark run yet: run "IPC Inspector: Run Benchmark…".');
const latSec = section('Latency (round trip, log scale)', 'latency-chart');
const cdfSec = section('Latency distribution (CDF, log scale)', 'cdf-chart');
const thrSec = section('Throughput (1 MB/s = 10^6 bytes per second)', 'throughput-chart');
const tableSec = section('All figures', 'table');
const notesSec = section('Skipped and failed', 'notes');

function labelled(parent: Div, text: string, tag: 'select'): Selection<HTMLSelectElement, unknown, any, any> {
  const l = parent.append('label').text(`${text} `);
  return l.append<HTMLSelectElement>(tag);
}

function section(title: string, id: string): Div {
  const s = app.append('section').attr('id', id);
  s.append('h2').text(title);
  return s.append('div');
}

runSel.on('change', function () {
  state = { ...state, runId: this.value };
  setState(state);
  post({ type: 'select', runId: this.value });
});
cmpSel.on('change', function () {
  state = { ...state, compareId: this.value || null };
  setState(state);
  post({ type: 'compare', runId: this.value || null });
});

const fmtUs = (ns: number) => { const v = ns / 1000; return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); };
const rowLabel = (r: ResultView) => `${r.mechanism} · ${r.pin}${r.msgBytes > 1 ? ` · ${r.msgBytes} B` : ''}`;
const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function fillSelect(sel: Selection<HTMLSelectElement, unknown, any, any>, history: RunListEntry[], value: string | null, none?: string) {
  const opts = (none ? [{ id: '', startedAt: none, preset: '', count: -1 }] : []).concat(history);
  sel.selectAll('option').data(opts).join('option')
    .attr('value', (d) => d.id)
    .text((d) => (d.count < 0 ? d.startedAt : `${d.startedAt.replace('T', ' ').slice(0, 19)} · ${d.preset} · ${d.count} results`));
  sel.property('value', value ?? '');
}

function width(): number {
  return Math.max(480, Math.min(1100, (document.body.clientWidth || 800) - 40));
}

function latencyChart(host: Div, run: RunView, cmp: RunView | null): void {
  host.selectAll('*').remove();
  const rows = run.results.filter((r) => r.kind === 'latency' && r.latency);
  if (!rows.length) { host.append('p').attr('class', 'muted').text('No latency results in this run.'); return; }
  const cmpBy = new Map((cmp?.results ?? []).filter((r) => r.latency).map((r) => [r.key, r]));
  const W = width(), rowH = 26, M = { top: 10, right: 150, bottom: 36, left: 210 };
  const H = M.top + M.bottom + rows.length * rowH;
  const claims = rows.flatMap((r) => (r.claim ? claimRange(r) : []));
  const lo = min([...rows.map((r) => r.latency!.min), ...claims])!;
  const hi = max([...rows.map((r) => r.latency!.p999), ...claims])!;
  const x = scaleLog().domain([Math.max(1, lo * 0.8), hi * 1.25]).range([M.left, W - M.right]).nice();
  const y = scaleBand<string>().domain(rows.map((r) => r.key)).range([M.top, H - M.bottom]).padding(0.25);
  const svg = host.append('svg').attr('width', W).attr('height', H).attr('role', 'img')
    .attr('aria-label', `Latency percentiles of ${rows.length} benchmark cases; the table below has every figure`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`)
    .call(axisBottom(x).ticks(8, formatDurationNs));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).tickFormat((k) => rowLabel(rows.find((r) => r.key === k)!)));
  const g = svg.append('g').selectAll('g').data(rows).join('g').attr('transform', (d) => `translate(0,${y(d.key)!})`);
  const bh = y.bandwidth();
  g.each(function (d) {
    const c = select(this);
    const l = d.latency!;
    if (d.claim) {
      const [a, b] = claimRange(d);
      c.append('rect').attr('class', 'bar-claim').attr('x', x(a)).attr('y', -2).attr('width', Math.max(2, x(b) - x(a))).attr('height', bh + 4)
        .append('title').text(`seed claim: ${d.claim.text}`);
    }
    c.append('line').attr('class', 'series-0').attr('x1', x(l.min)).attr('x2', x(l.p999)).attr('y1', bh / 2).attr('y2', bh / 2);
    const bar = c.append('rect').attr('class', 'series-0').attr('opacity', 0.55).attr('y', 0).attr('height', bh).attr('x', x(l.p50));
    if (reduceMotion) bar.attr('width', Math.max(1, x(l.p99) - x(l.p50)));
    // `transition` is imported and used by name: d3 declares itself free of side effects, so a bare
    // selection.transition() loses d3-transition's prototype patch to tree-shaking ("not a function").
    else bar.attr('width', 0).transition(transition().duration(400)).attr('width', Math.max(1, x(l.p99) - x(l.p50)));
    c.append('circle').attr('class', 'series-1').attr('cx', x(l.p50)).attr('cy', bh / 2).attr('r', 4)
      .append('title').text(`p50 ${fmtUs(l.p50)} µs, p99 ${fmtUs(l.p99)} µs, p99.9 ${fmtUs(l.p999)} µs`);
    const prev = cmpBy.get(d.key)?.latency;
    if (prev) {
      c.append('path').attr('class', 'series-4').attr('fill', 'none')
        .attr('d', `M${x(prev.p50)},${bh / 2 - 6}l5,6l-5,6l-5,-6z`).append('title').text(`earlier run: p50 ${fmtUs(prev.p50)} µs`);
    }
    const claimText = d.claim ? ` · ${d.claim.ratio >= 10 ? d.claim.ratio.toFixed(0) : d.claim.ratio.toFixed(1)}× claim` : '';
    c.append('text').attr('x', W - M.right + 6).attr('y', bh / 2).attr('dy', '0.35em')
      .text(`p50 ${fmtUs(l.p50)} µs${claimText}`);
  });
  const legend = host.append('p').attr('class', 'muted');
  legend.text('Line: min to p99.9 · bar: p50 to p99 · dot: p50 · dashed box: the seed\'s claim · diamond: p50 of the compared run.');
}

function claimRange(r: ResultView): [number, number] {
  // The claim text is "a-b µs" or "a µs": convert to ns.
  const m = /([\d.]+)(?:-([\d.]+))?\s*µs/.exec(r.claim?.text ?? '');
  if (!m) return [1, 1];
  const a = Number(m[1]) * 1000;
  const b = m[2] ? Number(m[2]) * 1000 : a;
  return [a * 0.97, b * 1.03];
}

function cdfChart(host: Div, run: RunView): void {
  host.selectAll('*').remove();
  const rows = run.results.filter((r) => r.kind === 'latency' && r.latency && r.latency.cdf.length > 1);
  if (!rows.length) return;
  // (The right margin leaves room for the last tick's label, centred on the axis's end.)
  const W = width(), H = 300, M = { top: 10, right: 40, bottom: 36, left: 50 };
  const all = rows.flatMap((r) => r.latency!.cdf.map((p) => p[1]));
  const x = scaleLog().domain([Math.max(1, min(all)! * 0.9), max(all)! * 1.1]).range([M.left, W - M.right]).nice();
  const y = scaleLinear().domain([0, 100]).range([H - M.bottom, M.top]);
  const svg = host.append('svg').attr('width', W).attr('height', H).attr('role', 'img').attr('aria-label', 'Cumulative latency distribution per case');
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).ticks(8, formatDurationNs));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(5).tickFormat((d) => `${d}%`));
  const path = line<[number, number]>().x((p) => x(p[1])).y((p) => y(p[0]));
  // Colour and dash both tell the cases apart (the dash for colour-blind readers and for print); the legend draws
  // each case's own stroke, so it never depends on the theme's colours being told apart.
  const style = (i: number): string => `line series-${i % 6} dash-${(i + Math.floor(i / 6)) % 3}`;
  svg.append('g').selectAll('path').data(rows).join('path')
    .attr('class', (_, i) => style(i)).attr('d', (d) => path(d.latency!.cdf))
    .append('title').text((d) => rowLabel(d));
  const legend = host.append('div').attr('class', 'toolbar cdf-legend').attr('aria-label', 'Cases of the CDF chart');
  const item = legend.selectAll('span.legend-item').data(rows).join('span').attr('class', 'legend-item');
  item.append('svg').attr('width', 28).attr('height', 10).attr('aria-hidden', 'true')
    .append('line').attr('x1', 1).attr('x2', 27).attr('y1', 5).attr('y2', 5).attr('class', (_, i) => style(i));
  item.append('span').text((d) => rowLabel(d));
}

function throughputChart(host: Div, run: RunView, cmp: RunView | null): void {
  host.selectAll('*').remove();
  const rows = run.results.filter((r) => r.kind === 'throughput' && r.mbPerS !== undefined);
  if (!rows.length) { host.append('p').attr('class', 'muted').text('No throughput results in this run.'); return; }
  const cmpBy = new Map((cmp?.results ?? []).filter((r) => r.mbPerS !== undefined).map((r) => [r.key, r]));
  const claimMb = (r: ResultView) => (r.claim && r.mbPerS ? r.mbPerS / r.claim.ratio : undefined);
  const W = width(), rowH = 26, M = { top: 10, right: 170, bottom: 36, left: 210 };
  const H = M.top + M.bottom + rows.length * rowH;
  const hi = max([...rows.map((r) => r.mbPerS!), ...rows.map((r) => claimMb(r) ?? 0), ...[...cmpBy.values()].map((r) => r.mbPerS!)])!;
  const x = scaleLinear().domain([0, hi * 1.05]).range([M.left, W - M.right]).nice();
  const y = scaleBand<string>().domain(rows.map((r) => r.key)).range([M.top, H - M.bottom]).padding(0.25);
  const svg = host.append('svg').attr('width', W).attr('height', H).attr('role', 'img').attr('aria-label', `Throughput of ${rows.length} cases`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).ticks(6).tickFormat((d) => formatRateMBps(Number(d))));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).tickFormat((k) => rowLabel(rows.find((r) => r.key === k)!)));
  const g = svg.append('g').selectAll('g').data(rows).join('g').attr('transform', (d) => `translate(0,${y(d.key)!})`);
  const bh = y.bandwidth();
  g.append('rect').attr('class', 'series-2').attr('opacity', 0.7).attr('x', x(0)).attr('y', 0).attr('height', bh)
    .attr('width', (d) => Math.max(1, x(d.mbPerS!) - x(0)));
  g.each(function (d) {
    const c = select(this);
    const cm = claimMb(d);
    if (cm) c.append('line').attr('class', 'bar-claim').attr('x1', x(cm)).attr('x2', x(cm)).attr('y1', -3).attr('y2', bh + 3)
      .append('title').text(`seed claim: ${d.claim!.text}`);
    const prev = cmpBy.get(d.key);
    if (prev) c.append('path').attr('class', 'series-4').attr('fill', 'none').attr('d', `M${x(prev.mbPerS!)},${bh / 2 - 6}l5,6l-5,6l-5,-6z`)
      .append('title').text(`earlier run: ${prev.mbPerS!.toFixed(0)} MB/s`);
    const claimText = d.claim ? ` · ${d.claim.ratio.toFixed(2)}× claim` : '';
    c.append('text').attr('x', W - M.right + 6).attr('y', bh / 2).attr('dy', '0.35em').text(`${d.mbPerS!.toFixed(0)} MB/s${claimText}`);
  });
}

function dataTable(host: Div, run: RunView): void {
  host.selectAll('*').remove();
  const head = ['mechanism', 'kind', 'pin', 'bytes', 'n', 'min µs', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'MB/s', 'seed claim', 'ratio', 'status'];
  const t = host.append('table').attr('id', 'results-table');
  t.append('thead').append('tr').selectAll('th').data(head).join('th').attr('class', (_, i) => (i >= 3 && i <= 12 ? 'num' : '')).text((d) => d);
  const rows = t.append('tbody').selectAll('tr').data(run.results).join('tr').attr('data-key', (d) => d.key);
  rows.selectAll('td').data((r) => {
    const l = r.latency;
    return [r.mechanism, r.kind, r.pin, String(r.msgBytes), String(r.iterations),
      l ? fmtUs(l.min) : '', l ? fmtUs(l.p50) : '', l ? fmtUs(l.p90) : '', l ? fmtUs(l.p99) : '', l ? fmtUs(l.p999) : '',
      l ? fmtUs(l.max) : '', l ? fmtUs(l.mean) : '', r.mbPerS !== undefined ? r.mbPerS.toFixed(0) : '',
      r.claim?.text ?? '', r.claim ? `${r.claim.ratio.toFixed(2)}×` : '', r.status === 'ok' ? 'ok' : `FAILED: ${r.error ?? ''}`];
  }).join('td').attr('class', (_, i) => (i >= 3 && i <= 12 ? 'num' : '')).text((d) => d);
}

function notes(host: Div, run: RunView): void {
  host.selectAll('*').remove();
  const items = [
    ...run.skipped.map((s) => `${s.mechanism} ${s.kind}${s.pin ? ` (${s.pin})` : ''}: skipped: ${s.reason}`),
    ...run.results.filter((r) => r.status === 'failed').map((r) => `${r.mechanism} ${r.kind} (${r.pin}): FAILED: ${r.error ?? ''}`),
    ...[...new Set(run.results.flatMap((r) => r.notes.map((n) => `${r.mechanism} ${r.kind}: ${n}`)))],
  ];
  if (run.cancelled) items.unshift('This run was cancelled before it finished.');
  if (!items.length) { host.append('p').attr('class', 'muted').text('Nothing skipped, nothing failed.'); return; }
  host.append('ul').selectAll('li').data(items).join('li').text((d) => d);
}

onMessage(validateBenchToWebview, (msg) => {
  if (msg.type === 'progress') {
    progressLine.text(msg.text ? `Running: ${msg.text}` : '');
    return;
  }
  fillSelect(runSel, msg.history, msg.current?.id ?? null);
  fillSelect(cmpSel, msg.history.filter((h) => h.id !== msg.current?.id), msg.compare?.id ?? null, '(none)');
  const run = msg.current;
  empty.property('hidden', run !== null);
  for (const s of [latSec, cdfSec, thrSec, tableSec, notesSec]) s.selectAll('*').remove();
  if (!run) return;
  state = { runId: run.id, compareId: msg.compare?.id ?? null };
  setState(state);
  const m = run.machine;
  machineLine.text(`${run.startedAt.replace('T', ' ').slice(0, 19)} · ${run.preset} · ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}`
    + `${m.hypervisor ? ', virtual machine' : ''} · load ${m.loadavg.map((v) => v.toFixed(2)).join(' ')} before the run`);
  latencyChart(latSec, run, msg.compare);
  cdfChart(cdfSec, run);
  throughputChart(thrSec, run, msg.compare);
  dataTable(tableSec, run);
  notes(notesSec, run);
});

ready();
