// Activation: wiring only. Must stay cheap: no koffi here (the scan worker loads it on first refresh).

import * as vscode from 'vscode';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Log } from './log';
import { registerCommand } from './commands';
import { ObjectsTreeProvider } from './tree/objectsTree';
import { RefreshController } from './tree/refresh';
import { ScanClient, ScanError } from '../core/worker/client';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const tree = new ObjectsTreeProvider();
  const view = vscode.window.createTreeView('ipcInspector.objects', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view, registerCommand(log, 'ipcInspector.showLog', () => log.show()));

  if (process.platform !== 'linux') {
    tree.setState('unsupported');
    context.subscriptions.push(registerCommand(log, 'ipcInspector.refresh', () => tree.setState('unsupported')));
    log.info(`not Linux (${process.platform}): explorer disabled; activated in ${(performance.now() - t0).toFixed(1)} ms`);
    return;
  }

  const client = new ScanClient(path.join(context.extensionPath, 'dist', 'scan.worker.js'));
  context.subscriptions.push({ dispose: () => client.dispose() });

  const refresh = async (): Promise<void> => {
    const t = performance.now();
    try {
      const snap = await client.snapshot({
        workspaceDirs: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      });
      const r = tree.setSnapshot(snap);
      view.message = snap.hidden.processes > 0
        ? `${snap.hidden.processes} processes of other users are not inspectable (run VS Code as that user, or as root, to see them).`
        : snap.notes.length ? snap.notes.join(' · ') : undefined;
      log.debug(`snapshot: ${snap.objects.length} objects, ${snap.processes.length} processes, scan ${snap.durationMs.toFixed(1)} ms, round trip ${(performance.now() - t).toFixed(1)} ms, ${r.full ? 'full refresh' : `${r.changed} changed nodes`}`);
    } catch (e) {
      log.error('scan failed:', e);
      tree.setState(e instanceof ScanError && e.native ? 'nativeFailed' : 'scanFailed');
      view.message = e instanceof Error ? `Scan failed: ${e.message}` : 'Scan failed';
    }
  };

  const controller = new RefreshController(view, 'ipcInspector.objects', refresh, () =>
    vscode.workspace.getConfiguration('ipcInspector.explorer').get<number>('refreshIntervalSeconds', 5));
  context.subscriptions.push(
    controller,
    registerCommand(log, 'ipcInspector.refresh', () => controller.manual()),
    registerCommand(log, 'ipcInspector.revealPeer', async (peerNodeId: unknown) => {
      if (typeof peerNodeId !== 'string') return;
      const n = tree.node(peerNodeId);
      if (n?.type !== 'peer') return;
      if (!tree.node(n.peerObjectId)) {
        void vscode.window.showInformationMessage('The peer socket is not visible in the current snapshot.');
        return;
      }
      await view.reveal(n.peerObjectId, { select: true, focus: true, expand: true });
    }),
  );
  log.info(`activated in ${(performance.now() - t0).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
