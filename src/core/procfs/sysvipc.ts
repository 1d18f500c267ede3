// Parsers for /proc/sysvipc/{shm,msg,sem}: header-named columns -> records (pure, never throw).

export interface SysvShm {
  key: number; shmid: number; perms: number; size: number; cpid: number; lpid: number; nattch: number; uid: number;
}
export interface SysvMsg {
  key: number; msqid: number; perms: number; cbytes: number; qnum: number; lspid: number; lrpid: number; uid: number;
}
export interface SysvSem {
  key: number; semid: number; perms: number; nsems: number; uid: number;
}

export interface TableResult<T> {
  rows: T[];
  /** Lines that could not be read, by 1-based line number (0: the header itself). */
  skipped: number[];
}

/** Split a whitespace table by its header names; each row a name -> text map. */
function table(text: string, required: readonly string[]): { rows: { line: number; cols: Record<string, string> }[]; skipped: number[] } {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  if (!required.every((r) => header.includes(r))) return { rows: [], skipped: text.trim() ? [0] : [] };
  const rows: { line: number; cols: Record<string, string> }[] = [];
  const skipped: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    const parts = l.split(/\s+/);
    if (parts.length < header.length) {
      skipped.push(i + 1);
      continue;
    }
    const cols: Record<string, string> = Object.create(null);
    header.forEach((h, j) => (cols[h] = parts[j]!));
    rows.push({ line: i + 1, cols });
  }
  return { rows, skipped };
}

/** Decimal fields (key is printed as a signed decimal: IPC_PRIVATE is 0, 0xffffffff is -1). */
function ints<K extends string>(cols: Record<string, string>, names: readonly K[]): Record<K, number> | null {
  const out = {} as Record<K, number>;
  for (const n of names) {
    const v = cols[n];
    if (v === undefined || !/^-?\d+$/.test(v)) return null;
    const x = Number(v);
    if (!Number.isSafeInteger(x)) return null;
    out[n] = x;
  }
  return out;
}

function parse<T, K extends string>(text: string, names: readonly K[], build: (r: Record<K, number>) => T): TableResult<T> {
  const t = table(text, names);
  const rows: T[] = [];
  const skipped = [...t.skipped];
  for (const r of t.rows) {
    const v = ints(r.cols, names);
    if (v) rows.push(build(v));
    else skipped.push(r.line);
  }
  return { rows, skipped };
}

// perms is printed in octal ("%4o").
const octal = (n: number): number => parseInt(String(n), 8) || 0;
const key32 = (k: number): number => k >>> 0;

export function parseSysvShm(text: string): TableResult<SysvShm> {
  return parse(text, ['key', 'shmid', 'perms', 'size', 'cpid', 'lpid', 'nattch', 'uid'] as const,
    (r) => ({ ...r, key: key32(r.key), perms: octal(r.perms) }));
}

export function parseSysvMsg(text: string): TableResult<SysvMsg> {
  return parse(text, ['key', 'msqid', 'perms', 'cbytes', 'qnum', 'lspid', 'lrpid', 'uid'] as const,
    (r) => ({ ...r, key: key32(r.key), perms: octal(r.perms) }));
}

export function parseSysvSem(text: string): TableResult<SysvSem> {
  return parse(text, ['key', 'semid', 'perms', 'nsems', 'uid'] as const,
    (r) => ({ ...r, key: key32(r.key), perms: octal(r.perms) }));
}

/** A SysV key as the tools print it: 0x + 8 hex digits. */
export function sysvKeyHex(key: number): string {
  return '0x' + (key >>> 0).toString(16).padStart(8, '0');
}
