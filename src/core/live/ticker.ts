// A fixed-rate tick that never overlaps itself: a tick whose previous run is still going is skipped
// (and counted), so a slow sampler lowers the effective rate instead of queueing work.

export class Ticker {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = false;
  skipped = 0;
  ticks = 0;

  constructor(private hz: number, private readonly tick: () => Promise<void> | void, private readonly onError: (e: unknown) => void = () => {}) {}

  get rateHz(): number {
    return this.hz;
  }

  get active(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.fire(), 1000 / this.hz);
    this.fire();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  setRate(hz: number): void {
    this.hz = hz;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  private fire(): void {
    if (this.running) {
      this.skipped++;
      return;
    }
    this.running = true;
    this.ticks++;
    let r: Promise<void> | void;
    try {
      r = this.tick();
    } catch (e) {
      this.running = false;
      this.onError(e);
      return;
    }
    if (r instanceof Promise) {
      r.catch(this.onError).finally(() => {
        this.running = false;
      });
    } else this.running = false;
  }
}
