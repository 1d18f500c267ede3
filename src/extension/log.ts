// The extension's one LogOutputChannel; never shown by itself (users open it through "Show Log").

import * as vscode from 'vscode';
import { inspect } from 'node:util';

function stringify(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? p.stack ?? p.message : typeof p === 'string' ? p : inspect(p, { depth: 6 })))
    .join(' ');
}

export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('IPC Inspector', { log: true });
  trace(...m: unknown[]): void { this.channel.trace(stringify(m)); }
  debug(...m: unknown[]): void { this.channel.debug(stringify(m)); }
  info(...m: unknown[]): void { this.channel.info(stringify(m)); }
  warn(...m: unknown[]): void { this.channel.warn(stringify(m)); }
  error(...m: unknown[]): void { this.channel.error(stringify(m)); }
  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}
