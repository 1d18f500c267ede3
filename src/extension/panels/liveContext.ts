// What every live panel shares: the explorer's snapshot, the worker-backed sampler, settings (rate,
// window, alarm, ring layouts per segment), the alarm registry (for the tree) and the log.

import * as vscode from 'vscode';
import type { IpcObject, Snapshot } from '../../core/model';
import type { ExplorerFilter } from '../../core/view/filter';
import type { QueueSampler } from '../../core/live/sampler';
import { parseLayoutChoice, resolveLayout, type LayoutChoice, type RingLayout } from '../../core/live/ringLayout';
import { DEFAULT_RATE_HZ, MAX_RATE_HZ, MAX_WINDOW_S, MIN_RATE_HZ, MIN_WINDOW_S } from '../../core/live/samples';
import type { Log } from '../log';

/** The part of the explorer the live views use. */
export interface ExplorerLike {
  readonly snapshot: Snapshot | undefined;
  readonly currentFilter: ExplorerFilter;
  onSnapshot(fn: (s: Snapshot) => void): vscode.Disposable;
  /** Called when the explorer's filter changes (views filtered like the explorer follow it at once). */
  onFilterChange(fn: (f: ExplorerFilter) => void): vscode.Disposable;
  object(id: string): IpcObject | undefined;
  ensureSnapshot(): Promise<void>;
}

const SECTION = 'ipcInspector.live';
const LAYOUTS = 'shmLayouts';

export interface LiveSettings {
  rateHz: number;
  windowSeconds: number;
  /** Default alarm threshold in percent of capacity; 0 = off. */
  alarmPercent: number;
}

const clampInt = (v: unknown, min: number, max: number, dflt: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : dflt;

export function readSettings(): LiveSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    rateHz: clampInt(c.get('sampleRateHz'), MIN_RATE_HZ, MAX_RATE_HZ, DEFAULT_RATE_HZ),
    windowSeconds: clampInt(c.get('windowSeconds'), MIN_WINDOW_S, MAX_WINDOW_S, 60),
    alarmPercent: clampInt(c.get('alarmPercent'), 0, 100, 0),
  };
}

/** Segments of our own ring-buffer demo are in the seed's layout without any setting. */
const DEMO_SEGMENT = /^ipc-inspector-demo-\d+-[0-9a-f]+$/;

/** The layout attached to a segment name in settings (invalid entries are ignored). */
export function layoutChoiceFor(segment: string): LayoutChoice | undefined {
  const all = vscode.workspace.getConfiguration(SECTION).get<unknown>(LAYOUTS);
  if (typeof all === 'object' && all !== null && !Array.isArray(all) && Object.prototype.hasOwnProperty.call(all, segment)) {
    const c = parseLayoutChoice((all as Record<string, unknown>)[segment]);
    if (c) return c;
  }
  return DEMO_SEGMENT.test(segment) ? { preset: 'seed' } : undefined;
}

export function layoutFor(segment: string): RingLayout | undefined {
  const c = layoutChoiceFor(segment);
  return c ? resolveLayout(c) : undefined;
}

/** Attach a layout to a segment name, in the global settings (segments are machine-wide). */
export async function saveLayout(segment: string, choice: LayoutChoice): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const all = cfg.get<unknown>(LAYOUTS);
  const next: Record<string, unknown> = typeof all === 'object' && all !== null && !Array.isArray(all) ? { ...(all as Record<string, unknown>) } : {};
  next[segment] = choice.preset === 'custom' ? choice : choice.preset;
  await cfg.update(LAYOUTS, next, vscode.ConfigurationTarget.Global);
}

/** Object ids whose occupancy is at or above the alarm threshold, for the tree's warning decoration. */
export class AlarmRegistry implements vscode.Disposable {
  private readonly ids = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<string[]>();
  /** Fires with the object ids whose alarm state changed. */
  readonly onDidChange = this.emitter.event;

  has(objectId: string): boolean {
    return this.ids.has(objectId);
  }

  set(objectId: string, on: boolean): void {
    if (on === this.ids.has(objectId)) return;
    if (on) this.ids.add(objectId);
    else this.ids.delete(objectId);
    this.emitter.fire([objectId]);
  }

  clear(ids: Iterable<string>): void {
    for (const id of ids) this.set(id, false);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export interface LiveContext {
  extensionUri: vscode.Uri;
  log: Log;
  explorer: ExplorerLike;
  sampler: QueueSampler;
  alarms: AlarmRegistry;
}
