// Tiny structural validators for messages crossing the webview boundary (both directions). No DOM, no vscode.

export type Validator<T> = (v: unknown) => T | undefined;

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
export const isNum = (v: unknown, min = -Infinity, max = Infinity): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
export const isInt = (v: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): v is number =>
  isNum(v, min, max) && Number.isInteger(v);
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isOneOf = <T extends string>(v: unknown, values: readonly T[]): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);
export const isArrayOf = <T>(v: unknown, item: (x: unknown) => x is T, max = 10_000): v is T[] =>
  Array.isArray(v) && v.length <= max && v.every(item);

/** Only the listed keys may be present (rejects prototype tricks and unknown fields). */
export function hasOnlyKeys(v: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(v).every((k) => keys.includes(k));
}
