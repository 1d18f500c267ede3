// Drives the code-server workbench with playwright-core and Debian's Chromium: launch, open, activity-bar
// containers, command palette, and reading a (virtualized) tree view row by row with its hierarchy.
import { chromium } from 'playwright-core';

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
  await input.waitFor({ timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** The list of one tree view: its aria-label is the view's name ("Objects"). */
export const treeList = (containerId, viewName) => `${container(containerId)} .monaco-list[aria-label="${viewName}"]`;
// Real rows only: sticky-scroll copies of parent rows live outside .monaco-list-rows and carry no aria-level.
const ROWS = '.monaco-list-rows > .monaco-list-row';
export const rowsOf = (listSel) => `${listSel} ${ROWS}`;

function visibleRows(page, listSel) {
  return page.locator(rowsOf(listSel)).evaluateAll((els) => els.map((el) => ({
    index: Number(el.getAttribute('data-index')),
    level: Number(el.getAttribute('aria-level')),
    expanded: el.getAttribute('aria-expanded'),
    focused: el.classList.contains('focused'),
    last: el.getAttribute('data-last-element') === 'true',
    label: el.querySelector('.label-name')?.textContent ?? '',
    description: el.querySelector('.label-description')?.textContent ?? '',
  })).sort((a, b) => a.index - b.index));
}

const signature = (rows) => rows.map((r) => `${r.index}${r.focused ? '*' : ''}`).join(',');

/** Presses `key` in the focused tree and waits (up to 2 s) until the rendered rows or the focus change. */
async function press(page, listSel, key) {
  const before = signature(await visibleRows(page, listSel));
  await page.keyboard.press(key);
  // Home on a list already at the top changes nothing: do not wait long for it.
  for (let i = 0, n = key === 'Home' ? 4 : 40; i < n; i++) {
    const rows = await visibleRows(page, listSel);
    if (signature(rows) !== before) return rows;
    await page.waitForTimeout(50);
  }
  return visibleRows(page, listSel);
}

/**
 * Walks the tree with the keyboard (Home, then PageDown; the list is virtualized, so only visible rows are
 * in the DOM; synthetic mouse-wheel scrolling is smoothed and unreliable) and calls `visit(rows)` for every
 * page until it returns something truthy, which is returned.
 */
async function walk(page, listSel, visit) {
  await page.locator(listSel).focus();
  let rows = await press(page, listSel, 'Home');
  for (let pass = 0; pass < 10000; pass++) {
    const hit = await visit(rows);
    if (hit) return hit;
    if (rows.length === 0 || rows.some((r) => r.last)) return undefined;
    rows = await press(page, listSel, 'PageDown');
  }
  return undefined;
}

/** Every row of the tree, top to bottom: { index, level, expanded, label, description }. */
export async function readTree(page, listSel) {
  const all = new Map();
  await walk(page, listSel, (rows) => { for (const r of rows) all.set(r.index, r); });
  await page.keyboard.press('Home');
  return [...all.values()].sort((a, b) => a.index - b.index);
}

/**
 * Moves the keyboard focus onto the first row whose label satisfies `match(label, row)` (the list scrolls it
 * into view). The tree refreshes itself while we walk, so every step re-reads the rows and the end state is
 * checked: VS Code keeps the focus on the same element across refreshes (stable ids), indices may shift.
 */
export async function focusRow(page, listSel, match) {
  for (let attempt = 0; attempt < 5; attempt++) {
    let rows = await walk(page, listSel, (r) => (r.some((x) => match(x.label, x)) ? r : undefined));
    if (!rows) throw new Error('no matching row in the tree');
    for (let step = 0; step < 300; step++) {
      const hit = rows.find((r) => match(r.label, r));
      const focused = rows.find((r) => r.focused);
      if (!hit || !focused) break; // scrolled away by a refresh: walk again
      if (focused.index === hit.index) return focused;
      rows = await press(page, listSel, focused.index < hit.index ? 'ArrowDown' : 'ArrowUp');
    }
  }
  throw new Error('could not move the focus onto the matching row');
}

/** Expands (or collapses) the first row matching `match`, with the keyboard; returns once it is so. */
export async function setExpanded(page, listSel, match, expanded = true) {
  const want = String(expanded);
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await focusRow(page, listSel, match);
    if (row.expanded === want) return;
    // Right on an expanded row, or Left on a collapsed one, would move the focus instead: only press when needed.
    const after = (await press(page, listSel, expanded ? 'ArrowRight' : 'ArrowLeft')).find((r) => r.focused);
    if (after && match(after.label, after) && after.expanded === want) return;
  }
  throw new Error(`could not ${expanded ? 'expand' : 'collapse'} the matching row`);
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
