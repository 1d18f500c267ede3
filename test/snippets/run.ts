// `npm run test:snippets`: fills every snippet's placeholders with their defaults, compiles it, runs it (pairs against
// each other), checks the data really went through and nothing was left behind, prints the matrix, exits 1 on failure.
//
// Then runs the probes (probes.ts) against the snippets they concern: one promise each, off the happy path.
//
// Options: --lang rust,c   --only id1,id2   --jobs 2   --timeout 30000   --json FILE   --markdown FILE
//          --clippy (Rust lints are errors)   --sanitize (C under ASan/UBSan)   --no-probes

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SNIPPETS } from '../../src/core/snippets/catalogue';
import { sourcePath } from '../../src/core/snippets/generate';
import { LEADING_ROLES, SNIPPET_LANGUAGES, type CrateDep, type SnippetEntry, type SnippetLanguage } from '../../src/core/snippets/types';
import { buildAll, withDefaults, type BuildEntry, type Built } from './build';
import { renderMarkdown, renderMatrix, renderProbes, type UnitResult } from './matrix';
import { pool, start, tail, type Outcome, type Running } from './proc';
import { PROBES, type JudgeOptions, type Probe } from './probes';
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
    'no-probes': { type: 'boolean', default: false },
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
function judge(e: SnippetEntry, o: Outcome, opts: JudgeOptions = {}): { ran: boolean; exchanged: boolean; problems: string[] } {
  const problems: string[] = [];
  if (o.timedOut) problems.push(`${e.id}: timed out after ${o.ms} ms`);
  else if (o.code === null || (o.code !== 0 && !opts.anyExit)) problems.push(`${e.id}: exit ${o.code ?? o.signal}`);
  if (e.language === 'python' && /Exception ignored|ResourceWarning|Traceback/.test(o.stderr)) problems.push(`${e.id}: Python warnings on stderr`);
  const ran = problems.length === 0;
  const missing = opts.output === false ? [] : e.expect.filter((x) => !o.stdout.includes(x));
  if (missing.length > 0) problems.push(`${e.id}: stdout lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  if (problems.length > 0) problems.push(`  stdout: ${tail(o.stdout, 8).replace(/\n/g, '\n          ')}`, `  stderr: ${tail(o.stderr, 12).replace(/\n/g, '\n          ')}`);
  return { ran, exchanged: missing.length === 0 && ran, problems };
}

/** The programs of one unit or probe run: started with a private TMPDIR, their pids noted for the leak check. */
interface Session {
  tmp: string;
  pids: Set<number>;
  start(b: Built, args?: string[]): Running;
}

/**
 * Checks that `programs` compiled, runs `body` with a fresh TMPDIR, and fails the result on whatever the programs
 * left behind: files in TMPDIR, shm / mqueue objects named after one of their pids.
 */
async function session(
  name: string,
  unit: readonly BuildEntry[],
  built: Map<string, Built>,
  scratch: string,
  body: (s: Session, builds: Built[], result: UnitResult) => Promise<void>,
): Promise<UnitResult> {
  const first = unit[0] as BuildEntry;
  const result: UnitResult = { language: first.language, mechanism: first.mechanism, ids: unit.map((e) => e.variantOf?.id ?? e.id), compiled: true, problems: [], ms: 0 };
  const builds = unit.map((e) => built.get(`${e.language}/${e.id}`));
  unit.forEach((e, i) => {
    const b = builds[i];
    if (!b?.ok) {
      result.compiled = false;
      result.problems.push(`${e.id}: does not compile\n${(b?.log ?? 'not built').replace(/^/gm, '    ')}`);
    }
  });
  if (!result.compiled) return result;
  // Each run gets its own TMPDIR: whatever is left in it afterwards was not cleaned up.
  const tmp = path.join(scratch, `${first.language}-${name}`);
  mkdirSync(tmp, { mode: 0o700 });
  const pids = new Set<number>();
  const s: Session = {
    tmp,
    pids,
    start(b, args = []) {
      const r = start({ ...b.command!, args: [...b.command!.args, ...args], env: { ...(b.command?.env ?? process.env), TMPDIR: tmp } }, timeoutMs);
      if (r.child.pid) pids.add(r.child.pid);
      return r;
    },
  };
  const t0 = Date.now();
  await body(s, builds as Built[], result);
  result.ms = Date.now() - t0;
  // shm and mqueue names end in the creating process's pid: objects of this run's programs must be gone.
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

/** The last word of a program's first line: the address its peer takes. */
async function addressOf(r: Running): Promise<string | undefined> {
  return (await r.firstLine(Math.min(timeoutMs, 15000)))?.trim().split(/\s+/).pop();
}

/** Runs a single program, or a leader (server/reader/producer) and then its peer with the leader's address. */
function runUnit(unit: SnippetEntry[], built: Map<string, Built>, scratch: string): Promise<UnitResult> {
  const [first, second] = unit as [SnippetEntry, SnippetEntry | undefined];
  return session(first.id, unit, built, scratch, async (s, builds, result) => {
    const judged: ReturnType<typeof judge>[] = [];
    const leader = s.start(builds[0] as Built);
    if (second) {
      const address = await addressOf(leader);
      if (!address) {
        leader.kill();
        const o = await leader.done;
        result.problems.push(`${first.id}: printed no address line`, `  stderr: ${tail(o.stderr)}`);
        result.ran = false;
        return;
      }
      const follower = s.start(builds[1] as Built, [address]);
      const [o0, o1] = await Promise.all([leader.done, follower.done]);
      judged.push(judge(first, o0), judge(second, o1));
    } else {
      judged.push(judge(first, await leader.done));
    }
    result.ran = judged.every((j) => j.ran);
    result.exchanged = judged.every((j) => j.exchanged);
    for (const j of judged) result.problems.push(...j.problems);
  });
}

/** One probe against one snippet (and its peer) in one language; `unit` holds the builds to run, variants included. */
interface ProbeRun {
  probe: Probe;
  /** [probed snippet, its peer?], as built for this probe (variants where the probe changes defaults). */
  unit: BuildEntry[];
}

/** The probe runs for the selected snippets, with the variant builds they need (or the reason a variant cannot be made). */
function planProbes(entries: readonly SnippetEntry[]): { runs: ProbeRun[]; variants: BuildEntry[]; problems: string[] } {
  const runs: ProbeRun[] = [];
  const variants: BuildEntry[] = [];
  const problems: string[] = [];
  for (const probe of PROBES) {
    for (const e of entries) {
      if (!probe.ids.includes(e.id) || (probe.languages && !probe.languages.includes(e.language))) continue;
      const peer = e.peer ? SNIPPETS.find((p) => p.language === e.language && p.id === e.peer) : undefined;
      const edits = probe.edits?.(e.id) ?? {};
      const variant = (x: SnippetEntry, ed: BuildEntry['edits']): BuildEntry => {
        if (!ed?.length) return x;
        withDefaults(readFileSync(path.join(root, sourcePath(x)), 'utf8'), ed); // throws if the snippet no longer has the placeholder
        const v: BuildEntry = { ...x, id: `${x.id}--${probe.name}`, variantOf: x, edits: ed };
        if (edits.cflags) v.cflags = edits.cflags;
        variants.push(v);
        return v;
      };
      try {
        const unit = [variant(e, edits.leader)];
        if (peer) unit.push(variant(peer, edits.peer));
        runs.push({ probe, unit });
      } catch (err) {
        problems.push(`probe ${probe.name} on ${e.language} ${e.id}: ${(err as Error).message}`);
      }
    }
  }
  return { runs, variants, problems };
}

async function runProbe(run: ProbeRun, built: Map<string, Built>, scratch: string): Promise<UnitResult> {
  const [target, peer] = run.unit as [BuildEntry, BuildEntry | undefined];
  const id = target.variantOf?.id ?? target.id;
  const result = await session(`${id}--${run.probe.name}`, run.unit, built, scratch, async (s, builds, result) => {
    const start = (which: 'leader' | 'peer', args?: string[]): Running => {
      const b = which === 'leader' ? builds[0] : builds[1];
      if (!b) throw new Error(`${id} has no ${which}`);
      return s.start(b, args);
    };
    let problems: string[];
    try {
      problems = await run.probe.run({
        id,
        language: target.language,
        start,
        async startLeader() {
          const leader = start('leader');
          const address = await addressOf(leader);
          if (address) return { leader, address };
          leader.kill();
          throw new Error(`${id}: printed no address line\n  stderr: ${tail((await leader.done).stderr)}`);
        },
        judge: (which, o, opts) => {
          const e = which === 'leader' ? target : peer;
          return e ? judge(e.variantOf ?? e, o, opts).problems : [`${id} has no ${which}`];
        },
      });
    } catch (err) {
      problems = [(err as Error).message];
    }
    result.ran = result.exchanged = problems.length === 0;
    if (problems.length > 0) result.problems.push(`probe ${run.probe.name}: ${run.probe.promise}`, ...problems);
  });
  result.probe = run.probe.name;
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
  const plan = opts['no-probes'] ? { runs: [], variants: [], problems: [] } : planProbes(entries);
  for (const probe of new Set(plan.runs.map((r) => r.probe))) probe.prepare?.();
  const byLang = new Map<SnippetLanguage, BuildEntry[]>();
  for (const e of [...entries, ...plan.variants]) byLang.set(e.language, [...(byLang.get(e.language) ?? []), e]);
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
  let probed: UnitResult[];
  try {
    results = await pool(units, Math.max(1, Number(opts.jobs)), (u) => runUnit(u, built, scratch));
    probed = await pool(plan.runs, Math.max(1, Number(opts.jobs)), (r) => runProbe(r, built, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const leaked = [...ipcObjects()].filter((o) => !before.has(o));
  const tRun = Date.now();

  const isFailed = (r: UnitResult): boolean => !r.compiled || !r.ran || !r.exchanged;
  const failed = results.filter(isFailed);
  const failedProbes = probed.filter(isFailed);
  for (const r of failed) console.log(`\nFAIL ${r.language} ${r.ids.join(' + ')}\n  ${r.problems.join('\n  ')}`);
  for (const r of failedProbes) console.log(`\nFAIL probe ${r.probe} on ${r.language} ${r.ids.join(' + ')}\n  ${r.problems.join('\n  ')}`);
  for (const p of plan.problems) console.log(`\nFAIL ${p}`);
  if (leaked.length > 0) console.log(`\nFAIL IPC objects left behind (not unlinked): ${leaked.join(', ')}`);
  console.log(`\n${renderMatrix([...results, ...probed], languages)}\n`);
  if (probed.length > 0) console.log(`${renderProbes(probed)}\n`);
  const programs = results.reduce((n, r) => n + r.ids.length, 0);
  console.log(
    `${results.length - failed.length}/${results.length} units passed (${programs} programs), ` +
      `${probed.length - failedProbes.length}/${probed.length + plan.problems.length} probes passed; ` +
      `build ${((tBuild - t0) / 1000).toFixed(1)} s, run ${((tRun - tBuild) / 1000).toFixed(1)} s, total ${((tRun - t0) / 1000).toFixed(1)} s`,
  );
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ results, probes: probed, leaked, seconds: (tRun - t0) / 1000 }, null, 2));
  if (opts.markdown) writeFileSync(opts.markdown, renderMarkdown([...results, ...probed]) + '\n');
  return failed.length > 0 || failedProbes.length > 0 || plan.problems.length > 0 || leaked.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
