// Ring view page: one object's ring (shm ring with positions) or fill gauge (pipe, mqueue, socket),
// a layout chooser for shared memory, and the demo's controls when the ring is the demo's.

import { select } from 'd3';
import { getState, onMessage, post, ready, setState } from '../lib/host';
import { parseRingPageState, parseToRing, type FromRing, type RingInfo, type RingPageState, type ToRing } from '../shared/ringProtocol';
import { formatValue } from '../occupancy/format';
import { RingChart } from './ringChart';
import { DemoControls, layoutForm } from './controls';
import { watchChartColours } from '../lib/chartColours';

// Chart colours readable on this theme's background (the stylesheet draws with them), kept up on theme changes.
watchChartColours();

const send = (m: FromRing) => post(m);
// Live pages change many times a second: the base page's aria-live would make a screen reader chatter.
const app = select<HTMLElement, unknown>('#app').attr('aria-live', 'off');
const saved: RingPageState | undefined = getState(parseRingPageState);
let paused = saved?.paused ?? false;
let info: RingInfo | null = null;
let chart: RingChart | null = null;
let demo: DemoControls | null = null;
let lastRate = 5;
let lastT = 0;

const header = app.append('div').attr('class', 'ring-header');
const title = header.append('h1').attr('id', 'ring-title');
const sub = header.append('p').attr('class', 'muted').attr('id', 'ring-note');
const bar = app.append('div').attr('class', 'toolbar');
const pauseBtn = bar.append('button').attr('class', 'secondary').attr('id', 'pause').on('click', () => {
  paused = !paused;
  showPaused();
  send({ type: 'setPaused', paused });
});
const body = app.append('div').attr('class', 'ring-body');
const chartBox = body.append('div').attr('class', 'ring-chart-box');
const details = body.append('table').attr('class', 'ring-details').append('tbody');
const errorLine = app.append('p').attr('class', 'error').attr('id', 'ring-error');
const extra = app.append('div');

function showPaused(): void {
  pauseBtn.text(paused ? 'Resume' : 'Pause').attr('aria-pressed', String(paused));
  const prev = getState(parseRingPageState);
  if (prev) setState({ ...prev, paused });
}
showPaused();

function rows(r: [string, string][]): void {
  details.selectAll('tr').data(r).join((enter) => {
    const tr = enter.append('tr');
    tr.append('th');
    tr.append('td').attr('class', 'num');
    return tr;
  }).call((tr) => {
    tr.select('th').text((d) => d[0]);
    tr.select('td').text((d) => d[1]);
  });
}

function handle(m: ToRing): void {
  switch (m.type) {
    case 'init': {
      info = m.info;
      setState({ target: m.target, paused } satisfies RingPageState);
      title.text(info.title);
      // Kernel queues: the kernel reports only how much is queued, so no read/write positions are drawn.
      sub.text(info.mode === 'ring'
        ? `${info.kind} · ring read by pread of its header`
        : `${info.kind} · fill only: the kernel exposes no read/write positions for this queue`);
      chartBox.selectAll('*').remove();
      chart = new RingChart(chartBox.node()!, info.title);
      extra.selectAll('*').remove();
      demo = info.demo ? new DemoControls(extra.node()!, info.demo, send) : null;
      if (info.layoutEditable) layoutForm(extra.node()!, info.layout, send);
      if (info.mode === 'ring' && !info.layout) errorLine.text('Attach a ring layout below to see this segment as a ring.');
      break;
    }
    case 'state': {
      const s = m.state;
      if (lastT) lastRate = Math.max(1, Math.min(20, Math.round(1000 / Math.max(1, s.t - lastT))));
      lastT = s.t;
      chart?.update(s, lastRate);
      const r: [string, string][] = [
        ['used', formatValue(s.used, s.unit)],
        ['capacity', formatValue(s.capacity, s.unit)],
      ];
      if (s.ring) {
        r.push(['slots', String(s.ring.capacity)], ['read position', `${s.ring.readIndex} (raw ${s.ring.rawRead})`],
          ['write position', `${s.ring.writeIndex} (raw ${s.ring.rawWrite})`],
          ['header read', s.ring.stable ? 'stable (two identical reads)' : 'moving (latest consistent read)']);
      }
      r.push(['sampled', new Date(s.t).toLocaleTimeString()]);
      rows(r);
      errorLine.text(s.error ? `Cannot read: ${s.error}` : '');
      break;
    }
    case 'demo':
      demo?.update(m.demo);
      break;
  }
}

onMessage(parseToRing, handle);
ready();
