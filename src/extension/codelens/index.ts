// Registers the IPC code lenses while `ipcInspector.codeLens.enabled` is on; when it is off nothing is registered.

import * as vscode from 'vscode';
import { CALLSITE_LANGUAGES } from '../../core/callsites/types';
import { IpcCodeLensProvider, type CodeLensDeps } from './provider';

export type { CodeLensDeps } from './provider';

const SETTING = 'ipcInspector.codeLens.enabled';

/** The supported languages on disk and in untitled editors; never `*`. */
export const CODELENS_SELECTOR: vscode.DocumentFilter[] = CALLSITE_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'untitled' },
]);

function start(deps: CodeLensDeps): { provider: IpcCodeLensProvider; disposable: vscode.Disposable } {
  const provider = new IpcCodeLensProvider(deps);
  const disposable = vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, provider),
    deps.onSnapshot((s) => provider.snapshotChanged(s)),
    vscode.workspace.onDidCloseTextDocument((d) => provider.forget(d.uri)),
  );
  deps.log.debug('code lens: provider registered');
  return { provider, disposable };
}

export function registerCodeLenses(_context: vscode.ExtensionContext, deps: CodeLensDeps): vscode.Disposable {
  let active: ReturnType<typeof start> | undefined;
  const apply = (): void => {
    const on = vscode.workspace.getConfiguration().get<boolean>(SETTING, true);
    if (on && !active) active = start(deps);
    else if (!on && active) {
      active.disposable.dispose();
      active = undefined;
      deps.log.debug('code lens: provider unregistered (setting off)');
    }
  };
  apply();
  const config = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SETTING)) apply();
    else if (e.affectsConfiguration('editor.codeLens')) active?.provider.refresh();
  });
  return new vscode.Disposable(() => {
    config.dispose();
    active?.disposable.dispose();
    active = undefined;
  });
}
