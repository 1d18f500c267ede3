// Fails if the engine (src/core, src/cli.ts), the native layer or the webview code imports `vscode`:
// they must run in plain Node (mocha, CLI) and in the browser.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const roots = ['src/core', 'native', 'webview', 'src/cli.ts'];
const pattern = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)|import\s+['"]vscode['"])/;
const bad = [];
function walk(p) {
  let st;
  try { st = statSync(p); } catch { return; }
  if (st.isDirectory()) {
    for (const e of readdirSync(p)) if (e !== 'node_modules') walk(path.join(p, e));
  } else if (/\.(c|m)?[jt]sx?$/.test(p) && pattern.test(readFileSync(p, 'utf8'))) {
    bad.push(p);
  }
}
for (const r of roots) walk(r);
if (bad.length) {
  console.error(`These files must not import 'vscode' (only src/extension may):\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log(`boundaries ok: no 'vscode' import under ${roots.join(', ')}`);
