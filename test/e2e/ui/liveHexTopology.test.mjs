// UI test of the hex peek and the topology graph's click-to-reveal in a real VS Code (code-server): a fixture
// holds two /dev/shm segments with known bytes (one with a hostile name); the hex peek, opened from the tree's
// context menu, shows them (read by pread: the segment is never mapped into the extension host) and shows new
// bytes after Refresh; clicking a node in the graph selects the object in Objects and the process in Processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  env, launchBrowser, rowsOf, runCommand, setExpanded, treeList, until, openInspector, themeShots, contextMenu,
} from '../lib/workbench.mjs';

const CONTAINER_ID = 'ipcInspector';
const TITLE = 'IPC Inspector';
const objectsTree = treeList(CONTAINER_ID, 'Objects');
const processesTree = treeList(CONTAINER_ID, 'Processes');

function startFixture() {
  const child = spawn(process.execPath, [path.join(env.root, 'test/e2e/fixtures/shm-segments.cjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  const waiters = [];
  lines.on('line', (l) => (waiters.length ? waiters.shift()(l) : queue.push(l)));
  const next = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiters.push(resolve)));
  return next().then((first) => ({
    child, ...JSON.parse(first),
    /** Overwrite bytes at `offset` in both segments (pwrite by the fixture). */
    set: async (offset, hex) => { child.stdin.write(`set ${offset} ${hex}\n`); return JSON.parse(await next()); },
  }));
}

/** The webview of the active editor (hidden editors keep their iframes, invisible). */
const webview = (page) => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
const exact = (t) => new RegExp(`^${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
/** Hex bytes as the page shows them: two groups of eight. */
const hexRow = (bytes) => {
  const h = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
  return `${h.slice(0, 8).join(' ')}  ${h.slice(8).join(' ')}`;
};
const range = (from, n) => Array.from({ length: n }, (_, i) => from + i);

/**
 * The processes of this test run's code-server (they inherit IPC_E2E_EXTENSION_PATH from run.sh), with
 * whether each maps `file`. Other code-servers on the machine have another extension path.
 */
function serverProcesses(file) {
  const out = [];
  const marker = `IPC_E2E_EXTENSION_PATH=${env.extensionPath}\0`;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/environ`, 'latin1').includes(marker)) continue;
      const cmdline = readFileSync(`/proc/${d}/cmdline`, 'latin1').replace(/\0/g, ' ');
      out.push({ pid: Number(d), extHost: /extensionHost/.test(cmdline), maps: readFileSync(`/proc/${d}/maps`, 'latin1').includes(file) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function assertNotMapped(file) {
  const procs = serverProcesses(file);
  assert.ok(procs.some((p) => p.extHost), `the extension host is among this run's processes: ${JSON.stringify(procs)}`);
  assert.deepEqual(procs.filter((p) => p.maps), [], `no process of the server maps ${file}`);
}

async function hexLines(view) {
  return view.locator('.hex-line').evaluateAll((els) => els.map((el) => ({
    offset: el.querySelector('.hex-off')?.textContent ?? '',
    hex: el.querySelector('.hex-bytes')?.textContent ?? '',
    text: el.querySelector('.hex-ascii')?.textContent ?? '',
  })));
}

describe('IPC Inspector hex peek and topology reveal (code-server UI)', function () {
  let fixture;
  let browser;
  let page;

  before(async function () {
    fixture = await startFixture();
    browser = await launchBrowser();
    page = await openInspector(browser, objectsTree, TITLE, CONTAINER_ID);
  });

  after(async function () {
    await browser?.close();
    fixture?.child.stdin.end();
  });

  let filtered = false;
  /** The palette can miss F1 while a webview takes the focus: retry. */
  async function clearFilter() {
    for (let i = 0; filtered && i < 3; i++) {
      try {
        await runCommand(page, 'IPC Inspector: Clear Filter');
        filtered = false;
      } catch {
        await page.keyboard.press('Escape');
      }
    }
  }

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(env.out, { recursive: true });
      await page.screenshot({ path: path.join(env.out, `failed-live-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      console.log(page.consoleLines.filter((l) => !/vsda|ERR_INTERNET_DISCONNECTED|ENOTFOUND|allow-scripts/.test(l)).slice(-30).join('\n'));
    }
    await clearFilter().catch(() => {});
    await runCommand(page, 'View: Close All Editors').catch(() => {});
  });

  it('hex peek from the context menu shows the segment by pread (never mapped); Refresh shows new bytes', async function () {
    this.timeout(90000);
    // The machine holds thousands of objects (and other tests add more): filter the tree down to ours, so
    // rows do not shift under the pointer.
    await runCommand(page, 'IPC Inspector: Filter by Text…');
    await page.locator('.quick-input-widget input').fill(fixture.plain.slice(1));
    await page.keyboard.press('Enter');
    filtered = true;
    await setExpanded(page, objectsTree, (l) => l === 'Shared memory');
    // Expanding the segment's row (its holder is the child) leaves it clicked and in view.
    await setExpanded(page, objectsTree, (l) => l === fixture.plain);
    const row = page.locator(rowsOf(objectsTree)).filter({ has: page.locator('.label-name', { hasText: exact(fixture.plain) }) }).first();
    await contextMenu(page, row, 'Peek Shared Memory (Hex)');

    const view = webview(page);
    await view.locator('.hex-line').first().waitFor({ timeout: 60000 });
    await clearFilter();
    assert.equal(await view.locator('#hex-title').textContent(), fixture.plain);
    assert.match(await view.locator('#hex-meta').textContent(), new RegExp(`^/dev/shm/ipc-inspector-e2e-hex-${fixture.pid} · 4096 bytes · showing the first 4096`));
    const lines = await hexLines(view);
    assert.deepEqual(lines.slice(0, 5), [
      { offset: '00000000', hex: hexRow(Buffer.from('HEXPEEK-E2E-0001', 'latin1')), text: 'HEXPEEK-E2E-0001' },
      { offset: '00000010', hex: hexRow(range(0, 16)), text: '.'.repeat(16) },
      { offset: '00000020', hex: hexRow(range(0xf0, 16)), text: '.'.repeat(16) },
      { offset: '00000030', hex: hexRow(Array(16).fill(0)), text: '.'.repeat(16) },
      { offset: '*', hex: '', text: '' },
    ]);
    assert.equal(lines.at(-1).offset, '00001000', 'the end offset closes the dump');
    assertNotMapped(fixture.files[0]);

    await fixture.set(16, Buffer.from('CHANGED!').toString('hex'));
    await view.locator('#refresh').click();
    const changed = hexRow([...Buffer.from('CHANGED!'), ...range(8, 8)]);
    await until('the new bytes after Refresh', async () => {
      const l = (await hexLines(view))[1];
      return { ok: l?.hex === changed && l?.text === 'CHANGED!........', l };
    });
    assertNotMapped(fixture.files[0]);
  });

  it('a hostile segment name renders literally in the hex peek title and tab', async function () {
    this.timeout(60000);
    const HOSTILE = '<img src=x onerror=alert(2)>';
    await runCommand(page, 'IPC Inspector: Peek Shared Memory (Hex)');
    await page.locator('.quick-input-widget input').fill(`onerror=alert(2)>-${fixture.pid}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: `${fixture.pid}` }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const view = webview(page);
    await view.locator('.hex-line').first().waitFor({ timeout: 30000 });
    assert.equal(await view.locator('#hex-title').textContent(), fixture.hostile);
    assert.ok(fixture.hostile.includes(HOSTILE));
    assert.equal(await view.locator('img').count(), 0, 'no element injected');
    assert.equal((await hexLines(view))[0].text, 'HEXPEEK-E2E-0001');
    await themeShots(page, 'live-hex');
    // The editor tab: "Peek: " and the name cut to 40 characters in the middle, as text: its start and its end (here
    // the pid that tells two such segments apart) are kept.
    const tab = page.locator('.tabs-container .tab.active .label-name');
    const text = await tab.textContent();
    assert.ok(text.startsWith(`Peek: ${fixture.hostile.slice(0, 19)}`) && text.endsWith(`${fixture.hostile.slice(-20)}`) && text.includes('…'), text);
    assert.ok(text.length <= 'Peek: '.length + 40, text);
    assert.equal(await page.locator('.tabs-container img').count(), 0);
  });

  it('clicking a node in the topology graph selects the object in Objects and the process in Processes', async function () {
    this.timeout(90000);
    // Reduced motion: the graph settles off screen and stays still, so a centred node stays under the pointer.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await runCommand(page, 'IPC Inspector: Show Topology Graph');
    const view = webview(page);
    await view.locator('#search').waitFor({ timeout: 30000 });
    await until('the graph to arrive', async () => ({ ok: /\d+ processes/.test((await view.locator('#counts').textContent()) ?? '') }));

    const clickNode = async (label, list) => {
      const selected = page.locator(`${rowsOf(list)}.selected .label-name`);
      // A new snapshot may re-layout between centring and clicking: centre again and retry.
      await until(`a click on "${label}" to select it in the tree`, async () => {
        await view.locator('#search').fill(label);
        await view.locator('#search').press('Enter');
        await view.locator('#graph').click();
        await page.waitForTimeout(500);
        const texts = await selected.allTextContents();
        return { ok: texts.includes(label), texts };
      }, 45000);
    };
    await clickNode(fixture.plain, objectsTree);
    await clickNode(`node ${fixture.pid}`, processesTree);
    await page.emulateMedia({ reducedMotion: null });
  });
});
