// One occupancy chart (d3): fill over time against capacity, alarm threshold and high-water mark.
// Everything textual is set with .text(); colours come from classes bound to --vscode-* variables.

import { axisBottom, axisLeft, line, scaleLinear, scaleTime, select, ticks, type Selection } from 'd3';
import type { Point, SeriesInfo, SeriesStats } from '../shared/occupancyProtocol';
import { formatValue } from './format';

const M = { top: 8, right: 16, bottom: 22, left: 64 };
/** The chart's lines: [key, the line's classes, what it shows]. */
const KEY: [string, string, string][] = [
  ['fill', 'line series-0', 'fill'],
  ['capacity', 'capacity-line', 'capacity'],
  ['hwm', 'hwm-line', 'high-water mark'],
  ['alarm', 'alarm-line', 'alarm threshold'],
];
const HEIGHT = 180;

export class SeriesChart {
  readonly root: Selection<HTMLElement, unknown, null, undefined>;
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly plot: Selection<SVGGElement, unknown, null, undefined>;
  private readonly xAxis: Selection<SVGGElement, unknown, null, undefined>;
  private readonly yAxis: Selection<SVGGElement, unknown, null, undefined>;
  private readonly statsRow: Selection<HTMLTableRowElement, unknown, null, undefined>;
  private readonly errorLine: Selection<HTMLParagraphElement, unknown, null, undefined>;
  private readonly alarmKey: Selection<HTMLElement, unknown, null, undefined>;
  points: Point[] = [];
  stats: SeriesStats | null = null;
  /** Width from a ResizeObserver: reading clientWidth while rendering would force a layout per chart. */
  private width = 600;
  private yKey = '';
  /** Off-screen charts are not redrawn (their data still updates). */
  visible = true;

  constructor(parent: HTMLElement, readonly info: SeriesInfo, onRemove: () => void) {
    this.root = select(parent).append('section').attr('class', 'series-card');
    const head = this.root.append('div').attr('class', 'series-head');
    head.append('h2').attr('class', 'series-title').text(info.label);
    head.append('span').attr('class', 'muted').text(`${info.kind} · ${info.unit}`);
    head.append('button').attr('class', 'secondary').attr('title', 'Stop following this object').text('Remove').on('click', onRemove);
    this.svg = this.root.append('svg').attr('class', 'occupancy-chart').attr('role', 'img').attr('height', HEIGHT);
    this.svg.append('title').text(`Fill of ${info.label} over time`);
    this.plot = this.svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
    this.plot.append('g').attr('class', 'grid');
    this.plot.append('path').attr('class', 'capacity-line');
    this.plot.append('line').attr('class', 'alarm-line');
    this.plot.append('line').attr('class', 'hwm-line');
    this.plot.append('path').attr('class', 'line series-0');
    this.xAxis = this.plot.append('g').attr('class', 'axis x');
    this.yAxis = this.plot.append('g').attr('class', 'axis y');
    // The key: each line drawn with its own stroke beside what it means (the alarm's only while one is set).
    const key = this.root.append('div').attr('class', 'toolbar chart-key').attr('aria-hidden', 'true');
    const item = key.selectAll('span.legend-item').data(KEY).join('span').attr('class', (d) => `legend-item key-${d[0]}`);
    item.append('svg').attr('width', 24).attr('height', 10)
      .append('line').attr('x1', 1).attr('x2', 23).attr('y1', 5).attr('y2', 5).attr('class', (d) => d[1]);
    item.append('span').attr('class', 'muted').text((d) => d[2]);
    this.alarmKey = this.root.select('.key-alarm');
    this.errorLine = this.root.append('p').attr('class', 'error series-error');
    // The data table is the keyboard- and screen-reader-reachable form of the chart.
    const table = this.root.append('table').attr('class', 'stats-table');
    const hr = table.append('thead').append('tr');
    for (const h of ['current', 'capacity', 'min', 'max', 'mean', 'high-water']) hr.append('th').attr('class', 'num').text(h);
    this.statsRow = table.append('tbody').append('tr');
    const card = this.root.node()!;
    new ResizeObserver((entries) => {
      this.width = Math.max(240, Math.floor(entries[0]?.contentRect.width ?? this.width));
    }).observe(card);
    new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
    }).observe(card);
  }

  remove(): void {
    this.root.remove();
  }

  render(now: number, windowMs: number, alarmLevel: number | null): void {
    const width = this.width;
    this.svg.attr('width', width);
    const w = width - M.left - M.right;
    const h = HEIGHT - M.top - M.bottom;
    const t0 = now - windowMs;
    let first = 0;
    while (first < this.points.length && this.points[first]![0] < t0) first++;
    const pts = this.points.slice(first);
    let top = 1;
    for (const p of pts) top = Math.max(top, p[1] ?? 0, p[2] ?? 0);
    if (alarmLevel !== null) top = Math.max(top, alarmLevel);
    const x = scaleTime().domain([t0, now]).range([0, w]);
    const unit = this.info.unit;
    // Byte queues get ticks at round KiB/MiB values (16 KiB, 32 KiB...), not at round decimal numbers.
    const base = unit === 'bytes' ? (top >= 1024 ** 2 ? 1024 ** 2 : top >= 1024 ? 1024 : 1) : 1;
    const yTicks = ticks(0, (top * 1.05) / base, 5).map((v) => v * base);
    const step = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : top;
    const yTop = Math.max(top * 1.05, Math.ceil((top * 1.05) / step) * step);
    const y = scaleLinear().domain([0, yTop]).range([h, 0]);
    if (yTicks.at(-1)! < yTop) yTicks.push(yTop);
    this.xAxis.attr('transform', `translate(0,${h})`).call(axisBottom<Date>(x).ticks(Math.max(2, Math.floor(w / 90))));
    // The y axis and grid change only with the scale or the width: skip them otherwise.
    const yKey = `${y.domain().join()}|${w}|${unit}`;
    if (yKey !== this.yKey) {
      this.yKey = yKey;
      this.yAxis.call(axisLeft<number>(y).tickValues(yTicks).tickFormat((v) => formatValue(v, unit)));
      this.plot.select<SVGGElement>('g.grid').call(axisLeft<number>(y).tickValues(yTicks).tickSize(-w).tickFormat(() => ''));
    }
    const used = line<Point>().digits(1).defined((p) => p[1] !== null).x((p) => x(p[0])).y((p) => y(p[1] ?? 0));
    const cap = line<Point>().digits(1).defined((p) => p[2] !== null).x((p) => x(p[0])).y((p) => y(p[2] ?? 0));
    const alarm = this.stats?.alarm ?? false;
    this.plot.select('path.line').attr('d', used(decimate(pts, x, w)) ?? '').classed('alarm', alarm);
    this.plot.select('path.capacity-line').attr('d', cap(changes(pts)) ?? '');
    const hw = this.stats?.highWater ?? null;
    this.plot.select('line.hwm-line').attr('x1', 0).attr('x2', w)
      .attr('y1', hw === null ? -10 : y(hw)).attr('y2', hw === null ? -10 : y(hw)).attr('visibility', hw === null ? 'hidden' : 'visible');
    this.plot.select('line.alarm-line').attr('x1', 0).attr('x2', w)
      .attr('y1', alarmLevel === null ? -10 : y(alarmLevel)).attr('y2', alarmLevel === null ? -10 : y(alarmLevel))
      .attr('visibility', alarmLevel === null ? 'hidden' : 'visible');
    this.alarmKey.classed('hidden', alarmLevel === null);
    const s = this.stats;
    const summary = s
      ? `${this.info.label}: ${formatValue(s.current, unit)} of ${formatValue(s.capacity, unit)}; window min ${formatValue(s.min, unit)}, max ${formatValue(s.max, unit)}, mean ${formatValue(s.mean, unit)}; high-water ${formatValue(s.highWater, unit)}${s.alarm ? '; ALARM' : ''}`
      : `${this.info.label}: no samples yet`;
    this.svg.attr('aria-label', summary);
    const cells = s ? [s.current, s.capacity, s.min, s.max, s.mean, s.highWater] : [null, null, null, null, null, null];
    this.statsRow.selectAll('td').data(cells).join('td').attr('class', 'num').classed('warn', (_, i) => i === 0 && alarm)
      .text((v) => formatValue(v, unit));
    this.errorLine.text(s?.error ? `Last sample failed: ${s.error}` : '');
    this.root.classed('alarmed', alarm);
  }
}

/**
 * At most a minimum and a maximum per pixel column (long windows at 20 Hz have up to 12 000 points), so
 * the drawn shape is the same and the path stays small. Gaps (failed samples) are kept.
 */
export function decimate(pts: Point[], x: (t: number) => number, width: number): Point[] {
  if (pts.length <= width * 2) return pts;
  const out: Point[] = [];
  let col = -1;
  let lo: Point | null = null;
  let hi: Point | null = null;
  const flush = () => {
    if (lo && hi) out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
    lo = hi = null;
  };
  for (const p of pts) {
    const c = Math.floor(x(p[0]));
    if (c !== col) {
      flush();
      col = c;
    }
    if (p[1] === null) {
      flush();
      out.push(p);
      continue;
    }
    if (!lo || p[1] < lo[1]!) lo = p;
    if (!hi || p[1] > hi[1]!) hi = p;
  }
  flush();
  return out;
}

/** Only the points where the capacity changes (and the last one): the capacity line is a few segments. */
export function changes(pts: Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    const prev = pts[i - 1];
    const next = pts[i + 1];
    if (!prev || !next || prev[2] !== p[2] || next[2] !== p[2]) out.push(p);
  }
  return out;
}
