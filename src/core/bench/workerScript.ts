// Finds the Node benchmark worker: dist/bench.worker.js next to the bundle that runs us, or, when running
// from sources (tests under tsx), a fresh esbuild bundle of native/bench/bench.worker.ts in node_modules/.cache.

import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let cached: string | null = null;

function repoRoot(from: string): string | null {
  for (let d = from; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'native', 'bench', 'bench.worker.ts')) && existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

export function nodeWorkerScript(): string {
  if (cached) return cached;
  const bundled = path.join(__dirname, 'bench.worker.js');
  if (existsSync(bundled)) return (cached = bundled);
  const root = repoRoot(__dirname);
  if (!root) throw new Error(`benchmark worker not found (looked for ${bundled})`);
  const outDir = path.join(root, 'node_modules', '.cache', 'ipc-inspector');
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'bench.worker.js');
  // Built once per process, so tests always run the current sources.
  // createRequire keeps bundlers from trying to inline esbuild (a dev tool, absent from the package).
  const esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(root, 'native', 'bench', 'bench.worker.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    logLevel: 'error',
  });
  return (cached = out);
}
