// Stage 2 of the e2e run: opens the workbench with an extension-tests payload so code-server's extension
// host runs the mocha suite in test/e2e/suite against the installed VSIX; relays its output; exits with its code.
import path from 'node:path';
import { env, GOTO, launchBrowser, newPage, workbenchUrl } from './lib/workbench.mjs';

const TIMEOUT_MS = 180000;
// The workbench reads extension paths as URIs of the remote (code-server) file system.
const remote = (p) => `vscode-remote://${new URL(env.baseUrl).host}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(env.extensionPath)],
  ['extensionTestsPath', remote(path.join(env.root, 'test/e2e/suite/index.js'))],
];

const browser = await launchBrowser();
let code = 1;
try {
  const page = await newPage(browser);
  page.on('console', (m) => {
    const t = m.text();
    // The suite tags its lines (see suite/index.js): the extension host's stdout reaches only the browser console.
    if (t.includes('[mocha] ')) console.log(t.slice(t.indexOf('[mocha] ') + 8));
  });
  const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c))));
  await page.goto(workbenchUrl(payload), GOTO);
  code = await Promise.race([
    done,
    new Promise((resolve) => setTimeout(() => { console.error(`extension-host tests did not finish in ${TIMEOUT_MS / 1000} s`); resolve(1); }, TIMEOUT_MS)),
  ]);
  if (code !== 0) {
    console.error(page.consoleLines.filter((l) => !/vsda|ERR_INTERNET_DISCONNECTED|ENOTFOUND|allow-scripts|\[mocha\]/.test(l)).slice(-30).join('\n'));
  }
} finally {
  await browser.close();
}
process.exit(code);
