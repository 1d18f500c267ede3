// Messages between the benchmark results panel and the extension host, with validators for both directions.

import { hasOnlyKeys, isArrayOf, isBool, isNum, isObj, isOneOf, isStr } from './validate';

export interface LatencyView {
  min: number; p50: number; p90: number; p99: number; p999: number; max: number; mean: number;
  /** [percent, ns] points of the CDF. */
  cdf: [number, number][];
}

export interface ResultView {
  key: string;
  mechanism: string;
  label: string;
  kind: 'latency' | 'throughput';
  pin: 'split' | 'same' | 'none';
  msgBytes: number;
  iterations: number;
  status: 'ok' | 'failed';
  error?: string;
  notes: string[];
  latency?: LatencyView;
  mbPerS?: number;
  /** The seed's claim for this mechanism, as text, and measured/claimed (latency: p50 over the claim's upper end). */
  claim?: { text: string; ratio: number; holds: boolean };
}

export interface RunView {
  id: string;
  startedAt: string;
  preset: string;
  cancelled: boolean;
  machine: { cpu: string; cores: number; kernel: string; hypervisor: boolean; loadavg: number[] };
  results: ResultView[];
  skipped: { mechanism: string; kind: string; pin: string | null; reason: string }[];
}

export interface RunListEntry { id: string; startedAt: string; preset: string; count: number }

export type BenchToWebview =
  | { type: 'runs'; current: RunView | null; compare: RunView | null; history: RunListEntry[] }
  | { type: 'progress'; text: string | null };

export type BenchFromWebview =
  | { type: 'export'; format: 'json' | 'csv' | 'markdown' }
  | { type: 'compare'; runId: string | null }
  | { type: 'select'; runId: string };

export function validateBenchFromWebview(v: unknown): BenchFromWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'export':
      return hasOnlyKeys(v, ['type', 'format']) && isOneOf(v.format, ['json', 'csv', 'markdown'] as const) ? { type: 'export', format: v.format } : undefined;
    case 'compare':
      return hasOnlyKeys(v, ['type', 'runId']) && (v.runId === null || isStr(v.runId, 100)) ? { type: 'compare', runId: v.runId as string | null } : undefined;
    case 'select':
      return hasOnlyKeys(v, ['type', 'runId']) && isStr(v.runId, 100) ? { type: 'select', runId: v.runId } : undefined;
    default:
      return undefined;
  }
}

const isNumArr = (x: unknown): x is number[] => isArrayOf(x, (n): n is number => isNum(n), 16);
const isPoint = (x: unknown): x is [number, number] => Array.isArray(x) && x.length === 2 && isNum(x[0]) && isNum(x[1]);

function isLatency(v: unknown): v is LatencyView {
  return isObj(v) && ['min', 'p50', 'p90', 'p99', 'p999', 'max', 'mean'].every((k) => isNum(v[k], 0)) && isArrayOf(v.cdf, isPoint, 1000);
}

function isResult(v: unknown): v is ResultView {
  return isObj(v) && isStr(v.key, 200) && isStr(v.mechanism, 64) && isStr(v.label, 200) && isOneOf(v.kind, ['latency', 'throughput'] as const)
    && isOneOf(v.pin, ['split', 'same', 'none'] as const) && isNum(v.msgBytes, 0) && isNum(v.iterations, 0)
    && isOneOf(v.status, ['ok', 'failed'] as const) && (v.error === undefined || isStr(v.error, 10_000))
    && isArrayOf(v.notes, (n): n is string => isStr(n, 2000), 50)
    && (v.latency === undefined || isLatency(v.latency)) && (v.mbPerS === undefined || isNum(v.mbPerS, 0))
    && (v.claim === undefined || (isObj(v.claim) && isStr(v.claim.text, 100) && isNum(v.claim.ratio, 0) && isBool(v.claim.holds)));
}

function isRun(v: unknown): v is RunView {
  return isObj(v) && isStr(v.id, 100) && isStr(v.startedAt, 100) && isStr(v.preset, 32) && isBool(v.cancelled)
    && isObj(v.machine) && isStr(v.machine.cpu, 500) && isNum(v.machine.cores, 0) && isStr(v.machine.kernel, 500)
    && isBool(v.machine.hypervisor) && isNumArr(v.machine.loadavg)
    && isArrayOf(v.results, isResult, 500)
    && isArrayOf(v.skipped, (s): s is RunView['skipped'][number] => isObj(s) && isStr(s.mechanism, 64) && isStr(s.kind, 32) && (s.pin === null || isStr(s.pin, 16)) && isStr(s.reason, 2000), 500);
}

export function validateBenchToWebview(v: unknown): BenchToWebview | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'progress') return v.text === null || isStr(v.text, 500) ? { type: 'progress', text: v.text as string | null } : undefined;
  if (v.type === 'runs') {
    const ok = (v.current === null || isRun(v.current)) && (v.compare === null || isRun(v.compare))
      && isArrayOf(v.history, (h): h is RunListEntry => isObj(h) && isStr(h.id, 100) && isStr(h.startedAt, 100) && isStr(h.preset, 32) && isNum(h.count, 0), 100);
    return ok ? (v as unknown as BenchToWebview) : undefined;
  }
  return undefined;
}

/** UI state kept by the webview across reloads (setState) and given to the serializer. */
export interface BenchPanelState { runId: string | null; compareId: string | null }

export function validateBenchState(v: unknown): BenchPanelState | undefined {
  if (!isObj(v)) return undefined;
  const runId = v.runId === null || isStr(v.runId, 100) ? (v.runId as string | null) : null;
  const compareId = v.compareId === null || isStr(v.compareId, 100) ? (v.compareId as string | null) : null;
  return { runId, compareId };
}
