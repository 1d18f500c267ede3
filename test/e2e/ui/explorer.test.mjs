// UI test in a real VS Code (code-server): a FIFO and a listening Unix socket held by a child process must
// appear in the IPC Inspector "Objects" tree under "FIFOs" and "Unix sockets", with their holder as children.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  activityBarIcon, ancestors, descendants, env, eventually, launchBrowser, newPage, openContainer, readTree, rowsOf, runCommand,
  setExpanded, treeList, workbenchUrl, GOTO,
} from '../lib/workbench.mjs';

const CONTAINER_ID = 'ipcInspector';
const TITLE = 'IPC Inspector';
const tree = treeList(CONTAINER_ID, 'Objects');

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

describe('IPC Inspector explorer (code-server UI)', function () {
  let fixture;
  let browser;
  let page;
  let failed = false;

  before(async function () {
    fixture = await startFixture();
    browser = await launchBrowser();
    page = await newPage(browser);
  });

  after(async function () {
    if (failed) {
      console.log(page?.consoleLines?.filter((l) => !/vsda|ERR_INTERNET_DISCONNECTED|ENOTFOUND|allow-scripts/.test(l)).slice(-40).join('\n'));
    }
    await browser?.close();
    fixture?.child.stdin.end(); // the fixture removes its FIFO and socket when its stdin closes
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      failed = true;
      mkdirSync(env.out, { recursive: true });
      await page.screenshot({ path: path.join(env.out, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    }
  });

  it('shows a FIFO under "FIFOs" and a Unix listener under "Unix sockets", with their holder', async function () {
    const t0 = Date.now();
    await page.goto(workbenchUrl(), GOTO);
    await page.locator(activityBarIcon(TITLE)).waitFor({ timeout: 120000 });
    const tReady = Date.now();
    await openContainer(page, TITLE, CONTAINER_ID);
    // The first group row (Pipes) means the first snapshot arrived; later groups may be scrolled out of the DOM.
    await page.locator(`${rowsOf(tree)}[aria-level="1"]`).first().waitFor({ timeout: 60000 });
    const tGroups = Date.now();

    // The extension scans in a worker and refreshes itself while visible, so a read can straddle a refresh:
    // retry the whole check on a fresh read until it holds (30 s).
    let rows = [];
    const dump = () => rows.slice(0, 400).map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.label}  [${r.description}]`).join('\n');
    await eventually(async () => {
      rows = await readTree(page, tree);
      const fifoRow = rows.find((r) => r.label.includes(fixture.fifo));
      const sockRow = rows.find((r) => r.label.includes(fixture.sock));
      assert.ok(fifoRow, `FIFO ${fixture.fifo} not in the tree:\n${dump()}`);
      assert.ok(sockRow, `Unix listener ${fixture.sock} not in the tree:\n${dump()}`);
      assert.equal(ancestors(rows, fifoRow)[0], 'FIFOs', `FIFO row is not under "FIFOs":\n${dump()}`);
      assert.equal(ancestors(rows, sockRow)[0], 'Unix sockets', `listener row is not under "Unix sockets":\n${dump()}`);
      assert.match(sockRow.description, /listen/, 'listener description names its state');
    }, 30000);
    const tFound = Date.now();

    // Expanding the FIFO shows its holder: our fixture's pid with the read end and the write end.
    const isFifo = (l) => l.includes(fixture.fifo);
    await setExpanded(page, tree, isFifo, true);
    await eventually(async () => {
      rows = await readTree(page, tree);
      const fifoRow = rows.find((r) => isFifo(r.label));
      assert.ok(fifoRow, `FIFO ${fixture.fifo} not in the tree:\n${dump()}`);
      const text = descendants(rows, fifoRow).map((r) => `${r.label} ${r.description}`);
      for (const fd of fixture.fifoFds) {
        assert.ok(text.some((t) => t.includes(String(fixture.pid)) && new RegExp(`\\b${fd}\\b`).test(t)),
          `FIFO endpoint pid ${fixture.pid} fd ${fd} missing; children: ${JSON.stringify(text)}`);
      }
    }, 15000);
    const tDone = Date.now();

    await screenshotForReadme(page);
    console.log(`      workbench ready ${tReady - t0} ms after load; groups ${tGroups - tReady} ms after opening the container; `
      + `fixture rows ${tFound - tGroups} ms later; endpoints checked ${tDone - tFound} ms later; tree has ${rows.length} rows`);
  });

  it('was activated lazily by its view, and VS Code measured the activation', async function () {
    // "Developer: Show Running Extensions" shows VS Code's own figure: code loading + activate() call.
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: TITLE }).first();
    const time = row.locator('.activation-time');
    await time.waitFor({ timeout: 20000 });
    const text = (await time.textContent()) ?? '';
    assert.match(text, /^Activation: \d+ms$/, `not a lazy activation: "${text}" (a "Startup Activation" means a * or startup event)`);
    await time.hover();
    const reason = await page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Activated by' }).first().textContent({ timeout: 10000 });
    assert.match(reason ?? '', /onView:ipcInspector\.objects|onCommand:ipcInspector\./, `unexpected activation event: ${reason}`);
    const ms = Number(/\d+/.exec(text)?.[0]);
    mkdirSync(env.out, { recursive: true });
    writeFileSync(path.join(env.out, 'activation-ms.txt'), `${ms}\n`);
    console.log(`      VS Code activation time (code loading + activate): ${ms} ms; ${reason?.trim()}`);
  });

  async function screenshotForReadme(p) {
    // A wider sidebar so paths are readable, Pipes collapsed, the listener expanded and in view.
    const sash = await p.locator('.monaco-sash.vertical.primary-sidebar-sash').boundingBox();
    if (sash) {
      const [x, y] = [sash.x + sash.width / 2, sash.y + sash.height / 2];
      await p.mouse.move(x, y);
      await p.mouse.down();
      await p.mouse.move(x + 260, y, { steps: 10 });
      await p.mouse.up();
    }
    await setExpanded(p, tree, (l, r) => r.level === 1 && l === 'Pipes', false);
    await setExpanded(p, tree, (l) => l.includes(fixture.sock), true);
    await p.mouse.move(1300, 850);
    await p.waitForTimeout(300);
    mkdirSync(env.out, { recursive: true });
    const shot = path.join(env.out, 'explorer.png');
    await p.screenshot({ path: shot });
    // The README's copy is only rewritten on request, so a test run does not dirty the git tree.
    const readmeShot = path.join(env.root, 'media/screenshots/explorer.png');
    if (!existsSync(readmeShot) || process.env.IPC_E2E_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.dirname(readmeShot), { recursive: true });
      copyFileSync(shot, readmeShot);
    }
  }
});
