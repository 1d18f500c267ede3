// Live-view costs measured in the real thing: code-server (VS Code) with the packaged VSIX, driven by
// Chromium through playwright-core. CPU of the extension-host process and of Chromium's processes, from
// /proc/PID/stat utime+stime, with the occupancy panel sampling a busy FIFO at 5 Hz and 20 Hz (against an
// idle baseline with no panel open), and the topology graph's frame rate at 1 000 nodes (requestAnimationFrame
// counted inside the webview's frame) built from a real population of FIFOs held by child processes.
// Usage: IPC_E2E_CACHE=... npm run bench:live-vscode [-- --seconds 20] [-- --profile]  (code-server through
// test/e2e/run.sh; --profile prints where the renderer's main thread spends its time at 20 Hz)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, profile: { type: 'boolean', default: false } } });

if (!process.env.E2E_BASE_URL) {
  // Not under run.sh yet: let it package the VSIX, start a throwaway code-server and run us against it.
  const r = spawnSync('bash', [path.join(ROOT, 'test/e2e/run.sh')], {
    stdio: 'inherit',
    env: { ...process.env, IPC_E2E_UI: '', IPC_E2E_SKIP_HOST: '1', IPC_E2E_SCRIPT: 'scripts/bench-live-vscode.mjs', IPC_BENCH_SECONDS: values.seconds, IPC_BENCH_PROFILE: values.profile ? '1' : '' },
  });
  process.exit(r.status ?? 1);
}

const { activityBarIcon, env, GOTO, launchBrowser, newPage, openContainer, runCommand } = await import('../test/e2e/lib/workbench.mjs');
const SECONDS = Number(process.env.IPC_BENCH_SECONDS ?? values.seconds);
const SERVER_PID = Number(process.env.E2E_SERVER_PID);
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const PROCS = 25;
const FIFOS_PER_PROC = 39; // 25 processes + 975 FIFOs = 1 000 nodes
const load = () => os.loadavg()[0].toFixed(2);

// ---- /proc -----------------------------------------------------------------------------------------

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), start: Number(f[19]) };
  } catch {
    return undefined;
  }
}
const cmdline = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' '); } catch { return ''; } };

/** Every descendant of `root`: { pid, cmd }. */
function descendants(root) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (!s) continue;
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(Number(d));
  }
  const out = [];
  const walk = (p) => { for (const c of children.get(p) ?? []) { out.push({ pid: c, cmd: cmdline(c) }); walk(c); } };
  walk(root);
  return out;
}

/** The processes measured: the extension host and Chromium's, by role. */
function measuredProcesses() {
  // The newest, should a reload leave the previous one shutting down.
  const extHosts = descendants(SERVER_PID).filter((p) => /--type=extensionHost/.test(p.cmd))
    .sort((a, b) => (stat(a.pid)?.start ?? 0) - (stat(b.pid)?.start ?? 0)).reverse();
  if (!extHosts.length) throw new Error(`no extension host under code-server ${SERVER_PID}`);
  const chromium = descendants(process.pid).filter((p) => /chromium/.test(p.cmd.split(' ')[0]));
  const role = (cmd) => (/--type=renderer/.test(cmd) ? 'renderer' : /--type=gpu-process/.test(cmd) ? 'gpu' : /--type=/.test(cmd) ? 'utility' : 'browser');
  return [{ pid: extHosts[0].pid, role: 'extHost' }, ...chromium.map((p) => ({ pid: p.pid, role: role(p.cmd) }))];
}

/** CPU ticks of a process's main thread (a renderer's CrRendererMain: scripts, layout, canvas drawing). */
function threadTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** CPU over `ms` per role, in % of one core; processes born meanwhile count from 0. */
async function cpuOver(ms, during) {
  const procs0 = measuredProcesses();
  const before = new Map(procs0.map((p) => [p.pid, stat(p.pid)?.ticks ?? 0]));
  const main0 = new Map(procs0.filter((p) => p.role === 'renderer').map((p) => [p.pid, threadTicks(p.pid)]));
  const t0 = Date.now();
  if (during) await during(ms);
  else await new Promise((r) => setTimeout(r, ms));
  const secs = (Date.now() - t0) / 1000;
  const byRole = { extHost: 0, renderer: 0, gpu: 0, browser: 0, utility: 0 };
  const renderers = [];
  let mainThreads = 0;
  for (const p of measuredProcesses()) {
    if (p.role === 'renderer') mainThreads += (threadTicks(p.pid) - (main0.get(p.pid) ?? 0)) / HZ;
    const d = ((stat(p.pid)?.ticks ?? 0) - (before.get(p.pid) ?? 0)) / HZ / secs * 100;
    byRole[p.role] += d;
    if (p.role === 'renderer') renderers.push(`${p.pid}:${d.toFixed(1)}`);
  }
  // mainSeconds: CPU seconds of the renderers' main threads (where the page's scripts and canvas drawing run).
  return { ...byRole, renderers: renderers.join(' '), secs, load: load(), mainSeconds: mainThreads };
}

// ---- fixtures: a busy FIFO, and 975 FIFOs held by 25 processes ---------------------------------------

const DIR = mkdtempSync(path.join(os.tmpdir(), 'ipc-bench-topo-'));
const children = [];
const BUSY = `
const fs = require('fs'); const p = process.argv[1];
const r = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
const w = fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
const buf = Buffer.alloc(65536, 0x61);
// Fill swings between empty and full every few seconds: writes and reads of varying size every 5 ms.
setInterval(() => { const k = Math.round(4096 * (1 + Math.sin(Date.now() / 1500))); try { fs.writeSync(w, buf, 0, k + 1); } catch {} }, 5);
setInterval(() => { try { fs.readSync(r, buf, 0, 4096); } catch {} }, 5);
process.stdin.on('end', () => process.exit(0)); process.stdin.resume(); console.log('ready');`;
const HOLDER = `
const fs = require('fs'); const [own, other] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const fds = [];
for (const p of own) { fds.push(fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)); fds.push(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); }
for (const p of other) fds.push(fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume(); console.log('ready');`;

function startChild(code, args) {
  const child = spawn(process.execPath, ['-e', code, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (c) => reject(new Error(`fixture exited (${c})`)));
  });
}

async function startFixtures() {
  const busy = path.join(DIR, 'busy.fifo');
  const fifos = Array.from({ length: PROCS }, (_, i) => Array.from({ length: FIFOS_PER_PROC }, (_, j) => path.join(DIR, `t${i}-${j}.fifo`)));
  execFileSync('mkfifo', ['-m', '600', busy, ...fifos.flat()]);
  await startChild(BUSY, [busy]);
  // Each process holds its own FIFOs (both ends) and the read end of ten of the next one's: a connected graph.
  await Promise.all(fifos.map((own, i) => startChild(HOLDER, [JSON.stringify(own), JSON.stringify(fifos[(i + 1) % PROCS].slice(0, 10))])));
  return busy;
}

function stopFixtures() {
  for (const c of children) c.stdin.end();
  rmSync(DIR, { recursive: true, force: true });
}

// ---- the workbench -------------------------------------------------------------------------------

/** The inner frame of the visible webview (the extension's page). */
async function webviewFrame(page) {
  const outer = await (await page.locator('iframe.webview.ready >> visible=true').elementHandle({ timeout: 60000 })).contentFrame();
  return (await outer.waitForSelector('#active-frame', { timeout: 60000 })).contentFrame();
}

async function pick(page, command, text) {
  await runCommand(page, command);
  await page.locator('.quick-input-widget input').fill(text);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
}

/** requestAnimationFrame callbacks per second inside `frame` over `ms` (while `during` runs), and the p95 gap. */
async function fps(frame, ms, during) {
  await frame.evaluate(() => {
    const w = window;
    w.__frames = 0; w.__gaps = []; w.__stop = false;
    let last = performance.now();
    const f = (t) => { w.__frames++; w.__gaps.push(t - last); last = t; if (!w.__stop) requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  if (during) await during(ms); else await new Promise((r) => setTimeout(r, ms));
  return frame.evaluate((elapsed) => {
    window.__stop = true;
    const gaps = window.__gaps.slice(1).sort((a, b) => a - b);
    return { fps: window.__frames / (elapsed / 1000), p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0 };
  }, Date.now() - t0);
}

/**
 * Frame rate, p95 gap between frames, and the renderer main thread's CPU per frame: on a loaded machine the
 * frame rate mostly says how often the scheduler ran Chromium; CPU per frame says what a frame costs.
 */
const frameText = (f, c) => {
  const ms = (c.mainSeconds * 1000) / Math.max(1, f.fps * c.secs);
  return `${f.fps.toFixed(1)} fps (p95 gap ${f.p95.toFixed(0)} ms); main thread ${ms.toFixed(1)} ms CPU per frame (<= ${Math.min(60, 1000 / ms).toFixed(0)} fps if it were the only limit)`;
};
/** The 15 functions with the most self time in a CPU profile of the page's main thread, with their script. */
function printProfile(profile, what = 'occupancy at 20 Hz') {
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const self = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const t = (dt.get(n.id) ?? 0) / 1000;
    total += t;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${(f.url.split('/').pop() || f.url || '').slice(0, 40)}${f.url ? `:${f.lineNumber}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + t);
  }
  const byScript = new Map();
  for (const [k, t] of self) {
    const script = /\.js/.test(k) ? k.split(' ')[1].split(':')[0] : k.split(' ')[0];
    byScript.set(script, (byScript.get(script) ?? 0) + t);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `  ${t.toFixed(0).padStart(6)} ms  ${k}`).join('\n');
  console.log(`[bench] main-thread profile, ${what}, ${total.toFixed(0)} ms sampled; by script:\n${top(byScript, 8)}\n[bench] by function (self):\n${top(self, 15)}`);
}

const rows = [];
const pct = (v) => `${v.toFixed(1)} %`;
function record(phase, c, base, extra = '') {
  rows.push({ phase, c, base, extra });
  console.log(`[bench] ${phase}: ext host ${pct(c.extHost)}, renderer(s) ${pct(c.renderer)} [${c.renderers}] (main threads ${pct(c.mainSeconds / c.secs * 100)}), gpu ${pct(c.gpu)}, browser ${pct(c.browser)} (load ${c.load}) ${extra}`);
}

let browser;
try {
  const busy = await startFixtures();
  console.log(`[bench] fixtures: busy FIFO ${busy}; ${PROCS} processes holding ${PROCS * FIFOS_PER_PROC} FIFOs under ${DIR}`);
  browser = await launchBrowser();
  const cdp = await browser.newBrowserCDPSession();
  const page = await newPage(browser);
  await page.goto(`${env.baseUrl}/?folder=${encodeURIComponent(env.workspace)}`, GOTO);
  await page.locator(activityBarIcon('IPC Inspector')).waitFor({ timeout: 120000 });
  await openContainer(page, 'IPC Inspector', 'ipcInspector');
  await page.locator('[id="workbench.view.extension.ipcInspector"] .monaco-list-row').first().waitFor({ timeout: 120000 });
  // Close the side bar: the explorer then stops its periodic refresh, which would blur the figures.
  await runCommand(page, 'View: Close Primary Side Bar');
  await new Promise((r) => setTimeout(r, 3000));
  const ms = SECONDS * 1000;

  const idle = await cpuOver(ms);
  record('idle (no panel open)', idle, null);

  await pick(page, 'IPC Inspector: Show Occupancy', 'busy.fifo');
  const occ = await webviewFrame(page);
  await occ.waitForSelector('.stats-table tbody td', { timeout: 60000 });
  for (const hz of [5, 20]) {
    await occ.selectOption('#rate', String(hz));
    await occ.waitForFunction((h) => document.body.textContent.includes(`sampling at ${h} Hz`), hz, { timeout: 30000 });
    await new Promise((r) => setTimeout(r, 2000));
    const session = process.env.IPC_BENCH_PROFILE && hz === 20 ? await page.context().newCDPSession(page) : undefined;
    if (session) await session.send('Profiler.enable').then(() => session.send('Profiler.start'));
    record(`occupancy, busy FIFO, ${hz} Hz`, await cpuOver(ms), idle);
    if (session) printProfile((await session.send('Profiler.stop')).profile);
  }
  const oopif = (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'iframe').length;
  await runCommand(page, 'View: Close All Editors');

  // Topology of exactly our population: the explorer's text filter keeps the FIFOs under DIR and their holders.
  await runCommand(page, 'IPC Inspector: Filter by Text…');
  await page.locator('.quick-input-widget input').fill(path.basename(DIR));
  await page.keyboard.press('Enter');
  await runCommand(page, 'IPC Inspector: Show Topology Graph');
  const topo = await webviewFrame(page);
  const counts = await topo.waitForFunction(() => {
    const t = document.querySelector('#counts')?.textContent ?? '';
    return /\d+ processes/.test(t) && t;
  }, null, { timeout: 120000 });
  const countText = await counts.jsonValue();
  const m = /(\d+) processes, (\d+) objects, (\d+) links/.exec(countText);
  const nodes = m ? Number(m[1]) + Number(m[2]) : 0;
  // The layout runs (d3-force ticks + redraw every frame) for a few seconds after the graph arrives.
  let layout;
  const topoSession = process.env.IPC_BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
  if (topoSession) await topoSession.send('Profiler.enable').then(() => topoSession.send('Profiler.start'));
  const layoutCpu = await cpuOver(5000, async (t) => { layout = await fps(topo, t); });
  if (topoSession) printProfile((await topoSession.send('Profiler.stop')).profile, 'topology layout');
  record(`topology, ${nodes} nodes, layout running (5 s)`, layoutCpu, idle, frameText(layout, layoutCpu));
  const canvas = await (await topo.$('#graph')).boundingBox();
  let zoomPan;
  const zoomCpu = await cpuOver(Math.min(ms, 10000), async (t) => {
    zoomPan = await fps(topo, t, async (dur) => {
      const [cx, cy] = [canvas.x + canvas.width / 2, canvas.y + canvas.height / 2];
      await page.mouse.move(cx, cy);
      const end = Date.now() + dur;
      for (let k = 0; Date.now() < end; k++) {
        await page.mouse.wheel(0, k % 40 < 20 ? -80 : 80);
        await page.mouse.down();
        await page.mouse.move(cx + (k % 20) * 6, cy + (k % 10) * 4, { steps: 4 });
        await page.mouse.up();
      }
    });
  });
  record(`topology, ${nodes} nodes, zoom + pan (${(Math.min(ms, 10000) / 1000).toFixed(0)} s)`, zoomCpu, idle, frameText(zoomPan, zoomCpu));
  const still = await cpuOver(Math.min(ms, 10000));
  record(`topology, ${nodes} nodes, settled, no input`, still, idle);
  await runCommand(page, 'IPC Inspector: Clear Filter');

  console.log(`\nLive views in code-server ${env.baseUrl} + Chromium (${os.cpus().length} cores); CPU in % of one core over ${SECONDS} s windows`);
  console.log(`webview iframes out of process (OOPIF targets): ${oopif} -> ${oopif ? 'the webview has its own renderer' : 'the webview shares the workbench page\'s renderer; renderer figures cover the whole page'}`);
  console.log(`topology counts line: "${countText}"\n`);
  console.log('| phase | load (1 min) | ext host | Δ ext host | renderer(s) | Δ renderer(s) | renderer main thread | gpu + browser | frame rate |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const d = (k) => (r.base ? `${r.c[k] - r.base[k] >= 0 ? '+' : ''}${(r.c[k] - r.base[k]).toFixed(1)}` : '—');
    console.log(`| ${r.phase} | ${r.c.load} | ${pct(r.c.extHost)} | ${d('extHost')} | ${pct(r.c.renderer)} | ${d('renderer')} | ${pct(r.c.mainSeconds / r.c.secs * 100)} | ${pct(r.c.gpu + r.c.browser)} | ${r.extra || '—'} |`);
  }
  const ok = layout.fps >= 30 && zoomPan.fps >= 30 && nodes >= 1000;
  console.log(`\ngoal >= 30 fps at 1 000 nodes: ${ok ? 'met' : 'NOT met'} (layout ${layout.fps.toFixed(1)}, zoom/pan ${zoomPan.fps.toFixed(1)} fps, ${nodes} nodes)`);
} finally {
  await browser?.close();
  stopFixtures();
}
