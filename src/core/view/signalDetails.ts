// The signal part of a process's details document: dispositions, the process's pending set, and each thread's
// own mask and pending set (a process's status shows only its main thread's). Pure text, machine names escaped.

import { escapeControl } from '../names';
import type { ProcessSignals, ThreadSignals } from '../procfs/signals';

const list = (names: readonly string[]): string => (names.length ? names.map((n) => n.replace(/^SIG/, '')).join(', ') : '-');

export function signalDetailLines(sig: ProcessSignals | null, threads: readonly ThreadSignals[] | null): string[] {
  if (!sig) return ['signals: (unreadable)'];
  const row = (label: string, names: readonly string[]): string => `  ${`${label}:`.padEnd(23)}${list(names)}`;
  const out = ['signals:', row('caught', sig.caught), row('ignored', sig.ignored), row('pending (process)', sig.pending)];
  if (!threads?.length) {
    out.push(row('blocked (main thread)', sig.blocked), row('pending (main thread)', sig.pendingThread));
    return out;
  }
  out.push(`  threads (${threads.length}): tid, name, blocked; pending for that thread alone`);
  for (const t of threads) {
    out.push(`    ${t.tid}  ${escapeControl(t.name)}  blocked: ${list(t.blocked)}${t.pending.length ? `; pending: ${list(t.pending)}` : ''}`);
  }
  return out;
}
