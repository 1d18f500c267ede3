// Ring view panel: one object's ring (a shm segment with a layout: positions and occupied span) or fill
// gauge (pipe, FIFO, mqueue, socket), sampled while visible; layout chooser; the demo's controls.

import { clipText } from '../../core/names';
import * as vscode from 'vscode';
import { PanelBase, webviewOptions } from '../webview/panelBase';
import { objectLabel } from '../../core/view/treeModel';
import { segmentName, targetFor, type LiveTarget } from '../../core/live/sampler';
import { resolveLayout, type LayoutChoice } from '../../core/live/ringLayout';
import { shmPath } from '../../core/live/shmHeader';
import { Ticker } from '../../core/live/ticker';
import { parseFromRing, type DemoRates, type DemoState, type FromRing, type RingInfo, type RingTarget, type ToRing } from '../../../webview/shared/ringProtocol';
import { layoutChoiceFor, layoutFor, readSettings, saveLayout, type LiveContext } from './liveContext';

/** The running demo as the ring panel sees it. */
export interface DemoHandle {
  state(): DemoState;
  setRates(r: DemoRates): void;
  stop(): Promise<void>;
  onDidChange: vscode.Event<DemoState>;
}

const key = (t: RingTarget) => ('objectId' in t ? `o:${t.objectId}` : `s:${t.segment}`);

export class RingPanel extends PanelBase<ToRing, FromRing> {
  static readonly viewType = 'ipcInspector.ring';
  private static readonly open = new Map<string, RingPanel>();
  private readonly ticker: Ticker;
  private paused: boolean;

  static show(ctx: LiveContext, target: RingTarget, demo?: DemoHandle): RingPanel {
    const existing = RingPanel.open.get(key(target));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RingPanel.viewType, 'IPC Ring', vscode.ViewColumn.Active, webviewOptions(ctx.extensionUri));
    return new RingPanel(panel, ctx, target, false, demo);
  }

  static revive(panel: vscode.WebviewPanel, ctx: LiveContext, target: RingTarget, paused: boolean, demo?: DemoHandle): RingPanel {
    RingPanel.open.get(key(target))?.dispose();
    return new RingPanel(panel, ctx, target, paused, demo);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly ctx: LiveContext, private readonly target: RingTarget, paused: boolean, private readonly demo?: DemoHandle) {
    super(panel, ctx.extensionUri, { viewType: RingPanel.viewType, bundle: 'ring', title: 'IPC Ring', css: ['live.css'], validate: parseFromRing }, ctx.log);
    RingPanel.open.set(key(target), this);
    this.paused = paused;
    this.ticker = new Ticker(readSettings().rateHz, () => this.tick(), (e) => this.log.error('ring sampling failed:', e));
    panel.title = this.title();
    this.disposables.push(
      panel.onDidChangeViewState(() => this.sync()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ipcInspector.live.sampleRateHz')) this.ticker.setRate(readSettings().rateHz);
        if (e.affectsConfiguration('ipcInspector.live.shmLayouts')) this.onReady();
      }),
    );
    if (demo) this.disposables.push(demo.onDidChange((d) => {
      this.post({ type: 'demo', demo: d });
      if (!d.running) this.ticker.stop();
    }));
    this.sync();
  }

  private segment(): string | undefined {
    if ('segment' in this.target) return this.target.segment.slice(1);
    const o = this.ctx.explorer.object(this.target.objectId);
    return o?.kind === 'posix-shm' ? segmentName(typeof o['path'] === 'string' ? o['path'] : o.name) : undefined;
  }

  private title(): string {
    if ('segment' in this.target) return this.demo ? 'Ring-Buffer Demo' : `Ring ${this.target.segment}`;
    const o = this.ctx.explorer.object(this.target.objectId);
    return o ? `Ring: ${objectLabel(o).slice(0, 40)}` : 'IPC Ring';
  }

  private info(): RingInfo {
    const seg = this.segment();
    const choice = seg === undefined ? null : (layoutChoiceFor(seg) ?? (this.demo ? { preset: 'seed' as const } : null));
    if ('segment' in this.target) {
      return { title: clipText(this.target.segment), kind: 'posix-shm', mode: 'ring', layout: choice, layoutEditable: !this.demo, demo: this.demo?.state() ?? null };
    }
    const o = this.ctx.explorer.object(this.target.objectId);
    const isShm = o?.kind === 'posix-shm';
    return {
      title: clipText(o ? objectLabel(o) : this.target.objectId), kind: o?.kind ?? 'object', mode: isShm ? 'ring' : 'fill',
      layout: choice, layoutEditable: isShm, demo: null,
    };
  }

  private liveTarget(): LiveTarget | string {
    const t = this.target;
    if ('segment' in t) {
      const file = shmPath(t.segment);
      const choice = layoutChoiceFor(t.segment.slice(1)) ?? (this.demo ? { preset: 'seed' as const } : undefined);
      if (!file) return 'invalid segment name';
      return choice ? { id: t.segment, kind: 'shm-ring', file, layout: resolveLayout(choice) } : 'attach a ring layout to this segment';
    }
    const o = this.ctx.explorer.object(t.objectId);
    if (!o) return 'the object is not in the current snapshot (gone, or not scanned yet)';
    return targetFor(o, layoutFor) ?? (o.kind === 'posix-shm' ? 'attach a ring layout to this segment' : `no live queue for ${o.kind}`);
  }

  /** Sample only while visible and not paused (a hidden ring has nothing to show). */
  private sync(): void {
    const demoStopped = this.demo && !this.demo.state().running;
    if (this.panel.visible && !this.paused && !demoStopped) this.ticker.start();
    else this.ticker.stop();
  }

  private async tick(): Promise<void> {
    const t = this.liveTarget();
    const now = Date.now();
    if (typeof t === 'string') {
      this.post({ type: 'state', state: { t: now, used: null, capacity: null, unit: 'bytes', ring: null, error: t } });
      return;
    }
    const r = (await this.ctx.sampler.sample([t])).get(t.id);
    if (this.isDisposed) return;
    if (!r || !r.ok) {
      this.post({ type: 'state', state: { t: now, used: null, capacity: null, unit: 'bytes', ring: null, error: r?.error ?? 'not sampled' } });
      return;
    }
    const s = r.sample;
    this.post({ type: 'state', state: { t: now, used: s.used, capacity: s.capacity, unit: s.unit, ring: s.ring ?? null, error: null } });
  }

  protected onReady(): void {
    this.panel.title = this.title();
    this.post({ type: 'init', info: this.info(), target: this.target });
    // Revived after a window reload, before the first snapshot: the object's name (and kind) once it is there.
    if ('objectId' in this.target && !this.ctx.explorer.object(this.target.objectId)) {
      void this.ctx.explorer.ensureSnapshot().then(() => {
        if ('objectId' in this.target && this.ctx.explorer.object(this.target.objectId)) {
          this.panel.title = this.title();
          this.post({ type: 'init', info: this.info(), target: this.target });
        }
      });
    }
  }

  protected async onMessage(m: FromRing): Promise<void> {
    switch (m.type) {
      case 'setPaused':
        this.paused = m.paused;
        this.sync();
        return;
      case 'setLayout': {
        const seg = this.segment();
        if (seg === undefined || this.demo) return;
        await saveLayout(seg, m.choice as LayoutChoice);
        this.onReady();
        return;
      }
      case 'demoRates':
        this.demo?.setRates(m.rates);
        return;
      case 'demoStop':
        await this.demo?.stop();
        return;
    }
  }

  protected override onDispose(): void {
    this.ticker.stop();
    if (RingPanel.open.get(key(this.target)) === this) RingPanel.open.delete(key(this.target));
  }
}
