// Owns the ring-buffer demo for the extension: start (one at a time), rates, stop, and stop on dispose.
// The demo processes also exit by themselves when the extension host goes away (their stdin closes).

import * as vscode from 'vscode';
import * as path from 'node:path';
import { chooseDemoNode, DEFAULT_RATES, RingDemo } from '../../../native/demo/ringDemo';
import type { DemoRates, DemoState } from '../../../webview/shared/ringProtocol';
import type { DemoHandle } from './ringPanel';
import type { Log } from '../log';
import { defaultNodePath } from '../../core/bench/runner';

/** The executable for the demo processes (see chooseDemoNode); throws with what to install where none is right. */
export function demoNode(log: Log): string {
  const c = chooseDemoNode({ electron: !!process.versions.electron, arch: process.arch, execPath: process.execPath, candidate: defaultNodePath() });
  if ('error' in c) throw new Error(c.error);
  if (c.warning) log.warn(`ring demo: ${c.warning}`);
  return c.node;
}

export class DemoController implements vscode.Disposable, DemoHandle {
  private demo: RingDemo | undefined;
  private last: DemoState | undefined;
  private warned = false;
  private readonly emitter = new vscode.EventEmitter<DemoState>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly extensionPath: string, private readonly log: Log) {}

  get running(): boolean {
    return this.demo?.running ?? false;
  }

  /** The segment name ("/ipc-inspector-demo-...") of the current demo, if any. */
  get segment(): string | undefined {
    return this.demo?.name;
  }

  state(): DemoState {
    const d = this.demo;
    if (!d) return this.last ?? { running: false, rates: DEFAULT_RATES, pids: [], name: '/ipc-inspector-demo' };
    return { running: d.running, rates: d.currentRates, pids: d.pids, name: d.name };
  }

  async start(): Promise<RingDemo> {
    if (this.demo?.running) return this.demo;
    const worker = path.join(this.extensionPath, 'dist', 'ringDemo.worker.js');
    const node = demoNode(this.log);
    const d = await RingDemo.start({ command: [node, worker] });
    this.demo = d;
    this.log.info(`ring demo started with ${node}: ${d.name}, producer ${d.pids[0]}, consumer ${d.pids[1]}, ring access ${d.accessMode ?? 'unknown'}`);
    if (d.accessMode === 'copy' && !this.warned) {
      this.warned = true;
      void vscode.window.showWarningMessage('IPC Inspector: the ring-buffer demo runs without a zero-copy view of the ring '
        + '(no plain Node.js found): its positions are copied without memory barriers, which is correct on x86-64 only. '
        + 'Install Node.js on PATH for the exact path.');
    }
    void d.whenEitherExits().then(async () => {
      // One side died (or Stop): end the other and clean up, then tell the panel.
      await d.stop();
      this.last = { running: false, rates: d.currentRates, pids: d.pids, name: d.name };
      if (this.demo === d) this.demo = undefined;
      this.log.info(`ring demo stopped: ${d.name}`);
      this.emitter.fire(this.last);
    });
    this.emitter.fire(this.state());
    return d;
  }

  setRates(r: DemoRates): void {
    this.demo?.setRates(r);
  }

  async stop(): Promise<void> {
    const d = this.demo;
    if (!d) return;
    await d.stop();
    await d.whenEitherExits();
  }

  dispose(): void {
    void this.demo?.stop(500);
    this.emitter.dispose();
  }
}
