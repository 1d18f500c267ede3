// The benchmark results panel: latest or chosen run, an earlier run to compare, exports; one instance.

import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import type { Log } from '../log';
import { PanelBase, webviewOptions } from '../webview/panelBase';
import { readRuns } from '../../core/bench/storage';
import { formatRun, runToCsv } from '../../core/bench/format';
import type { BenchRun } from '../../core/bench/results';
import { runListEntry, runView } from '../../core/benchView';
import {
  validateBenchFromWebview, validateBenchState, type BenchFromWebview, type BenchPanelState, type BenchToWebview,
} from '../../../webview/shared/benchProtocol';

export const BENCH_VIEW_TYPE = 'ipcInspector.benchResults';

export class BenchPanel extends PanelBase<BenchToWebview, BenchFromWebview> {
  private static current: BenchPanel | undefined;
  private state: BenchPanelState;

  static show(extensionUri: vscode.Uri, storageDir: string, log: Log, runId: string | null): BenchPanel {
    if (BenchPanel.current && !BenchPanel.current.isDisposed) {
      const p = BenchPanel.current;
      p.state = { runId, compareId: p.state.compareId === runId ? null : p.state.compareId };
      p.panel.reveal(vscode.ViewColumn.Active);
      p.sendRuns();
      return p;
    }
    const panel = vscode.window.createWebviewPanel(BENCH_VIEW_TYPE, 'IPC Benchmarks', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    BenchPanel.current = new BenchPanel(panel, extensionUri, storageDir, log, { runId, compareId: null });
    return BenchPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, storageDir: string, log: Log, state: unknown): void {
    BenchPanel.current = new BenchPanel(panel, extensionUri, storageDir, log, validateBenchState(state) ?? { runId: null, compareId: null });
  }

  /** Tell the panel (if open) what the running benchmark is doing. */
  static progress(text: string | null): void {
    BenchPanel.current?.post({ type: 'progress', text });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly storageDir: string, log: Log, state: BenchPanelState) {
    super(panel, extensionUri, { viewType: BENCH_VIEW_TYPE, bundle: 'bench', title: 'IPC Benchmarks', validate: validateBenchFromWebview }, log);
    this.state = state;
  }

  private runs(): BenchRun[] {
    const { runs, skipped } = readRuns(this.storageDir);
    if (skipped) this.log.warn(`benchmark history: skipped ${skipped} unreadable lines`);
    return runs;
  }

  private sendRuns(): void {
    const runs = this.runs();
    const byId = new Map(runs.map((r) => [r.id, r]));
    const current = (this.state.runId && byId.get(this.state.runId)) || runs[runs.length - 1] || null;
    const compare = (this.state.compareId && byId.get(this.state.compareId)) || null;
    this.post({
      type: 'runs',
      current: current ? runView(current) : null,
      compare: compare && compare !== current ? runView(compare) : null,
      history: runs.slice(-100).reverse().map(runListEntry),
    });
  }

  protected onReady(): void {
    this.sendRuns();
  }

  protected async onMessage(msg: BenchFromWebview): Promise<void> {
    switch (msg.type) {
      case 'select':
        this.state = { ...this.state, runId: msg.runId };
        this.sendRuns();
        return;
      case 'compare':
        this.state = { ...this.state, compareId: msg.runId };
        this.sendRuns();
        return;
      case 'export':
        await this.export(msg.format);
        return;
    }
  }

  private async export(format: 'json' | 'csv' | 'markdown'): Promise<void> {
    const runs = this.runs();
    const run = runs.find((r) => r.id === this.state.runId) ?? runs[runs.length - 1];
    if (!run) {
      void vscode.window.showInformationMessage('No benchmark run to export yet.');
      return;
    }
    const ext = format === 'markdown' ? 'md' : format;
    const uri = await vscode.window.showSaveDialog({
      title: `Export benchmark run as ${format.toUpperCase()}`,
      defaultUri: vscode.Uri.file(`ipc-bench-${run.id}.${ext}`),
      filters: { [format.toUpperCase()]: [ext] },
    });
    if (!uri) return;
    const text = format === 'json' ? `${JSON.stringify(run, null, 2)}\n` : format === 'csv' ? runToCsv(run) : `${formatRun(run, true)}\n`;
    if (uri.scheme === 'file') writeFileSync(uri.fsPath, text);
    else await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    void vscode.window.showInformationMessage(`Exported the benchmark run to ${uri.fsPath}.`);
  }

  protected override onDispose(): void {
    if (BenchPanel.current === this) BenchPanel.current = undefined;
  }
}
