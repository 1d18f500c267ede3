// Regenerates (--write) or verifies the per-language VS Code snippet files and lints every snippet source.
// Usage: tsx scripts/check-snippets.ts [--write]     (npm run snippets:generate / snippets:check)

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkSnippetTree } from '../src/core/snippets/check';

const root = path.resolve(__dirname, '..');
const write = process.argv.includes('--write');
const { problems, generated } = checkSnippetTree(root);

if (write) {
  for (const [rel, text] of generated) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    console.log(`wrote ${rel}`);
  }
}
const remaining = write ? problems.filter((p) => !p.includes('out of date')) : problems;
if (remaining.length > 0) {
  console.error(`snippet problems:\n  ${remaining.join('\n  ')}`);
  process.exit(1);
}
if (!write) console.log(`snippets ok: ${generated.size} generated files up to date, every source lints clean`);
