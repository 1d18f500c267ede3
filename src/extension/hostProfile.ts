// Developer aid: IPC_INSPECTOR_PROFILE_HOST=<file.cpuprofile> records a CPU profile of the extension host's
// main thread (node:inspector, in process) from activation for IPC_INSPECTOR_PROFILE_SECONDS (default 60)
// and writes it to that file. code-server ignores --inspect-extensions; this is how bench:explorer's figures
// are taken apart. Off unless the variable is set.

import { writeFileSync } from 'node:fs';
import type { Log } from './log';

export function maybeProfileHost(log: Log): void {
  const file = process.env['IPC_INSPECTOR_PROFILE_HOST'];
  if (!file) return;
  const seconds = Number(process.env['IPC_INSPECTOR_PROFILE_SECONDS'] ?? 60);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Session } = require('node:inspector') as typeof import('node:inspector');
  const s = new Session();
  s.connect();
  s.post('Profiler.enable', () => s.post('Profiler.start', () => {
    log.info(`profiling the extension host's main thread for ${seconds} s into ${file}`);
    setTimeout(() => {
      s.post('Profiler.stop', (err, r) => {
        if (err) log.error('host profile failed:', err);
        else writeFileSync(file, JSON.stringify(r.profile));
        s.disconnect();
      });
    }, seconds * 1000).unref();
  }));
}
