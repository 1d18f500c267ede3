import { strict as assert } from 'node:assert';
import { runSnippetsCli } from '../../src/core/snippetsCli';

function run(args: string[]) {
  let out = '';
  let err = '';
  const code = runSnippetsCli(args, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('ipc-inspector snippets', () => {
  it('echoes a wrong id, language, mechanism or subcommand escaped, never raw to the terminal', () => {
    for (const args of [['show', 'x\x1b]0;pwned\x07', '-l', 'rust'], ['--language', 'r\x1b[2J'], ['--mechanism', 'm\u202e'], ['fr\x1bob']]) {
      const r = run(args);
      assert.notEqual(r.code, 0, JSON.stringify(args));
      assert.doesNotMatch(r.err, /[\x1b\x07\u202e]/, JSON.stringify(r.err));
      assert.match(r.err, /\\x1b|\\u202e/);
    }
  });
  it('lists a language with prefixes and says what the language cannot do', () => {
    const r = run(['--language', 'python']);
    assert.equal(r.code, 0);
    assert.match(r.out, /ipc-unix-stream-server/);
    assert.match(r.out, /Python: no mqueue snippet: /);
  });
  it('prints JSON lines', () => {
    const lines = run(['list', '--json', '--mechanism', 'fd-passing']).out.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.language === 'rust' && l.prefix === 'ipc-fd-passing'));
    assert.ok(lines.some((l) => l.language === 'typescript' && typeof l.unavailable === 'string'));
  });
  it('shows a runnable program with defaults filled, or the raw snippet', () => {
    const plain = run(['show', 'unix-stream-server', '--language', 'rust']);
    assert.equal(plain.code, 0);
    assert.match(plain.out, /fn main/);
    assert.doesNotMatch(plain.out, /\$\{\d+:/);
    assert.match(run(['show', 'unix-stream-server', '--language', 'rust', '--raw']).out, /\$\{\d+:/);
  });
  it('rejects unknown ids, languages and mechanisms with a usage code', () => {
    assert.equal(run(['show', 'nope', '--language', 'c']).code, 1);
    assert.equal(run(['--language', 'cobol']).code, 2);
    assert.equal(run(['--mechanism', 'carrier-pigeon']).code, 2);
  });
});
