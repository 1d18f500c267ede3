// Typed request/response protocol between the scan worker thread and its clients (extension host, tests).

import type { Snapshot } from '../model';

export interface SnapshotOptions {
  /** Objects whose path lies in one of these directories are flagged as workspace objects by later issues. */
  workspaceDirs?: string[];
}

export type ScanRequest =
  | { id: number; type: 'snapshot'; options: SnapshotOptions };

export type ScanResponse =
  | { id: number; type: 'snapshot'; snapshot: Snapshot }
  | { id: number; type: 'error'; error: { message: string; stack?: string; native: boolean } };

export function isScanResponse(v: unknown): v is ScanResponse {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'number' && (r.type === 'snapshot' || r.type === 'error');
}
