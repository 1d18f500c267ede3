// The "Objects" tree: maps the pure tree model (core/view/treeModel) to TreeItems; element = stable node id.

import * as vscode from 'vscode';
import type { Snapshot } from '../../core/model';
import { buildTree, childrenOf, diffTrees, parentOf, TreeBuildCache, type TreeModel, type TreeNode } from '../../core/view/treeModel';

export type ExplorerState = 'loading' | 'ok' | 'empty' | 'unsupported' | 'nativeFailed' | 'scanFailed';

export class ObjectsTreeProvider implements vscode.TreeDataProvider<string> {
  private model: TreeModel | undefined;
  /** Nodes of unchanged objects are reused from one snapshot to the next (see TreeBuildCache). */
  private readonly cache = new TreeBuildCache();
  private state: ExplorerState = 'loading';
  private readonly emitter = new vscode.EventEmitter<string | string[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  /** Objects whose live occupancy is over the user's alarm threshold (set by the occupancy panel). */
  alarmed: (objectId: string) => boolean = () => false;

  /** Re-render these objects (e.g. their alarm state changed). */
  refreshObjects(objectIds: string[]): void {
    const ids = objectIds.map((id) => `obj:${id}`).filter((id) => this.model?.nodes.has(id));
    if (ids.length) this.emitter.fire(ids);
  }

  get current(): TreeModel | undefined {
    return this.model;
  }

  setState(state: ExplorerState): void {
    const changed = state !== this.state;
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'ipcInspector.state', state);
    if (changed) {
      if (state !== 'ok') this.model = undefined;
      this.emitter.fire(undefined);
    }
  }

  /** Install a new snapshot and fire change events only for the nodes that changed. */
  setSnapshot(snapshot: Snapshot): { changed: number; full: boolean } {
    const next = buildTree(snapshot, this.cache);
    const empty = snapshot.objects.length === 0;
    const prevState = this.state;
    const prev = this.model;
    this.model = next;
    this.state = empty ? 'empty' : 'ok';
    // Every setContext is a round trip to the workbench: only on a change.
    if (prevState !== this.state) void vscode.commands.executeCommand('setContext', 'ipcInspector.state', this.state);
    if (prevState !== this.state) {
      this.emitter.fire(undefined);
      return { changed: 0, full: true };
    }
    const d = diffTrees(prev, next);
    if (d.rootsChanged) {
      this.emitter.fire(undefined);
      return { changed: 0, full: true };
    }
    if (d.changed.length) this.emitter.fire(d.changed);
    return { changed: d.changed.length, full: false };
  }

  node(id: string): TreeNode | undefined {
    return this.model?.nodes.get(id);
  }

  getChildren(element?: string): string[] {
    if (!this.model || this.state !== 'ok') return [];
    return childrenOf(this.model, element);
  }

  /** On hover: the object's markdown tooltip (every field, escaped). */
  resolveTreeItem(item: vscode.TreeItem, id: string): vscode.TreeItem {
    const n = this.model?.nodes.get(id);
    if (n?.type === 'object' && item.tooltip === undefined) {
      const md = new vscode.MarkdownString(n.tooltip);
      md.supportHtml = false;
      md.isTrusted = false;
      item.tooltip = md;
    }
    return item;
  }

  getParent(element: string): string | undefined {
    return this.model ? parentOf(this.model, element) : undefined;
  }

  getTreeItem(id: string): vscode.TreeItem {
    const n = this.model?.nodes.get(id);
    if (!n) return new vscode.TreeItem('(gone)', vscode.TreeItemCollapsibleState.None);
    switch (n.type) {
      case 'group': {
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = n.id;
        item.description = n.description;
        item.iconPath = new vscode.ThemeIcon(n.group.icon);
        item.contextValue = `ipc.group.${n.group.key}`;
        item.accessibilityInformation = { label: `${n.label}, ${n.description} objects` };
        return item;
      }
      case 'object': {
        const item = new vscode.TreeItem(n.label, n.childIds.length
          ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = n.description;
        // The markdown tooltip is given on hover (resolveTreeItem): VS Code's extension host runs a markdown
        // lexer over every MarkdownString tooltip of every item it fetches, which was most of the explorer's
        // idle CPU (bench:explorer, profiled).
        const alarm = this.alarmed(n.object.id);
        item.iconPath = n.warning || alarm
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
          : new vscode.ThemeIcon(n.icon);
        if (alarm) item.description = `⚠ over the alarm threshold · ${n.description}`;
        item.contextValue = n.contextValue;
        item.accessibilityInformation = { label: `${n.object.kind} ${n.label}, ${n.description}` };
        return item;
      }
      case 'endpoint': {
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = n.description;
        item.tooltip = n.tooltip;
        item.iconPath = new vscode.ThemeIcon(n.endpoint.access === 'r' ? 'arrow-left' : n.endpoint.access === 'w' ? 'arrow-right' : 'arrow-both');
        item.contextValue = 'ipc.endpoint';
        return item;
      }
      case 'peer': {
        const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = n.description;
        item.iconPath = new vscode.ThemeIcon('link');
        item.contextValue = 'ipc.peer';
        item.command = { command: 'ipcInspector.revealPeer', title: 'Go to Peer', arguments: [n.id] };
        return item;
      }
    }
  }
}
