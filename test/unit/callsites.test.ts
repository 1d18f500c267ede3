// Call-site finders on real code per language: every `@expect` marker found, nothing else found.

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findCallSites } from '../../src/core/callsites';
import { expectedByLine, foundByLine } from './callsitesMarkers';

const ROOT = path.join(__dirname, '..', 'fixtures', 'callsites');
const LANG_OF: Record<string, string[]> = {
  '.rs': ['rust'], '.c': ['c'], '.cpp': ['cpp'], '.h': ['c', 'cpp'], '.py': ['python'], '.go': ['go'],
  '.ts': ['typescript'], '.tsx': ['typescriptreact'], '.js': ['javascript'], '.mjs': ['javascript'], '.jsx': ['javascriptreact'],
};

function fixtures(): { file: string; lang: string }[] {
  const out: { file: string; lang: string }[] = [];
  for (const dir of readdirSync(ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'seed') continue;
    for (const f of readdirSync(path.join(ROOT, dir.name)).sort()) {
      for (const lang of LANG_OF[path.extname(f)] ?? []) out.push({ file: path.join(dir.name, f), lang });
    }
  }
  return out;
}

describe('findCallSites on fixtures', () => {
  const all = fixtures();
  it('has fixtures for every supported language', () => {
    const langs = new Set(all.map((f) => f.lang));
    for (const l of ['rust', 'c', 'cpp', 'python', 'go', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact']) {
      assert.ok(langs.has(l), `no fixture for ${l}`);
    }
  });
  for (const { file, lang } of all) {
    it(`${file} (${lang})`, () => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const expected = expectedByLine(text);
      assert.ok(expected.size > 0, 'fixture has no @expect marker');
      const found = foundByLine(findCallSites(text, lang));
      const lines = [...new Set([...expected.keys(), ...found.keys()])].sort((a, b) => a - b);
      const diff = lines
        .filter((l) => JSON.stringify(expected.get(l) ?? []) !== JSON.stringify(found.get(l) ?? []))
        .map((l) => `line ${l + 1}: expected ${JSON.stringify(expected.get(l) ?? [])}, found ${JSON.stringify(found.get(l) ?? [])}`);
      assert.deepEqual(diff, []);
    });
  }
});
