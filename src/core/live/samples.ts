// Sample windows for live views: a time-bounded series per object, its statistics (current, min/max/mean
// over the window, high-water mark), the alarm rule and CSV export. Pure.

import type { QueueUnit } from '../model';

export interface Sample {
  /** Milliseconds since the epoch. */
  t: number;
  used: number;
  capacity: number | null;
}

export interface WindowStats {
  count: number;
  current: number | null;
  capacity: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Highest fill seen since the series started (not only within the window). */
  highWater: number | null;
}

export const MIN_WINDOW_S = 30;
export const MAX_WINDOW_S = 600;
export const MIN_RATE_HZ = 1;
export const MAX_RATE_HZ = 20;
export const DEFAULT_RATE_HZ = 5;

/** Samples of one object within the last `windowMs`, oldest first. */
export class SampleWindow {
  private buf: Sample[] = [];
  private start = 0;
  private hwm: number | null = null;

  constructor(private windowMs: number) {}

  setWindow(ms: number): void {
    this.windowMs = ms;
    if (this.size) this.trim(this.buf[this.buf.length - 1]!.t);
  }

  get size(): number {
    return this.buf.length - this.start;
  }

  push(s: Sample): void {
    const last = this.size ? this.buf[this.buf.length - 1]! : undefined;
    if (last && s.t < last.t) return; // clock went back: keep the series monotonic
    this.buf.push(s);
    if (this.hwm === null || s.used > this.hwm) this.hwm = s.used;
    this.trim(s.t);
  }

  private trim(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.start < this.buf.length && this.buf[this.start]!.t < cutoff) this.start++;
    // Compact once the dropped prefix dominates, so memory stays O(window).
    if (this.start > 1024 && this.start * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.start);
      this.start = 0;
    }
  }

  samples(): Sample[] {
    return this.buf.slice(this.start);
  }

  stats(): WindowStats {
    const n = this.size;
    if (!n) return { count: 0, current: null, capacity: null, min: null, max: null, mean: null, highWater: this.hwm };
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = this.start; i < this.buf.length; i++) {
      const u = this.buf[i]!.used;
      if (u < min) min = u;
      if (u > max) max = u;
      sum += u;
    }
    const last = this.buf[this.buf.length - 1]!;
    return { count: n, current: last.used, capacity: last.capacity, min, max, mean: sum / n, highWater: this.hwm };
  }
}

/** Alarm threshold: a share of the capacity, or an absolute fill (for queues without a known capacity). */
export type Alarm = { kind: 'percent'; value: number } | { kind: 'absolute'; value: number };

/** True when the fill reaches the threshold. A percent alarm never fires without a known capacity. */
export function isAlarm(used: number | null, capacity: number | null, alarm: Alarm | null): boolean {
  if (alarm === null || used === null) return false;
  if (alarm.kind === 'absolute') return used >= alarm.value;
  if (capacity === null || capacity <= 0) return false;
  return (used / capacity) * 100 >= alarm.value;
}

/** The threshold in the series' own unit, for drawing; null when it cannot be placed. */
export function alarmLevel(capacity: number | null, alarm: Alarm | null): number | null {
  if (alarm === null) return null;
  if (alarm.kind === 'absolute') return alarm.value;
  return capacity === null ? null : (capacity * alarm.value) / 100;
}

export interface CsvSeries {
  id: string;
  name: string;
  kind: string;
  unit: QueueUnit;
  samples: readonly Sample[];
}

/**
 * One CSV field (RFC 4180). Fields that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
 * start) get a leading apostrophe: names come from the machine and may be hostile.
 */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** All samples of all series, one row each, ordered by time. */
export function toCsv(series: readonly CsvSeries[]): string {
  const rows: [number, string][] = [];
  for (const s of series) {
    const prefix = [csvField(s.id), csvField(s.name), csvField(s.kind)].join(',');
    for (const x of s.samples) {
      rows.push([x.t, [new Date(x.t).toISOString(), x.t, prefix, x.used, csvField(x.capacity), s.unit].join(',')]);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return ['time,epoch_ms,id,name,kind,used,capacity,unit', ...rows.map((r) => r[1])].join('\r\n') + '\r\n';
}
