// Browser-side figures and checks for the live-view pages, in headless Chromium (playwright-core) with a
// stand-in for the VS Code webview API: topology frame rate with 1 000 nodes (layout running, then
// zoom/pan), renderer CPU of the occupancy and ring pages at 5 Hz and 20 Hz, and hostile names rendered
// literally (no element injected). Bundles the pages itself (as esbuild.mjs does) into out/bench-live-web/.
// Usage: node scripts/bench-live-web.mjs [--nodes 1000] [--seconds 8] [--screenshots DIR]

import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '8' }, screenshots: { type: 'string' } } });
const NODES = Number(values.nodes);
const SECONDS = Number(values.seconds);
const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const BUNDLES = path.join(ROOT, 'out', 'bench-live-web');
await build({
  entryPoints: Object.fromEntries(['occupancy', 'ring', 'topology'].map((p) => [p, path.join(ROOT, 'webview', p, 'main.ts')])),
  bundle: true, minify: true, platform: 'browser', format: 'iife', target: 'es2022', outdir: BUNDLES, logLevel: 'silent',
});
const HOSTILE = '<img src=x onerror="window.__pwned=1">\n\u202eevil';

// A dark theme's variables (values from VS Code's Dark Modern), so colours resolve as in the product.
const THEME = `:root{--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;--vscode-editor-font-size:13px;
--vscode-foreground:#ccc;--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;--vscode-charts-foreground:#ccc;
--vscode-charts-lines:#ccc8;--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-orange:#d18616;
--vscode-charts-purple:#b180d7;--vscode-charts-yellow:#cca700;--vscode-charts-red:#f14c4c;--vscode-focusBorder:#0078d4;
--vscode-editorWarning-foreground:#cca700;--vscode-button-background:#0078d4;--vscode-button-foreground:#fff;--vscode-errorForeground:#f85149}`;

async function openPage(browser, bundle, state) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="vscode-dark"><main id="app"></main></body></html>`);
  await page.addStyleTag({ content: THEME });
  await page.addStyleTag({ content: readFileSync(path.join(ROOT, 'media/webview.css'), 'utf8') });
  await page.addStyleTag({ content: readFileSync(path.join(ROOT, 'media/live.css'), 'utf8') });
  await page.evaluate((st) => {
    window.__posted = [];
    window.__state = st;
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
  }, state ?? null);
  await page.addScriptTag({ content: readFileSync(path.join(BUNDLES, `${bundle}.js`), 'utf8') });
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp, errors };
}
const send = (page, msg) => page.evaluate((m) => window.postMessage(m, '*'), msg);
async function taskSeconds(cdp) {
  const m = await cdp.send('Performance.getMetrics');
  return m.metrics.find((x) => x.name === 'TaskDuration').value;
}
async function countFrames(page, ms, during) {
  await page.evaluate(() => {
    window.__frames = 0;
    window.__gaps = [];
    let last = performance.now();
    const f = (t) => { window.__frames++; window.__gaps.push(t - last); last = t; if (!window.__stopFrames) requestAnimationFrame(f); };
    window.__stopFrames = false;
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  if (during) await during(ms);
  else await page.waitForTimeout(ms);
  return page.evaluate((elapsed) => {
    window.__stopFrames = true;
    const gaps = window.__gaps.slice(1).sort((a, b) => a - b);
    return { fps: window.__frames / (elapsed / 1000), p95gap: gaps[Math.floor(gaps.length * 0.95)] ?? 0 };
  }, Date.now() - t0);
}

function graph(n) {
  // About a third processes, each holding 1-4 objects; unix pairs linked as peers.
  const procs = Math.round(n / 3);
  const nodes = [];
  const links = [];
  for (let i = 0; i < procs; i++) nodes.push({ id: `p:${1000 + i}`, kind: 'process', label: i === 0 ? HOSTILE : `proc${i} ${1000 + i}`, detail: 'cmd --flag', fill: null });
  const kinds = ['pipe', 'unix', 'unix', 'tcp', 'posix-shm', 'fifo', 'posix-mq'];
  for (let i = 0; nodes.length < n; i++) {
    const kind = kinds[i % kinds.length];
    const id = `o:${kind}:8:${i}`;
    const fill = kind === 'pipe' || kind === 'fifo' ? (i % 10) / 10 : null;
    nodes.push({ id, kind, label: i === 1 ? HOSTILE : `${kind} ${i}`, detail: `${kind} · inode ${i}`, fill });
    const a = 1000 + ((i * 7) % procs);
    const b = 1000 + ((i * 13 + 5) % procs);
    links.push({ source: `p:${a}`, target: id, kind: 'endpoint', fill });
    if (b !== a) links.push({ source: `p:${b}`, target: id, kind: 'endpoint', fill });
    if (kind === 'unix' && i % 2 === 1) links.push({ source: `o:unix:8:${i - 1}`, target: id, kind: 'peer', fill: null });
  }
  return { type: 'graph', nodes, links: links.filter((l) => nodes.some((x) => x.id === l.source)), filter: '', truncated: false };
}

const stats = { current: 100, capacity: 4095, min: 0, max: 4000, mean: 2000, highWater: 4095, alarm: false, error: null };
async function occupancy(browser, hz, series, windowSeconds) {
  const { page, cdp, errors } = await openPage(browser, 'occupancy');
  const now = Date.now();
  const init = {
    type: 'init', config: { rateHz: hz, windowSeconds, paused: false, alarm: { kind: 'percent', value: 90 } },
    series: Array.from({ length: series }, (_, s) => ({
      info: { id: `pipe:15:${s}`, label: s === 0 ? HOSTILE : `pipe ${s}`, kind: 'pipe', unit: 'bytes' },
      points: Array.from({ length: windowSeconds * hz }, (_, i) => [now - (windowSeconds * hz - i) * (1000 / hz), (i * 37 + s * 100) % 4096, 4096]),
      stats,
    })),
  };
  await send(page, init);
  await page.waitForTimeout(500);
  const t0 = await taskSeconds(cdp);
  const w0 = Date.now();
  let i = 0;
  while (Date.now() - w0 < SECONDS * 1000) {
    const t = Date.now();
    await send(page, { type: 'tick', t, values: init.series.map((s, k) => ({ id: s.info.id, used: (i * 97 + k * 300) % 4096, capacity: 4096, stats: { ...stats, alarm: k === 1 } })) });
    i++;
    await page.waitForTimeout(Math.max(0, 1000 / hz - (Date.now() - t)));
  }
  const cpu = ((await taskSeconds(cdp)) - t0) / ((Date.now() - w0) / 1000);
  const injected = await page.evaluate(() => ({ imgs: document.querySelectorAll('img').length, pwned: window.__pwned === 1, text: document.body.textContent.includes('<img src=x onerror=') }));
  return { page, cpu, injected, errors, ticks: i };
}

async function ring(browser, hz) {
  const { page, cdp, errors } = await openPage(browser, 'ring');
  await send(page, { type: 'init', target: { segment: '/ipc-inspector-demo-1-ab' }, info: { title: HOSTILE, kind: 'posix-shm', mode: 'ring', layout: { preset: 'seed' }, layoutEditable: false,
    demo: { running: true, rates: { producer: 3000, consumer: 2500, burstiness: 0 }, pids: [10, 11], name: '/ipc-inspector-demo-1-ab' } } });
  const t0 = await taskSeconds(cdp);
  const w0 = Date.now();
  let r = 0;
  let used = 0;
  while (Date.now() - w0 < SECONDS * 1000) {
    const t = Date.now();
    r = (r + 150) % 4096;
    used = (used + 37) % 4000;
    await send(page, { type: 'state', state: { t, used, capacity: 4095, unit: 'bytes', ring: { capacity: 4096, readIndex: r, writeIndex: (r + used) % 4096, rawRead: String(r), rawWrite: String((r + used) % 4096), stable: true }, error: null } });
    await page.waitForTimeout(Math.max(0, 1000 / hz - (Date.now() - t)));
  }
  const cpu = ((await taskSeconds(cdp)) - t0) / ((Date.now() - w0) / 1000);
  const injected = await page.evaluate(() => ({ imgs: document.querySelectorAll('img').length, pwned: window.__pwned === 1, text: document.querySelector('#ring-title').textContent }));
  return { page, cpu, injected, errors };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
const shots = values.screenshots;
if (shots) mkdirSync(shots, { recursive: true });
let failed = false;
const check = (cond, what) => {
  if (!cond) failed = true;
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
};
try {
  // Topology.
  const { page, errors } = await openPage(browser, 'topology');
  const g = graph(NODES);
  await send(page, g);
  const layout = await countFrames(page, SECONDS * 1000);
  const zoomPan = await countFrames(page, SECONDS * 1000, async (ms) => {
    await page.mouse.move(700, 500);
    const end = Date.now() + ms;
    let k = 0;
    while (Date.now() < end) {
      await page.mouse.wheel(0, k++ % 40 < 20 ? -60 : 60);
      await page.mouse.down();
      await page.mouse.move(700 + (k % 20) * 5, 500 + (k % 10) * 3);
      await page.mouse.up();
    }
  });
  await page.fill('#search', 'evil');
  const topoText = await page.evaluate(() => ({ imgs: document.querySelectorAll('img').length, pwned: window.__pwned === 1, list: [...document.querySelectorAll('.match-list button')].map((b) => b.textContent) }));
  console.log(`topology, ${g.nodes.length} nodes / ${g.links.length} links: ${layout.fps.toFixed(1)} fps while the layout runs (p95 frame gap ${layout.p95gap.toFixed(1)} ms), ${zoomPan.fps.toFixed(1)} fps while zooming and panning (p95 gap ${zoomPan.p95gap.toFixed(1)} ms)`);
  check(layout.fps >= 30 && zoomPan.fps >= 30, `topology >= 30 fps with ${g.nodes.length} nodes`);
  check(topoText.imgs === 0 && !topoText.pwned && topoText.list.some((t) => t.includes('<img src=x onerror=')), 'topology: hostile name listed literally, nothing injected');
  check(errors.length === 0, `topology: no page errors ${errors.join('; ')}`);
  if (shots) await page.screenshot({ path: path.join(shots, 'topology-dark.png') });
  await page.close();

  for (const hz of [5, 20]) {
    const o = await occupancy(browser, hz, 5, 60);
    console.log(`occupancy page, 5 series, 60 s window, ${hz} Hz: renderer busy ${(o.cpu * 100).toFixed(1)} % of one core (${o.ticks} ticks)`);
    check(o.injected.imgs === 0 && !o.injected.pwned && o.injected.text, `occupancy ${hz} Hz: hostile name shown literally, nothing injected`);
    check(o.errors.length === 0, `occupancy ${hz} Hz: no page errors ${o.errors.join('; ')}`);
    if (shots && hz === 5) await o.page.screenshot({ path: path.join(shots, 'occupancy-dark.png') });
    await o.page.close();
  }
  const worst = await occupancy(browser, 20, 16, 600);
  console.log(`occupancy page, 16 series, 10 min window, 20 Hz (worst case): renderer busy ${(worst.cpu * 100).toFixed(1)} % of one core`);
  await worst.page.close();
  for (const hz of [5, 20]) {
    const r = await ring(browser, hz);
    console.log(`ring page, ${hz} Hz, animated: renderer busy ${(r.cpu * 100).toFixed(1)} % of one core`);
    check(r.injected.imgs === 0 && !r.injected.pwned && r.injected.text.includes('<img src=x onerror='), `ring ${hz} Hz: hostile title shown literally`);
    check(r.errors.length === 0, `ring: no page errors ${r.errors.join('; ')}`);
    if (shots && hz === 5) await r.page.screenshot({ path: path.join(shots, 'ring-dark.png') });
    await r.page.close();
  }
} finally {
  await browser.close();
}
process.exitCode = failed ? 1 : 0;
