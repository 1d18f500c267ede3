// Drives the code-server workbench with playwright-core and Debian's Chromium: launch, open, activity-bar
// containers, command palette, and reading a (virtualized) tree view row by row with its hierarchy.
import { chromium } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const env = {
  baseUrl: required('E2E_BASE_URL'),
  workspace: required('E2E_WORKSPACE'),
  out: required('E2E_OUT'),
  extensionPath: required('E2E_EXTENSION_PATH'),
  root: required('E2E_ROOT'),
};

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests through test/e2e/run.sh`);
  return v;
}

export async function launchBrowser() {
  // --no-sandbox: Chromium refuses to sandbox as root. Never Playwright's own browser download.
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/lib/chromium/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function workbenchUrl(payload) {
  let url = `${env.baseUrl}/?folder=${encodeURIComponent(env.workspace)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** page.goto options: the workbench's own readiness is waited for separately, and a loaded machine is slow. */
export const GOTO = { waitUntil: 'domcontentloaded', timeout: 120000 };

/** A new page at 1400x900 that keeps the browser console (for failure reports). */
export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.consoleLines = [];
  page.on('console', (m) => page.consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => page.consoleLines.push(`pageerror: ${e.message}`));
  return page;
}

export const activityBarIcon = (title) => `.part.activitybar a.action-label[aria-label^="${title}"]`;
export const container = (id) => `[id="workbench.view.extension.${id}"]`;

/** Clicks a view container's activity-bar icon unless the container is already open. */
export async function openContainer(page, title, id, timeout = 120000) {
  const icon = page.locator(activityBarIcon(title));
  await icon.waitFor({ timeout });
  if (!(await page.locator(container(id)).isVisible())) await icon.click();
  await page.locator(container(id)).waitFor({ state: 'visible', timeout });
}

/** Runs a command from the palette by its title ("IPC Inspector: Refresh"). */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 30000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 30000 });
  await page.keyboard.press('Enter');
}

/** The list of one tree view: its aria-label is the view's name ("Objects"). */
export const treeList = (containerId, viewName) => `${container(containerId)} .monaco-list[aria-label="${viewName}"]`;
// Real rows only: sticky-scroll copies of parent rows live outside .monaco-list-rows and carry no aria-level.
const ROWS = '.monaco-list-rows > .monaco-list-row';
export const rowsOf = (listSel) => `${listSel} ${ROWS}`;

/** The rows of the list now in the DOM (the list is virtualized), top to bottom. */
export function visibleRows(page, listSel) {
  return page.locator(rowsOf(listSel)).evaluateAll((els) => els.map((el) => ({
    index: Number(el.getAttribute('data-index')),
    level: Number(el.getAttribute('aria-level')),
    expanded: el.getAttribute('aria-expanded'),
    focused: el.classList.contains('focused'),
    selected: el.classList.contains('selected'),
    last: el.getAttribute('data-last-element') === 'true',
    label: el.querySelector('.label-name')?.textContent ?? '',
    description: el.querySelector('.label-description')?.textContent ?? '',
    // Wholly inside the list's viewport, so a click lands on it (rows at the edges are rendered but cut).
    // A row detached by a re-render in the meantime has no list: not clickable.
    inView: ((r, l) => !!l && r.top >= l.top && r.bottom <= l.bottom)(el.getBoundingClientRect(), el.closest('.monaco-list')?.getBoundingClientRect()),
  })).sort((a, b) => a.index - b.index));
}

const signature = (rows) => rows.map((r) => `${r.index}${r.focused ? '*' : ''}`).join(',');

/**
 * Presses `key` in the focused tree and waits (up to 10 s: a loaded machine renders slowly) until `done(rows)`
 * holds, by default until the rendered rows or the focus change. Returns the rows then (or at the deadline).
 */
async function press(page, listSel, key, done) {
  const before = signature(await visibleRows(page, listSel));
  const settled = done ?? ((rows) => signature(rows) !== before);
  await page.keyboard.press(key);
  const deadline = Date.now() + 10000;
  for (;;) {
    const rows = await visibleRows(page, listSel);
    if (settled(rows) || Date.now() > deadline) return rows;
    await page.waitForTimeout(50);
  }
}

/**
 * Walks the tree with the keyboard (Home, then PageDown; the list is virtualized, so only visible rows are
 * in the DOM; synthetic mouse-wheel scrolling is smoothed and unreliable) and calls `visit(rows)` for every
 * page until it returns something truthy, which is returned. It ends when the last row is wholly visible.
 */
async function walk(page, listSel, visit) {
  await page.locator(listSel).focus();
  let rows = await press(page, listSel, 'Home', (r) => r.some((x) => x.index === 0 && x.focused && x.inView));
  // The highest row index seen wholly in view so far.
  let seen = -1;
  for (let idle = 0; idle < 3;) {
    // PageDown scrolls by the pane's height, which is rarely a whole number of rows: the row cut at the bottom
    // of one page comes out cut at the top of the next, never wholly in view, and was passed over. PageUp
    // focuses the first whole row, ArrowUp the cut one above it, which the list then scrolls into view.
    const firstWhole = () => Math.min(...rows.filter((r) => r.inView).map((r) => r.index));
    if (seen >= 0 && rows.some((r) => r.inView) && firstWhole() > seen + 1) {
      rows = await press(page, listSel, 'PageUp');
      for (let k = 0; k < 3 && firstWhole() > seen + 1; k++) rows = await press(page, listSel, 'ArrowUp');
    }
    const hit = await visit(rows);
    if (hit) return hit;
    if (rows.length === 0 || rows.some((r) => r.last && r.inView)) return undefined;
    for (const r of rows) if (r.inView && r.index > seen) seen = r.index;
    const before = signature(rows);
    rows = await press(page, listSel, 'PageDown');
    idle = signature(rows) === before ? idle + 1 : 0;
  }
  return undefined;
}

/** Pages to the first row (wholly in view) whose label satisfies `match(label, row)` and returns it, or undefined. */
export function findRow(page, listSel, match) {
  return walk(page, listSel, (rows) => rows.find((r) => r.inView && match(r.label, r)));
}

/** A rendered row by its exact label and, when given, its exact description. */
export function rowLocator(page, listSel, label, description) {
  let row = page.locator(rowsOf(listSel)).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) });
  if (description !== undefined) {
    row = row.filter({ has: page.locator('.label-description', { hasText: new RegExp(`^${escapeRe(description)}$`) }) });
  }
  return row.first();
}

/** Every row of the tree, top to bottom: { index, level, expanded, label, description }. */
export async function readTree(page, listSel) {
  const all = new Map();
  // Only rows wholly in view count as seen: a row the walk passed over leaves a gap in the indices.
  await walk(page, listSel, (rows) => { for (const r of rows) if (r.inView) all.set(r.index, r); });
  await page.keyboard.press('Home');
  const out = [...all.values()].sort((a, b) => a.index - b.index);
  const have = new Set(out.map((r) => r.index));
  const missed = [];
  const last = out.length ? out[out.length - 1].index : -1;
  for (let i = 0; i < last && missed.length < 20; i++) if (!have.has(i)) missed.push(i);
  if (missed.length) throw new Error(`the walk passed over rows ${missed.join(', ')} (of ${last + 1}) in ${listSel}`);
  return out;
}

const escapeRe = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Expands (or collapses) the first row whose label satisfies `match(label, row)`: pages to it, clicks it
 * (a click toggles a tree row; run.sh turns sticky scroll off so no header covers it) and checks the result.
 * The tree refreshes itself meanwhile, so the row is clicked by its label, never by a list index.
 */
export async function setExpanded(page, listSel, match, expanded = true) {
  const want = String(expanded);
  let missed = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const seen = [];
    const hit = await walk(page, listSel, (rows) => {
      for (const r of rows) seen.push(r);
      return rows.find((r) => r.inView && match(r.label, r));
    });
    if (!hit) {
      // The tree can re-render while it is paged (a scan lands, a pane just expanded fills in) and shift rows
      // under the walk. Look again before giving up; a row that is really missing still fails.
      if (++missed >= 3) {
        const rows = seen.map((r) => `${r.index}${r.inView ? '' : '(cut)'}${r.focused ? '*' : ''} ${JSON.stringify(r.label)}`);
        throw new Error(`no matching row in the tree; rows seen while paging: ${[...new Set(rows)].join(', ') || 'none'}`);
      }
      await page.waitForTimeout(1000);
      continue;
    }
    if (hit.expanded === want) return;
    // By label and level; by description too only when two rows share both (a listener and its accepted
    // connections), since descriptions are volatile (a group's count changes with every refresh).
    const sameLabel = page.locator(`${rowsOf(listSel)}[aria-level="${hit.level}"]`)
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(hit.label)}$`) }) });
    const row = (await sameLabel.count()) > 1
      ? sameLabel.filter({ has: page.locator('.label-description', { hasText: new RegExp(`^${escapeRe(hit.description)}$`) }) }).first()
      : sameLabel.first();
    try {
      await row.click({ timeout: 10000 });
    } catch {
      continue; // re-rendered meanwhile (a description changed): find it again
    } finally {
      await restMouse(page);
    }
    for (let i = 0; i < 20; i++) {
      if ((await row.getAttribute('aria-expanded').catch(() => null)) === want) return;
      await page.waitForTimeout(100);
    }
  }
  throw new Error(`could not ${expanded ? 'expand' : 'collapse'} the matching row`);
}

/** Moves the mouse to the empty editor area, so no tree-row hover widget stays open over other rows. */
export async function restMouse(page) {
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(size.width - 40, size.height - 120);
}

/**
 * Right-clicks `row` and runs the context-menu entry `label`. VS Code's menu items listen for mouseup only
 * 100 ms after they render (a RunOnceScheduler in menu.ts), so an immediate click is silently ignored: the
 * item is hovered first and the click repeated until the menu closes.
 */
export async function contextMenu(page, row, label) {
  await row.click({ button: 'right', timeout: 10000 });
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-label', { hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: 10000 });
  await item.hover();
  for (let i = 0; ; i++) {
    await page.waitForTimeout(250);
    await item.click({ timeout: 10000 });
    try {
      await menu.first().waitFor({ state: 'hidden', timeout: 2000 });
      return;
    } catch (e) {
      if (i >= 4) throw new Error(`the context menu entry "${label}" did not run after ${i + 1} clicks`);
    }
  }
}

/** Retries `check` (an async function that throws) until it passes or `ms` elapse; rethrows the last error. */
export async function eventually(check, ms, pauseMs = 500) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}

/**
 * A new page on the workbench with the IPC Inspector container open and the first group of `tree` shown
 * (the activity bar can take minutes to appear on a loaded machine).
 */
export async function openInspector(browser, tree, title = 'IPC Inspector', containerId = 'ipcInspector') {
  const page = await newPage(browser);
  await page.goto(workbenchUrl(), GOTO);
  await page.locator(activityBarIcon(title)).waitFor({ timeout: 120000 });
  await openContainer(page, title, containerId);
  await page.locator(`${rowsOf(tree)}[aria-level="1"]`).first().waitFor({ timeout: 60000 });
  return page;
}

/**
 * Screenshots of the page in Dark Modern and Light Modern: out/e2e/<name>-dark.png and -light.png, copied to
 * media/screenshots/ (the README's) only when missing or with IPC_E2E_UPDATE_SCREENSHOTS=1, so a test run does
 * not dirty the git tree. `check(theme)`, when given, runs in each theme before its picture.
 */
/** The themes a view is checked in: VS Code's default dark and light, and both high-contrast ones. */
export const THEMES = [['Dark Modern', 'dark'], ['Light Modern', 'light'], ['Dark High Contrast', 'hc-dark'], ['Light High Contrast', 'hc-light']];

export async function themeShots(page, name, check) {
  mkdirSync(env.out, { recursive: true });
  for (const [theme, suffix] of THEMES) {
    await setColorTheme(page, theme);
    // Assertions that depend on the theme (e.g. chart colours readable on its background), before the picture.
    if (check) await check(theme);
    const shotPath = path.join(env.out, `${name}-${suffix}.png`);
    await page.screenshot({ path: shotPath });
    // (The README shows the two default themes; the high-contrast pictures stay in out/e2e.)
    if (suffix.startsWith('hc-')) continue;
    const readmeShot = path.join(env.root, 'media/screenshots', `${name}-${suffix}.png`);
    if (!existsSync(readmeShot) || process.env.IPC_E2E_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(path.dirname(readmeShot), { recursive: true });
      copyFileSync(shotPath, readmeShot);
    }
  }
}

/** Switches the colour theme through the palette and waits for the workbench to show it. */
export async function setColorTheme(page, theme) {
  // Exact labels, clicked: typing into the palette also matches "Browse Color Themes in Marketplace...".
  const exactRow = (label) => page.locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill('>Preferences: Color Theme');
  await exactRow('Preferences: Color Theme').click({ timeout: 10000 });
  await input.fill(theme);
  await exactRow(theme).click({ timeout: 10000 });
  // The workbench's own class says which kind of theme is active.
  const kind = theme.endsWith('High Contrast') ? (theme.startsWith('Light') ? 'hc-light' : 'hc-black') : theme.startsWith('Light') ? 'vs' : 'vs-dark';
  await page.locator(`.monaco-workbench.${kind}`).waitFor({ timeout: 10000 });
  await page.waitForTimeout(800);
}

/** Polls `fn` until it returns an object with `ok` true; the error names `what` and the last result. */
export async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last.ok) return last;
    if (Date.now() > end) throw new Error(`timed out: ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The labels of the rows above `row` that contain it (nearest first), from the rows' levels. */
export function ancestors(rows, row) {
  const out = [];
  let level = row.level;
  for (let i = rows.indexOf(row) - 1; i >= 0 && level > 1; i--) {
    if (rows[i].level === level - 1) {
      out.push(rows[i].label);
      level--;
    }
  }
  return out;
}

/** The rows nested under `row` (its whole subtree, in order). */
export function descendants(rows, row) {
  const out = [];
  for (let i = rows.indexOf(row) + 1; i < rows.length && rows[i].level > row.level; i++) out.push(rows[i]);
  return out;
}

/**
 * WCAG contrast, against the page's background, of a colour property (`background-color`, `stroke`) of every
 * element matching `selector` in a webview frame: [{ text, colour, ratio }]. The page's background is <body>'s,
 * the editor background the webviews paint.
 */
export async function chartContrasts(view, selector, prop) {
  return view.locator(selector).evaluateAll((els, prop) => {
    const rgb = (t) => (/rgba?\(([^)]+)\)/.exec(t)?.[1] ?? '0,0,0,0').split(/[\s,/]+/).filter(Boolean).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; })
      .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
    const bg = rgb(getComputedStyle(document.body).backgroundColor);
    return els.map((el) => {
      const c = rgb(getComputedStyle(el)[prop]);
      const a = c[3] ?? 1;
      const seen = [0, 1, 2].map((i) => c[i] * a + bg[i] * (1 - a));
      const [hi, lo] = [lum(seen), lum(bg)].sort((x, y) => y - x);
      return { text: (el.closest('[class*=legend-item]') ?? el).textContent, colour: getComputedStyle(el)[prop], ratio: (hi + 0.05) / (lo + 0.05) };
    });
  }, prop);
}
