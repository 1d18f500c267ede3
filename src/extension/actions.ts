// Context-menu actions on explorer items. Anything that changes the machine (unlink, signal) asks a modal
// confirmation naming exactly what will happen, works only on objects the user owns, and reports the result.

import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { IpcObject, ProcessInfo } from '../core/model';
import { escapeControl } from '../core/names';
import { objectPath } from '../core/view/filter';
import { objectLabel } from '../core/view/treeModel';

/** Where a removable object lives in the file system. */
export function unlinkPath(o: IpcObject): string | undefined {
  if (o.kind === 'posix-shm' || o.kind === 'posix-sem') return typeof o.path === 'string' ? o.path : `/dev/shm/${o.name.replace(/^\//, '')}`;
  if (o.kind === 'posix-mq') return typeof o.path === 'string' ? o.path : `/dev/mqueue/${o.name.replace(/^\//, '')}`;
  if (o.kind === 'fifo' || (o.kind === 'unix' && o.unix?.address === 'path')) return objectPath(o);
  return undefined;
}

const KIND_WORDS: Partial<Record<IpcObject['kind'], string>> = {
  unix: 'socket file', fifo: 'FIFO', 'posix-shm': 'shared-memory segment', 'posix-mq': 'message queue', 'posix-sem': 'semaphore',
};

export async function unlinkObject(o: IpcObject): Promise<boolean> {
  const p = unlinkPath(o);
  const what = KIND_WORDS[o.kind];
  if (!p || !what) {
    void vscode.window.showInformationMessage(`IPC Inspector cannot remove a ${o.kind}.`);
    return false;
  }
  const isStale = o.findings.some((f) => f.code === 'stale-socket-file' || f.code === 'orphan-fifo');
  if ((o.kind === 'unix' || o.kind === 'fifo') && !isStale && o.endpoints.length > 0) {
    void vscode.window.showInformationMessage(`The ${what} ${escapeControl(p)} is in use; IPC Inspector only removes stale socket files and orphan FIFOs.`);
    return false;
  }
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    void vscode.window.showWarningMessage(`${escapeControl(p)} is already gone (${(e as NodeJS.ErrnoException).code ?? e}).`);
    return true;
  }
  // Identity check: the name may have been replaced since the scan (never unlink a different file).
  if (st.ino !== o.inode && o.kind !== 'unix') {
    void vscode.window.showWarningMessage(`${escapeControl(p)} changed since the last scan (inode ${st.ino}, expected ${o.inode}); refresh and try again.`);
    return false;
  }
  const uid = process.getuid?.() ?? -1;
  if (st.uid !== uid) {
    void vscode.window.showWarningMessage(`${escapeControl(p)} belongs to uid ${st.uid}; IPC Inspector only removes objects you own (uid ${uid}).`);
    return false;
  }
  const detail = `This deletes the name ${escapeControl(p)} (inode ${st.ino}). Processes that already hold it keep their descriptors; new opens will fail.`;
  const choice = await vscode.window.showWarningMessage(`Delete the ${what} ${escapeControl(objectLabel(o))}?`, { modal: true, detail }, 'Delete');
  if (choice !== 'Delete') return false;
  try {
    fs.unlinkSync(p);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not delete ${escapeControl(p)}: ${(e as Error).message}`);
    return false;
  }
  void vscode.window.showInformationMessage(`Deleted ${escapeControl(p)}.`);
  return true;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP', 'SIGCONT', 'SIGKILL'] as const;

function statusUid(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function sendSignal(p: ProcessInfo): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    SIGNALS.map((s) => ({ label: s, description: String(osConstants.signals[s]) })),
    { title: `Send a signal to ${escapeControl(p.comm)} (pid ${p.pid})`, placeHolder: 'Signal' },
  );
  if (!pick) return;
  // Re-check who the pid is now: it may have exited and been reused since the scan.
  let comm: string;
  try {
    comm = fs.readFileSync(`/proc/${p.pid}/comm`, 'utf8').replace(/\n$/, '');
  } catch {
    void vscode.window.showWarningMessage(`Process ${p.pid} has exited.`);
    return;
  }
  if (comm !== p.comm) {
    void vscode.window.showWarningMessage(`pid ${p.pid} is now "${escapeControl(comm)}", not "${escapeControl(p.comm)}"; refresh and try again.`);
    return;
  }
  const uid = process.getuid?.() ?? -1;
  const owner = statusUid(p.pid);
  if (owner !== uid) {
    void vscode.window.showWarningMessage(`Process ${p.pid} belongs to uid ${owner ?? '?'}; IPC Inspector only signals your own processes (uid ${uid}).`);
    return;
  }
  const cmd = escapeControl(p.cmdline.join(' ')).slice(0, 300);
  const choice = await vscode.window.showWarningMessage(
    `Send ${pick.label} (${pick.description}) to ${escapeControl(p.comm)} (pid ${p.pid})?`,
    { modal: true, detail: `Command line: ${cmd || '(none)'}` },
    `Send ${pick.label}`,
  );
  if (choice !== `Send ${pick.label}`) return;
  try {
    process.kill(p.pid, pick.label);
    void vscode.window.showInformationMessage(`Sent ${pick.label} to pid ${p.pid}.`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not signal pid ${p.pid}: ${(e as Error).message}`);
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
      '',
    ].join('\n');
  }
}
