// Occupancy panel page: toolbar (pause, rate, window, alarm, CSV export) and one chart per object.
// All state comes from the host; the page keeps only what a reload needs (setState).

import { select } from 'd3';
import { getState, onMessage, post, ready, setState } from '../lib/host';
import {
  parseOccupancyState, parseToOccupancy, type FromOccupancy, type OccupancyConfig, type ToOccupancy,
} from '../shared/occupancyProtocol';
import { alarmLevel } from '../../src/core/live/samples';
import { SeriesChart } from './chart';
import { watchChartColours } from '../lib/chartColours';

// Chart colours readable on this theme's background (the stylesheet draws with them), kept up on theme changes.
watchChartColours();

const send = (m: FromOccupancy) => post(m);
// Live pages change many times a second: the base page's aria-live would make a screen reader chatter.
const app = select<HTMLElement, unknown>('#app').attr('aria-live', 'off');
let config: OccupancyConfig | null = getState(parseOccupancyState)?.config ?? null;
const charts = new Map<string, SeriesChart>();
let lastT = Date.now();

// ---- toolbar ------------------------------------------------------------------------------------------
const bar = app.append('div').attr('class', 'toolbar').attr('role', 'toolbar').attr('aria-label', 'Sampling');
const pauseBtn = bar.append('button').attr('id', 'pause').on('click', () => config && send({ type: 'setPaused', paused: !config.paused }));
const label = (text: string) => bar.append('label').text(text);
const rateSel = label('Rate ').append('select').attr('id', 'rate').on('change', function () {
  send({ type: 'setRate', hz: Number(this.value) });
});
const RATES = [1, 2, 5, 10, 20];
const WINDOWS = [30, 60, 120, 300, 600];
/** The choices, plus the value in use when the settings chose one the list does not have (a select would show blank). */
const withValue = (list: number[], v: number) => (list.includes(v) ? list : [...list, v].sort((a, b) => a - b));
const rateOptions = (v: number) => rateSel.selectAll('option').data(withValue(RATES, v)).join('option').attr('value', (d) => d).text((d) => `${d} Hz`);
rateOptions(5);
const winSel = label('Window ').append('select').attr('id', 'window').on('change', function () {
  send({ type: 'setWindow', seconds: Number(this.value) });
});
const windowOptions = (v: number) => winSel.selectAll('option').data(withValue(WINDOWS, v)).join('option').attr('value', (d) => d)
  .text((d) => (d < 60 ? `${d} s` : d % 60 ? `${Math.floor(d / 60)} min ${d % 60} s` : `${d / 60} min`));
windowOptions(60);
const alarmKind = label('Alarm ').append('select').attr('id', 'alarm-kind');
alarmKind.selectAll('option').data([['off', 'off'], ['percent', '% of capacity'], ['absolute', 'absolute']]).join('option')
  .attr('value', (d) => d[0]).text((d) => d[1]);
const alarmValue = bar.append('input').attr('id', 'alarm-value').attr('type', 'number').attr('min', 0).attr('step', 'any')
  .attr('aria-label', 'Alarm threshold').attr('class', 'narrow');
const applyAlarm = () => {
  const kind = alarmKind.property('value') as string;
  const v = Number(alarmValue.property('value'));
  if (kind === 'off') send({ type: 'setAlarm', alarm: null });
  else if (Number.isFinite(v) && (kind === 'absolute' ? v >= 0 : v >= 1 && v <= 100)) {
    send({ type: 'setAlarm', alarm: { kind: kind as 'percent' | 'absolute', value: v } });
  }
};
alarmKind.on('change', applyAlarm);
alarmValue.on('change', applyAlarm);
bar.append('button').attr('class', 'secondary').attr('id', 'export').text('Export CSV').on('click', () => send({ type: 'exportCsv' }));
const status = bar.append('span').attr('class', 'muted').attr('id', 'status');
const list = app.append('div').attr('id', 'series');
const empty = app.append('p').attr('class', 'muted').text('No object selected. Use "Show Occupancy" on a pipe, FIFO, socket or queue in the IPC Inspector tree.');

function showConfig(c: OccupancyConfig): void {
  config = c;
  pauseBtn.text(c.paused ? 'Resume' : 'Pause').attr('aria-pressed', String(c.paused));
  rateOptions(c.rateHz);
  rateSel.property('value', String(c.rateHz));
  windowOptions(c.windowSeconds);
  winSel.property('value', String(c.windowSeconds));
  alarmKind.property('value', c.alarm?.kind ?? 'off');
  if (c.alarm) alarmValue.property('value', String(c.alarm.value));
  status.text(c.paused ? 'paused' : `sampling at ${c.rateHz} Hz`);
  save();
}

function save(): void {
  if (config) setState({ ids: [...charts.keys()], config });
}

function handle(m: ToOccupancy): void {
  switch (m.type) {
    case 'init': {
      for (const c of charts.values()) c.remove();
      charts.clear();
      for (const s of m.series) {
        const id = s.info.id;
        const c = new SeriesChart(list.node()!, s.info, () => send({ type: 'remove', id }));
        c.points = s.points;
        c.stats = s.stats;
        charts.set(id, c);
      }
      lastT = m.series.reduce((t, s) => Math.max(t, s.points.at(-1)?.[0] ?? 0), Date.now());
      showConfig(m.config);
      break;
    }
    case 'tick': {
      lastT = m.t;
      const windowMs = (config?.windowSeconds ?? 60) * 1000;
      for (const v of m.values) {
        const c = charts.get(v.id);
        if (!c) continue;
        c.points.push([m.t, v.used, v.capacity]);
        // Trim from the front in one go once the stale prefix is large.
        let i = 0;
        while (i < c.points.length && c.points[i]![0] < m.t - windowMs) i++;
        if (i > 0) c.points.splice(0, i);
        c.stats = v.stats;
      }
      break;
    }
    case 'config':
      showConfig(m.config);
      break;
  }
  empty.classed('hidden', charts.size > 0);
  schedule();
}

// Coalesce renders to one per animation frame, and redraw only as often as the line moves by about a
// pixel (a 60 s window on ~1 300 px: every 100 ms; 10 min: every 460 ms), at most 10 times a second.
// Redrawing on every 20 Hz sample doubled the page's CPU for no visible change.
let pending = false;
let lastRender = 0;
let plotWidth = Math.max(300, document.body.clientWidth - 100);
window.addEventListener('resize', () => {
  plotWidth = Math.max(300, document.body.clientWidth - 100);
});
function schedule(): void {
  if (pending) return;
  pending = true;
  const windowMs = (config?.windowSeconds ?? 60) * 1000;
  const minFrameMs = Math.min(500, Math.max(100, windowMs / plotWidth));
  const wait = Math.max(0, lastRender + minFrameMs - performance.now());
  setTimeout(() => requestAnimationFrame(render), wait);
}
function render(): void {
  pending = false;
  lastRender = performance.now();
  const windowMs = (config?.windowSeconds ?? 60) * 1000;
  const now = config?.paused ? lastT : Math.max(lastT, Date.now() - 250);
  for (const c of charts.values()) if (c.visible) c.render(now, windowMs, alarmLevel(c.stats?.capacity ?? null, config?.alarm ?? null));
}
window.addEventListener('resize', schedule);

onMessage(parseToOccupancy, handle);
ready();
