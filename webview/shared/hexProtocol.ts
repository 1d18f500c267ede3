// Hex peek protocol: typed messages in both directions and their validators. No DOM, no vscode.

import { hasOnlyKeys, isInt, isNum, isObj, isStr, type Validator } from './validate';

export const HEX_MAX_BYTES = 64 * 1024;

export type ToHex =
  /** `base64`: the first bytes of the segment (at most 64 KiB), read by pread at `readAt`. */
  | { type: 'bytes'; objectId: string; title: string; file: string; size: number; base64: string; readAt: number }
  | { type: 'error'; objectId: string; title: string; message: string };

export type FromHex = { type: 'refresh' };

export interface HexPageState {
  objectId: string;
}

const isId = (v: unknown): v is string => isStr(v, 512) && v.length > 0;

const isB64 = (v: unknown): v is string =>
  isStr(v, Math.ceil(HEX_MAX_BYTES / 3) * 4) && v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);

export const parseToHex: Validator<ToHex> = (v) => {
  if (!isObj(v)) return undefined;
  if (v.type === 'bytes') {
    return hasOnlyKeys(v, ['type', 'objectId', 'title', 'file', 'size', 'base64', 'readAt']) && isId(v.objectId) && isStr(v.title, 4096) &&
      isStr(v.file, 4096) && isInt(v.size, 0, Number.MAX_SAFE_INTEGER) && isB64(v.base64) && isNum(v.readAt, 0, Number.MAX_SAFE_INTEGER)
      ? { type: 'bytes', objectId: v.objectId, title: v.title, file: v.file, size: v.size, base64: v.base64, readAt: v.readAt } : undefined;
  }
  if (v.type === 'error') {
    return hasOnlyKeys(v, ['type', 'objectId', 'title', 'message']) && isId(v.objectId) && isStr(v.title, 4096) && isStr(v.message, 1024)
      ? { type: 'error', objectId: v.objectId, title: v.title, message: v.message } : undefined;
  }
  return undefined;
};

export const parseFromHex: Validator<FromHex> = (v) =>
  isObj(v) && v.type === 'refresh' && hasOnlyKeys(v, ['type']) ? { type: 'refresh' } : undefined;

export const parseHexPageState: Validator<HexPageState> = (v) =>
  isObj(v) && hasOnlyKeys(v, ['objectId']) && isId(v.objectId) ? { objectId: v.objectId } : undefined;
