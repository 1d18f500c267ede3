// Run as an unprivileged user by the integration tests: creates a pipe in a child of its own, takes a
// snapshot and prints what a normal user sees (hidden count, its own pipe with both ends and fill).

import { refreshQueues, type RefreshTarget } from '../../../src/core/scan/refresh';
import { takeSnapshot } from '../../../src/core/scan/snapshot';
import { startHelper } from './holders';

async function main(): Promise<void> {
  const h = await startHelper<{ pipe: { ino: number }; writer: { pid: number; fd: number }; reader: { pid: number; fd: number } }>(
    'ipc_objects.py', ['pipe', '/tmp'],
  );
  try {
    const s = takeSnapshot();
    const pipe = s.objects.find((o) => o.kind === 'pipe' && o.inode === h.info.pipe.ino);
    // Kernel threads are root's but hold nothing (no fds, no mappings): never counted as hidden.
    const foreign = s.processes.filter((p) => p.uid !== process.getuid!() && p['kernelThread'] !== true).length;
    const kernelThreads = s.processes.filter((p) => p['kernelThread'] === true).length;
    // Objects of root's that the test passes in (IPCI_FOREIGN): the refresh path must not throw on what this
    // user may not read, and the live views and `watch` rely on it to say "no sample" instead.
    let foreignSamples: unknown = null;
    if (process.env['IPCI_FOREIGN']) {
      try {
        foreignSamples = refreshQueues(JSON.parse(process.env['IPCI_FOREIGN']) as RefreshTarget[]).samples;
      } catch (e) {
        foreignSamples = { error: String(e instanceof Error ? e.stack : e) };
      }
    }
    const own = pipe ? refreshQueues([pipe]).samples : null;
    console.log(JSON.stringify({
      foreignSamples, ownSamples: own,
      uid: process.getuid!(), hidden: s.hidden.processes, foreign, kernelThreads, notes: s.notes,
      pipe: pipe ? { endpoints: pipe.endpoints, queue: pipe.queue } : null, info: h.info,
      unixSockets: s.objects.filter((o) => o.kind === 'unix').length,
      fdSource: s.scan?.fdSource, fdIteratorUnusable: s.scan?.fdIteratorUnusable,
    }));
  } finally {
    await h.stop();
  }
}
main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack) }));
  process.exitCode = 1;
});
