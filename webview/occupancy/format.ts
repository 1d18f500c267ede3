// Number formatting for the live views (units from the engine's QueueUnit).

import { format } from 'd3';

const bytes = format('.3~s');
const count = format(',.0f');

export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'bytes') return v < 1024 ? `${Math.round(v)} B` : v < 1024 ** 2 ? `${(v / 1024).toFixed(1)} KiB` : `${(v / 1024 ** 2).toFixed(1)} MiB`;
  if (unit === 'messages') return `${count(v)} msg`;
  if (unit === 'connections') return `${count(v)} conn`;
  return bytes(v);
}
