// Topology panel: the explorer's (filtered) snapshot as a force graph; refreshed with every snapshot;
// clicking an object reveals it in the Objects view, a process in the Processes view (only ids present in the
// snapshot are accepted).

import * as vscode from 'vscode';
import { PanelBase, webviewOptions } from '../webview/panelBase';
import { applyFilter, describeFilter, isFilterActive } from '../../core/view/filter';
import { buildTopology } from '../../core/live/topology';
import { parseFromTopology, type FromTopology, type ToTopology } from '../../../webview/shared/topologyProtocol';
import type { LiveContext } from './liveContext';

export class TopologyPanel extends PanelBase<ToTopology, FromTopology> {
  static readonly viewType = 'ipcInspector.topology';
  static current: TopologyPanel | undefined;

  static show(ctx: LiveContext): TopologyPanel {
    if (TopologyPanel.current) {
      TopologyPanel.current.panel.reveal();
      return TopologyPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(TopologyPanel.viewType, 'IPC Topology', vscode.ViewColumn.Active, webviewOptions(ctx.extensionUri));
    return new TopologyPanel(panel, ctx);
  }

  static revive(panel: vscode.WebviewPanel, ctx: LiveContext): TopologyPanel {
    TopologyPanel.current?.dispose();
    return new TopologyPanel(panel, ctx);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly ctx: LiveContext) {
    super(panel, ctx.extensionUri, { viewType: TopologyPanel.viewType, bundle: 'topology', title: 'IPC Topology', css: ['live.css'], validate: parseFromTopology }, ctx.log);
    TopologyPanel.current = this;
    this.disposables.push(ctx.explorer.onSnapshot(() => this.send()), ctx.explorer.onFilterChange(() => this.send()));
  }

  private send(): void {
    const snap = this.ctx.explorer.snapshot;
    if (!snap) return;
    const f = this.ctx.explorer.currentFilter;
    const workspaceDirs = (vscode.workspace.workspaceFolders ?? []).filter((w) => w.uri.scheme === 'file').map((w) => w.uri.fsPath);
    const filtered = applyFilter(snap, f, { uid: process.getuid?.() ?? -1, workspaceDirs });
    const g = buildTopology(filtered);
    this.post({ type: 'graph', nodes: g.nodes, links: g.links, filter: isFilterActive(f) ? `filtered: ${describeFilter(f)}` : '', truncated: g.truncated });
  }

  protected onReady(): void {
    if (this.ctx.explorer.snapshot) this.send();
    else void this.ctx.explorer.ensureSnapshot();
  }

  protected async onMessage(m: FromTopology): Promise<void> {
    // Only what the current snapshot has: ids and pids are never passed on unchecked.
    if (m.type === 'revealProcess') {
      // The command checks the pid against the Processes tree.
      await vscode.commands.executeCommand('ipcInspector.revealProcess', m.pid);
      return;
    }
    if (!this.ctx.explorer.object(m.objectId)) return;
    await vscode.commands.executeCommand('ipcInspector.revealObject', `obj:${m.objectId}`);
  }

  protected override onDispose(): void {
    if (TopologyPanel.current === this) TopologyPanel.current = undefined;
  }
}
