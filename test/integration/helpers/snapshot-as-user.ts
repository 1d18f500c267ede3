// Run as an unprivileged user by the integration tests: creates a pipe in a child of its own, takes a
// snapshot and prints what a normal user sees (hidden count, its own pipe with both ends and fill).

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
    console.log(JSON.stringify({
      uid: process.getuid!(), hidden: s.hidden.processes, foreign, kernelThreads, notes: s.notes,
      pipe: pipe ? { endpoints: pipe.endpoints, queue: pipe.queue } : null, info: h.info,
      unixSockets: s.objects.filter((o) => o.kind === 'unix').length,
    }));
  } finally {
    await h.stop();
  }
}
main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.stack) }));
  process.exitCode = 1;
});
