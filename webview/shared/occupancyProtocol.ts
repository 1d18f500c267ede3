// Occupancy panel protocol: typed messages in both directions and their validators. No DOM, no vscode.

import type { Alarm, WindowStats } from '../../src/core/live/samples';
import { MAX_RATE_HZ, MAX_WINDOW_S, MIN_RATE_HZ, MIN_WINDOW_S } from '../../src/core/live/samples';
import type { QueueUnit } from '../../src/core/model';
import { hasOnlyKeys, isArrayOf, isBool, isInt, isNum, isObj, isOneOf, isStr, type Validator } from './validate';

export const MAX_SERIES = 16;
/** 10 minutes at 20 Hz. */
export const MAX_POINTS = MAX_WINDOW_S * MAX_RATE_HZ;
const UNITS: readonly QueueUnit[] = ['bytes', 'messages', 'connections'];
const BIG = Number.MAX_SAFE_INTEGER;

export interface SeriesInfo {
  id: string;
  /** Display name as the engine decoded it: machine text, rendered with .text() only. */
  label: string;
  kind: string;
  unit: QueueUnit;
}

/** [epoch ms, used (null: the sample failed), capacity]. */
export type Point = [number, number | null, number | null];

/** The window statistics of one series, plus its alarm state and the last sampling error. */
export interface SeriesStats extends Omit<WindowStats, 'count'> {
  alarm: boolean;
  error: string | null;
}

export interface OccupancyConfig {
  rateHz: number;
  windowSeconds: number;
  paused: boolean;
  alarm: Alarm | null;
}

export type ToOccupancy =
  | { type: 'init'; config: OccupancyConfig; series: { info: SeriesInfo; points: Point[]; stats: SeriesStats }[] }
  | { type: 'tick'; t: number; values: { id: string; used: number | null; capacity: number | null; stats: SeriesStats }[] }
  | { type: 'config'; config: OccupancyConfig };

export type FromOccupancy =
  | { type: 'setPaused'; paused: boolean }
  | { type: 'setRate'; hz: number }
  | { type: 'setWindow'; seconds: number }
  | { type: 'setAlarm'; alarm: Alarm | null }
  | { type: 'remove'; id: string }
  | { type: 'exportCsv' };

/** What the page keeps with setState, and what the serializer restores a panel from. */
export interface OccupancyState {
  ids: string[];
  config: OccupancyConfig;
}

const isNullableNum = (v: unknown): v is number | null => v === null || isNum(v, 0, BIG);
export const isId = (v: unknown): v is string => isStr(v, 512) && v.length > 0;

export function parseAlarm(v: unknown): Alarm | null | undefined {
  if (v === null) return null;
  if (!isObj(v) || !hasOnlyKeys(v, ['kind', 'value'])) return undefined;
  if (v.kind === 'percent' && isNum(v.value, 1, 100)) return { kind: 'percent', value: v.value };
  if (v.kind === 'absolute' && isNum(v.value, 0, BIG)) return { kind: 'absolute', value: v.value };
  return undefined;
}

export function parseConfig(v: unknown): OccupancyConfig | undefined {
  if (!isObj(v) || !hasOnlyKeys(v, ['rateHz', 'windowSeconds', 'paused', 'alarm'])) return undefined;
  const alarm = parseAlarm(v.alarm);
  if (!isInt(v.rateHz, MIN_RATE_HZ, MAX_RATE_HZ) || !isInt(v.windowSeconds, MIN_WINDOW_S, MAX_WINDOW_S) || !isBool(v.paused) || alarm === undefined) {
    return undefined;
  }
  return { rateHz: v.rateHz, windowSeconds: v.windowSeconds, paused: v.paused, alarm };
}

const isStats = (v: unknown): v is SeriesStats =>
  isObj(v) && hasOnlyKeys(v, ['current', 'capacity', 'min', 'max', 'mean', 'highWater', 'alarm', 'error']) &&
  isNullableNum(v.current) && isNullableNum(v.capacity) && isNullableNum(v.min) && isNullableNum(v.max) &&
  isNullableNum(v.mean) && isNullableNum(v.highWater) && isBool(v.alarm) && (v.error === null || isStr(v.error, 1024));

const isInfo = (v: unknown): v is SeriesInfo =>
  isObj(v) && hasOnlyKeys(v, ['id', 'label', 'kind', 'unit']) && isId(v.id) && isStr(v.label, 4096) && isStr(v.kind, 32) && isOneOf(v.unit, UNITS);

const isPoint = (v: unknown): v is Point =>
  Array.isArray(v) && v.length === 3 && isNum(v[0], 0, BIG) && isNullableNum(v[1]) && isNullableNum(v[2]);

export const parseToOccupancy: Validator<ToOccupancy> = (v) => {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'init': {
      if (!hasOnlyKeys(v, ['type', 'config', 'series']) || !parseConfig(v.config)) return undefined;
      const ok = isArrayOf(v.series, (s): s is { info: SeriesInfo; points: Point[]; stats: SeriesStats } =>
        isObj(s) && hasOnlyKeys(s, ['info', 'points', 'stats']) && isInfo(s.info) && isArrayOf(s.points, isPoint, MAX_POINTS + 1) && isStats(s.stats), MAX_SERIES);
      return ok ? (v as ToOccupancy) : undefined;
    }
    case 'tick': {
      if (!hasOnlyKeys(v, ['type', 't', 'values']) || !isNum(v.t, 0, BIG)) return undefined;
      const ok = isArrayOf(v.values, (x): x is { id: string; used: number | null; capacity: number | null; stats: SeriesStats } =>
        isObj(x) && hasOnlyKeys(x, ['id', 'used', 'capacity', 'stats']) && isId(x.id) && isNullableNum(x.used) && isNullableNum(x.capacity) && isStats(x.stats), MAX_SERIES);
      return ok ? (v as ToOccupancy) : undefined;
    }
    case 'config':
      return hasOnlyKeys(v, ['type', 'config']) && parseConfig(v.config) ? (v as ToOccupancy) : undefined;
    default:
      return undefined;
  }
};

export const parseFromOccupancy: Validator<FromOccupancy> = (v) => {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'setPaused':
      return hasOnlyKeys(v, ['type', 'paused']) && isBool(v.paused) ? { type: 'setPaused', paused: v.paused } : undefined;
    case 'setRate':
      return hasOnlyKeys(v, ['type', 'hz']) && isInt(v.hz, MIN_RATE_HZ, MAX_RATE_HZ) ? { type: 'setRate', hz: v.hz } : undefined;
    case 'setWindow':
      return hasOnlyKeys(v, ['type', 'seconds']) && isInt(v.seconds, MIN_WINDOW_S, MAX_WINDOW_S) ? { type: 'setWindow', seconds: v.seconds } : undefined;
    case 'setAlarm': {
      if (!hasOnlyKeys(v, ['type', 'alarm'])) return undefined;
      const alarm = parseAlarm(v.alarm);
      return alarm === undefined ? undefined : { type: 'setAlarm', alarm };
    }
    case 'remove':
      return hasOnlyKeys(v, ['type', 'id']) && isId(v.id) ? { type: 'remove', id: v.id } : undefined;
    case 'exportCsv':
      return hasOnlyKeys(v, ['type']) ? { type: 'exportCsv' } : undefined;
    default:
      return undefined;
  }
};

export const parseOccupancyState: Validator<OccupancyState> = (v) => {
  if (!isObj(v) || !hasOnlyKeys(v, ['ids', 'config']) || !isArrayOf(v.ids, isId, MAX_SERIES)) return undefined;
  const config = parseConfig(v.config);
  return config ? { ids: v.ids, config } : undefined;
};
