// `npm run test:snippets`: fills every snippet's placeholders with their defaults, compiles it, runs it (pairs against
// each other), checks the data really went through and nothing was left behind, prints the matrix, exits 1 on failure.
//
// Options: --lang rust,c   --only id1,id2   --jobs 2   --timeout 30000   --json FILE   --markdown FILE
//          --clippy (Rust lints are errors)   --sanitize (C under ASan/UBSan)

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SNIPPETS } from '../../src/core/snippets/catalogue';
import { LEADING_ROLES, SNIPPET_LANGUAGES, type CrateDep, type SnippetEntry, type SnippetLanguage } from '../../src/core/snippets/types';
import { buildAll, type Built } from './build';
import { renderMarkdown, renderMatrix, type UnitResult } from './matrix';
import { pool, start, tail, type Outcome } from './proc';
import { checkPrereqs } from './prereq';

const root = path.resolve(__dirname, '..', '..');
const { values: opts } = parseArgs({
  options: {
    lang: { type: 'string' },
    only: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '30000' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    clippy: { type: 'boolean', default: false },
    sanitize: { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(opts.timeout);
const languages = new Set<SnippetLanguage>(
  opts.lang ? (opts.lang.split(',').filter((l) => (SNIPPET_LANGUAGES as string[]).includes(l)) as SnippetLanguage[]) : SNIPPET_LANGUAGES,
);
const only = opts.only ? new Set(opts.only.split(',')) : undefined;
/** Names of /dev/shm and /dev/mqueue objects the snippets create all contain the default app name. */
const MARKER = 'myapp';

function selected(e: SnippetEntry): boolean {
  return languages.has(e.language) && (!only || only.has(e.id) || (e.peer !== undefined && only.has(e.peer)));
}

function ipcObjects(): Set<string> {
  const found = new Set<string>();
  for (const dir of ['/dev/shm', '/dev/mqueue']) {
    try {
      for (const n of readdirSync(dir)) if (n.includes(MARKER)) found.add(`${dir}/${n}`);
    } catch {
      // not mounted here: nothing to compare
    }
  }
  return found;
}

/** Problems with one finished program: exit status, timeout, warnings that count as failures. */
function judge(e: SnippetEntry, o: Outcome): { ran: boolean; exchanged: boolean; problems: string[] } {
  const problems: string[] = [];
  if (o.timedOut) problems.push(`${e.id}: timed out after ${o.ms} ms`);
  else if (o.code !== 0) problems.push(`${e.id}: exit ${o.code ?? o.signal}`);
  if (e.language === 'python' && /Exception ignored|ResourceWarning|Traceback/.test(o.stderr)) problems.push(`${e.id}: Python warnings on stderr`);
  const ran = problems.length === 0;
  const missing = e.expect.filter((x) => !o.stdout.includes(x));
  if (missing.length > 0) problems.push(`${e.id}: stdout lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  if (problems.length > 0) problems.push(`  stdout: ${tail(o.stdout, 8).replace(/\n/g, '\n          ')}`, `  stderr: ${tail(o.stderr, 12).replace(/\n/g, '\n          ')}`);
  return { ran, exchanged: missing.length === 0 && ran, problems };
}

/** Runs a single program, or a leader (server/reader/producer) and then its peer with the leader's address. */
async function runUnit(unit: SnippetEntry[], built: Map<string, Built>, scratch: string): Promise<UnitResult> {
  const [first, second] = unit as [SnippetEntry, SnippetEntry | undefined];
  const result: UnitResult = { language: first.language, mechanism: first.mechanism, ids: unit.map((e) => e.id), compiled: true, problems: [], ms: 0 };
  const builds = unit.map((e) => built.get(`${e.language}/${e.id}`));
  unit.forEach((e, i) => {
    const b = builds[i];
    if (!b?.ok) {
      result.compiled = false;
      result.problems.push(`${e.id}: does not compile\n${(b?.log ?? 'not built').replace(/^/gm, '    ')}`);
    }
  });
  if (!result.compiled) return result;
  // Each unit gets its own TMPDIR: whatever is left in it afterwards was not cleaned up.
  const tmp = path.join(scratch, `${first.language}-${first.id}`);
  mkdirSync(tmp, { mode: 0o700 });
  const envFor = (b: Built): NodeJS.ProcessEnv => ({ ...(b.command?.env ?? process.env), TMPDIR: tmp });
  const t0 = Date.now();
  const judged: ReturnType<typeof judge>[] = [];
  const b0 = builds[0] as Built;
  const leader = start({ ...b0.command!, env: envFor(b0) }, timeoutMs);
  const pids = new Set<number>();
  if (leader.child.pid) pids.add(leader.child.pid);
  if (second) {
    const line = await leader.firstLine(Math.min(timeoutMs, 15000));
    const address = line?.trim().split(/\s+/).pop();
    if (!address) {
      leader.kill();
      const o = await leader.done;
      result.problems.push(`${first.id}: printed no address line`, `  stderr: ${tail(o.stderr)}`);
      result.ran = false;
      return result;
    }
    const b1 = builds[1] as Built;
    const follower = start({ ...b1.command!, args: [...b1.command!.args, address], env: envFor(b1) }, timeoutMs);
    if (follower.child.pid) pids.add(follower.child.pid);
    const [o0, o1] = await Promise.all([leader.done, follower.done]);
    judged.push(judge(first, o0), judge(second, o1));
  } else {
    judged.push(judge(first, await leader.done));
  }
  result.ms = Date.now() - t0;
  result.ran = judged.every((j) => j.ran);
  result.exchanged = judged.every((j) => j.exchanged);
  for (const j of judged) result.problems.push(...j.problems);
  // shm and mqueue names end in the creating process's pid: objects of this unit's programs must be gone.
  const leakedHere = [...ipcObjects()].filter((o) => pids.has(Number(/-(\d+)$/.exec(o)?.[1])));
  if (leakedHere.length > 0) {
    result.ran = false;
    result.problems.push(`left IPC objects behind (not unlinked): ${leakedHere.join(', ')}`);
  }
  const leftovers = readdirSync(tmp);
  if (leftovers.length > 0) {
    result.ran = false;
    result.problems.push(`left files behind in TMPDIR: ${leftovers.join(', ')}`);
  }
  rmSync(tmp, { recursive: true, force: true });
  return result;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const entries = SNIPPETS.filter(selected);
  const crates: CrateDep[] = [];
  for (const e of SNIPPETS) for (const c of e.crates) if (!crates.some((x) => x.name === c.name)) crates.push(c);
  const langsInUse = new Set(entries.map((e) => e.language));
  const pre = checkPrereqs(langsInUse, crates);
  console.log(`snippet test: ${entries.length} snippets; ${Object.entries(pre.versions).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  if (pre.problems.length > 0) {
    console.error(`missing prerequisites:\n  ${pre.problems.join('\n  ')}`);
    return 1;
  }
  const cache = path.join(root, '.cache');
  const byLang = new Map<SnippetLanguage, SnippetEntry[]>();
  for (const e of entries) byLang.set(e.language, [...(byLang.get(e.language) ?? []), e]);
  const built = await buildAll(root, cache, byLang, crates, { clippy: opts.clippy, sanitize: opts.sanitize });
  const tBuild = Date.now();
  console.log(`built in ${((tBuild - t0) / 1000).toFixed(1)} s: ${[...built.values()].filter((b) => b.ok).length}/${built.size} compiled`);

  const units: SnippetEntry[][] = [];
  for (const e of entries) {
    if (!e.role) units.push([e]);
    else if (LEADING_ROLES.includes(e.role)) {
      const peer = SNIPPETS.find((p) => p.language === e.language && p.id === e.peer);
      units.push(peer ? [e, peer] : [e]);
    } else if (!entries.some((x) => x.language === e.language && x.id === e.peer)) {
      // Only the second side was selected: run the pair anyway.
      const lead = SNIPPETS.find((p) => p.language === e.language && p.id === e.peer);
      if (lead) units.push([lead, e]);
    }
  }
  const before = ipcObjects();
  const scratch = mkdtempSync(path.join(tmpdir(), 'ipc-snippets-'));
  let results: UnitResult[];
  try {
    results = await pool(units, Math.max(1, Number(opts.jobs)), (u) => runUnit(u, built, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const leaked = [...ipcObjects()].filter((o) => !before.has(o));
  const tRun = Date.now();

  const failed = results.filter((r) => !r.compiled || !r.ran || !r.exchanged);
  for (const r of failed) console.log(`\nFAIL ${r.language} ${r.ids.join(' + ')}\n  ${r.problems.join('\n  ')}`);
  if (leaked.length > 0) console.log(`\nFAIL IPC objects left behind (not unlinked): ${leaked.join(', ')}`);
  console.log(`\n${renderMatrix(results, languages)}\n`);
  const programs = results.reduce((n, r) => n + r.ids.length, 0);
  console.log(
    `${results.length - failed.length}/${results.length} units passed (${programs} programs); ` +
      `build ${((tBuild - t0) / 1000).toFixed(1)} s, run ${((tRun - tBuild) / 1000).toFixed(1)} s, total ${((tRun - t0) / 1000).toFixed(1)} s`,
  );
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ results, leaked, seconds: (tRun - t0) / 1000 }, null, 2));
  if (opts.markdown) writeFileSync(opts.markdown, renderMarkdown(results) + '\n');
  return failed.length > 0 || leaked.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
