// Wall time of takeSnapshot() and refreshQueues() on this machine, next to ss, lsfd and lsof in the same run.
// Usage: npx tsx scripts/time-snapshot.ts [--runs N] [--procs P --pipes N --pairs N --fifos N]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { refreshQueues } from '../src/core/scan/refresh';
import { takeSnapshot } from '../src/core/scan/snapshot';
import { startHelper } from '../test/integration/helpers/holders';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    procs: { type: 'string', default: '0' },
    pipes: { type: 'string', default: '0' },
    pairs: { type: 'string', default: '0' },
    fifos: { type: 'string', default: '0' },
  },
});
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
function timeIt(f: () => void): number {
  f(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  return median(ts);
}
function timeCmd(cmd: string, args: string[]): number | null {
  const probe = spawnSync(cmd, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return null;
  return timeIt(() => void spawnSync(cmd, args, { stdio: 'ignore' }));
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'ipci-pop-'));
  const pop = Number(values.procs) > 0
    ? await startHelper<{ pids: number[]; fds: number }>('population.py', [work, values.procs!, values.pipes!, values.pairs!, values.fifos!])
    : null;
  try {
    const snap = takeSnapshot();
    const procs = snap.processes.length;
    const fds = snap.scan?.fds ?? 0;
    const ours = timeIt(() => void takeSnapshot());
    const refresh = timeIt(() => void refreshQueues(snap.objects));
    const unixOnly = snap.objects.filter((o) => o.kind === 'unix');
    const refreshUnix = timeIt(() => void refreshQueues(unixOnly));
    const phases = takeSnapshot().scan?.phasesMs;
    const rows: [string, number | null][] = [
      ['takeSnapshot() in process', ours],
      ['refreshQueues(all objects)', refresh],
      ['refreshQueues(unix only)', refreshUnix],
      ['ss -xap', timeCmd('ss', ['-xap'])],
      ['ss -xa', timeCmd('ss', ['-xa'])],
      ['lsfd', timeCmd('lsfd', [])],
      ['lsof -n -P', timeCmd('lsof', ['-n', '-P'])],
    ];
    console.log(`population: ${procs} processes, ${fds} fds, ${snap.objects.length} objects (pipes, FIFOs, unix, tcp, udp); median of ${runs} runs`);
    for (const [name, ms] of rows) {
      const ratio = ms && ours ? ` (takeSnapshot / this = ${(ours / ms).toFixed(2)})` : '';
      const own = name.startsWith('take') || name.startsWith('refresh');
      const refreshRatio = name === 'ss -xa' && ms ? `, refresh / this = ${(refresh / ms).toFixed(2)}, refresh unix / this = ${(refreshUnix / ms).toFixed(2)}` : '';
      console.log(`${name.padEnd(28)} ${ms === null ? 'n/a' : ms.toFixed(1).padStart(8) + ' ms'}${own ? '' : ratio.replace(/\)$/, refreshRatio + ')')}`);
    }
    console.log('phases of one snapshot (ms):', JSON.stringify(phases));
  } finally {
    await pop?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
void main();
