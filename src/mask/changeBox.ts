// The bounding box of changed pixels, grown run by run while an operation paints.
import type { Rect } from './types';

export class ChangeBox {
  private minX = Infinity;
  private maxX = -1;
  private minY = Infinity;
  private maxY = -1;

  reset(): this {
    this.minX = Infinity;
    this.maxX = -1;
    this.minY = Infinity;
    this.maxY = -1;
    return this;
  }

  /** Records that columns x0..x1 of row y changed. */
  add(x0: number, x1: number, y: number): void {
    if (x0 < this.minX) this.minX = x0;
    if (x1 > this.maxX) this.maxX = x1;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
  }

  /**
   * Paints columns a..b of row y (rowBase = y * width) with `value`, recording only the part that changes:
   * the run is trimmed of pixels already holding the value at both ends before one fill.
   */
  paintRun(data: Uint8Array, rowBase: number, a: number, b: number, y: number, value: number): void {
    let s = rowBase + a;
    let e = rowBase + b;
    while (s <= e && data[s] === value) s++;
    if (s > e) return;
    while (data[e] === value) e--;
    data.fill(value, s, e + 1);
    this.add(s - rowBase, e - rowBase, y);
  }

  rect(): Rect | undefined {
    return this.maxX < 0 ? undefined : { x: this.minX, y: this.minY, width: this.maxX - this.minX + 1, height: this.maxY - this.minY + 1 };
  }
}
