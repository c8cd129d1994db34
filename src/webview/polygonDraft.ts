// The polygon / lasso being drawn: vertices in image coordinates, kept where they were clicked up to the margin the
// host accepts (one image size beyond each edge). Clamping to the edge itself would bend an edge that runs into the
// image, filling other pixels inside it than the ones outlined. Pure: no DOM.
import type { MaskOperation } from '../mask/types';
import { pointMargin } from '../mask/validate';
import { PointBuffer } from './pointBuffer';
import { MAX_STROKE_POINTS } from './strokeSession';

export class PolygonDraft {
  readonly points = new PointBuffer(1024);
  classIndex = 1;

  get active(): boolean {
    return this.points.length > 0;
  }

  get closable(): boolean {
    return this.points.length >= 3;
  }

  get full(): boolean {
    return this.points.length >= MAX_STROKE_POINTS;
  }

  start(classIndex: number): void {
    this.points.clear();
    this.classIndex = classIndex;
  }

  add(x: number, y: number, width: number, height: number): void {
    if (this.full) return;
    const margin = pointMargin({ width, height });
    this.points.push(Math.min(width + margin, Math.max(-margin, x)), Math.min(height + margin, Math.max(-margin, y)));
  }

  /** The vertices as [x0, y0, x1, y1, ...], for the page's saved state (a tab switch rebuilds the page). */
  toFlat(): number[] {
    const flat: number[] = [];
    for (let i = 0; i < this.points.length; i++) flat.push(this.points.x(i), this.points.y(i));
    return flat;
  }

  /** Starts again from saved vertices (toFlat's), kept within the host's margin as `add` keeps them. */
  restore(classIndex: number, flat: readonly number[], width: number, height: number): void {
    this.start(classIndex);
    for (let i = 0; i + 1 < flat.length; i += 2) this.add(flat[i]!, flat[i + 1]!, width, height);
  }

  /** Drops the last vertex (the second click of a double-click adds one where the first already did). */
  removeLast(): void {
    this.points.pop();
  }

  /** The closed polygon as an operation (consecutive duplicate vertices dropped), or undefined if under 3 vertices. */
  close(): MaskOperation | undefined {
    const flat: number[] = [];
    for (let i = 0; i < this.points.length; i++) {
      const x = this.points.x(i);
      const y = this.points.y(i);
      const n = flat.length;
      if (n >= 2 && flat[n - 2] === x && flat[n - 1] === y) continue;
      flat.push(x, y);
    }
    this.points.clear();
    if (flat.length >= 4 && flat[0] === flat[flat.length - 2] && flat[1] === flat[flat.length - 1]) flat.length -= 2;
    return flat.length >= 6 ? { kind: 'polygon', points: flat, classIndex: this.classIndex } : undefined;
  }

  cancel(): void {
    this.points.clear();
  }
}
