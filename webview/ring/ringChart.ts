// The ring drawn with d3.arc: capacity as the full circle, the occupied span from the read position to
// the write position, and markers for both positions. Positions only move forward, so angles are
// unwrapped (a read index going from 4090 to 10 turns the arc forward, not back round the circle).

import { arc, interpolate, scaleLinear, select, type Selection } from 'd3';
// Registers selection.transition()/interrupt(): d3's bundle is marked side-effect free, so a named import
// alone lets the bundler drop the prototype patch.
import 'd3-transition';
import type { RingSnapshot } from '../shared/ringProtocol';
import { formatValue } from '../occupancy/format';

const SIZE = 260;
const R_OUT = 110;
const R_IN = 78;
const TAU = Math.PI * 2;

interface Angles {
  start: number;
  end: number;
}

const reduceMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export class RingChart {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly used: Selection<SVGPathElement, unknown, null, undefined>;
  private readonly readMark: Selection<SVGGElement, unknown, null, undefined>;
  private readonly writeMark: Selection<SVGGElement, unknown, null, undefined>;
  private readonly centre: Selection<SVGTextElement, unknown, null, undefined>;
  private readonly centreSub: Selection<SVGTextElement, unknown, null, undefined>;
  private cur: Angles = { start: 0, end: 0 };
  private lastRead: number | null = null;
  private lastCapacity: number | null = null;
  private readonly shape = arc<Angles>().innerRadius(R_IN).outerRadius(R_OUT).startAngle((d) => d.start).endAngle((d) => d.end);

  constructor(parent: HTMLElement, title: string) {
    this.svg = select(parent).append('svg').attr('class', 'ring-chart').attr('role', 'img')
      .attr('width', SIZE).attr('height', SIZE).attr('viewBox', `${-SIZE / 2} ${-SIZE / 2} ${SIZE} ${SIZE}`);
    this.svg.append('title').text(`Ring occupancy of ${title}`);
    this.svg.append('path').attr('class', 'ring-bg').attr('d', this.shape({ start: 0, end: TAU }) ?? '');
    this.used = this.svg.append('path').attr('class', 'ring-used');
    this.readMark = this.marker('R', 'ring-read');
    this.writeMark = this.marker('W', 'ring-write');
    this.centre = this.svg.append('text').attr('class', 'ring-centre').attr('text-anchor', 'middle').attr('dy', '-0.1em');
    this.centreSub = this.svg.append('text').attr('class', 'ring-centre-sub muted').attr('text-anchor', 'middle').attr('dy', '1.3em');
  }

  private marker(label: string, cls: string): Selection<SVGGElement, unknown, null, undefined> {
    // Hidden until a sample with positions arrives: a kernel queue never gets (fake) markers.
    const g = this.svg.append('g').attr('class', `ring-marker ${cls}`).attr('visibility', 'hidden');
    g.append('line').attr('x1', 0).attr('x2', 0).attr('y1', -(R_IN - 6)).attr('y2', -(R_OUT + 6));
    g.append('text').attr('y', -(R_OUT + 10)).attr('text-anchor', 'middle').text(label);
    return g;
  }

  update(s: RingSnapshot, rateHz: number): void {
    const unit = s.unit;
    let target: Angles;
    const ring = s.ring;
    if (ring) {
      const cap = ring.capacity;
      // Slots to radians, one turn per capacity (not clamped: unwrapped angles go past one turn).
      const angle = scaleLinear().domain([0, cap]).range([0, TAU]);
      if (this.lastRead === null || this.lastCapacity !== cap) {
        this.cur = { start: angle(ring.readIndex), end: angle(ring.readIndex) };
      }
      const forward = this.lastRead === null || this.lastCapacity !== cap ? 0 : (ring.readIndex - this.lastRead + cap) % cap;
      const start = this.cur.start + angle(forward);
      target = { start, end: start + angle(s.used ?? 0) };
      this.lastRead = ring.readIndex;
      this.lastCapacity = cap;
    } else {
      const fill = scaleLinear().domain([0, s.capacity || 1]).range([0, TAU]).clamp(true);
      target = { start: 0, end: s.used !== null && s.capacity ? fill(s.used) : 0 };
      this.readMark.attr('visibility', 'hidden');
      this.writeMark.attr('visibility', 'hidden');
    }
    const from = this.cur;
    this.cur = target;
    const frac = s.used !== null && s.capacity ? s.used / s.capacity : null;
    this.used.classed('warn-fill', frac !== null && frac >= 0.9).classed('stale', s.error !== null);
    const draw = (a: Angles) => {
      this.used.attr('d', this.shape(a) ?? '');
      if (ring) {
        this.readMark.attr('visibility', 'visible').attr('transform', `rotate(${(a.start * 180) / Math.PI})`);
        this.writeMark.attr('visibility', 'visible').attr('transform', `rotate(${(a.end * 180) / Math.PI})`);
      }
    };
    this.used.interrupt();
    if (reduceMotion() || s.error !== null) draw(target);
    else {
      const i = interpolate(from, target);
      // 40 % of a tick: the arc settles before the next sample, and the page is idle (no repaint) the
      // rest of the time; at 20 Hz that is one or two frames.
      this.used.transition().duration(Math.min(200, 400 / rateHz)).tween('ring', () => (t: number) => draw(i(t)));
    }
    this.centre.text(frac === null ? formatValue(s.used, unit) : `${Math.round(frac * 100)} %`);
    this.centreSub.text(`${formatValue(s.used, unit)} / ${formatValue(s.capacity, unit)}`);
    this.svg.attr('aria-label', ring
      ? `${formatValue(s.used, unit)} of ${formatValue(s.capacity, unit)} used; read position ${ring.readIndex}, write position ${ring.writeIndex} of ${ring.capacity}`
      : `${formatValue(s.used, unit)} of ${formatValue(s.capacity, unit)} used`);
  }
}
