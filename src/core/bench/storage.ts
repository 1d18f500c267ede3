// Benchmark run storage: one JSON line per run in <dir>/bench-runs.jsonl (e.g. the extension's globalStorage).

import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchRun } from './results';

export const RUNS_FILE = 'bench-runs.jsonl';
/** How many runs appendRun keeps by default (the CLI's --store help says so). */
export const STORED_RUNS = 50;

export interface StoredRuns {
  /** Oldest first. */
  runs: BenchRun[];
  /** Lines that were not a run record (truncated write, hand edit): skipped, never thrown. */
  skipped: number;
}

function isRun(v: unknown): v is BenchRun {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.started_at === 'string' && Array.isArray(o.results)
    && !!o.machine && typeof o.machine === 'object';
}

export function readRuns(dir: string): StoredRuns {
  let text: string;
  try { text = readFileSync(path.join(dir, RUNS_FILE), 'utf8'); } catch { return { runs: [], skipped: 0 }; }
  const runs: BenchRun[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRun(v)) runs.push(v); else skipped++;
    } catch { skipped++; }
  }
  return { runs, skipped };
}

/** Appends a run; keeps at most `keep` runs (oldest dropped) by rewriting the file atomically. */
export function appendRun(dir: string, run: BenchRun, keep = STORED_RUNS): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, RUNS_FILE);
  appendFileSync(file, `${JSON.stringify(run)}\n`);
  const { runs } = readRuns(dir);
  if (runs.length > keep) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, runs.slice(-keep).map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, file);
  }
}

export function latestRun(dir: string): BenchRun | null {
  const { runs } = readRuns(dir);
  return runs.length ? runs[runs.length - 1]! : null;
}
