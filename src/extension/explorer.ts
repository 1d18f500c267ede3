// The explorer: owns the scan client, the current snapshot, the filter, the three views, the file watchers
// that trigger a debounced refresh, and the optional status bar item.

import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { IpcObject, ProcessInfo, Snapshot } from '../core/model';
import { ALL_KINDS, type IpcKind } from '../core/model';
import { ScanClient, ScanError } from '../core/worker/client';
import { applyFilter, describeFilter, isFilterActive, NO_FILTER, objectPath, parseFilter, type ExplorerFilter } from '../core/view/filter';
import { hiddenProcessesHint } from '../core/format';
import { GROUPS } from '../core/view/treeModel';
import { isRelevantEvent, watchPlan } from '../core/view/watchEvents';
import type { Log } from './log';
import { ObjectsTreeProvider } from './tree/objectsTree';
import { FindingsTreeProvider, ProcessesTreeProvider } from './tree/otherViews';
import { RefreshController } from './tree/refresh';

const FILTER_KEY = 'ipcInspector.filter';
const MAX_WATCHED_DIRS = 64;

export class Explorer implements vscode.Disposable {
  readonly objects = new ObjectsTreeProvider();
  readonly processes = new ProcessesTreeProvider();
  readonly findings = new FindingsTreeProvider();
  readonly objectsView: vscode.TreeView<string>;
  readonly processesView: vscode.TreeView<string>;
  readonly findingsView: vscode.TreeView<string>;
  private readonly controller: RefreshController;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private statusShown = false;
  private readonly statusItem: vscode.StatusBarItem;
  private raw: Snapshot | undefined;
  private filter: ExplorerFilter;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly filterListeners = new Set<(f: ExplorerFilter) => void>();
  private filtered: Snapshot | undefined;
  /** Paths of the listed FIFOs and socket files: a watcher event on one of them is relevant. */
  private knownPaths = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: ScanClient,
    private readonly log: Log,
  ) {
    this.filter = parseFilter(context.workspaceState.get(FILTER_KEY), ALL_KINDS);
    this.objectsView = vscode.window.createTreeView('ipcInspector.objects', { treeDataProvider: this.objects, showCollapseAll: true });
    this.processesView = vscode.window.createTreeView('ipcInspector.processes', { treeDataProvider: this.processes, showCollapseAll: true });
    this.findingsView = vscode.window.createTreeView('ipcInspector.findings', { treeDataProvider: this.findings });
    this.statusItem = vscode.window.createStatusBarItem('ipcInspector.findings', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'IPC Inspector findings';
    this.statusItem.command = 'ipcInspector.findings.focus';
    this.disposables.push(this.objectsView, this.processesView, this.findingsView, this.statusItem);
    this.controller = new RefreshController(
      [
        { id: 'ipcInspector.objects', view: this.objectsView },
        { id: 'ipcInspector.processes', view: this.processesView },
        { id: 'ipcInspector.findings', view: this.findingsView },
      ],
      (cause) => this.refresh(cause),
      () => vscode.workspace.getConfiguration('ipcInspector.explorer').get<number>('refreshIntervalSeconds', 5),
    );
    this.disposables.push(this.processesView.onDidChangeVisibility((e) => {
      if (e.visible && this.filtered) this.processes.setSnapshot(this.filtered);
    }));
    this.disposables.push(this.controller, vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ipcInspector.statusBar')) this.updateStatus();
    }));
    this.applyFilterContext();
    this.watchDir('/dev/shm');
    this.watchDir('/dev/mqueue');
  }

  get snapshot(): Snapshot | undefined {
    return this.raw;
  }

  /** Build the Processes model now, shown or not (before revealing a process in the collapsed view). */
  ensureProcessesModel(): void {
    if (this.filtered) this.processes.setSnapshot(this.filtered);
  }

  /** Called with every new raw (unfiltered) snapshot; used by code lenses and live views. */
  onSnapshot(fn: (s: Snapshot) => void): vscode.Disposable {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  manualRefresh(): Promise<void> {
    return this.controller.manual();
  }

  /** A refresh even when no view is visible (e.g. for a code lens), sharing the in-flight scan. */
  ensureSnapshot(cause = 'requested'): Promise<void> {
    return this.controller.run(cause);
  }

  /**
   * A snapshot whose scan started after this call (not one already in flight), or undefined when that scan
   * failed: what a check right before changing the machine must look at.
   */
  async freshSnapshot(cause: string): Promise<Snapshot | undefined> {
    const since = Date.now();
    const isFresh = () => this.raw !== undefined && Date.parse(this.raw.takenAt) >= since;
    await this.controller.run(cause);
    if (!isFresh()) await this.controller.run(cause);
    return isFresh() ? this.raw : undefined;
  }

  object(id: string): IpcObject | undefined {
    return this.raw?.objects.find((o) => o.id === id);
  }

  process(pid: number): ProcessInfo | undefined {
    return this.raw?.processes.find((p) => p.pid === pid);
  }

  private async refresh(cause: string): Promise<void> {
    const t = performance.now();
    try {
      // Background scans (the interval, file events) run on the scan worker alone: helper threads shorten a
      // scan of a large machine but cost CPU to coordinate, and nobody waits on these.
      const background = cause === 'interval' || cause.startsWith('watch ');
      const snap = await this.client.snapshot({ workspaceDirs: this.workspaceDirs(), ...(background ? { threads: 1 } : {}) });
      const t1 = performance.now();
      this.raw = snap;
      this.render();
      const t2 = performance.now();
      this.updateWatches(snap);
      for (const fn of this.listeners) {
        try {
          fn(snap);
        } catch (e) {
          this.log.error('snapshot listener failed:', e);
        }
      }
      const t3 = performance.now();
      this.log.debug(`snapshot (${cause}): ${snap.objects.length} objects, ${snap.processes.length} processes, scan ${snap.durationMs.toFixed(1)} ms, `
        + `round trip ${(t1 - t).toFixed(1)} ms, render ${(t2 - t1).toFixed(1)} ms, watches and listeners ${(t3 - t2).toFixed(1)} ms; `
        + `scan phases: ${Object.entries(snap.scan?.phasesMs ?? {}).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    } catch (e) {
      this.log.error('scan failed:', e);
      this.objects.setState(e instanceof ScanError && e.native ? 'nativeFailed' : 'scanFailed');
      this.objectsView.message = e instanceof Error ? `Scan failed: ${e.message}` : 'Scan failed';
    }
  }

  private workspaceDirs(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  private render(): void {
    const snap = this.raw;
    if (!snap) return;
    const filtered = applyFilter(snap, this.filter, { uid: process.getuid?.() ?? -1, workspaceDirs: this.workspaceDirs() });
    const r = this.objects.setSnapshot(filtered);
    // The Processes view (collapsed by default) is built only while it is shown, and on being shown.
    this.filtered = filtered;
    if (this.processesView.visible) this.processes.setSnapshot(filtered);
    this.findings.setSnapshot(filtered);
    const msgs: string[] = [];
    if (snap.hidden.processes > 0) {
      msgs.push(`${hiddenProcessesHint(snap.hidden.processes, process.getuid?.() ?? -1)}.`);
    }
    msgs.push(...snap.notes);
    // Each assignment is a message to the workbench (and a repaint of the view's header), changed or not.
    const message = msgs.length ? msgs.join(' · ') : undefined;
    if (this.objectsView.message !== message) this.objectsView.message = message;
    const active = isFilterActive(this.filter);
    const desc = active ? `filtered: ${describeFilter(this.filter)} (${filtered.objects.length} of ${snap.objects.length})` : undefined;
    for (const v of [this.objectsView, this.processesView, this.findingsView]) if (v.description !== desc) v.description = desc;
    const f = this.findings.count;
    const badge = f.warnings ? { value: f.warnings, tooltip: `${f.warnings} security warnings` } : undefined;
    if (this.findingsView.badge?.value !== badge?.value) this.findingsView.badge = badge;
    this.updateStatus();
    this.log.trace(`render: ${r.full ? 'full' : `${r.changed} changed nodes`}`);
  }

  private updateStatus(): void {
    const show = vscode.workspace.getConfiguration('ipcInspector.statusBar').get<boolean>('showFindings', false);
    const f = this.findings.count;
    if (!show || !this.raw) {
      if (this.statusShown) this.statusItem.hide();
      this.statusShown = false;
      return;
    }
    const text = `$(shield) ${f.warnings}`;
    const tooltip = `IPC Inspector: ${f.warnings} security warnings, ${f.total - f.warnings} notes`;
    if (this.statusShown && this.statusItem.text === text && this.statusItem.tooltip === tooltip) return;
    this.statusShown = true;
    this.statusItem.text = text;
    this.statusItem.tooltip = tooltip;
    this.statusItem.accessibilityInformation = { label: `IPC Inspector: ${f.warnings} security warnings` };
    this.statusItem.show();
  }

  // ---- filters --------------------------------------------------------------------------------------

  async setFilter(f: ExplorerFilter): Promise<void> {
    this.filter = f;
    await this.context.workspaceState.update(FILTER_KEY, f);
    this.applyFilterContext();
    this.render();
    for (const fn of this.filterListeners) {
      try {
        fn(f);
      } catch (e) {
        this.log.error('filter listener failed:', e);
      }
    }
  }

  onFilterChange(fn: (f: ExplorerFilter) => void): vscode.Disposable {
    this.filterListeners.add(fn);
    return { dispose: () => this.filterListeners.delete(fn) };
  }

  get currentFilter(): ExplorerFilter {
    return this.filter;
  }

  private applyFilterContext(): void {
    void vscode.commands.executeCommand('setContext', 'ipcInspector.filter.mine', this.filter.mine);
    void vscode.commands.executeCommand('setContext', 'ipcInspector.filter.workspace', this.filter.workspaceOnly);
    void vscode.commands.executeCommand('setContext', 'ipcInspector.filter.active', isFilterActive(this.filter));
  }

  async pickKinds(): Promise<void> {
    const items = GROUPS.flatMap((g) => g.kinds.map((k) => ({ label: k, description: g.label, picked: !this.filter.kinds || this.filter.kinds.includes(k) })));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Show these kinds' });
    if (!picked) return;
    const kinds = picked.map((p) => p.label as IpcKind);
    await this.setFilter({ ...this.filter, kinds: kinds.length === items.length || kinds.length === 0 ? null : kinds });
  }

  async pickText(): Promise<void> {
    const text = await vscode.window.showInputBox({
      title: 'Filter IPC objects', prompt: 'Part of a name, a pid, or a process name (empty clears)', value: this.filter.text,
    });
    if (text === undefined) return;
    await this.setFilter({ ...this.filter, text: text.slice(0, 200) });
  }

  clearFilter(): Promise<void> {
    return this.setFilter(NO_FILTER);
  }

  // ---- watchers ------------------------------------------------------------------------------------

  private watchDir(dir: string): void {
    if (this.watchers.has(dir) || this.watchers.size >= MAX_WATCHED_DIRS) return;
    try {
      const w = fs.watch(dir, { persistent: false }, (event, filename) => {
        // A busy /tmp or FIFO would otherwise cause a full scan every 2 s; checked only when one could be scheduled.
        if (this.controller.canSchedule && isRelevantEvent(event, dir, typeof filename === 'string' ? filename : null, this.knownPaths)) {
          this.controller.soon(`watch ${typeof filename === 'string' ? path.join(dir, filename) : dir}`);
        }
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch {
      // Missing or unreadable directory (e.g. /dev/mqueue not mounted): polling covers it.
    }
  }

  /** Watch the directories holding listed FIFOs and socket files, so a new or removed one shows at once. */
  /** Watch what watchPlan() says for this snapshot; unwatch the directories it no longer lists. */
  private updateWatches(s: Snapshot): void {
    const plan = watchPlan(s.objects.map(objectPath), this.workspaceDirs(), MAX_WATCHED_DIRS);
    this.knownPaths = plan.known;
    const wanted = new Set(plan.dirs);
    for (const [d, w] of this.watchers) {
      if (wanted.has(d)) continue;
      w.close();
      this.watchers.delete(d);
    }
    for (const d of plan.dirs) this.watchDir(d);
  }



  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
