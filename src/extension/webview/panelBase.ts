// One base for every webview panel: strict CSP with a per-render nonce, explicit localResourceRoots, a ready
// handshake, a latest-only queue while the page is not ready or hidden, and validation of every inbound message.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Log } from '../log';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page skeleton: the bundle `dist/webview/<bundle>.js` builds everything else from data it is sent.
 * `extraCss` names further stylesheets under media/ (plain file names), loaded after webview.css.
 */
export function buildHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string, extraCss: readonly string[] = []): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const links = extraCss
    .filter((f) => /^[\w.-]+\.css$/.test(f))
    .map((f) => `<link rel="stylesheet" href="${escapeAttr(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString())}">\n`)
    .join('');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(css.toString())}">
${links}<title>${escapeAttr(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${escapeAttr(n)}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}

export interface PanelSpec<From> {
  viewType: string;
  bundle: string;
  title: string;
  /** Extra stylesheets under media/ (file names), e.g. ['live.css']. */
  css?: readonly string[];
  /** Returns the typed message, or undefined for anything malformed (which is dropped and logged). */
  validate(msg: unknown): From | undefined;
}

/**
 * Owns one WebviewPanel. Subclasses handle validated messages in `onMessage` and send with `post`, which
 * keeps only the latest message of each type while the page is not ready or not visible.
 */
export abstract class PanelBase<To extends { type: string }, From extends { type: string }> implements vscode.Disposable {
  private ready = false;
  private readonly pendingLatest = new Map<string, To>();
  protected readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly extensionUri: vscode.Uri,
    protected readonly spec: PanelSpec<From>,
    protected readonly log: Log,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = buildHtml(panel.webview, extensionUri, spec.bundle, spec.title, spec.css);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.flush();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Send now if the page can take it, else keep the latest of this type for later. */
  post(msg: To): void {
    if (this.disposed) return;
    if (!this.ready || !this.panel.visible) {
      this.pendingLatest.set(msg.type, msg);
      return;
    }
    void this.panel.webview.postMessage(msg).then(
      (ok) => {
        if (!ok) this.pendingLatest.set(msg.type, msg);
      },
      () => this.pendingLatest.set(msg.type, msg),
    );
  }

  private flush(): void {
    if (!this.ready || !this.panel.visible) return;
    const msgs = [...this.pendingLatest.values()];
    this.pendingLatest.clear();
    for (const m of msgs) this.post(m);
  }

  private receive(raw: unknown): void {
    if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'ready') {
      this.ready = true;
      this.onReady();
      this.flush();
      return;
    }
    const msg = this.spec.validate(raw);
    if (msg === undefined) {
      this.log.warn(`${this.spec.viewType}: dropped an invalid message from the webview`);
      return;
    }
    try {
      const r = this.onMessage(msg);
      if (r instanceof Promise) r.catch((e) => this.log.error(`${this.spec.viewType}: handling ${msg.type} failed:`, e));
    } catch (e) {
      this.log.error(`${this.spec.viewType}: handling ${msg.type} failed:`, e);
    }
  }

  /** The page (re)loaded and asked for state: send everything it needs. */
  protected abstract onReady(): void;
  protected abstract onMessage(msg: From): void | Promise<void>;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  protected onDispose(): void {}
}
