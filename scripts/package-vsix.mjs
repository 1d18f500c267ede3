// Packages the linux-x64 VSIX (after `node esbuild.mjs --production`) and proves it is clean and complete:
// lists it, fails on sources/maps/tests/other platforms' binaries, and loads koffi from the VSIX's own files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { vsixReadme } from './vsixReadme.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = 'linux-x64';
const vsix = path.join(root, 'out', `ipc-inspector-${target}.vsix`);
const warnBytes = 3 * 1024 * 1024;

function fail(msg) {
  console.error(`package-vsix: ${msg}`);
  process.exit(1);
}

for (const f of ['dist/extension.js', 'package.json', 'LICENSE', 'node_modules/koffi/package.json']) {
  if (!existsSync(path.join(root, f))) fail(`${f} is missing (run \`npm ci\` and \`node esbuild.mjs --production\` first)`);
}

// vsce never prompts here: stdin is closed (a prompt would read EOF and abort), a missing repository is allowed
// (this project has no public one) and a LICENSE exists. Dependencies stay on: vsce takes koffi from
// `npm list --production`, .vscodeignore trims it. Relative links stay relative (rewriting needs a repository
// URL); the README given to vsce has no screenshot, and every relative link left is checked below.
mkdirSync(path.dirname(vsix), { recursive: true });
rmSync(vsix, { force: true });
const readmePath = path.join(root, 'out', 'README.vsix.md');
writeFileSync(readmePath, vsixReadme(readFileSync(path.join(root, 'README.md'), 'utf8')));
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const run = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--no-rewrite-relative-links', '--allow-missing-repository',
  '--readme-path', path.relative(root, readmePath), '--out', vsix], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  env: { ...process.env, CI: 'true' },
});
// vsce's own file tree duplicates the listing below: keep only its verdict lines unless it failed.
const vsceOut = run.stdout ?? '';
if (run.status !== 0 || !existsSync(vsix)) {
  process.stdout.write(vsceOut);
  fail(`vsce package failed (exit ${run.status})`);
}
for (const line of vsceOut.split('\n')) if (/WARNING|DONE|large/.test(line)) console.log(line);

// Minimal ZIP central-directory reader: enough for the entries vsce writes (stored or deflated).
function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) fail(`${vsix} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) fail('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    entries.push({ name, size, csize, method, local });
    p += 46 + nlen + xlen + clen;
  }
  return entries;
}
function entryData(buf, e) {
  const start = e.local + 30 + buf.readUInt16LE(e.local + 26) + buf.readUInt16LE(e.local + 28);
  const raw = buf.subarray(start, start + e.csize);
  if (e.method === 0) return raw;
  if (e.method === 8) return inflateRawSync(raw);
  fail(`unsupported zip method ${e.method} for ${e.name}`);
}

const buf = readFileSync(vsix);
const entries = readZip(buf).filter((e) => !e.name.endsWith('/'));
const files = entries.map((e) => e.name);

const koffiPlatform = /^extension\/node_modules\/@koromix\/koffi-(?!linux-x64\/)/;
const allowedModules = /^extension\/node_modules\/(koffi|@koromix\/koffi-linux-x64)\//;
const forbidden = [
  [/^extension\/(src|test|native|webview|scripts|out|\.e2e|\.ci)\//, 'sources, tests or build output'],
  [/\.(ts|tsx|mts|cts)$/, 'TypeScript source'],
  [/\.map$/, 'source map'],
  [/musl/, 'musl binary'],
  [koffiPlatform, 'another platform\'s koffi binary'],
  [/^extension\/node_modules\//, 'a node module other than koffi', (f) => !allowedModules.test(f)],
  [/\.(cc|hh|h|c|cpp|inc)$|CMakeLists\.txt$|\/vendor\//, 'native source'],
];
const bad = [];
for (const f of files) {
  for (const [re, why, extra] of forbidden) {
    if (re.test(f) && (!extra || extra(f))) bad.push(`${f}  (${why})`);
  }
}
const required = [
  // vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
  'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/dist/extension.js',
  'extension/node_modules/koffi/index.cjs',
  'extension/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node',
];
const missing = required.filter((f) => !files.includes(f));
const manifest = entryData(buf, entries.find((e) => e.name === 'extension.vsixmanifest') ?? fail('no manifest')).toString();
if (!manifest.includes(`TargetPlatform="${target}"`)) bad.push(`extension.vsixmanifest has no TargetPlatform="${target}"`);

// Summary: one line per file, grouped by top folder with totals.
console.log(`\n${path.relative(root, vsix)}:`);
for (const e of entries) console.log(`  ${String(e.size).padStart(9)}  ${e.name}`);
const groups = new Map();
for (const e of entries) {
  const parts = e.name.split('/');
  const key = parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts[0];
  const g = groups.get(key) ?? { n: 0, size: 0 };
  g.n++; g.size += e.size;
  groups.set(key, g);
}
console.log('  by folder (uncompressed):');
for (const [k, g] of groups) console.log(`    ${k.padEnd(28)} ${String(g.n).padStart(3)} files ${(g.size / 1024).toFixed(0).padStart(6)} KiB`);

if (missing.length) fail(`required files missing from the VSIX:\n  ${missing.join('\n  ')}`);
// Every relative link and image of the packaged README must be a file of the VSIX (a broken image on the
// extension's page once went unnoticed: the screenshots were referenced but not shipped).
const readme = entryData(buf, entries.find((e) => e.name === 'extension/readme.md')).toString('utf8');
const broken = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1])
  .filter((u) => !/^[a-z]+:|^#/i.test(u) && !files.includes(`extension/${u.replace(/^\.\//, '')}`));
if (broken.length) bad.push(`readme.md links to files the VSIX does not hold: ${broken.join(', ')}`);
if (/media\/screenshots\//.test(readme)) bad.push('readme.md still mentions media/screenshots/');
if (bad.length) fail(`forbidden files in the VSIX:\n  ${bad.join('\n  ')}`);

// koffi must load from exactly the files shipped (catches an allow-list that drops a file koffi requires).
const probe = mkdtempSync(path.join(tmpdir(), 'vsix-koffi-'));
try {
  for (const e of entries.filter((x) => x.name.startsWith('extension/node_modules/'))) {
    const dest = path.join(probe, e.name);
    mkdirSync(path.dirname(dest), { recursive: true });
    writeFileSync(dest, entryData(buf, e));
  }
  const code = `const k = require(${JSON.stringify(path.join(probe, 'extension/node_modules/koffi'))});` +
    `const getpid = k.load('libc.so.6').func('int getpid()');` +
    `if (getpid() !== process.pid) process.exit(3); console.log(k.version);`;
  const out = execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' }).trim();
  console.log(`  koffi ${out} loads from the VSIX's files (node ${process.version}) and calls libc getpid()`);
} catch (err) {
  fail(`koffi does not load from the VSIX's own files: ${err instanceof Error ? err.message : err}`);
} finally {
  rmSync(probe, { recursive: true, force: true });
}

const size = statSync(vsix).size;
console.log(`\nVSIX ${path.relative(root, vsix)}: ${(size / 1024).toFixed(0)} KiB (${size} bytes), ${files.length} entries`);
if (size > warnBytes) console.warn(`WARNING: the VSIX is larger than 3 MB (${(size / 1048576).toFixed(2)} MB)`);
