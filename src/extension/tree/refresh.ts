// Refresh policy of the explorer: only while the view is visible, on an interval from settings, manual
// refresh immediate with progress in the view; a refresh never overlaps another.

import * as vscode from 'vscode';

export class RefreshController implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private lastRun = 0;
  private inFlight: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly views: { id: string; view: vscode.TreeView<string> }[],
    private readonly doRefresh: (cause: string) => Promise<void>,
    private readonly intervalSeconds: () => number,
  ) {
    this.disposables.push(
      ...views.map((v) => v.view.onDidChangeVisibility(() => this.onVisibility())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ipcInspector.explorer')) this.reschedule();
      }),
    );
    this.onVisibility();
  }

  /** A user-requested refresh: immediate, with progress shown in the view. */
  manual(): Promise<void> {
    const viewId = (this.views.find((v) => v.view.visible) ?? this.views[0])!.id;
    return Promise.resolve(vscode.window.withProgress({ location: { viewId } }, () => this.run('manual')));
  }

  /**
   * An event-driven refresh (file watcher): only while a view is visible, coalesced (a burst of events
   * gives one refresh) and throttled so a busy directory cannot cause more than one scan per `minGapMs`.
   * The first event waits `delayMs`: long enough for the calls that follow a file's creation (bind then
   * listen, mkfifo then open), short enough that a new FIFO or socket shows within about half a second.
   */
  soon(cause: string, delayMs = 150, minGapMs = 2000): void {
    if (!this.visible || this.debounce) return;
    const wait = Math.max(delayMs, this.lastRun + minGapMs - Date.now());
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.run(cause);
    }, wait);
  }

  /** True when soon() would schedule a refresh now (a view is visible, none is pending). */
  get canSchedule(): boolean {
    return this.visible && !this.debounce;
  }

  get visible(): boolean {
    return this.views.some((v) => v.view.visible);
  }

  private onVisibility(): void {
    if (this.visible) {
      void this.run('view shown');
      this.reschedule();
    } else {
      this.stop();
    }
  }

  private reschedule(): void {
    this.stop();
    const s = this.intervalSeconds();
    if (!this.visible || !(s > 0)) return;
    this.timer = setInterval(() => {
      if (!this.inFlight) void this.run('interval');
    }, s * 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
  }

  /** A scan now, or the one in flight; `cause` is logged with it. */
  run(cause: string): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.lastRun = Date.now();
    this.inFlight = this.doRefresh(cause).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  dispose(): void {
    this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
