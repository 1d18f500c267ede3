// Context-menu actions on explorer items. Anything that changes the machine (unlink, signal) asks a modal
// confirmation naming exactly what will happen, works only on objects the user owns, and reports the result.

import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { IpcObject, ProcessInfo, Snapshot } from '../core/model';
import { checkRemoval, removablePath, removeChecked } from '../core/removal';
import { closeProcess, openProcess, signalProcess } from '../core/processSignal';
import { escapeControl, escapeNotice } from '../core/names';
import { objectLabel } from '../core/view/treeModel';
import { signalDetailLines } from '../core/view/signalDetails';
import { statusSignals } from '../core/procfs/signals';
import { readThreadSignals } from '../core/scan/processes';

const KIND_WORDS: Partial<Record<IpcObject['kind'], string>> = {
  unix: 'socket file', fifo: 'FIFO', 'posix-shm': 'shared-memory segment', 'posix-mq': 'message queue', 'posix-sem': 'semaphore',
};

/**
 * Delete the name of `o` after a modal confirmation. The file must still be that object and the user's
 * (checkRemoval), before the question and again after it, against a scan taken once the user confirmed
 * (`rescan`): a server may have bound the socket file again, or a process opened the FIFO, meanwhile.
 */
export async function unlinkObject(o: IpcObject, rescan: () => Promise<Snapshot | undefined>): Promise<boolean> {
  const what = KIND_WORDS[o.kind];
  if (!what || !removablePath(o)) {
    void vscode.window.showInformationMessage(`IPC Inspector cannot remove a ${o.kind}.`);
    return false;
  }
  const isStale = o.findings.some((f) => f.code === 'stale-socket-file' || f.code === 'orphan-fifo');
  // Shown in notifications, where `[x](command:…)` in a name would be a link that runs the command.
  const shownPath = escapeNotice(removablePath(o)!.toString('utf8'));
  if ((o.kind === 'unix' || o.kind === 'fifo') && !isStale && o.endpoints.length > 0) {
    void vscode.window.showInformationMessage(`The ${what} ${shownPath} is in use; IPC Inspector only removes stale socket files and orphan FIFOs.`);
    return false;
  }
  const uid = process.getuid?.() ?? -1;
  const before = checkRemoval(o, uid);
  if (!before.ok) {
    void vscode.window.showWarningMessage(`${before.reason}.`);
    return before.gone;
  }
  const detail = `This deletes the name ${shownPath} (inode ${before.st.ino}). Processes that already hold it keep their descriptors; new opens will fail.`;
  const choice = await vscode.window.showWarningMessage(`Delete the ${what} ${escapeControl(objectLabel(o))}?`, { modal: true, detail }, 'Delete');
  if (choice !== 'Delete') return false;
  // Socket files and FIFOs: a scan from now, not the one the user looked at.
  const fresh = o.kind === 'unix' || o.kind === 'fifo' ? await rescan() : undefined;
  if ((o.kind === 'unix' || o.kind === 'fifo') && !fresh) {
    void vscode.window.showWarningMessage(`Not deleted: the scan that checks ${shownPath} is unused failed.`);
    return false;
  }
  // Checked again and unlinked through one fd on the file's directory: the file checked is the file deleted.
  const now = removeChecked(o, uid, fresh);
  if (!now.ok) {
    void vscode.window.showWarningMessage(`Not deleted: ${now.reason}.`);
    return now.gone;
  }
  void vscode.window.showInformationMessage(`Deleted ${shownPath}.`);
  return true;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP', 'SIGCONT', 'SIGKILL'] as const;

export async function sendSignal(p: ProcessInfo): Promise<void> {
  // A handle on the very process the scan saw, opened before any question: a pid reused while the dialogs
  // are open can never receive the signal (it goes through the pidfd).
  const starttime = typeof p['starttime'] === 'number' ? (p['starttime'] as number) : NaN;
  const h = openProcess(p.pid, starttime);
  if ('reason' in h) {
    void vscode.window.showWarningMessage(`${escapeNotice(h.reason)}.`);
    return;
  }
  try {
    const uid = process.getuid?.() ?? -1;
    if (h.uid !== uid) {
      void vscode.window.showWarningMessage(`Process ${p.pid} belongs to uid ${h.uid}; IPC Inspector only signals your own processes (uid ${uid}).`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      SIGNALS.map((s) => ({ label: s, description: String(osConstants.signals[s]) })),
      { title: `Send a signal to ${escapeControl(p.comm)} (pid ${p.pid})`, placeHolder: 'Signal' },
    );
    if (!pick) return;
    const cmd = escapeControl(p.cmdline.join(' ')).slice(0, 300);
    const choice = await vscode.window.showWarningMessage(
      `Send ${pick.label} (${pick.description}) to ${escapeControl(p.comm)} (pid ${p.pid})?`,
      { modal: true, detail: `Command line: ${cmd || '(none)'}` },
      `Send ${pick.label}`,
    );
    if (choice !== `Send ${pick.label}`) return;
    const failed = signalProcess(h, pick.label);
    if (failed) void vscode.window.showErrorMessage(`Not sent: ${escapeNotice(failed)}.`);
    else void vscode.window.showInformationMessage(`Sent ${pick.label} to pid ${p.pid}.`);
  } finally {
    closeProcess(h);
  }
}

/** A read-only document describing a process (cmdline, cwd, exe), under the `ipc-inspector` scheme. */
export class ProcessDocumentProvider implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'ipc-inspector-process';

  static uri(pid: number): vscode.Uri {
    return vscode.Uri.from({ scheme: ProcessDocumentProvider.scheme, path: `/${pid}.txt` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const pid = Number(/^\/(\d+)\.txt$/.exec(uri.path)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) return 'not a process';
    const read = (f: string, enc: BufferEncoding = 'utf8') => {
      try {
        return fs.readFileSync(`/proc/${pid}/${f}`, enc);
      } catch (e) {
        return `(${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`;
      }
    };
    const link = (f: string) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/${f}`);
      } catch (e) {
        return `(${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`;
      }
    };
    const cmdline = read('cmdline').split('\0').filter((x, i, a) => x !== '' || i < a.length - 1);
    return [
      `pid:     ${pid}`,
      `comm:    ${escapeControl(read('comm').replace(/\n$/, ''))}`,
      `exe:     ${escapeControl(link('exe'))}`,
      `cwd:     ${escapeControl(link('cwd'))}`,
      'cmdline:',
      ...cmdline.map((a, i) => `  [${i}] ${escapeControl(a)}`),
      ...signalDetailLines(statusSignals(read('status', 'latin1')), readThreadSignals(pid)),
      '',
    ].join('\n');
  }
}
