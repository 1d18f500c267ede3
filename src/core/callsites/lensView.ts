// What each code lens shows and runs, from a call site and its resolution (pure, so it is unit-tested).

import { escapeIcons } from '../names';
import type { LensResolution } from './resolve';

export interface LensCommand {
  title: string;
  tooltip: string;
  /** '' renders the title as plain text (nothing to click). */
  command: string;
  arguments: unknown[];
}

export const COMMANDS = {
  reveal: 'ipcInspector.revealObject',
  benchmark: 'ipcInspector.runBenchmark',
  occupancy: 'ipcInspector.showOccupancy',
  insertSnippet: 'ipcInspector.insertSnippet',
} as const;

export const SCANNING_TITLE = '… scanning';

const BENCH_LABEL: Record<string, string> = {
  'unix-stream': 'Unix stream', 'unix-dgram': 'Unix datagram', 'unix-seqpacket': 'Unix seqpacket', fifo: 'FIFO', tcp: 'TCP',
  udp: 'UDP', 'shm-futex': 'shared memory', 'posix-mq': 'message queue', signal: 'signal',
};

/**
 * The status lens: the live state; clicking reveals the object in the explorer when there is one. Its title quotes
 * process names, and a code lens renders `$(name)` in a title as an icon: escaped (escapeIcons).
 */
export function statusLens(r: LensResolution): LensCommand {
  const title = escapeIcons(r.title);
  return r.objectId
    ? { title, tooltip: `${r.tooltip}\n\nClick to reveal it in the IPC Inspector explorer.`, command: COMMANDS.reveal, arguments: [`obj:${r.objectId}`] }
    : { title, tooltip: r.tooltip, command: '', arguments: [] };
}

/** The second lens: the occupancy chart of a live object with a queue, else the matching benchmark; none if neither. */
export function actionLens(r: LensResolution): LensCommand | undefined {
  if (r.objectId && r.chartable) {
    return { title: '$(graph-line) Occupancy', tooltip: 'Open the queue occupancy chart of this object.', command: COMMANDS.occupancy, arguments: [`obj:${r.objectId}`] };
  }
  if (r.benchmark) {
    const label = BENCH_LABEL[r.benchmark] ?? r.benchmark;
    return { title: `$(dashboard) Benchmark ${label}`, tooltip: `Measure ${label} latency and throughput on this machine.`, command: COMMANDS.benchmark, arguments: [{ mechanisms: [r.benchmark] }] };
  }
  return undefined;
}

export function scanningLens(): LensCommand {
  return { title: SCANNING_TITLE, tooltip: 'IPC Inspector is taking a snapshot of this machine.', command: '', arguments: [] };
}

export function insertSnippetLens(): LensCommand {
  return { title: '$(add) Insert IPC snippet…', tooltip: 'Insert a tested IPC snippet for this language.', command: COMMANDS.insertSnippet, arguments: [] };
}
