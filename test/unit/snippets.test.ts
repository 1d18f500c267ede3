// Unit tests of the snippet catalogue: coverage rules, placeholder filling, generated VS Code files, API, Cargo edits.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCatalogue, checkSnippetTree } from '../../src/core/snippets/check';
import { buildSnippetFile, lintSnippet } from '../../src/core/snippets/generate';
import {
  addDependencies,
  fillDefaults,
  generatedPath,
  getSnippet,
  languageForVscodeId,
  listSnippets,
  MECHANISMS,
  missingCrates,
  parseSnippet,
  peerOf,
  snippetBody,
  snippetPreview,
  SNIPPETS,
  sourcePath,
  unavailableReason,
  type SnippetEntry,
} from '../../src/core/snippets';

const root = path.resolve(__dirname, '..', '..');
/** Crate versions Debian 12 packages (see shared/recipes/rust-offline.md): requirements must resolve offline. */
const DEBIAN_CRATES: Record<string, string> = { libc: '0.2', nix: '0.26', memmap2: '0.5', 'crossbeam-channel': '0.5', 'signal-hook': '0.3' };

describe('snippet catalogue', () => {
  it('has a Rust and a C snippet for every mechanism', () => {
    for (const m of MECHANISMS) {
      for (const lang of ['rust', 'c'] as const) {
        assert.ok(listSnippets({ language: lang, mechanism: m.id }).length > 0, `${m.id} has no ${lang} snippet`);
      }
    }
  });

  it('passes its own rules (unique ids and prefixes, pairs point back, every gap explained)', () => {
    assert.deepEqual(checkCatalogue(), []);
    for (const lang of ['rust', 'c', 'python', 'typescript'] as const) {
      const prefixes = listSnippets({ language: lang }).map((s) => s.prefix);
      assert.equal(new Set(prefixes).size, prefixes.length, `duplicate prefix in ${lang}`);
      for (const p of prefixes) assert.match(p, /^ipc-(?!ipc-)[a-z0-9-]+$/);
    }
    // The id ipc-channel is its own prefix: typing "ipc-channel" finds it, "ipc-ipc-channel" was a stutter.
    assert.deepEqual(new Set(listSnippets({ mechanism: 'ipc-channel' }).map((s) => s.prefix)), new Set(['ipc-channel']));
    assert.equal(getSnippet('rust', 'fd-passing')?.prefix, 'ipc-fd-passing');
  });

  it('says why Python has no POSIX message queue and what Node cannot do', () => {
    assert.match(unavailableReason('python', 'mqueue') ?? '', /standard library/);
    for (const m of ['fd-passing', 'peer-credentials', 'mqueue', 'shm-ring'] as const) assert.ok(unavailableReason('typescript', m), m);
    assert.equal(unavailableReason('rust', 'mqueue'), undefined);
  });

  it('lists only Debian-packaged crate versions, and exactly the crates each Rust source uses', () => {
    for (const e of listSnippets({ language: 'rust' })) {
      const source = readFileSync(path.join(root, sourcePath(e)), 'utf8');
      for (const c of e.crates) assert.equal(c.version, DEBIAN_CRATES[c.name], `${e.id}: ${c.name} ${c.version}`);
      for (const name of Object.keys(DEBIAN_CRATES)) {
        const used = new RegExp(`\\b${name.replace(/-/g, '_')}::`).test(source);
        const declared = e.crates.some((c) => c.name === name);
        assert.equal(used, declared, `${e.id}: uses ${name}: ${used}, declares it: ${declared}`);
      }
    }
  });

  it('pairs a server with its client, a reader with its writer, a producer with its consumer', () => {
    const server = getSnippet('rust', 'unix-stream-server');
    assert.equal(server?.role, 'server');
    assert.equal(peerOf(server as SnippetEntry)?.id, 'unix-stream-client');
    assert.equal(peerOf(getSnippet('c', 'fifo-writer') as SnippetEntry)?.role, 'reader');
    assert.equal(peerOf(getSnippet('c', 'shm-ring-consumer') as SnippetEntry)?.role, 'producer');
  });
});

describe('snippet placeholders', () => {
  it('fills placeholders, bare tab stops and mirrors with their defaults', () => {
    assert.equal(fillDefaults('bind("${1:/tmp/a.sock}") then $1 and ${1}; $0'), 'bind("/tmp/a.sock") then /tmp/a.sock and /tmp/a.sock; ');
    // A mirror that comes first still takes the default defined later.
    assert.equal(fillDefaults('$2 = ${2:port}'), 'port = port');
  });

  it('fills nested placeholders and choices', () => {
    assert.equal(fillDefaults('${1:host ${2:127.0.0.1}}:$2'), 'host 127.0.0.1:127.0.0.1');
    assert.equal(fillDefaults("kill('${1|SIGUSR2,SIGHUP|}')"), "kill('SIGUSR2')");
    const parsed = parseSnippet('${1|a\\,b,c|}');
    assert.deepEqual(parsed.tabStops[0]?.choices, ['a,b', 'c']);
  });

  it('handles escapes like VS Code: \\$ \\} \\\\ are escapes, other backslashes stay', () => {
    assert.equal(fillDefaults('`\\${x}`'), '`${x}`');
    assert.equal(fillDefaults('${1:a\\}b}'), 'a}b');
    assert.equal(fillDefaults('"\\n\\0" \\\\'), '"\\n\\0" \\');
  });

  it('keeps braces and malformed constructs as text, and reports variables', () => {
    assert.equal(fillDefaults('fn main() { let x = ${ y }; }'), 'fn main() { let x = ${ y }; }');
    assert.equal(fillDefaults('${1:unterminated'), '${1:unterminated');
    assert.deepEqual(parseSnippet('$TM_FILENAME ${HOME:x}').variables, ['TM_FILENAME', 'HOME']);
  });

  it('finds snippets that would misbehave in VS Code', () => {
    const e = getSnippet('typescript', 'tcp-client') as SnippetEntry;
    assert.ok(lintSnippet(e, '// demo\nconst s = `${name}`;\n${1:x}\n').some((p) => p.includes('variables')));
    assert.ok(lintSnippet(e, '// demo\nconst x = 1;\n').some((p) => p.includes('tab stop')));
    const r = getSnippet('rust', 'tcp-client') as SnippetEntry;
    assert.ok(lintSnippet(r, '// demo\nlet s = TcpStream::connect("${1:a}").unwrap();\n').some((p) => p.includes('unwrap')));
  });

  it('every snippet has meaningful tab stops and fills to a plain program', () => {
    for (const e of SNIPPETS) {
      const parsed = parseSnippet(readFileSync(path.join(root, sourcePath(e)), 'utf8'));
      assert.ok(parsed.tabStops.some((t) => t.index > 0 && t.defaultText.trim() !== ''), `${e.language}/${e.id}`);
      assert.deepEqual(parsed.variables, [], `${e.language}/${e.id}`);
      assert.ok(!/\$\{\d/.test(parsed.filled), `${e.language}/${e.id}: a tab stop survived filling`);
    }
  });
});

describe('generated VS Code snippet files', () => {
  it('are valid, complete and up to date with the sources', () => {
    const { problems } = checkSnippetTree(root);
    assert.deepEqual(problems, []);
    for (const lang of ['rust', 'c', 'python', 'typescript'] as const) {
      const json = JSON.parse(readFileSync(path.join(root, generatedPath(lang)), 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;
      const entries = listSnippets({ language: lang });
      assert.equal(Object.keys(json).length, entries.length);
      for (const v of Object.values(json)) {
        assert.equal(typeof v.description, 'string');
        assert.ok(Array.isArray(v.body) && v.body.every((l) => typeof l === 'string' && !l.includes('\n')));
      }
    }
  });

  it('serve bodies through the API, and the preview is the filled program', () => {
    const e = getSnippet('rust', 'unix-stream-server') as SnippetEntry;
    const body = snippetBody(root, e);
    assert.equal(body, readFileSync(path.join(root, sourcePath(e)), 'utf8'));
    assert.match(body, /\$\{2:server\.sock\}/);
    assert.doesNotMatch(snippetPreview(root, e), /\$\{/);
    const file = buildSnippetFile(SNIPPETS, 'c', (x) => readFileSync(path.join(root, sourcePath(x)), 'utf8'));
    assert.equal(file, readFileSync(path.join(root, generatedPath('c')), 'utf8'));
  });

  it('maps VS Code language ids', () => {
    assert.equal(languageForVscodeId('rust'), 'rust');
    assert.equal(languageForVscodeId('typescript'), 'typescript');
    assert.equal(languageForVscodeId('go'), undefined);
  });
});

describe('Cargo.toml dependencies for a snippet', () => {
  const signals = getSnippet('rust', 'signals') as SnippetEntry;

  it('finds what a manifest lacks, whatever style it declares dependencies in', () => {
    const toml = '[package]\nname = "x"\n\n[dependencies]\nlibc = "0.2" # ffi\n\n[dependencies.serde]\nversion = "1"\n';
    assert.deepEqual(missingCrates(toml, signals.crates).map((c) => c.name), ['signal-hook']);
    assert.deepEqual(missingCrates('[target.\'cfg(unix)\'.dependencies]\nsignal_hook = "0.3"\nlibc.workspace = true\n', signals.crates), []);
    assert.deepEqual(missingCrates('[dev-dependencies]\n', signals.crates).length, 2);
  });

  it('appends missing crates to [dependencies] and leaves the rest untouched', () => {
    const toml = '[package]\nname = "x"\n\n[dependencies]\nlibc = "0.2"\n\n[features]\ndefault = []\n';
    assert.equal(addDependencies(toml, signals.crates), '[package]\nname = "x"\n\n[dependencies]\nlibc = "0.2"\nsignal-hook = "0.3"\n\n[features]\ndefault = []\n');
    assert.equal(addDependencies('[package]\nname = "x"\n', signals.crates), '[package]\nname = "x"\n\n[dependencies]\nsignal-hook = "0.3"\nlibc = "0.2"\n');
    assert.equal(addDependencies(toml.replace('[features]', '[dependencies.signal-hook]\nversion = "0.3"\n[features]'), signals.crates), toml.replace('[features]', '[dependencies.signal-hook]\nversion = "0.3"\n[features]'));
  });
});
