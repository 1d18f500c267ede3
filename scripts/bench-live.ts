// CPU cost of live sampling at 5 Hz and 20 Hz, measured the way the extension host runs it: the live
// worker thread does the reads (engine refresh path, shm header pread); the main thread keeps the sample
// windows and statistics as the occupancy panel does. Population: the ring-buffer demo, a pipe with a
// reader and three socketpairs (real kernel objects in child processes).
// Rate 0 is the baseline: the same process with the sampler idle.
// Usage: npx tsx scripts/bench-live.ts [--seconds 20] [--rates 0,5,20]

import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { LiveSamplerClient } from '../src/core/live/client';
import { targetFor, type LiveTarget } from '../src/core/live/sampler';
import { PRESETS } from '../src/core/live/ringLayout';
import { SampleWindow, isAlarm } from '../src/core/live/samples';
import { Ticker } from '../src/core/live/ticker';
import { takeSnapshot } from '../src/core/scan/snapshot';
import { RingDemo } from '../native/demo/ringDemo';
import { startHelper, type Holder } from '../test/integration/helpers/holders';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rates: { type: 'string', default: '0,5,20' } } });
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);
const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'bench-live');

async function main(): Promise<void> {
  await build({
    entryPoints: { 'live.worker': 'src/core/live/live.worker.ts', 'ringDemo.worker': 'native/demo/ringDemo.worker.ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['koffi'], outdir: OUT, logLevel: 'silent',
  });
  const holders: Holder<unknown>[] = [];
  const demo = await RingDemo.start({ command: [process.execPath, path.join(OUT, 'ringDemo.worker.js')], rates: { producer: 3000, consumer: 2500, burstiness: 0.3 } });
  try {
    const pipe = await startHelper<{ pipe: { ino: number } }>('ipc_objects.py', ['pipe', '/tmp']);
    const pairs = await startHelper<{ pairs: Record<string, { a: { ino: number }; b: { ino: number } }> }>('ipc_objects.py', ['socketpairs', '/tmp']);
    holders.push(pipe, pairs);
    const snap = takeSnapshot();
    const inos = new Set([pipe.info.pipe.ino, ...Object.values(pairs.info.pairs).map((p) => p.b.ino)]);
    const targets: LiveTarget[] = snap.objects.filter((o) => inos.has(o.inode)).map((o) => targetFor(o, () => undefined)!).filter(Boolean);
    targets.push({ id: 'demo', kind: 'shm-ring', file: demo.file, layout: PRESETS.seed });
    console.log(`targets: ${targets.map((t) => t.kind === 'engine' ? t.object.kind : t.kind).join(', ')} (${snap.objects.length} objects on the machine)`);
    const client = new LiveSamplerClient(path.join(OUT, 'live.worker.js'));
    await client.sample(targets); // start the worker and load koffi before measuring
    console.log('rate   ticks  skipped  worker ms/tick  process CPU  (over idle)  main-thread busy  main ms/tick (max)  event-loop delay max');
    let idle: number | undefined;
    for (const hz of rates) {
      const windows = new Map(targets.map((t) => [t.id, new SampleWindow(60_000)]));
      const durations: number[] = [];
      let mainMax = 0;
      const ticker = new Ticker(Math.max(hz, 1), async () => {
        const m0 = performance.now();
        const req = client.sample(targets);
        let mainMs = performance.now() - m0;
        const r = await req;
        const m1 = performance.now();
        durations.push(client.lastDurationMs);
        const now = Date.now();
        for (const [id, res] of r) {
          if (!res.ok) continue;
          const w = windows.get(id)!;
          w.push({ t: now, used: res.sample.used, capacity: res.sample.capacity });
          const s = w.stats();
          isAlarm(s.current, s.capacity, { kind: 'percent', value: 90 });
        }
        mainMs += performance.now() - m1;
        mainMax = Math.max(mainMax, mainMs);
      });
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const elu0 = performance.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      if (hz > 0) ticker.start();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      ticker.stop();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const elu = performance.eventLoopUtilization(elu0);
      h.disable();
      const mean = durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length);
      const pct = ((cpu.user + cpu.system) / 1000 / wall) * 100;
      if (hz === 0) idle = pct;
      const over = idle === undefined || hz === 0 ? '' : `${(pct - idle).toFixed(2)} %`;
      console.log(`${String(hz).padStart(2)} Hz  ${String(ticker.ticks).padStart(5)}  ${String(ticker.skipped).padStart(7)}  ${mean.toFixed(3).padStart(14)}  ${pct.toFixed(2).padStart(9)} %  ${over.padStart(11)}  ${(elu.utilization * 100).toFixed(2).padStart(14)} %  ${mainMax.toFixed(2).padStart(18)}  ${(h.max / 1e6).toFixed(1).padStart(17)} ms`);
    }
    client.dispose();
  } finally {
    await demo.stop();
    await Promise.all(holders.map((h) => h.stop()));
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
