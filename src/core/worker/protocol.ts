// Typed request/response protocol between the scan worker thread and its clients (extension host, tests).

import type { Snapshot } from '../model';
import type { QueueRefresh } from '../scan/refresh';

export interface SnapshotOptions {
  /** Objects whose path lies in one of these directories are flagged as workspace objects by later issues. */
  workspaceDirs?: string[];
}

export type ScanRequest =
  /** `base`: the wire generation the client holds (snapshotWire.ts); the reply is a delta against it when the worker still has it. */
  | { id: number; type: 'snapshot'; options: SnapshotOptions; base?: string }
  /** Re-read the queues of these objects of the worker's last snapshot (refreshQueues); unknown ids are skipped. */
  | { id: number; type: 'refresh'; ids: string[] };

export type ScanResponse =
  | { id: number; type: 'snapshot'; snapshot: Snapshot }
  /** The snapshot as transferred JSON-lines bytes (snapshotWire.ts): the client decodes it in slices. */
  | { id: number; type: 'snapshot-encoded'; encoded: Uint8Array }
  /** `unknown`: requested ids that are not in the last snapshot (or no snapshot was taken yet). */
  | { id: number; type: 'refresh'; refresh: QueueRefresh; unknown: string[] }
  | { id: number; type: 'error'; error: { message: string; stack?: string; native: boolean } };

export function isScanResponse(v: unknown): v is ScanResponse {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'number' && (r.type === 'snapshot' || r.type === 'snapshot-encoded' || r.type === 'refresh' || r.type === 'error');
}
