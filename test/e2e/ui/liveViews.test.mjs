// UI test of the live views in a real VS Code (code-server): the occupancy chart follows a FIFO the test
// fills step by step; the ring-buffer demo's ring moves and Stop leaves no process and no /dev/shm segment;
// hostile names render literally in the occupancy, ring and topology pages; screenshots in dark and light themes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { activityBarIcon, chartContrasts, env, launchBrowser, newPage, openContainer, rowsOf, runCommand, treeList, workbenchUrl, until, themeShots } from '../lib/workbench.mjs';

const CONTAINER_ID = 'ipcInspector';
const TITLE = 'IPC Inspector';
const tree = treeList(CONTAINER_ID, 'Objects');
const HOSTILE = '<img src=x onerror=alert(1)>';

/**
 * A child that prints a JSON line when ready and answers "write N" on stdin with a JSON line: its first line's
 * fields, the child, and write(n) resolving to the answer.
 */
function startWriter(command, args) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  const waiters = [];
  lines.on('line', (l) => (waiters.length ? waiters.shift()(l) : queue.push(l)));
  const next = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiters.push(resolve)));
  return next().then((first) => ({ child, ...JSON.parse(first), write: async (n) => { child.stdin.write(`write ${n}\n`); return JSON.parse(await next()); } }));
}

const startFixture = () => startWriter(process.execPath, [path.join(env.root, 'test/e2e/fixtures/live-objects.cjs')]);

/**
 * An anonymous pipe: a python process keeps the write end and fills it on "write N" lines; its forked child holds
 * the read end and never reads. (Node's own child stdio are socketpairs, not pipes.)
 */
function startPipeHolder() {
  const code = [
    'import json, os, sys, time',
    'r, w = os.pipe()',
    'pid = os.fork()',
    'if pid == 0:',
    '    os.close(w)',
    '    time.sleep(3600)',
    '    os._exit(0)',
    'os.close(r)',
    'total = 0',
    'print(json.dumps({"ino": os.fstat(w).st_ino, "reader": pid}), flush=True)',
    'for line in sys.stdin:',
    '    total += os.write(w, b"a" * int(line.split()[1]))',
    '    print(json.dumps({"queued": total}), flush=True)',
    'os.kill(pid, 9)',
  ].join('\n');
  return startWriter('python3', ['-c', code]);
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** The webview of the active editor (hidden editors keep their iframes, invisible). */
const webview = (page) => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
// As the page formats bytes: one decimal, no trailing ".0".
const kib = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`);

/** Runs a command that offers a quick pick of objects and picks the one matching `text`. */
async function pickObject(page, command, text) {
  for (let attempt = 0; ; attempt++) {
    await runCommand(page, command);
    const input = page.locator('.quick-input-widget input');
    await input.fill(text);
    try {
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      // The snapshot behind the pick may predate the object: refresh once and try again.
      if (attempt > 0) throw e;
      await page.keyboard.press('Escape');
      await runCommand(page, 'IPC Inspector: Refresh');
      await page.waitForTimeout(3000);
    }
  }
}

describe('IPC Inspector live views (code-server UI)', function () {
  let fixture;
  let browser;
  let page;

  before(async function () {
    // Until activate() calls registerLiveViews and package.json contributes its commands, there is nothing
    // to drive: say so loudly instead of failing the whole e2e run.
    const pkg = JSON.parse(readFileSync(path.join(env.extensionPath, 'package.json'), 'utf8'));
    if (!pkg.contributes?.commands?.some((c) => c.command === 'ipcInspector.showOccupancy')) {
      console.log('      SKIPPED: the live views are not wired in yet (no ipcInspector.showOccupancy in package.json contributes)');
      this.skip();
    }
    fixture = await startFixture();
    browser = await launchBrowser();
    page = await newPage(browser);
    await page.goto(workbenchUrl());
    await page.locator(activityBarIcon(TITLE)).waitFor({ timeout: 120000 });
    await openContainer(page, TITLE, CONTAINER_ID);
    // The first group row means the first snapshot arrived (the fixture started before it).
    await page.locator(`${rowsOf(tree)}[aria-level="1"]`).first().waitFor({ timeout: 60000 });
  });

  after(async function () {
    await browser?.close();
    fixture?.child.stdin.end();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      mkdirSync(env.out, { recursive: true });
      await page.screenshot({ path: path.join(env.out, `failed-live-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      console.log(page.consoleLines.filter((l) => !/vsda|ERR_INTERNET_DISCONNECTED|ENOTFOUND|allow-scripts/.test(l)).slice(-30).join('\n'));
    }
    await runCommand(page, 'View: Close All Editors').catch(() => {});
  });

  it('the occupancy chart follows a FIFO as the test fills it', async function () {
    await pickObject(page, 'IPC Inspector: Show Occupancy', fixture.fifo);
    const view = webview(page);
    const current = view.locator('.stats-table tbody td').first();
    // The first webview of a session is slow to come up on a busy machine.
    await current.waitFor({ timeout: 90000 });
    for (const n of [1000, 3000, 20000]) {
      const { queued } = await fixture.write(n);
      const t0 = Date.now();
      await until(`the chart to show ${queued} bytes`, async () => {
        const text = await current.textContent();
        return { ok: text === kib(queued), text };
      });
      console.log(`      ${queued} bytes queued: shown after ${Date.now() - t0} ms`);
    }
    assert.match(await view.locator('.stats-table tbody td').nth(1).textContent(), /^64 KiB$/, 'capacity = F_GETPIPE_SZ');
    // The page's policy: nothing by default, scripts only with this render's nonce, styles only from the extension.
    const csp = await view.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'none'"], csp);
    assert.equal(directives['script-src'].length, 1, csp);
    assert.match(directives['script-src'][0], /^'nonce-[A-Za-z0-9+/=]{16,}'$/, csp);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
    // (The webview's resource source: 'self' and VS Code's CDN origin for extension files; no inline styles.)
    assert.ok(directives['style-src'].every((s) => s === "'self'" || /^https:\/\/[\w.*-]+$/.test(s)), `styles from the extension only: ${csp}`);
    // Our scripts (the page's bundle) carry this render's nonce (VS Code's own host script in the frame is not ours).
    const scripts = await view.locator('script[src*="dist/webview"], script[src*="dist%2Fwebview"]').evaluateAll((ss) => ss.map((s) => s.nonce || s.getAttribute('nonce') || ''));
    assert.ok(scripts.length > 0 && scripts.every((n) => directives['script-src'][0] === `'nonce-${n}'`), `every script of ours carries the nonce: ${JSON.stringify(scripts)}`);
    // The key names each line with its own stroke; the alarm's entry only while an alarm is set (none here).
    const key = await view.locator('.series-card .chart-key .legend-item').evaluateAll((items) => items.map((i) => ({
      text: i.textContent, shown: getComputedStyle(i).display !== 'none',
      stroke: getComputedStyle(i.querySelector('svg line')).stroke, dash: getComputedStyle(i.querySelector('svg line')).strokeDasharray,
    })));
    assert.deepEqual(key.filter((k) => k.shown).map((k) => k.text), ['fill', 'capacity', 'high-water mark'], JSON.stringify(key));
    const drawn = key.filter((k) => k.shown);
    for (const k of drawn) assert.ok(k.stroke && k.stroke !== 'none', `key stroke not drawn: ${JSON.stringify(k)}`);
    assert.equal(new Set(drawn.map((k) => `${k.stroke}|${k.dash}`)).size, 3, `two key entries look alike: ${JSON.stringify(drawn)}`);
    await themeShots(page, 'live-occupancy', async (theme) => {
      await until(`the key's strokes readable in ${theme}`, async () => {
        const keys = await chartContrasts(view, '.chart-key .legend-item:not(.hidden) svg line', 'stroke');
        // (The capacity line is the theme's description text colour, not a chart colour: only the others count.)
        const charts = keys.filter((k) => k.text !== 'capacity');
        return { ok: charts.length === 2 && charts.every((k) => k.ratio >= 3), text: JSON.stringify(keys) };
      }, 10000);
    });
  });

  it('the occupancy chart follows an anonymous pipe as the test fills it', async function () {
    this.timeout(90000);
    const pipe = await startPipeHolder();
    try {
      await runCommand(page, 'IPC Inspector: Refresh');
      await pickObject(page, 'IPC Inspector: Show Occupancy', `pipe ${pipe.ino}`);
      const view = webview(page);
      const current = view.locator('.stats-table tbody td').first();
      await current.waitFor({ timeout: 60000 });
      assert.match(await view.locator('.series-title').first().textContent(), new RegExp(`^pipe ${pipe.ino}$`));
      for (const n of [2000, 6000, 30000]) {
        const { queued } = await pipe.write(n);
        const t0 = Date.now();
        await until(`the chart to show ${queued} bytes`, async () => {
          const text = await current.textContent();
          return { ok: text === kib(queued), text };
        });
        console.log(`      pipe: ${queued} bytes queued, shown after ${Date.now() - t0} ms`);
      }
      assert.match(await view.locator('.stats-table tbody td').nth(1).textContent(), /^64 KiB$/, 'capacity = F_GETPIPE_SZ');
    } finally {
      pipe.child.stdin.end();
    }
  });

  it('the ring view of a kernel queue (FIFO) shows its fill and says the kernel exposes no positions', async function () {
    this.timeout(60000);
    await pickObject(page, 'IPC Inspector: Show Ring', fixture.fifo);
    const view = webview(page);
    const note = view.locator('#ring-note');
    await note.waitFor({ timeout: 30000 });
    assert.equal(await note.textContent(), 'fifo · fill only: the kernel exposes no read/write positions for this queue');
    await until('a first sample', async () => ({ ok: (await view.locator('.ring-details tr', { hasText: 'used' }).count()) > 0 }));
    assert.equal(await view.locator('.ring-details tr', { hasText: 'position' }).count(), 0, 'no position rows');
    const markers = await view.locator('.ring-marker').evaluateAll((els) => els.map((e) => e.getAttribute('visibility')));
    assert.deepEqual(markers, ['hidden', 'hidden'], 'no read/write markers drawn');
  });

  it('the ring-buffer demo moves; Stop ends both processes and removes the segment', async function () {
    await runCommand(page, 'IPC Inspector: Start Ring-Buffer Demo');
    const view = webview(page);
    const state = view.locator('#demo-state');
    await state.waitFor({ timeout: 30000 });
    const m = /producer pid (\d+), consumer pid (\d+), segment (\/\S+)/.exec(await state.textContent());
    assert.ok(m, `demo state: ${await state.textContent()}`);
    const [producer, consumer, name] = [Number(m[1]), Number(m[2]), m[3]];
    assert.ok(alive(producer) && alive(consumer) && existsSync(`/dev/shm${name}`));
    const readRow = view.locator('.ring-details tr', { hasText: 'read position' }).locator('td');
    const first = await until('a first ring state', async () => ({ ok: /^\d+/.test((await readRow.textContent().catch(() => '')) ?? ''), text: await readRow.textContent().catch(() => '') }));
    await until('the read position to move', async () => {
      const text = await readRow.textContent();
      return { ok: text !== first.text, text };
    });
    await themeShots(page, 'live-ring');
    await view.locator('#demo-stop').click();
    await until('the demo to report stopped', async () => ({ ok: /^Stopped/.test((await state.textContent()) ?? '') }));
    await until('both demo processes to exit', async () => ({ ok: !alive(producer) && !alive(consumer) }), 5000);
    assert.equal(existsSync(`/dev/shm${name}`), false, 'nothing left in /dev/shm');
  });

  it('a hostile-named object renders literally in the occupancy, ring and topology pages', async function () {
    await pickObject(page, 'IPC Inspector: Show Occupancy', 'onerror');
    let view = webview(page);
    const title = view.locator('.series-title');
    await title.waitFor({ timeout: 30000 });
    assert.ok((await title.textContent()).includes(HOSTILE), await title.textContent());
    assert.equal(await view.locator('img').count(), 0, 'no element injected');

    await runCommand(page, 'View: Close All Editors');
    await pickObject(page, 'IPC Inspector: Show Ring', 'onerror');
    view = webview(page);
    const ringTitle = view.locator('#ring-title');
    await until('the ring title', async () => ({ ok: ((await ringTitle.textContent().catch(() => '')) ?? '').includes(HOSTILE), text: await ringTitle.textContent().catch(() => '') }), 30000);
    assert.equal(await view.locator('img').count(), 0, 'no element injected');

    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'IPC Inspector: Show Topology Graph');
    view = webview(page);
    await view.locator('#search').waitFor({ timeout: 30000 });
    await until('the graph to arrive', async () => ({ ok: /\d+ processes/.test((await view.locator('#counts').textContent()) ?? '') }));
    await view.locator('#search').fill('onerror');
    const match = view.locator('.match-list button').first();
    await match.waitFor({ timeout: 30000 });
    assert.ok((await match.textContent()).includes(HOSTILE), await match.textContent());
    assert.equal(await view.locator('img').count(), 0, 'no element injected');
    await view.locator('#search').fill('');
    // The graph follows the explorer's filter as soon as it changes, not at the next scan (up to 5 s later).
    const counts = view.locator('#counts');
    await runCommand(page, 'IPC Inspector: Show Only Workspace Objects');
    await until('the graph to say it is filtered', async () => ({ ok: /filtered: /.test((await counts.textContent()) ?? ''), text: await counts.textContent() }), 2000);
    await runCommand(page, 'IPC Inspector: Show Whole Machine');
    await until('the graph to show the whole machine again', async () => ({ ok: !/filtered/.test((await counts.textContent()) ?? ''), text: await counts.textContent() }), 2000);
    // Once the layout settles the whole graph is in view and fills it (it once sat in the middle third until
    // "Fit" was pressed), and the processes are named on the canvas (the graph had no text but the hovered node's).
    await until('the settled graph to fill the canvas, processes named', async () => {
      const r = await view.locator('#graph').evaluate((c) => {
        const { width: w, height: h } = c;
        const px = c.getContext('2d').getImageData(0, 0, w, h).data;
        let [x0, y0, x1, y1] = [w, h, -1, -1];
        for (let y = 0; y < h; y += 2) {
          for (let x = 0; x < w; x += 2) {
            if (px[(y * w + x) * 4 + 3] === 0) continue;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
        }
        return { spanX: (x1 - x0) / w, spanY: (y1 - y0) / h, labels: Number(c.dataset.processLabels ?? 0) };
      });
      return { ok: Math.max(r.spanX, r.spanY) >= 0.85 && r.spanX <= 1 && r.labels > 0, text: JSON.stringify(r) };
    }, 20000);
    // Every kind's colour stands out from the background in both themes (Dark Modern leaves charts.orange, the
    // TCP/UDP colour, to a translucent highlight: the page makes such colours readable, 3:1 at least).
    await themeShots(page, 'live-topology', async (theme) => {
      await until(`legend colours readable in ${theme}`, async () => {
        const swatches = await chartContrasts(view, '.legend .swatch', 'backgroundColor');
        return { ok: swatches.length === 7 && swatches.every((s) => s.ratio >= 3), text: JSON.stringify(swatches) };
      }, 10000);
    });
  });

  it('an occupancy panel comes back after a window reload with its object and fresh figures (serializer)', async function () {
    this.timeout(180000);
    await pickObject(page, 'IPC Inspector: Show Occupancy', fixture.fifo);
    let view = webview(page);
    await view.locator('.series-title').first().waitFor({ timeout: 60000 });
    assert.ok((await view.locator('.series-title').first().textContent()).includes('occupancy.fifo'));
    await runCommand(page, 'Developer: Reload Window');
    await page.locator(activityBarIcon(TITLE)).waitFor({ timeout: 120000 });
    // The editor tab is restored, and the page in it is the extension's again: same object, sampled anew.
    await page.locator('.tabs-container .tab', { hasText: 'IPC Occupancy' }).first().click({ timeout: 60000 });
    view = webview(page);
    const title = view.locator('.series-title').first();
    await title.waitFor({ timeout: 90000 });
    assert.ok((await title.textContent()).includes('occupancy.fifo'), await title.textContent());
    const { queued } = await fixture.write(100);
    await until(`the revived chart to show ${queued} bytes`, async () => {
      const text = await view.locator('.stats-table tbody td').first().textContent();
      return { ok: text === kib(queued), text };
    }, 30000);
  });
});
