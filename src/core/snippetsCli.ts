// `ipc-inspector snippets`: list the snippet catalogue, or print one snippet as a ready-to-run program.

import path from 'node:path';
import { escapeControl } from './names';
import { parseArgs } from 'node:util';
import { plural } from './format';
import {
  LANGUAGES, MECHANISMS, SNIPPET_LANGUAGES, UNAVAILABLE, listSnippets, snippetBody, snippetPreview, dependencyLine,
  type SnippetLanguage,
} from './snippets';

export const SNIPPETS_HELP = `Usage:
  ipc-inspector snippets [list] [--language L] [--mechanism M] [--json]
      The catalogue: every snippet (id, language, prefix, description, dependencies) and what a language
      cannot do with standard means.
  ipc-inspector snippets show <id> --language L [--raw]
      Print one snippet as a complete program with its defaults filled in (--raw: VS Code snippet syntax).
Languages: ${SNIPPET_LANGUAGES.join(', ')}.
`;

interface Io { out(s: string): void; err(s: string): void }
const stdio: Io = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** The directory holding snippets/generated (the package root: dist/.. or src/..). */
function packageRoot(): string {
  return path.resolve(__dirname, '..', __dirname.endsWith(path.join('src', 'core')) ? '..' : '');
}

function isLanguage(v: string | undefined): v is SnippetLanguage {
  return v !== undefined && (SNIPPET_LANGUAGES as readonly string[]).includes(v);
}

export function runSnippetsCli(argv: string[], io: Io = stdio, root = packageRoot()): number {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { language: { type: 'string', short: 'l' }, mechanism: { type: 'string', short: 'm' }, json: { type: 'boolean' }, raw: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) { io.out(SNIPPETS_HELP); return 0; }
  if (values.language !== undefined && !isLanguage(values.language)) {
    io.err(`ipc-inspector snippets: unknown language '${escapeControl(String(values.language))}' (known: ${SNIPPET_LANGUAGES.join(', ')})\n`);
    return 2;
  }
  const language = values.language as SnippetLanguage | undefined;
  const [sub = 'list', id] = positionals;
  if (sub === 'show') {
    if (!id || !language) { io.err('ipc-inspector snippets show: give a snippet id and --language\n'); return 2; }
    const entry = listSnippets({ language }).find((e) => e.id === id || e.prefix === id);
    if (!entry) { io.err(`ipc-inspector snippets: no ${language} snippet '${escapeControl(id)}' ('ipc-inspector snippets --language ${language}' lists them)\n`); return 1; }
    io.out(values.raw ? snippetBody(root, entry) : snippetPreview(root, entry));
    return 0;
  }
  if (sub !== 'list') { io.err(`ipc-inspector snippets: unknown subcommand '${escapeControl(sub)}'\n${SNIPPETS_HELP}`); return 2; }
  const mech = values.mechanism;
  if (mech !== undefined && !MECHANISMS.some((m) => m.id === mech)) {
    io.err(`ipc-inspector snippets: unknown mechanism '${escapeControl(mech)}' (known: ${MECHANISMS.map((m) => m.id).join(', ')})\n`);
    return 2;
  }
  const entries = listSnippets({ language, mechanism: mech as never });
  const unavailable = UNAVAILABLE.filter((u) => (!language || u.language === language) && (!mech || u.mechanism === mech));
  if (values.json) {
    for (const e of entries) {
      io.out(`${JSON.stringify({ id: e.id, language: e.language, mechanism: e.mechanism, prefix: e.prefix, title: e.title, description: e.description, crates: e.crates, libs: e.libs, peer: e.peer ?? null })}\n`);
    }
    for (const u of unavailable) io.out(`${JSON.stringify({ language: u.language, mechanism: u.mechanism, unavailable: u.reason })}\n`);
    return 0;
  }
  const rows = entries.map((e) => [e.language, e.prefix, e.description, e.crates.map(dependencyLine).join('; ')]);
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
  for (const r of rows) io.out(`${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]}${r[3] ? `  [${r[3]}]` : ''}\n`);
  for (const u of unavailable) io.out(`${LANGUAGES[u.language].label}: no ${u.mechanism} snippet: ${u.reason}\n`);
  io.out(`\n${plural(entries.length, 'snippet')}; 'ipc-inspector snippets show <id> --language L' prints one.\n`);
  return 0;
}
