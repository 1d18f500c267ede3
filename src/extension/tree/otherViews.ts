// The "Processes" and "Findings" trees: adapters over the pure models in core/view.

import * as vscode from 'vscode';
import type { Snapshot } from '../../core/model';
import { buildProcessTree, procChildren, type ProcModel } from '../../core/view/processModel';
import { buildFindings, type FindingNode } from '../../core/view/findingsModel';
import { md as mdEscape } from '../../core/view/treeModel';

export class ProcessesTreeProvider implements vscode.TreeDataProvider<string> {
  private model: ProcModel | undefined;
  /** Child id -> parent id, built on demand for TreeView.reveal (which needs getParent). */
  private parents: Map<string, string> | undefined;
  private readonly emitter = new vscode.EventEmitter<string | string[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  /** JSON of the current model's nodes. */
  private sig = '';

  setSnapshot(s: Snapshot | undefined): void {
    const next = s ? buildProcessTree(s) : undefined;
    const sig = next ? JSON.stringify([...next.nodes.values()]) : '';
    if (sig === this.sig) return; // nothing visible changed: no event, no flicker
    this.sig = sig;
    this.model = next;
    this.parents = undefined;
    this.emitter.fire(undefined);
  }

  /** Whether the tree currently has this node (e.g. `proc:<pid>`). */
  has(id: string): boolean {
    return this.model?.nodes.has(id) ?? false;
  }

  getParent(id: string): string | undefined {
    if (!this.model) return undefined;
    if (!this.parents) {
      this.parents = new Map();
      for (const n of this.model.nodes.values()) if ('childIds' in n) for (const c of n.childIds) this.parents.set(c, n.id);
    }
    return this.parents.get(id);
  }

  getChildren(id?: string): string[] {
    return this.model ? procChildren(this.model, id) : [];
  }

  getTreeItem(id: string): vscode.TreeItem {
    const n = this.model?.nodes.get(id);
    if (!n) return new vscode.TreeItem('(gone)');
    const collapsible = 'childIds' in n && n.childIds.length
      ? (n.type === 'process' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded)
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(n.label, collapsible);
    item.id = n.id;
    item.description = n.description;
    switch (n.type) {
      case 'process':
        item.iconPath = new vscode.ThemeIcon('server-process');
        item.tooltip = n.tooltip;
        item.contextValue = 'ipc.process';
        break;
      case 'holding':
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'ipc.holding';
        item.command = { command: 'ipcInspector.revealObject', title: 'Reveal in Objects', arguments: [n.objectNodeId] };
        break;
      case 'talkPeer':
        item.iconPath = new vscode.ThemeIcon('arrow-swap');
        item.contextValue = 'ipc.process';
        break;
      case 'signals':
        item.iconPath = new vscode.ThemeIcon('zap');
        break;
      case 'talks':
        item.iconPath = new vscode.ThemeIcon('references');
        break;
      default:
        break;
    }
    return item;
  }

  /** pid of a process-like node (for the process actions). */
  pidOf(id: string): number | undefined {
    const n = this.model?.nodes.get(id);
    return n && (n.type === 'process' || n.type === 'talkPeer') ? n.pid : undefined;
  }
}

export class FindingsTreeProvider implements vscode.TreeDataProvider<string> {
  private nodes = new Map<string, FindingNode>();
  private order: string[] = [];
  private readonly emitter = new vscode.EventEmitter<string | string[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  get count(): { warnings: number; total: number } {
    let warnings = 0;
    for (const n of this.nodes.values()) if (n.severity === 'warning') warnings++;
    return { warnings, total: this.nodes.size };
  }

  /** JSON of the current list: a new snapshot with the same findings fires nothing. */
  private sig = '[]';

  setSnapshot(s: Snapshot | undefined): void {
    const list = s ? buildFindings(s) : [];
    const sig = JSON.stringify(list);
    if (sig === this.sig) return;
    this.sig = sig;
    this.nodes = new Map(list.map((f) => [f.id, f]));
    this.order = list.map((f) => f.id);
    this.emitter.fire(undefined);
  }

  getChildren(id?: string): string[] {
    return id === undefined ? this.order : [];
  }

  getTreeItem(id: string): vscode.TreeItem {
    const n = this.nodes.get(id);
    if (!n) return new vscode.TreeItem('(gone)');
    const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.iconPath = n.severity === 'warning'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('info');
    item.contextValue = `ipc.finding.${n.code}`;
    item.command = { command: 'ipcInspector.revealObject', title: 'Reveal in Objects', arguments: [n.objectNodeId] };
    return item;
  }

  /** On hover (see ObjectsTreeProvider.resolveTreeItem): the explanation as markdown. */
  resolveTreeItem(item: vscode.TreeItem, id: string): vscode.TreeItem {
    const n = this.nodes.get(id);
    if (n && item.tooltip === undefined) {
      // Our escaping (entities for < > &), not appendText's: see md() in core/view/treeModel.
      const md = new vscode.MarkdownString(n.explanation.split('\n').map(mdEscape).join('\n\n'));
      md.supportHtml = false;
      item.tooltip = md;
    }
    return item;
  }
}
