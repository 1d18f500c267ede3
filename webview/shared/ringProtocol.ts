// Ring view protocol: typed messages in both directions and their validators. No DOM, no vscode.

import { parseLayoutChoice, type LayoutChoice } from '../../src/core/live/ringLayout';
import type { QueueUnit } from '../../src/core/model';
import { hasOnlyKeys, isArrayOf, isBool, isInt, isNum, isObj, isOneOf, isStr, type Validator } from './validate';

const BIG = Number.MAX_SAFE_INTEGER;
export const MAX_DEMO_RATE = 1_000_000;
const UNITS: readonly QueueUnit[] = ['bytes', 'messages', 'connections'];

export interface DemoRates {
  producer: number;
  consumer: number;
  burstiness: number;
}

export interface DemoState {
  running: boolean;
  rates: DemoRates;
  pids: number[];
  /** Segment name, e.g. "/ipc-inspector-demo-123-ab12cd34". */
  name: string;
}

export interface RingInfo {
  /** Object name (machine text: .text() only). */
  title: string;
  kind: string;
  /** `ring`: positions known (shm ring). `fill`: only the fill is known (pipe, mqueue, socket). */
  mode: 'ring' | 'fill';
  /** For shared memory: the attached layout (null: none yet). */
  layout: LayoutChoice | null;
  layoutEditable: boolean;
  demo: DemoState | null;
}

export interface RingSnapshot {
  t: number;
  used: number | null;
  capacity: number | null;
  unit: QueueUnit;
  /** Present for shm rings. */
  ring: { capacity: number; readIndex: number; writeIndex: number; rawRead: string; rawWrite: string; stable: boolean } | null;
  error: string | null;
}

export type ToRing =
  | { type: 'init'; info: RingInfo; target: RingTarget }
  | { type: 'state'; state: RingSnapshot }
  | { type: 'demo'; demo: DemoState };

export type FromRing =
  | { type: 'setLayout'; choice: LayoutChoice }
  | { type: 'demoRates'; rates: DemoRates }
  | { type: 'demoStop' }
  | { type: 'setPaused'; paused: boolean };

/** What a ring panel shows: an object of the snapshot, or a shm segment by name (the demo's). */
export type RingTarget = { objectId: string } | { segment: string };

/** The page's saved state, from which the serializer restores the panel. */
export interface RingPageState {
  target: RingTarget;
  paused: boolean;
}

export function parseRates(v: unknown): DemoRates | undefined {
  if (!isObj(v) || !hasOnlyKeys(v, ['producer', 'consumer', 'burstiness'])) return undefined;
  if (!isNum(v.producer, 0, MAX_DEMO_RATE) || !isNum(v.consumer, 0, MAX_DEMO_RATE) || !isNum(v.burstiness, 0, 1)) return undefined;
  return { producer: v.producer, consumer: v.consumer, burstiness: v.burstiness };
}

export const isSegmentName = (v: unknown): v is string => isStr(v, 256) && /^\/[A-Za-z0-9._-]{1,250}$/.test(v);

function parseDemo(v: unknown): DemoState | undefined {
  if (!isObj(v) || !hasOnlyKeys(v, ['running', 'rates', 'pids', 'name'])) return undefined;
  const rates = parseRates(v.rates);
  if (!rates || !isBool(v.running) || !isArrayOf(v.pids, (p): p is number => isInt(p, 1, 2 ** 22), 2) || !isSegmentName(v.name)) return undefined;
  return { running: v.running, rates, pids: v.pids, name: v.name };
}

const isRingPos = (v: unknown): v is RingSnapshot['ring'] =>
  v === null || (isObj(v) && hasOnlyKeys(v, ['capacity', 'readIndex', 'writeIndex', 'rawRead', 'rawWrite', 'stable']) &&
    isInt(v.capacity, 1, BIG) && isInt(v.readIndex, 0, v.capacity - 1) && isInt(v.writeIndex, 0, v.capacity - 1) &&
    isStr(v.rawRead, 24) && /^\d+$/.test(v.rawRead) && isStr(v.rawWrite, 24) && /^\d+$/.test(v.rawWrite) && isBool(v.stable));

const isNullableNum = (v: unknown): v is number | null => v === null || isNum(v, 0, BIG);

export const parseToRing: Validator<ToRing> = (v) => {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'init': {
      const i = v.info;
      const target = parseTarget(v.target);
      if (!hasOnlyKeys(v, ['type', 'info', 'target']) || !target || !isObj(i) || !hasOnlyKeys(i, ['title', 'kind', 'mode', 'layout', 'layoutEditable', 'demo'])) return undefined;
      const layout = i.layout === null ? null : parseLayoutChoice(i.layout);
      const demo = i.demo === null ? null : parseDemo(i.demo);
      if (layout === undefined || demo === undefined || !isStr(i.title, 4096) || !isStr(i.kind, 32) || !isOneOf(i.mode, ['ring', 'fill'] as const) || !isBool(i.layoutEditable)) {
        return undefined;
      }
      return { type: 'init', info: { title: i.title, kind: i.kind, mode: i.mode, layout, layoutEditable: i.layoutEditable, demo }, target };
    }
    case 'state': {
      const s = v.state;
      if (!hasOnlyKeys(v, ['type', 'state']) || !isObj(s) || !hasOnlyKeys(s, ['t', 'used', 'capacity', 'unit', 'ring', 'error'])) return undefined;
      const ok = isNum(s.t, 0, BIG) && isNullableNum(s.used) && isNullableNum(s.capacity) && isOneOf(s.unit, UNITS) && isRingPos(s.ring) &&
        (s.error === null || isStr(s.error, 1024));
      return ok ? (v as ToRing) : undefined;
    }
    case 'demo': {
      const demo = hasOnlyKeys(v, ['type', 'demo']) ? parseDemo(v.demo) : undefined;
      return demo ? { type: 'demo', demo } : undefined;
    }
    default:
      return undefined;
  }
};

export const parseFromRing: Validator<FromRing> = (v) => {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'setLayout': {
      const choice = hasOnlyKeys(v, ['type', 'choice']) ? parseLayoutChoice(v.choice) : undefined;
      return choice ? { type: 'setLayout', choice } : undefined;
    }
    case 'demoRates': {
      const rates = hasOnlyKeys(v, ['type', 'rates']) ? parseRates(v.rates) : undefined;
      return rates ? { type: 'demoRates', rates } : undefined;
    }
    case 'demoStop':
      return hasOnlyKeys(v, ['type']) ? { type: 'demoStop' } : undefined;
    case 'setPaused':
      return hasOnlyKeys(v, ['type', 'paused']) && isBool(v.paused) ? { type: 'setPaused', paused: v.paused } : undefined;
    default:
      return undefined;
  }
};

export function parseTarget(t: unknown): RingTarget | undefined {
  if (!isObj(t)) return undefined;
  if (hasOnlyKeys(t, ['objectId']) && isStr(t.objectId, 512) && t.objectId.length > 0) return { objectId: t.objectId };
  if (hasOnlyKeys(t, ['segment']) && isSegmentName(t.segment)) return { segment: t.segment };
  return undefined;
}

export const parseRingPageState: Validator<RingPageState> = (v) => {
  if (!isObj(v) || !hasOnlyKeys(v, ['target', 'paused']) || !isBool(v.paused)) return undefined;
  const target = parseTarget(v.target);
  return target ? { target, paused: v.paused } : undefined;
};
