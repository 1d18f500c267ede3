// `npm run bench:explorer`: CPU of the extension host while the IPC Inspector view is open and idle, in a
// real VS Code (code-server started by test/e2e/with-server.sh exactly as the e2e test starts it, VSIX
// installed). Samples utime+stime of the extension-host process (all its threads, the scan worker included)
// from /proc/PID/stat and prints % of one core for: the view open with the default 5 s refresh, the view open
// with refreshIntervalSeconds 0 (watchers and manual refresh only), the view hidden, and before the extension
// is activated at all (VS Code's own baseline). Per-thread figures tell the extension host's main thread from
// the scan worker. The scan process (ipcInspector.scan.separateProcess, the default) is a child of the extension
// host: its CPU is counted with the host's, and shown apart. Options: --seconds N (per phase, default 60),
// --phases inactive,default,manual,hidden, --thread (scan in a worker thread: separateProcess false).
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' }, phases: { type: 'string', default: 'inactive,default,manual,hidden' },
    thread: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(opts.seconds);
const PHASES = opts.phases.split(',').map((p) => p.trim()).filter(Boolean);
if (!(SECONDS > 0) || PHASES.some((p) => !['inactive', 'default', 'manual', 'hidden'].includes(p)) || PHASES.indexOf('inactive') > 0) {
  console.error('usage: bench-explorer-idle.mjs [--seconds N] [--phases inactive,default,manual,hidden] (inactive first) [--thread]');
  process.exit(2);
}

if (!process.env.E2E_BASE_URL) {
  // Not under with-server.sh yet: start code-server the way the e2e test does, and run again inside it.
  const r = spawnSync('bash', [path.join(root, 'test/e2e/with-server.sh'), process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { activityBarIcon, container, env, launchBrowser, newPage, openContainer, rowsOf, runCommand, treeList, workbenchUrl, GOTO } =
  await import('../test/e2e/lib/workbench.mjs');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const serverPgid = Number(process.env.E2E_SERVER_PID);

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}
/** utime + stime in clock ticks: every thread of the process, its worker threads included. */
const ownTicks = (pid) => {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]);
};

/** Living descendants of `pid` (the scan process, and whatever VS Code runs meanwhile): pid -> { comm, ticks }. */
function descendants(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, 'latin1');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), { ppid: Number(f[1]), comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const out = new Map();
  for (const [p, e] of parent) {
    for (let a = e.ppid, n = 0; a > 1 && n < 64; a = parent.get(a)?.ppid ?? 0, n++) {
      if (a === pid) {
        out.set(p, { comm: e.comm, ticks: e.ticks });
        break;
      }
    }
  }
  return out;
}

/**
 * CPU ticks of the extension host and its living descendants. A child that ends between two samples loses
 * its last ticks (they go to the host's cutime, which is not read: VS Code's own short-lived children would
 * only add noise), so a phase counts the scan process, which lives as long as the host.
 */
const cpuTicks = (pid) => {
  let t = ownTicks(pid);
  for (const d of descendants(pid).values()) t += d.ticks;
  return t;
};

/** CPU ticks of each thread (comm and tid), to tell the main thread from the scan worker and GC threads. */
function threadTicks(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // thread ended
    }
  }
  return out;
}

/** The extension host: a process of code-server's group whose command line says --type=extensionHost. */
function findExtensionHosts() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(statFields(name)[2]) !== serverPgid) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
      if (/--type=extensionHost/.test(cmd)) out.push({ pid: Number(name), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * The interval setting is machine-overridable: in a remote window (code-server is one) VS Code takes it from
 * the remote machine's settings (user-data-dir/Machine/settings.json), not from the user's, and picks up an
 * edit of that file at once. The phase checks it took: no scan with cause "interval" while it is 0.
 */
const machineSettings = { 'ipcInspector.scan.separateProcess': !opts.thread };
function writeMachineSettings() {
  const dir = path.join(path.dirname(env.workspace), 'ud/Machine');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(machineSettings, null, 2));
}
function setInterval0(on) {
  if (on) machineSettings['ipcInspector.explorer.refreshIntervalSeconds'] = 0;
  else delete machineSettings['ipcInspector.explorer.refreshIntervalSeconds'];
  writeMachineSettings();
}

/** The extension's log (its LogOutputChannel, at Debug level: one line per scan with its cause). */
function extensionLog() {
  const logs = path.join(path.dirname(env.workspace), 'ud/logs');
  const out = [];
  for (const f of readdirSync(logs, { recursive: true })) {
    if (/ipc-inspector\.ipc-inspector\/[^/]*\.log$/.test(f)) out.push(readFileSync(path.join(logs, f), 'utf8'));
  }
  return out.join('\n');
}
/** Scans logged so far, by cause ("interval", "watch /dev/shm/x", "view shown", ...). */
function scansByCause() {
  const m = new Map();
  for (const [, cause] of extensionLog().matchAll(/\[debug\] snapshot \((.*?)\): /g)) {
    const k = cause.startsWith('watch ') ? 'watch' : cause;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
function scanDelta(before, after) {
  return [...after].map(([k, n]) => [k, n - (before.get(k) ?? 0)]).filter(([, n]) => n > 0);
}
/** Developer: Set Log Level… → IPC Inspector → Debug, as a user would. */
async function setDebugLog(page) {
  await runCommand(page, 'Developer: Set Log Level');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'IPC Inspector' }).first().click();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^Debug/ }).first().click();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sample(pid, seconds) {
  const t0 = process.hrtime.bigint();
  const th0 = threadTicks(pid);
  const kids0 = descendants(pid);
  const c0 = cpuTicks(pid);
  const per = [];
  let [lastT, lastC] = [t0, c0];
  for (let i = 0; i < seconds / 5; i++) {
    await sleep(5000);
    const t = process.hrtime.bigint();
    const c = cpuTicks(pid);
    per.push(((c - lastC) / CLK_TCK) / (Number(t - lastT) / 1e9) * 100);
    [lastT, lastC] = [t, c];
  }
  const wall = Number(lastT - t0) / 1e9;
  const cpu = (lastC - c0) / CLK_TCK;
  // Children with CPU in this phase, the scan process first among them (counted in `cpu` above).
  const kids = [...descendants(pid)].map(([p, d]) => ({ pid: p, comm: d.comm, pct: ((d.ticks - (kids0.get(p)?.ticks ?? 0)) / CLK_TCK / wall) * 100 }))
    .filter((k) => k.pct > 0).sort((a, b) => b.pct - a.pct);
  const threads = [...threadTicks(pid)].map(([tid, t]) => ({ tid, comm: t.comm, pct: ((t.ticks - (th0.get(tid)?.ticks ?? 0)) / CLK_TCK / wall) * 100 }))
    .filter((t) => t.pct > 0).sort((a, b) => b.pct - a.pct);
  return { wall, cpu, pct: (cpu / wall) * 100, per, threads, kids };
}

const machine = (() => {
  try {
    const s = JSON.parse(execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), 'ls', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
    return `${s.objects.length} IPC objects, ${s.processes.length} processes`;
  } catch {
    return 'object count unavailable (dist/cli.js)';
  }
})();

writeMachineSettings(); // before activation: the scan transport is chosen then
const browser = await launchBrowser();
let rc = 0;
try {
  const page = await newPage(browser);
  await page.goto(workbenchUrl(), GOTO);
  await page.locator(activityBarIcon('IPC Inspector')).waitFor({ timeout: 120000 });
  let hosts = [];
  for (let i = 0; i < 60 && hosts.length === 0; i++, await sleep(500)) hosts = findExtensionHosts();
  if (hosts.length !== 1) throw new Error(`expected one extension host in process group ${serverPgid}, found ${JSON.stringify(hosts)}`);
  const { pid } = hosts[0];
  console.log(`extension host pid ${pid}: ${hosts[0].cmd.slice(0, 160)}`);
  console.log(`machine: ${machine}; ${SECONDS} s per phase, CLK_TCK ${CLK_TCK}; scans in a ${opts.thread ? 'worker thread' : 'child process'}`);
  const results = [];
  let debugSet = PHASES[0] !== 'inactive';
  const openView = async () => {
    await openContainer(page, 'IPC Inspector', 'ipcInspector');
    await page.locator(`${rowsOf(treeList('ipcInspector', 'Objects'))}[aria-level="1"]`).first().waitFor({ timeout: 120000 });
  };
  if (PHASES[0] !== 'inactive') {
    await openView();
    await setDebugLog(page);
    await sleep(5000); // let the first scans and the tree settle
  }
  for (const phase of PHASES) {
    if (phase === 'inactive') {
      await sleep(5000); // the workbench's own start-up work
    } else if (phase === 'hidden') {
      // Another view container in the sidebar: the IPC Inspector views are hidden, the refresh stops.
      await page.locator(activityBarIcon('Explorer')).first().click();
      await page.locator(container('ipcInspector')).waitFor({ state: 'hidden', timeout: 30000 });
    } else {
      setInterval0(phase === 'manual');
      await openView();
      if (!debugSet) await setDebugLog(page);
      debugSet = true;
    }
    await sleep(3000);
    const load = loadavg()[0].toFixed(2);
    const scans0 = scansByCause();
    const r = await sample(pid, SECONDS);
    r.scans = scanDelta(scans0, scansByCause());
    if (phase === 'manual' && r.scans.some(([k]) => k === 'interval')) throw new Error('interval scans while refreshIntervalSeconds is 0: the setting did not take');
    results.push({ phase, ...r, load });
    const label = { inactive: 'extension not activated yet (VS Code only)', default: 'view open, refresh every 5 s (default)', manual: 'view open, refreshIntervalSeconds 0', hidden: 'view hidden (baseline)' }[phase];
    console.log(`${label.padEnd(42)} ${r.pct.toFixed(2).padStart(6)} % of one core  (${r.cpu.toFixed(2)} s CPU in ${r.wall.toFixed(1)} s; `
      + `per 5 s: ${r.per.map((x) => x.toFixed(1)).join(' ')}; load avg ${load} at start, ${loadavg()[0].toFixed(2)} at end)`);
    console.log(`${''.padEnd(42)} scans: ${r.scans.length ? r.scans.map(([k, n]) => `${n} ${k}`).join(', ') : 'none'}`);
    console.log(`${''.padEnd(42)} by thread: ${r.threads.slice(0, 5).map((t) => `${t.comm} ${t.tid} ${t.pct.toFixed(2)} %`).join(', ')}`);
    if (r.kids.length) console.log(`${''.padEnd(42)} child processes (included): ${r.kids.slice(0, 4).map((k) => `${k.comm} ${k.pid} ${k.pct.toFixed(2)} %`).join(', ')}`);
  }
  const by = Object.fromEntries(results.map((r) => [r.phase, r.pct]));
  if (by.default !== undefined && by.manual !== undefined) {
    console.log(`cost of the 5 s refresh interval: ${(by.default - by.manual).toFixed(2)} % of one core (default - interval 0)`);
  }
  const base = by.inactive ?? by.hidden;
  if (by.default !== undefined && base !== undefined) {
    const ours = by.default - base;
    console.log(`IPC Inspector's share with the view open and idle: ${ours.toFixed(2)} % of one core (view open - ${by.inactive !== undefined ? 'not activated' : 'view hidden'})`);
    console.log(`target < 2 %: ${ours < 2 ? 'met' : 'NOT met'} for the extension's share; the whole extension host: ${by.default.toFixed(2)} % (VS Code alone ${base.toFixed(2)} %)`);
  }
} catch (e) {
  console.error(e);
  rc = 1;
} finally {
  await browser.close();
}
process.exit(rc);
