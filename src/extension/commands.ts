// One wrapper around every command: logs the stack and shows a single message with "Show Log".

import * as vscode from 'vscode';
import { escapeNotice } from '../core/names';
import type { Log } from './log';

export function isCancellation(e: unknown): boolean {
  return e instanceof vscode.CancellationError || (e instanceof Error && e.name === 'AbortError');
}

export function registerCommand(
  log: Log,
  id: string,
  handler: (...args: any[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (isCancellation(e)) return undefined;
      log.error(`command ${id} failed:`, e);
      // An error may quote machine text (a path, a name): escaped so it cannot form a command link in the notification.
      const msg = escapeNotice(e instanceof Error ? e.message : String(e));
      void vscode.window.showErrorMessage(`IPC Inspector: ${msg}`, 'Show Log').then((pick) => {
        if (pick) log.show();
      });
      return undefined;
    }
  });
}
