// Refresh policy of the explorer: only while the view is visible, on an interval from settings, manual
// refresh immediate with progress in the view; a refresh never overlaps another.

import * as vscode from 'vscode';

export class RefreshController implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly view: vscode.TreeView<string>,
    private readonly viewId: string,
    private readonly doRefresh: () => Promise<void>,
    private readonly intervalSeconds: () => number,
  ) {
    this.disposables.push(
      view.onDidChangeVisibility(() => this.onVisibility()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ipcInspector.explorer')) this.reschedule();
      }),
    );
    this.onVisibility();
  }

  /** A user-requested refresh: immediate, with progress shown in the view. */
  manual(): Promise<void> {
    return Promise.resolve(
      vscode.window.withProgress({ location: { viewId: this.viewId } }, () => this.run()),
    );
  }

  private onVisibility(): void {
    if (this.view.visible) {
      void this.run();
      this.reschedule();
    } else {
      this.stop();
    }
  }

  private reschedule(): void {
    this.stop();
    const s = this.intervalSeconds();
    if (!this.view.visible || !(s > 0)) return;
    this.timer = setInterval(() => {
      if (!this.inFlight) void this.run();
    }, s * 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.doRefresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  dispose(): void {
    this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
