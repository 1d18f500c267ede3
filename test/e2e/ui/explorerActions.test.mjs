// UI test of the explorer's behaviour in a real VS Code (code-server): the peer link of a Unix and a loopback
// TCP connection reveals and selects the other end; a hostile-named FIFO renders literally in label and
// tooltip; Delete on a stale socket file asks first (Cancel keeps it) and then removes it; the time from
// mkfifo to the row in the visible tree; a screenshot of the whole container for the README.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  env, eventually, findRow, launchBrowser, restMouse, rowLocator, rowsOf, runCommand, setExpanded, visibleRows, treeList, openInspector, contextMenu,
} from '../lib/workbench.mjs';

const CONTAINER_ID = 'ipcInspector';
const TITLE = 'IPC Inspector';
const tree = treeList(CONTAINER_ID, 'Objects');
const HOSTILE = '<img src=x onerror=alert(1)>\nmore text';
/** What src/core/names.ts escapeControl makes of it: the newline as the two characters `\n`. */
const HOSTILE_SHOWN = '<img src=x onerror=alert(1)>\\nmore text';

function startFixture() {
  // Its cwd is the workspace, so "Show Only Workspace Objects" keeps its sockets (and the client's).
  const child = spawn(process.execPath, [path.join(env.root, 'test/e2e/fixtures/peer-objects.cjs')], { cwd: env.workspace, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fixture did not start in 20 s')), 20000);
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, ...JSON.parse(line) });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('IPC Inspector explorer actions (code-server UI)', function () {
  let fixture;
  let browser;
  let page;
  const created = []; // files this test made in the workspace, removed in after()

  before(async function () {
    fixture = await startFixture();
    browser = await launchBrowser();
    page = await openInspector(browser, tree, TITLE, CONTAINER_ID);
    // The machine holds thousands of objects (other programs, other tests): the workspace filter (the fixture
    // runs there, the test's files are there) keeps the tree short, so rows are found without long scrolling.
    await setWorkspaceFilter(true);
  });

  const paneHeader = (view) => page.locator(`[id="workbench.view.extension.${CONTAINER_ID}"] .pane-header`, { hasText: view }).first();
  async function expandPane(view) {
    if ((await paneHeader(view).getAttribute('aria-expanded')) !== 'true') await paneHeader(view).click();
    await page.locator(treeList(CONTAINER_ID, view)).waitFor({ state: 'visible', timeout: 15000 });
  }
  async function collapsePane(view) {
    if ((await paneHeader(view).getAttribute('aria-expanded')) === 'true') await paneHeader(view).click();
  }

  /** Turns "Show Only Workspace Objects" on or off and waits for the view's description to say so. */
  async function setWorkspaceFilter(on) {
    await runCommand(page, on ? 'IPC Inspector: Show Only Workspace Objects' : 'IPC Inspector: Show Whole Machine');
    const header = paneHeader('Objects');
    await eventually(async () => assert.equal(/filtered: workspace/.test(await header.innerText()), on, await header.innerText()), 30000);
  }

  after(async function () {
    // The filter persists per workspace: leave the whole machine for the tests that follow.
    if (page) await setWorkspaceFilter(false).catch((e) => console.log(`      could not reset the filter: ${e.message}`));
    await browser?.close();
    fixture?.child.stdin.end(); // the fixture ends its client and removes its files when stdin closes
    for (const f of created) rmSync(f, { force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(env.out, { recursive: true });
      await page.screenshot({ path: path.join(env.out, `failed-actions-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      console.log(page.consoleLines.filter((l) => !/vsda|ERR_INTERNET_DISCONNECTED|ENOTFOUND|allow-scripts/.test(l)).slice(-30).join('\n'));
    }
    await page?.keyboard.press('Escape').catch(() => {});
  });

  /**
   * Expands the object row `from` ({label, desc}; null: the peer child is already shown), clicks its peer child and waits until the one selected and
   * focused row of the tree is the peer object `to`: its label, and (revealed expanded) its own endpoint child
   * with the peer's pid and fd, which identifies that very socket.
   */
  async function followPeer(from, to) {
    if (from) {
      const isObj = (l, r) => l === from.label && from.desc.test(r.description);
      await eventually(async () => assert.ok(await findRow(page, tree, isObj), `no row ${from.label} (${from.desc})`), 30000);
      await setExpanded(page, tree, isObj, true);
    }
    const link = await findRow(page, tree, (l, r) => l === `peer: ${to.label}` && new RegExp(`\\b${to.pid}\\b`).test(r.description));
    assert.ok(link, `no peer child "peer: ${to.label}" under ${from?.label ?? 'the selected object'}`);
    const t0 = Date.now();
    await rowLocator(page, tree, link.label, link.description).click({ timeout: 10000 });
    await restMouse(page);
    let sel;
    await eventually(async () => {
      const rows = await visibleRows(page, tree);
      const selected = rows.filter((r) => r.selected);
      assert.equal(selected.length, 1, `selected rows: ${JSON.stringify(selected)}`);
      sel = selected[0];
      assert.equal(sel.label, to.label, `the selected row is not the peer: ${JSON.stringify(sel)}`);
      assert.ok(sel.focused && sel.inView, `the peer row is not focused and in view: ${JSON.stringify(sel)}`);
      const children = [];
      for (const r of rows.slice(rows.indexOf(sel) + 1)) {
        if (r.level <= sel.level) break;
        if (r.level === sel.level + 1) children.push(r);
      }
      assert.ok(children.some((c) => new RegExp(`\\b${to.pid}$`).test(c.label) && new RegExp(`^fd ${to.fd}\\b`).test(c.description)),
        `the selected ${to.label} is not the socket of pid ${to.pid} fd ${to.fd}; its children: ${JSON.stringify(children)}`);
    }, 15000, 100);
    console.log(`      ${from?.label ?? 'back'} → peer ${to.label} (pid ${to.pid} fd ${to.fd}) selected ${Date.now() - t0} ms after the click`);
  }

  it('the peer link of a Unix and a loopback TCP connection reveals and selects the other end', async function () {
    const { sock, pid, tcpPort, unixFd, tcpFd, client } = fixture;
    // The accepted Unix connection carries the listener's path; its peer is the client's unnamed socket.
    await followPeer({ label: sock, desc: new RegExp(`connected.*\\b${pid}\\b`) }, { label: 'unnamed socket', pid: client.pid, fd: client.unixFd });
    // The client's socket was revealed expanded: its own peer child leads back to the accepted socket.
    await followPeer(null, { label: sock, pid, fd: unixFd });
    // Loopback TCP: the server's end of the connection links to the client's (reversed 4-tuple), and back.
    const server = `127.0.0.1:${tcpPort} -> 127.0.0.1:${client.tcpPort}`;
    const clientEnd = `127.0.0.1:${client.tcpPort} -> 127.0.0.1:${tcpPort}`;
    await followPeer({ label: server, desc: new RegExp(`\\b${pid}\\b`) }, { label: clientEnd, pid: client.pid, fd: client.tcpFd });
    await followPeer({ label: clientEnd, desc: new RegExp(`\\b${client.pid}\\b`) }, { label: server, pid, fd: tcpFd });
  });

  it('a hostile-named FIFO shows literally in its label and tooltip, and injects nothing', async function () {
    const fifo = path.join(env.workspace, HOSTILE);
    execFileSync('mkfifo', ['-m', '600', fifo]);
    created.push(fifo);
    const shown = path.join(env.workspace, HOSTILE_SHOWN);
    let row;
    await eventually(async () => {
      row = await findRow(page, tree, (l) => l.includes('onerror'));
      assert.ok(row, 'the hostile FIFO is not in the tree');
    }, 30000);
    // The newline is the two characters "\n" and the markup is text (names.ts escapeControl).
    assert.equal(row.label, shown);
    const loc = rowLocator(page, tree, row.label);
    assert.equal(await loc.locator('.label-name').innerText(), shown, 'rendered label text');
    await loc.locator('.label-name').hover();
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'onerror' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15000 });
    const text = await hover.innerText();
    assert.ok(text.includes(shown), `tooltip does not show the name literally: ${JSON.stringify(text)}`);
    assert.ok(/orphan|held open by no process/.test(text), `tooltip lacks the finding: ${JSON.stringify(text)}`);
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'an <img src=x> was injected into the workbench');
    assert.equal(await hover.locator('img').count(), 0, 'the tooltip contains an image');
    await restMouse(page);

    // Its "orphan FIFO" finding, in the Findings view: the same literal name in description and tooltip.
    const findings = treeList(CONTAINER_ID, 'Findings');
    await expandPane('Findings');
    const finding = page.locator(rowsOf(findings)).filter({ hasText: 'onerror' }).first();
    await finding.waitFor({ timeout: 30000 });
    assert.ok((await finding.locator('.label-description').innerText()).endsWith(shown), await finding.innerText());
    await finding.locator('.label-name').hover();
    const fhover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'held open by no process' }).first();
    await fhover.waitFor({ state: 'visible', timeout: 15000 });
    const ftext = (await fhover.innerText()).replace(/\u00a0/g, ' '); // appendText keeps spaces as &nbsp;
    assert.ok(ftext.includes(`FIFO ${shown} is held open by no process`), `finding tooltip: ${JSON.stringify(ftext)}`);
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'an <img src=x> was injected into the workbench');
    await restMouse(page);
    await collapsePane('Findings');
    // Not even a blocked attempt: the workbench's CSP reports an inline handler it refused to run (VS Code's
    // plain-text fallback of a markdown tooltip once fed an unescaped "<img onerror=...>" to its sanitizer).
    const blocked = page.consoleLines.filter((l) => /inline event handler/.test(l));
    assert.equal(blocked.length, 0, `CSP blocked inline handlers: ${blocked.slice(0, 3).join('\n')}`);
    rmSync(fifo, { force: true });
  });

  it('Delete on a stale socket file asks first: Cancel keeps it, Delete removes file and row', async function () {
    const sock = path.join(env.workspace, 'stale.sock');
    // Bound, then the process exits without close(): the kernel frees the socket, the file stays (stale).
    const r = spawnSync(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => process.exit(0))", sock]);
    assert.equal(r.status, 0, String(r.stderr));
    created.push(sock);
    assert.ok(lstatSync(sock).isSocket(), 'a socket file was left behind');

    const isStale = (l) => l === sock;
    const openDialog = async () => {
      let row;
      await eventually(async () => {
        row = await findRow(page, tree, isStale);
        assert.ok(row, `stale socket ${sock} is not in the tree`);
      }, 30000);
      await contextMenu(page, rowLocator(page, tree, row.label), 'Delete…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 15000 });
      return dialog;
    };

    let dialog = await openDialog();
    const text = await dialog.innerText();
    assert.ok(text.includes(`This deletes the name ${sock} (inode ${lstatSync(sock).ino})`), `the dialog does not name the path: ${text}`);
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10000 });
    assert.ok(existsSync(sock), 'Cancel removed the file');
    await runCommand(page, 'IPC Inspector: Refresh');
    await eventually(async () => assert.ok(await findRow(page, tree, isStale), 'the row vanished after Cancel'), 15000);

    dialog = await openDialog();
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10000 });
    await eventually(async () => assert.equal(existsSync(sock), false, 'the socket file is still there'), 10000, 100);
    await eventually(async () => assert.equal(await findRow(page, tree, isStale), undefined, 'the row is still in the tree'), 30000);
  });

  it('a new FIFO in the workspace appears in the visible tree (latency, median of 5)', async function () {
    await setExpanded(page, tree, (l, r) => r.level === 1 && l === 'FIFOs', true);
    await page.locator(tree).focus();
    await page.keyboard.press('Home');
    const times = [];
    for (let i = 1; i <= 5; i++) {
      const fifo = path.join(env.workspace, `latency-${i}.fifo`);
      created.push(fifo);
      const row = rowLocator(page, tree, fifo);
      // An isolated event: the explorer throttles to one watcher-driven scan per 2 s, so let the last one age.
      await page.waitForTimeout(2500);
      const t0 = Date.now();
      execFileSync('mkfifo', ['-m', '600', fifo]);
      await row.waitFor({ state: 'visible', timeout: 30000 });
      times.push(Date.now() - t0);
      rmSync(fifo);
      await row.waitFor({ state: 'detached', timeout: 30000 });
    }
    console.log(`      orphan FIFO mkfifo → visible row: median ${median(times)} ms (trials ${times.join(', ')} ms)`);
  });

  it('screenshot of the container: Objects, Processes and Findings', async function () {
    // The workspace filter keeps the picture to the fixture's objects (the machine's others change from run to
    // run): its FIFO (world-writable: a warning), Unix and TCP connections, and its two processes.
    // Pipes: those of the extension host (its cwd is the workspace) and of the e2e scripts sharing its stdout.
    await setExpanded(page, tree, (l, r) => r.level === 1 && l === 'Pipes', false);
    for (const g of ['FIFOs', 'Unix sockets', 'TCP']) await setExpanded(page, tree, (l, r) => r.level === 1 && l === g, true);
    await setExpanded(page, tree, (l) => l === fixture.fifo, true);
    await expandPane('Processes');
    await expandPane('Findings');
    const procs = treeList(CONTAINER_ID, 'Processes');
    await setExpanded(page, procs, (l) => new RegExp(`\\b${fixture.pid}$`).test(l), true);
    await page.locator(rowsOf(treeList(CONTAINER_ID, 'Findings'))).first().waitFor({ timeout: 30000 });
    const sash = await page.locator('.monaco-sash.vertical.primary-sidebar-sash').boundingBox();
    if (sash && sash.x < 500) {
      const [x, y] = [sash.x + sash.width / 2, sash.y + sash.height / 2];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + 260, y, { steps: 10 });
      await page.mouse.up();
    }
    await page.locator(tree).focus();
    await page.keyboard.press('Home');
    await restMouse(page);
    await page.waitForTimeout(500);
    mkdirSync(env.out, { recursive: true });
    const shot = path.join(env.out, 'explorer-container.png');
    await page.screenshot({ path: shot });
    // The README's copy is only rewritten on request, so a test run does not dirty the git tree.
    const readmeShot = path.join(env.root, 'media/screenshots/explorer-container.png');
    if (!existsSync(readmeShot) || process.env.IPC_E2E_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.dirname(readmeShot), { recursive: true });
      copyFileSync(shot, readmeShot);
    }
  });
});
