// Activation: wiring only. Must stay cheap: no koffi here (the scan worker loads it on first refresh).

import * as vscode from 'vscode';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Log } from './log';
import { registerCommand } from './commands';
import { SCAN_PROCESS_FLAGS, ScanClient } from '../core/worker/client';
import { Explorer } from './explorer';
import { ProcessDocumentProvider, sendSignal, unlinkObject } from './actions';
import { objectPath } from '../core/view/filter';
import { escapeNotice, nameForClipboard } from '../core/names';
import type { IpcObject } from '../core/model';
import { runBenchmarkCommand, stopAllBenchmarks, type BenchCommandArgs } from './bench/benchCommand';
import { BENCH_VIEW_TYPE, BenchPanel } from './bench/benchPanel';
import { chooseMechanism } from './advisor';
import { registerCodeLenses } from './codelens';
import { insertSnippet, SNIPPET_PREVIEW_SCHEME, SnippetPreviewProvider } from './snippets';
import { registerLiveViews } from './panels/liveViews';

import { maybeProfileHost } from './hostProfile';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const log = new Log();
  context.subscriptions.push(log, registerCommand(log, 'ipcInspector.showLog', () => log.show()));
  maybeProfileHost(log);

  const storageDir = context.globalStorageUri.fsPath;
  context.subscriptions.push(
    registerCommand(log, 'ipcInspector.runBenchmark', (args?: BenchCommandArgs) =>
      runBenchmarkCommand(context, log, typeof args === 'object' && args !== null ? args : {})),
    registerCommand(log, 'ipcInspector.showBenchmarks', () => BenchPanel.show(context.extensionUri, storageDir, log, null)),
    registerCommand(log, 'ipcInspector.chooseMechanism', () => chooseMechanism(storageDir)),
    vscode.workspace.registerTextDocumentContentProvider(SNIPPET_PREVIEW_SCHEME, new SnippetPreviewProvider(context.extensionPath)),
    registerCommand(log, 'ipcInspector.insertSnippet', (args?: unknown) =>
      insertSnippet(context.extensionPath, typeof args === 'object' && args !== null ? args as Record<string, string> : {})),
    vscode.window.registerWebviewPanelSerializer(BENCH_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => BenchPanel.revive(panel, context.extensionUri, storageDir, log, state),
    }),
    { dispose: stopAllBenchmarks },
  );

  if (process.platform !== 'linux') {
    void vscode.commands.executeCommand('setContext', 'ipcInspector.state', 'unsupported');
    context.subscriptions.push(registerCommand(log, 'ipcInspector.refresh', () => undefined));
    log.info(`not Linux (${process.platform}): explorer disabled; activated in ${(performance.now() - t0).toFixed(1)} ms`);
    return;
  }

  const separate = vscode.workspace.getConfiguration('ipcInspector.scan').get<boolean>('separateProcess', true);
  const client = new ScanClient(
    path.join(context.extensionPath, 'dist', 'scan.worker.js'),
    separate ? { kind: 'process', execArgv: SCAN_PROCESS_FLAGS } : { kind: 'thread' },
    (reason) => log.warn(`scan process could not start, scanning in a worker thread instead: ${reason}`),
  );
  context.subscriptions.push({ dispose: () => client.dispose() });
  const explorer = new Explorer(context, client, log);
  context.subscriptions.push(explorer);

  /** The object behind a tree element (Objects view node id, or a Findings/Processes node that points to one). */
  const objectOf = (arg: unknown): IpcObject | undefined => {
    if (typeof arg !== 'string') return undefined;
    const n = explorer.objects.node(arg);
    if (n?.type === 'object') return n.object;
    if (n?.type === 'endpoint' || n?.type === 'peer') return explorer.object(n.objectId.replace(/^obj:/, ''));
    return arg.startsWith('obj:') ? explorer.object(arg.slice(4)) : undefined;
  };
  const pidOf = (arg: unknown): number | undefined => {
    if (typeof arg !== 'string') return undefined;
    const n = explorer.objects.node(arg);
    if (n?.type === 'endpoint') return n.endpoint.pid;
    return explorer.processes.pidOf(arg);
  };
  const copy = async (text: string | undefined, what: string) => {
    if (text === undefined) {
      void vscode.window.showInformationMessage(`This item has no ${what}.`);
      return;
    }
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${what}`, 2000);
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(ProcessDocumentProvider.scheme, new ProcessDocumentProvider()),
    registerCommand(log, 'ipcInspector.refresh', () => explorer.manualRefresh()),
    registerCommand(log, 'ipcInspector.revealObject', async (nodeId: unknown) => {
      if (typeof nodeId !== 'string' || !explorer.objects.node(nodeId)) {
        void vscode.window.showInformationMessage('That object is not in the current (filtered) snapshot.');
        return;
      }
      await explorer.objectsView.reveal(nodeId, { select: true, focus: true, expand: true });
    }),
    // Internal (not in the palette): the topology graph's process nodes.
    registerCommand(log, 'ipcInspector.revealProcess', async (pid: unknown) => {
      const id = `proc:${String(pid)}`;
      // The Processes view (collapsed by default) builds its model only while shown.
      if (!explorer.processesView.visible) explorer.ensureProcessesModel();
      if (typeof pid !== 'number' || !Number.isInteger(pid) || !explorer.processes.has(id)) {
        void vscode.window.showInformationMessage('That process is not in the current (filtered) snapshot.');
        return;
      }
      await explorer.processesView.reveal(id, { select: true, focus: true, expand: false });
    }),
    registerCommand(log, 'ipcInspector.revealPeer', async (peerNodeId: unknown) => {
      if (typeof peerNodeId !== 'string') return;
      const n = explorer.objects.node(peerNodeId);
      if (n?.type !== 'peer') return;
      if (!explorer.objects.node(n.peerObjectId)) {
        void vscode.window.showInformationMessage('The peer is not visible in the current (filtered) snapshot.');
        return;
      }
      await explorer.objectsView.reveal(n.peerObjectId, { select: true, focus: true, expand: true });
    }),
    registerCommand(log, 'ipcInspector.copyName', async (a: unknown) => {
      const name = objectOf(a)?.name;
      if (name === undefined) return copy(undefined, 'name');
      const c = nameForClipboard(name);
      await copy(c.text, c.escaped ? 'name, escaped (it holds control or invisible characters)' : 'name');
    }),
    registerCommand(log, 'ipcInspector.copyPath', (a: unknown) => { const o = objectOf(a); return copy(o && objectPath(o), 'path'); }),
    registerCommand(log, 'ipcInspector.copyInode', (a: unknown) => copy(objectOf(a)?.inode.toString(), 'inode')),
    registerCommand(log, 'ipcInspector.copyPid', (a: unknown) => copy(pidOf(a)?.toString(), 'pid')),
    registerCommand(log, 'ipcInspector.revealInOS', async (a: unknown) => {
      const o = objectOf(a);
      const p = o && objectPath(o);
      if (p) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(p));
    }),
    registerCommand(log, 'ipcInspector.revealInExplorer', async (a: unknown) => {
      const o = objectOf(a);
      const p = o && objectPath(o);
      if (!p) return;
      // The Explorer view shows the workspace only: outside it the command would silently do nothing.
      if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p))) {
        void vscode.window.showInformationMessage(`${escapeNotice(p)} is outside the workspace: the Explorer view cannot show it (Reveal in File Manager or Copy Path can).`);
        return;
      }
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(p));
    }),
    registerCommand(log, 'ipcInspector.showProcess', async (a: unknown) => {
      const pid = pidOf(a);
      if (pid === undefined) return;
      const doc = await vscode.workspace.openTextDocument(ProcessDocumentProvider.uri(pid));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    registerCommand(log, 'ipcInspector.sendSignal', async (a: unknown) => {
      const pid = pidOf(a);
      const p = pid === undefined ? undefined : explorer.process(pid);
      if (p) await sendSignal(p);
    }),
    registerCommand(log, 'ipcInspector.unlink', async (a: unknown) => {
      const o = objectOf(a);
      if (!o) return;
      if (await unlinkObject(o, () => explorer.freshSnapshot('check before delete'))) await explorer.manualRefresh();
    }),
    registerCommand(log, 'ipcInspector.filterMine', () => explorer.setFilter({ ...explorer.currentFilter, mine: true })),
    registerCommand(log, 'ipcInspector.filterAll', () => explorer.setFilter({ ...explorer.currentFilter, mine: false })),
    registerCommand(log, 'ipcInspector.filterWorkspace', () => explorer.setFilter({ ...explorer.currentFilter, workspaceOnly: true })),
    registerCommand(log, 'ipcInspector.filterMachine', () => explorer.setFilter({ ...explorer.currentFilter, workspaceOnly: false })),
    registerCommand(log, 'ipcInspector.filterKinds', () => explorer.pickKinds()),
    registerCommand(log, 'ipcInspector.filterText', () => explorer.pickText()),
    registerCommand(log, 'ipcInspector.clearFilter', () => explorer.clearFilter()),
  );
  const live = registerLiveViews(context, { explorer, log });
  explorer.objects.alarmed = (id) => live.alarms.has(id);
  context.subscriptions.push(live.alarms.onDidChange((ids) => explorer.objects.refreshObjects(ids)));

  context.subscriptions.push(registerCodeLenses(context, {
    getSnapshot: () => explorer.snapshot,
    onSnapshot: (fn) => explorer.onSnapshot(fn),
    ensureSnapshot: () => explorer.ensureSnapshot(),
    log,
  }));
  log.info(`activated in ${(performance.now() - t0).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Everything else is owned by context.subscriptions; stop benchmark workers at once.
  stopAllBenchmarks();
}
