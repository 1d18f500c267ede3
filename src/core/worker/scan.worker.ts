// Worker-thread entry point: runs snapshots off the caller's event loop (bundled to dist/scan.worker.js).

import { parentPort } from 'node:worker_threads';
import type { ScanRequest, ScanResponse } from './protocol';
import { takeSnapshot } from '../scan/snapshot';

function isNativeError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /koffi|libc|native/i.test(msg);
}

parentPort?.on('message', (req: ScanRequest) => {
  let res: ScanResponse;
  try {
    if (req.type !== 'snapshot') throw new Error(`unknown request ${String((req as { type: unknown }).type)}`);
    res = { id: req.id, type: 'snapshot', snapshot: takeSnapshot(req.options) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    res = { id: req.id, type: 'error', error: { message: err.message, stack: err.stack, native: isNativeError(e) } };
  }
  parentPort?.postMessage(res);
});
