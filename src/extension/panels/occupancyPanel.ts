// Occupancy panel: one or several objects sampled at 1-20 Hz through the live worker; the host keeps the
// sample windows and statistics (the page only draws), raises alarms and exports CSV.

import { clipText } from '../../core/names';
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { PanelBase, webviewOptions } from '../webview/panelBase';
import type { IpcObject } from '../../core/model';
import { objectLabel } from '../../core/view/treeModel';
import { plural } from '../../core/format';
import { targetFor, type LiveTarget, type SampleResult } from '../../core/live/sampler';
import { isAlarm, SampleWindow, toCsv, type Alarm } from '../../core/live/samples';
import { Ticker } from '../../core/live/ticker';
import {
  MAX_SERIES, parseFromOccupancy, type FromOccupancy, type OccupancyConfig, type OccupancyState, type SeriesInfo,
  type SeriesStats, type ToOccupancy,
} from '../../../webview/shared/occupancyProtocol';
import { layoutFor, readSettings, type LiveContext } from './liveContext';

interface Series {
  info: SeriesInfo;
  window: SampleWindow;
  error: string | null;
  alarm: boolean;
}

const kindOfId = (id: string) => id.split(':')[0] ?? 'object';

/** What the page is told about a series: the object's name and unit, or its id alone when it is not known (yet). */
function seriesInfo(id: string, o: IpcObject | undefined): SeriesInfo {
  return o
    ? { id, label: clipText(objectLabel(o)), kind: o.kind, unit: o.kind === 'sysv-msg' ? (typeof o['maxBytes'] === 'number' ? 'bytes' : 'messages') : o.queue?.unit ?? (o.kind === 'posix-mq' ? 'messages' : 'bytes') }
    : { id, label: id, kind: kindOfId(id), unit: 'bytes' };
}

export class OccupancyPanel extends PanelBase<ToOccupancy, FromOccupancy> {
  static readonly viewType = 'ipcInspector.occupancy';
  static current: OccupancyPanel | undefined;
  private readonly series = new Map<string, Series>();
  private config: OccupancyConfig;
  private readonly ticker: Ticker;

  /** Open the panel (or reuse the open one) and follow these objects. */
  static show(ctx: LiveContext, objects: IpcObject[]): OccupancyPanel {
    let p = OccupancyPanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(OccupancyPanel.viewType, 'IPC Occupancy', vscode.ViewColumn.Active, webviewOptions(ctx.extensionUri));
      p = new OccupancyPanel(panel, ctx, [], undefined);
    } else p.panel.reveal();
    p.add(objects);
    return p;
  }

  static revive(panel: vscode.WebviewPanel, ctx: LiveContext, state: OccupancyState | undefined): OccupancyPanel {
    OccupancyPanel.current?.dispose();
    return new OccupancyPanel(panel, ctx, state?.ids ?? [], state?.config);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly ctx: LiveContext, ids: string[], config: OccupancyConfig | undefined) {
    super(panel, ctx.extensionUri, { viewType: OccupancyPanel.viewType, bundle: 'occupancy', title: 'IPC Occupancy', css: ['live.css'], validate: parseFromOccupancy }, ctx.log);
    OccupancyPanel.current = this;
    const s = readSettings();
    this.config = config ?? {
      rateHz: s.rateHz, windowSeconds: s.windowSeconds, paused: false,
      alarm: s.alarmPercent > 0 ? { kind: 'percent', value: s.alarmPercent } : null,
    };
    for (const id of ids) this.addId(id, this.ctx.explorer.object(id));
    this.ticker = new Ticker(this.config.rateHz, () => this.tick(), (e) => this.log.error('occupancy sampling failed:', e));
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        // Ticks are not sent while hidden (history keeps growing on the host): send it all on return.
        if (panel.visible) this.postInit();
        void vscode.commands.executeCommand('setContext', 'ipcInspector.occupancy.paused', this.config.paused);
      }),
    );
    if (!ids.length || this.ctx.explorer.snapshot) this.syncTicker();
    else void this.ctx.explorer.ensureSnapshot().finally(() => {
      this.relabel();
      this.syncTicker();
    });
    void vscode.commands.executeCommand('setContext', 'ipcInspector.occupancy.paused', this.config.paused);
  }

  get paused(): boolean {
    return this.config.paused;
  }

  add(objects: IpcObject[]): void {
    for (const o of objects) this.addId(o.id, o);
    this.postInit();
    this.syncTicker();
  }

  private addId(id: string, o: IpcObject | undefined): void {
    if (this.series.has(id) || this.series.size >= MAX_SERIES) return;
    this.series.set(id, { info: seriesInfo(id, o), window: new SampleWindow(this.config.windowSeconds * 1000), error: null, alarm: false });
  }

  /**
   * After a window reload the panel is revived before the first snapshot, its series known by id alone: once the
   * snapshot is there, they get their names and units back (the page showed "fifo:65024:5136962").
   */
  private relabel(): void {
    let changed = false;
    for (const [id, s] of this.series) {
      const o = this.ctx.explorer.object(id);
      if (!o || s.info.label !== id) continue;
      s.info = seriesInfo(id, o);
      changed = true;
    }
    if (changed) this.postInit();
  }

  private syncTicker(): void {
    if (this.config.paused || this.series.size === 0) this.ticker.stop();
    else this.ticker.start();
  }

  private stats(s: Series): SeriesStats {
    const w = s.window.stats();
    return { current: w.current, capacity: w.capacity, min: w.min, max: w.max, mean: w.mean, highWater: w.highWater, alarm: s.alarm, error: s.error };
  }

  private postInit(): void {
    this.post({
      type: 'init',
      config: this.config,
      series: [...this.series.values()].map((s) => ({
        info: s.info,
        points: s.window.samples().map((x) => [x.t, x.used, x.capacity] as [number, number, number | null]),
        stats: this.stats(s),
      })),
    });
  }

  private async tick(): Promise<void> {
    const targets: LiveTarget[] = [];
    const missing = new Map<string, string>();
    for (const id of this.series.keys()) {
      const o = this.ctx.explorer.object(id);
      const t = o && targetFor(o, layoutFor);
      if (t) targets.push(t);
      else {
        missing.set(id, !o ? 'the object is not in the current snapshot (gone, or not scanned yet)'
          : o.kind === 'posix-shm' ? 'attach a ring layout to this segment first' : `no live queue for ${o.kind}`);
      }
    }
    const results: Map<string, SampleResult> = targets.length ? await this.ctx.sampler.sample(targets) : new Map();
    if (this.isDisposed) return;
    const now = Date.now();
    const values: Extract<ToOccupancy, { type: 'tick' }>['values'] = [];
    for (const [id, s] of this.series) {
      const r = results.get(id);
      let used: number | null = null;
      let capacity: number | null = null;
      if (r?.ok) {
        used = r.sample.used;
        capacity = r.sample.capacity;
        s.info.unit = r.sample.unit;
        s.window.push({ t: now, used, capacity });
        s.error = null;
      } else s.error = r ? r.error : missing.get(id) ?? 'not sampled';
      s.alarm = isAlarm(used, capacity, this.config.alarm);
      this.ctx.alarms.set(id, s.alarm);
      values.push({ id, used, capacity, stats: this.stats(s) });
    }
    if (this.panel.visible) this.post({ type: 'tick', t: now, values });
  }

  protected onReady(): void {
    this.postInit();
  }

  protected async onMessage(m: FromOccupancy): Promise<void> {
    switch (m.type) {
      case 'setPaused':
        this.setPaused(m.paused);
        return;
      case 'setRate':
        this.config = { ...this.config, rateHz: m.hz };
        this.ticker.setRate(m.hz);
        break;
      case 'setWindow':
        this.config = { ...this.config, windowSeconds: m.seconds };
        for (const s of this.series.values()) s.window.setWindow(m.seconds * 1000);
        this.postInit();
        return;
      case 'setAlarm':
        this.setAlarm(m.alarm);
        break;
      case 'remove':
        this.series.delete(m.id);
        this.ctx.alarms.set(m.id, false);
        this.syncTicker();
        this.postInit();
        return;
      case 'exportCsv':
        await this.exportCsv();
        return;
    }
    this.post({ type: 'config', config: this.config });
  }

  setPaused(paused: boolean): void {
    this.config = { ...this.config, paused };
    this.syncTicker();
    void vscode.commands.executeCommand('setContext', 'ipcInspector.occupancy.paused', paused);
    this.post({ type: 'config', config: this.config });
  }

  private setAlarm(alarm: Alarm | null): void {
    this.config = { ...this.config, alarm };
    for (const [id, s] of this.series) {
      const st = s.window.stats();
      s.alarm = isAlarm(s.error ? null : st.current, st.capacity, alarm);
      this.ctx.alarms.set(id, s.alarm);
    }
  }

  async exportCsv(): Promise<void> {
    const csv = toCsv([...this.series.values()].map((s) => ({ id: s.info.id, name: s.info.label, kind: s.info.kind, unit: s.info.unit, samples: s.window.samples() })));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      title: 'Export occupancy samples', filters: { CSV: ['csv'] }, defaultUri: vscode.Uri.joinPath(base, `ipc-occupancy-${stamp}.csv`),
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
    vscode.window.setStatusBarMessage(`Exported ${plural(csv.split('\r\n').length - 2, 'sample')}`, 3000);
  }

  protected override onDispose(): void {
    this.ticker.stop();
    this.ctx.alarms.clear(this.series.keys());
    if (OccupancyPanel.current === this) OccupancyPanel.current = undefined;
    void vscode.commands.executeCommand('setContext', 'ipcInspector.occupancy.paused', false);
  }
}
