// Builds every snippet with its defaults filled in: Rust via one harness crate on Debian's crate sources, C with gcc
// -Werror, Python byte-compiled with warnings as errors, TypeScript type-checked by tsc (strict) and bundled by esbuild.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { fillDefaults } from '../../src/core/snippets/placeholders';
import { sourcePath } from '../../src/core/snippets/generate';
import type { CrateDep, SnippetEntry, SnippetLanguage } from '../../src/core/snippets/types';
import { pool, run, tail, type Command } from './proc';
import { DEBIAN_REGISTRY, toolPath } from './prereq';

export interface Built {
  ok: boolean;
  /** Compiler output worth showing (errors, warnings). */
  log: string;
  /** How to start the program (arguments are appended for the second side of a pair). */
  command?: Command;
  /** The filled source that was compiled. */
  file: string;
}

export const CC_FLAGS = ['-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-pthread'];
export const PY_FLAGS = ['-X', 'dev', '-W', 'error::ResourceWarning'];

/** A placeholder default a probe changes: every `${N:from}` becomes `${N:to}` (and so do the mirrors `$N`). */
export interface DefaultEdit {
  from: string;
  to: string;
}

/** A catalogue entry to build, or a probe's variant of one: its own id, the source of `variantOf` with `edits`. */
export interface BuildEntry extends SnippetEntry {
  variantOf?: SnippetEntry;
  edits?: readonly DefaultEdit[];
  /** Extra gcc flags for a C variant. */
  cflags?: readonly string[];
}

/**
 * `source` with some placeholder defaults changed. Throws when a `from` is the default of no simple placeholder
 * (the snippet changed under the probe) or of several different tab stops (the edit would be ambiguous).
 */
export function withDefaults(source: string, edits: readonly DefaultEdit[]): string {
  let out = source;
  for (const { from, to } of edits) {
    const simple = /\$\{(\d+):((?:[^$}\\]|\\[$}\\])*)\}/g;
    const unescape = (s: string): string => s.replace(/\\([$}\\])/g, '$1');
    const stops = new Set([...out.matchAll(simple)].filter((m) => unescape(m[2] ?? '') === from).map((m) => m[1]));
    if (stops.size !== 1) throw new Error(`placeholder default ${JSON.stringify(from)} found in ${stops.size} tab stops, expected 1`);
    const escaped = to.replace(/[$}\\]/g, '\\$&');
    out = out.replace(simple, (whole, index: string, dflt: string) => (unescape(dflt) === from ? `\${${index}:${escaped}}` : whole));
  }
  return out;
}

/** Writes the filled source; leaves the file (and its mtime) alone when unchanged so incremental builds stay warm. */
function fill(root: string, e: BuildEntry, dest: string): string {
  const source = readFileSync(path.join(root, sourcePath(e.variantOf ?? e)), 'utf8');
  const text = fillDefaults(e.edits ? withDefaults(source, e.edits) : source);
  mkdirSync(path.dirname(dest), { recursive: true });
  let current: string | undefined;
  try {
    current = readFileSync(dest, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(dest, text);
  return dest;
}

/** Removes files in `dir` that are not in `keep` (snippets dropped from the catalogue). */
function prune(dir: string, keep: readonly string[]): void {
  if (!existsSync(dir)) return;
  const names = new Set(keep.map((f) => path.basename(f)));
  for (const n of readdirSync(dir)) if (!names.has(n)) rmSync(path.join(dir, n), { recursive: true, force: true });
}

function writeIfChanged(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // new file
  }
  writeFileSync(file, text);
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Only the lines of a compiler log that mention `file`, with some context; the whole log if none do. */
function relevant(log: string, file: string): string {
  const name = path.basename(file);
  const lines = log.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(name) ? [i] : []));
  if (hits.length === 0) return tail(log, 30);
  const keep = new Set<number>();
  for (const i of hits) for (let j = Math.max(0, i - 2); j < Math.min(lines.length, i + 8); j++) keep.add(j);
  return [...keep].sort((a, b) => a - b).map((i) => lines[i]).join('\n');
}

export interface BuildOptions {
  /** Also run clippy on the Rust snippets; any lint fails the snippet. */
  clippy?: boolean;
  /** Build the C snippets with AddressSanitizer and UndefinedBehaviorSanitizer. */
  sanitize?: boolean;
}

export async function buildRust(root: string, cache: string, entries: BuildEntry[], crates: CrateDep[], opts: BuildOptions = {}): Promise<Map<string, Built>> {
  const dir = path.join(cache, 'snippets-rust');
  mkdirSync(path.join(dir, '.cargo'), { recursive: true });
  writeIfChanged(
    path.join(dir, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian-packages"\n\n[source.debian-packages]\ndirectory = "${DEBIAN_REGISTRY}"\n\n[net]\noffline = true\n`,
  );
  const deps = crates.map((c) => `${c.name} = "${c.version}"`).join('\n');
  const bins = entries.map((e) => `[[bin]]\nname = "${e.id}"\npath = "src/bin/${e.id}.rs"\ntest = false\n`).join('\n');
  writeIfChanged(
    path.join(dir, 'Cargo.toml'),
    `# Generated by test/snippets/build.ts: one binary per Rust snippet.\n[package]\nname = "ipc-snippets"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n` +
      `[dependencies]\n${deps}\n\n[lints.rust]\nwarnings = "deny"\n\n[profile.dev]\ndebug = false\n\n${bins}`,
  );
  const out = new Map<string, Built>();
  const files = entries.map((e) => fill(root, e, path.join(dir, 'src', 'bin', `${e.id}.rs`)));
  prune(path.join(dir, 'src', 'bin'), files);
  // A binary left from an earlier run must not pass for a fresh build.
  for (const e of entries) rmSync(path.join(dir, 'target', 'debug', e.id), { force: true });
  const r = await run(
    { cmd: 'cargo', args: ['build', '--offline', '--bins', '--keep-going', '--color', 'never'], cwd: dir, env: { ...process.env, PATH: toolPath() } },
    900_000,
  );
  let log = r.stderr + (r.timedOut ? '\ncargo build timed out' : '');
  let lints = '';
  if (opts.clippy) {
    const c = await run(
      { cmd: 'cargo', args: ['clippy', '--offline', '--bins', '--keep-going', '--color', 'never', '--', '-D', 'warnings'], cwd: dir, env: { ...process.env, PATH: toolPath() } },
      900_000,
    );
    lints = c.stderr;
    log += lints;
  }
  entries.forEach((e, i) => {
    const bin = path.join(dir, 'target', 'debug', e.id);
    const linted = opts.clippy && lints.includes(`src/bin/${e.id}.rs`);
    const ok = existsSync(bin) && !linted;
    out.set(e.id, { ok, log: ok ? '' : relevant(log, `src/bin/${e.id}.rs`), command: { cmd: bin, args: [] }, file: files[i] as string });
  });
  return out;
}

export async function buildC(root: string, cache: string, entries: BuildEntry[], opts: BuildOptions = {}): Promise<Map<string, Built>> {
  const dir = path.join(cache, 'snippets-c');
  for (const e of entries) fill(root, e, path.join(dir, `${e.id}.c`));
  prune(dir, entries.flatMap((e) => [`${e.id}.c`, e.id, `${e.id}.stamp`]));
  const results = await pool(entries, 2, async (e) => {
    const file = path.join(dir, `${e.id}.c`);
    const bin = path.join(dir, e.id);
    const args = [...CC_FLAGS, ...(e.cflags ?? []), ...(opts.sanitize ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g'] : []), file, '-o', bin, '-lrt'];
    // Like make: skip gcc when this exact source was compiled with these exact flags into the binary present.
    const stampFile = path.join(dir, `${e.id}.stamp`);
    const stamp = sha(JSON.stringify(args) + readFileSync(file, 'utf8'));
    const command = { cmd: bin, args: [] };
    if (existsSync(bin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return [e.id, { ok: true, log: '', command, file }] as const;
    rmSync(bin, { force: true });
    rmSync(stampFile, { force: true });
    const r = await run({ cmd: 'gcc', args }, 120_000);
    if (r.code === 0) writeFileSync(stampFile, stamp);
    const built: Built = { ok: r.code === 0, log: (r.stderr + r.stdout).trim(), command, file };
    return [e.id, built] as const;
  });
  return new Map(results);
}

/** The real interpreter behind `python3` (pyenv shims cost a shell start per run). */
function pythonExecutable(): string {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 20000 }).trim() || 'python3';
  } catch {
    return 'python3';
  }
}

export async function buildPython(root: string, cache: string, entries: BuildEntry[]): Promise<Map<string, Built>> {
  const dir = path.join(cache, 'snippets-python');
  const files = entries.map((e) => fill(root, e, path.join(dir, `${e.id}.py`)));
  prune(dir, files);
  const python = pythonExecutable();
  // compile() with every warning an error catches SyntaxWarnings such as invalid escape sequences.
  const script =
    'import sys, json\nres = {}\nfor f in sys.argv[1:]:\n    try:\n        compile(open(f, encoding="utf-8").read(), f, "exec")\n' +
    '        res[f] = ""\n    except BaseException as e:\n        res[f] = f"{type(e).__name__}: {e}"\nprint(json.dumps(res))\n';
  const r = await run({ cmd: python, args: ['-W', 'error', '-c', script, ...files] }, 60_000);
  let verdicts: Record<string, string> = {};
  try {
    verdicts = JSON.parse(r.stdout) as Record<string, string>;
  } catch {
    verdicts = Object.fromEntries(files.map((f) => [f, `compile check failed: ${tail(r.stderr)}`]));
  }
  const env = { ...process.env, PYTHONDEVMODE: '1', PYTHONWARNINGS: 'error::ResourceWarning' }; // children inherit dev mode
  return new Map(
    entries.map((e, i) => {
      const file = files[i] as string;
      const err = verdicts[file] ?? 'not compiled';
      return [e.id, { ok: err === '', log: err, command: { cmd: python, args: [...PY_FLAGS, file], env }, file }];
    }),
  );
}

export async function buildTypeScript(root: string, cache: string, entries: BuildEntry[]): Promise<Map<string, Built>> {
  const dir = path.join(cache, 'snippets-typescript');
  const files = entries.map((e) => fill(root, e, path.join(dir, 'src', `${e.id}.ts`)));
  prune(path.join(dir, 'src'), files);
  rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  writeIfChanged(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022', module: 'commonjs', moduleDetection: 'force', strict: true, noUnusedLocals: true,
          noUnusedParameters: true, noImplicitReturns: true, noFallthroughCasesInSwitch: true, noUncheckedIndexedAccess: true,
          types: ['node'], typeRoots: [path.resolve(root, 'node_modules', '@types')], noEmit: true, skipLibCheck: true,
          incremental: true, tsBuildInfoFile: 'tsbuildinfo.json',
        },
        include: ['src/*.ts'],
      },
      null,
      2,
    ),
  );
  const tsc = path.resolve(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await run({ cmd: process.execPath, args: [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'] }, 180_000);
  const log = r.stdout + r.stderr;
  // tsc failed without blaming any snippet (bad config, crash): every snippet counts as not compiled.
  const globalFailure = r.code !== 0 && !/src\/[\w-]+\.ts\(/.test(log);
  const out = new Map<string, Built>();
  entries.forEach((e, i) => {
    const file = files[i] as string;
    const errors = log.split('\n').filter((l) => l.includes(`src/${e.id}.ts(`)).join('\n');
    const js = path.join(dir, 'out', `${e.id}.cjs`);
    let ok = errors === '' && !globalFailure;
    let buildLog = globalFailure ? tail(log, 30) : errors;
    if (ok) {
      try {
        buildSync({ entryPoints: [file], outfile: js, bundle: false, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
      } catch (err) {
        ok = false;
        buildLog = `esbuild: ${(err as Error).message}`;
      }
    }
    if (r.timedOut) {
      ok = false;
      buildLog = 'tsc timed out';
    }
    out.set(e.id, { ok, log: buildLog, command: { cmd: process.execPath, args: [js] }, file });
  });
  return out;
}

export async function buildAll(
  root: string,
  cache: string,
  byLang: Map<SnippetLanguage, BuildEntry[]>,
  crates: CrateDep[],
  opts: BuildOptions = {},
): Promise<Map<string, Built>> {
  const key = (l: SnippetLanguage, id: string): string => `${l}/${id}`;
  const all = new Map<string, Built>();
  const add = (l: SnippetLanguage, m: Map<string, Built>): void => {
    for (const [id, b] of m) all.set(key(l, id), b);
  };
  // Cargo is the long pole: run it alongside the others (2 cores).
  const rust = byLang.get('rust')?.length ? buildRust(root, cache, byLang.get('rust') ?? [], crates, opts) : Promise.resolve(new Map<string, Built>());
  const rest = (async (): Promise<void> => {
    if (byLang.get('c')?.length) add('c', await buildC(root, cache, byLang.get('c') ?? [], opts));
    if (byLang.get('python')?.length) add('python', await buildPython(root, cache, byLang.get('python') ?? []));
    if (byLang.get('typescript')?.length) add('typescript', await buildTypeScript(root, cache, byLang.get('typescript') ?? []));
  })();
  add('rust', await rust);
  await rest;
  return all;
}
