// Registers the live views (occupancy, ring, topology, hex peek, ring-buffer demo): commands, webview
// panel serializers and the shared live-sampling worker. Called once from activate().

import * as vscode from 'vscode';
import * as path from 'node:path';
import type { IpcObject } from '../../core/model';
import { escapeIcons } from '../../core/names';
import { objectLabel } from '../../core/view/treeModel';
import { LiveSamplerClient } from '../../core/live/client';
import { segmentName, targetFor } from '../../core/live/sampler';
import { PRESETS, PRESET_LABELS, type PresetName } from '../../core/live/ringLayout';
import { parseOccupancyState } from '../../../webview/shared/occupancyProtocol';
import { parseRingPageState } from '../../../webview/shared/ringProtocol';
import { parseHexPageState } from '../../../webview/shared/hexProtocol';
import { registerCommand } from '../commands';
import type { Log } from '../log';
import { AlarmRegistry, layoutFor, saveLayout, type ExplorerLike, type LiveContext } from './liveContext';
import { OccupancyPanel } from './occupancyPanel';
import { RingPanel } from './ringPanel';
import { TopologyPanel } from './topologyPanel';
import { HexPanel } from './hexPanel';
import { peekSource } from '../../core/live/peek';
import { DemoController } from './demoController';

export interface LiveViewsDeps {
  explorer: ExplorerLike;
  log: Log;
}

export interface LiveViews {
  /** Objects whose live occupancy is at or above the alarm threshold (for the tree's warning). */
  alarms: AlarmRegistry;
}

const DEMO_PREFIX = '/ipc-inspector-demo-';

export function registerLiveViews(context: vscode.ExtensionContext, deps: LiveViewsDeps): LiveViews {
  const { explorer, log } = deps;
  const sampler = new LiveSamplerClient(path.join(context.extensionPath, 'dist', 'live.worker.js'));
  const alarms = new AlarmRegistry();
  const demo = new DemoController(context.extensionPath, log);
  const ctx: LiveContext = { extensionUri: context.extensionUri, log, explorer, sampler, alarms };
  context.subscriptions.push({ dispose: () => sampler.dispose() }, alarms, demo);

  /** The object behind a tree element id (`obj:<id>`) or a plain object id. */
  const objectOf = (arg: unknown): IpcObject | undefined => {
    if (typeof arg !== 'string') return undefined;
    return explorer.object(arg.startsWith('obj:') ? arg.slice(4) : arg);
  };
  const live = (o: IpcObject) => o.kind === 'posix-shm' || targetFor(o, layoutFor) !== undefined;
  const pick = async (title: string, accept: (o: IpcObject) => boolean): Promise<IpcObject | undefined> => {
    if (!explorer.snapshot) await explorer.ensureSnapshot();
    const items = (explorer.snapshot?.objects ?? []).filter(accept).slice(0, 5000)
      // (A quick pick renders `$(name)` in a label as an icon.)
      .map((o) => ({ label: escapeIcons(objectLabel(o)), description: `${o.kind} · ${o.inode}`, o }));
    if (!items.length) {
      void vscode.window.showInformationMessage(`IPC Inspector: no object to ${title.toLowerCase()}.`);
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.o;
  };

  const showOccupancy = async (arg: unknown, all: unknown) => {
    const selected = (Array.isArray(all) && all.length ? all : [arg]).map(objectOf).filter((o): o is IpcObject => !!o && live(o));
    if (!selected.length) {
      const o = await pick('Show Occupancy', live);
      if (o) selected.push(o);
    }
    if (selected.length) OccupancyPanel.show(ctx, selected);
  };
  const showRing = async (arg: unknown) => {
    const o = objectOf(arg) ?? (await pick('Show Ring', live));
    if (o) RingPanel.show(ctx, { objectId: o.id });
  };
  const peek = async (arg: unknown) => {
    const o = objectOf(arg) ?? (await pick('Peek Shared Memory', (x) => typeof peekSource(x) !== 'string'));
    if (o) HexPanel.show(ctx, o.id);
  };
  const attachLayout = async (arg: unknown) => {
    const o = objectOf(arg) ?? (await pick('Attach Ring Layout', (x) => x.kind === 'posix-shm'));
    const seg = o && o.kind === 'posix-shm' ? segmentName(typeof o['path'] === 'string' ? o['path'] : o.name) : undefined;
    if (!o || seg === undefined) return;
    const items = [
      ...(Object.keys(PRESETS) as PresetName[]).map((p) => ({ label: PRESET_LABELS[p], preset: p as PresetName | 'custom' })),
      { label: 'Custom layout…', description: 'offsets, widths, endianness, position mode, capacity', preset: 'custom' as const },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: `Ring layout for ${objectLabel(o)}` });
    if (!choice) return;
    if (choice.preset !== 'custom') await saveLayout(seg, { preset: choice.preset });
    RingPanel.show(ctx, { objectId: o.id });
  };
  const startDemo = async () => {
    const d = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the ring-buffer demo…' }, () => demo.start());
    RingPanel.show(ctx, { segment: d.name }, demo);
    void explorer.ensureSnapshot();
  };

  context.subscriptions.push(
    registerCommand(log, 'ipcInspector.showOccupancy', showOccupancy),
    registerCommand(log, 'ipcInspector.showRing', showRing),
    registerCommand(log, 'ipcInspector.showTopology', () => TopologyPanel.show(ctx)),
    registerCommand(log, 'ipcInspector.peekSharedMemory', peek),
    registerCommand(log, 'ipcInspector.attachRingLayout', attachLayout),
    registerCommand(log, 'ipcInspector.startRingDemo', startDemo),
    registerCommand(log, 'ipcInspector.stopRingDemo', () => demo.stop()),
    registerCommand(log, 'ipcInspector.occupancy.pause', () => OccupancyPanel.current?.setPaused(true)),
    registerCommand(log, 'ipcInspector.occupancy.resume', () => OccupancyPanel.current?.setPaused(false)),
    registerCommand(log, 'ipcInspector.occupancy.exportCsv', () => OccupancyPanel.current?.exportCsv()),
    demo.onDidChange((s) => void vscode.commands.executeCommand('setContext', 'ipcInspector.demo.running', s.running)),
  );

  // Restore panels after a reload. Options are reset so localResourceRoots stay restricted.
  const serializer = (revive: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.WebviewPanelSerializer => ({
    async deserializeWebviewPanel(panel, state) {
      try {
        revive(panel, state);
      } catch (e) {
        log.error('restoring a live view failed:', e);
        panel.dispose();
      }
    },
  });
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(OccupancyPanel.viewType, serializer((p, s) => {
      OccupancyPanel.revive(p, ctx, parseOccupancyState(s));
    })),
    vscode.window.registerWebviewPanelSerializer(RingPanel.viewType, serializer((p, s) => {
      const st = parseRingPageState(s);
      // A demo's ring does not outlive the demo (its processes ended with the previous extension host).
      if (!st || ('segment' in st.target && st.target.segment.startsWith(DEMO_PREFIX) && st.target.segment !== demo.segment)) {
        p.dispose();
        return;
      }
      RingPanel.revive(p, ctx, st.target, st.paused, 'segment' in st.target && st.target.segment === demo.segment ? demo : undefined);
    })),
    vscode.window.registerWebviewPanelSerializer(TopologyPanel.viewType, serializer((p) => {
      TopologyPanel.revive(p, ctx);
    })),
    vscode.window.registerWebviewPanelSerializer(HexPanel.viewType, serializer((p, s) => {
      const st = parseHexPageState(s);
      if (!st) {
        p.dispose();
        return;
      }
      HexPanel.revive(p, ctx, st.objectId);
    })),
  );
  return { alarms };
}
