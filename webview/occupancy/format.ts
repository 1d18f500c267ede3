// Number formatting for the live views (units from the engine's QueueUnit).

import { format } from 'd3';

const bytes = format('.3~s');
const count = format(',.0f');

/** One decimal, without a trailing ".0" (64 KiB, 3.9 KiB). */
const one = (x: number) => x.toFixed(1).replace(/\.0$/, '');

export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'bytes') return v < 1024 ? `${Math.round(v)} B` : v < 1024 ** 2 ? `${one(v / 1024)} KiB` : `${one(v / 1024 ** 2)} MiB`;
  if (unit === 'messages') return `${count(v)} msg`;
  if (unit === 'connections') return `${count(v)} conn`;
  return bytes(v);
}
