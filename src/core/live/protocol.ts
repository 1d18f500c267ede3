// Typed request/response protocol between the live-sampling worker thread and its client.

import type { LiveTarget, SampleResult } from './sampler';

export type LiveRequest = { id: number; type: 'sample'; targets: LiveTarget[] };

export type LiveResponse =
  | { id: number; type: 'samples'; results: [string, SampleResult][]; durationMs: number }
  | { id: number; type: 'error'; message: string };

export function isLiveResponse(v: unknown): v is LiveResponse {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'number' && ((r.type === 'samples' && Array.isArray(r.results)) || (r.type === 'error' && typeof r.message === 'string'));
}
