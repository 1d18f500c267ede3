// Builds every bundle: the extension host, the CLI, worker entry points and one browser bundle per webview.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

// Node bundles: koffi stays external (its native binary is loaded from node_modules at run time) and
// `vscode` is provided by the extension host.
const nodeEntries = {
  extension: 'src/extension/extension.ts',
  cli: 'src/cli.ts',
};
// Worker entry points (scan worker, benchmark workers, demo) live in native/ or src/core and are found
// by convention: any file named *.worker.ts under src/ or native/.
function findWorkers(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findWorkers(p));
    else if (e.name.endsWith('.worker.ts')) out.push(p);
  }
  return out;
}
for (const w of [...findWorkers('src'), ...findWorkers('native')]) {
  nodeEntries[path.basename(w, '.ts')] = w;
}

// Browser bundles: every folder under webview/ with a main.ts (except shared/).
const webEntries = {};
for (const e of readdirSync('webview', { withFileTypes: true })) {
  if (e.isDirectory() && e.name !== 'shared' && e.name !== 'lib' && existsSync(path.join('webview', e.name, 'main.ts'))) {
    webEntries[e.name] = path.join('webview', e.name, 'main.ts');
  }
}

if (!watch) rmSync('dist', { recursive: true, force: true });

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'koffi'],
    banner: { js: '' },
  },
];
if (Object.keys(webEntries).length) {
  builds.push({
    ...common,
    entryPoints: webEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
