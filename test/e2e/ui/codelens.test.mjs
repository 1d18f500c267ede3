// UI test in a real VS Code (code-server): a Rust file binding a Unix socket that a child process really
// listens on shows the live-object code lens above the call; screenshot for the README.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { activityBarIcon, env, launchBrowser, newPage, workbenchUrl, GOTO } from '../lib/workbench.mjs';

function startFixture() {
  const child = spawn(process.execPath, [path.join(env.root, 'test/e2e/fixtures/ipc-objects.cjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fixture did not start in 10 s')), 10000);
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, ...JSON.parse(line) });
    });
  });
}

describe('IPC Inspector code lens (code-server UI)', function () {
  let fixture;
  let browser;
  let page;
  const file = path.join(env.workspace, 'lens_demo.rs');

  before(async function () {
    fixture = await startFixture();
    writeFileSync(file, [
      '// A Unix-socket server: the lens above bind() shows the live listener.',
      'use std::os::unix::net::UnixListener;',
      '',
      'fn main() -> std::io::Result<()> {',
      `    let listener = UnixListener::bind("${fixture.sock}")?;`,
      '    for stream in listener.incoming() {',
      '        drop(stream?);',
      '    }',
      '    Ok(())',
      '}',
      '',
    ].join('\n'));
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async function () {
    await browser?.close();
    fixture?.child.stdin.end();
    rmSync(file, { force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(env.out, { recursive: true });
      await page.screenshot({ path: path.join(env.out, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    }
  });

  it('shows "● listening" with the holder pid above UnixListener::bind(path)', async function () {
    await page.goto(workbenchUrl(), GOTO);
    await page.locator(activityBarIcon('IPC Inspector')).waitFor({ timeout: 120000 });
    // Quick Open the file.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20000 });
    await input.fill('lens_demo.rs');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'lens_demo.rs' }).first().waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
    const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: '● listening' }).first();
    await lens.waitFor({ timeout: 90000 });
    const text = (await lens.textContent()) ?? '';
    assert.match(text, new RegExp(`server ${fixture.pid}\\b`), `lens text: ${text}`);
    console.log(`      lens: ${text.trim()}`);
    mkdirSync(env.out, { recursive: true });
    const shot = path.join(env.out, 'codelens.png');
    await page.screenshot({ path: shot });
    const readme = path.join(env.root, 'media/screenshots/codelens.png');
    if (!existsSync(readme) || process.env.IPC_E2E_UPDATE_SCREENSHOTS === '1') copyFileSync(shot, readme);
  });
});
