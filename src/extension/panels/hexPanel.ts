// Hex peek panel: the first 64 KiB of a POSIX shm segment (or a memfd, through a holder's fd), read with
// pread on demand and on Refresh. Never mmap; nothing is written.

import { clipText } from '../../core/names';
import * as vscode from 'vscode';
import { PanelBase, webviewOptions } from '../webview/panelBase';
import { objectLabel } from '../../core/view/treeModel';
import { peekSource } from '../../core/live/peek';
import { parseFromHex, type FromHex, type ToHex } from '../../../webview/shared/hexProtocol';
import type { LiveContext } from './liveContext';

export class HexPanel extends PanelBase<ToHex, FromHex> {
  static readonly viewType = 'ipcInspector.hexPeek';
  private static readonly open = new Map<string, HexPanel>();

  static show(ctx: LiveContext, objectId: string): HexPanel {
    const existing = HexPanel.open.get(objectId);
    if (existing) {
      existing.panel.reveal();
      existing.read();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(HexPanel.viewType, 'Shared Memory Peek', vscode.ViewColumn.Active, webviewOptions(ctx.extensionUri));
    return new HexPanel(panel, ctx, objectId);
  }

  static revive(panel: vscode.WebviewPanel, ctx: LiveContext, objectId: string): HexPanel {
    HexPanel.open.get(objectId)?.dispose();
    return new HexPanel(panel, ctx, objectId);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly ctx: LiveContext, private readonly objectId: string) {
    super(panel, ctx.extensionUri, { viewType: HexPanel.viewType, bundle: 'hex', title: 'Shared Memory Peek', css: ['live.css'], validate: parseFromHex }, ctx.log);
    HexPanel.open.set(objectId, this);
  }

  read(): void {
    const o = this.ctx.explorer.object(this.objectId);
    const title = clipText(o ? objectLabel(o) : this.objectId);
    this.panel.title = `Peek: ${clipText(title, 40)}`;
    if (!o) {
      this.post({ type: 'error', objectId: this.objectId, title, message: 'The object is not in the current snapshot (gone, or not scanned yet).' });
      return;
    }
    const src = peekSource(o);
    if (typeof src === 'string') {
      this.post({ type: 'error', objectId: this.objectId, title, message: clipText(src) });
      return;
    }
    const r = src.read();
    if ('error' in r) {
      this.post({ type: 'error', objectId: this.objectId, title, message: clipText(`Cannot read ${src.file}: ${r.error}`) });
      return;
    }
    this.post({ type: 'bytes', objectId: this.objectId, title, file: clipText(src.file), size: r.size, base64: r.bytes.toString('base64'), readAt: Date.now() });
  }

  protected onReady(): void {
    if (this.ctx.explorer.object(this.objectId)) this.read();
    else void this.ctx.explorer.ensureSnapshot().then(() => this.read());
  }

  protected onMessage(_m: FromHex): void {
    this.read();
  }

  protected override onDispose(): void {
    if (HexPanel.open.get(this.objectId) === this) HexPanel.open.delete(this.objectId);
  }
}
