// A one-line progress bar for a terminal (stderr). Redraws at most ~10 times a second; when stderr is not a
// terminal nothing is drawn (logs stay clean; failures are listed at the end).
import type { PrelabelProgress } from '../common/prelabel';
import { terminalSafe } from './terminalText';

const BAR_WIDTH = 30;

export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: Pick<PrelabelProgress, 'done' | 'total' | 'file'>): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (p.done < p.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = p.total > 0 ? p.done / p.total : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = p.done / Math.max(0.001, (now - this.started) / 1000);
    const name = terminalSafe(p.file.split(/[\\/]/).pop() ?? '');
    const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${p.done}/${p.total} ${(fraction * 100).toFixed(0)}% ${rate.toFixed(1)} img/s ${name}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length + 10))}`);
    this.drawn = true;
  }

  /** Leaves the line so later output starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
