// The brush stroke being painted: painted optimistically, segment by segment, with the mask module's own
// paintSegment, and sent to the host as one 'stroke' operation when the pointer goes up. The host paints the
// same points with the same function (paintStroke = the union of the segments), so both sides end up with the
// same pixels. Pointer samples are coalesced to one segment per animation frame; recording one allocates nothing.
// Pure: no DOM.
import { paintSegment, snapBrushPoint } from '../mask/brush';
import { DEFAULT_MAX_POINTS, pointMargin } from '../mask/validate';
import type { LabelRaster, MaskOperation } from '../mask/types';
import { PointBuffer } from './pointBuffer';

/** Called with each changed image rectangle [x0, x1) x [y0, y1). */
export type ChangeListener = (x0: number, y0: number, x1: number, y1: number) => void;

/** Points per stroke before it is sent and a new one continues (well under the host's limit). */
export const MAX_STROKE_POINTS = Math.floor(DEFAULT_MAX_POINTS / 2);

export class StrokeSession {
  private readonly points = new PointBuffer();
  private radius = 0.5;
  private classIndex = 1;
  private changed = false;
  private pendingX = 0;
  private pendingY = 0;
  private hasPending = false;

  constructor(private readonly onChange: ChangeListener) {}

  get active(): boolean {
    return this.points.length > 0;
  }

  /** Starts a stroke at image point (x, y): paints the brush's disc there. */
  begin(raster: LabelRaster, x: number, y: number, radius: number, classIndex: number): void {
    this.points.clear();
    this.radius = radius;
    this.classIndex = classIndex;
    this.changed = false;
    this.hasPending = false;
    const sx = this.snap(raster, x, raster.width);
    const sy = this.snap(raster, y, raster.height);
    this.points.push(sx, sy);
    this.paint(raster, sx, sy, sx, sy);
  }

  /** Records the latest pointer position; painted by flush() (once per frame). */
  moveTo(raster: LabelRaster, x: number, y: number): void {
    if (!this.active) return;
    this.pendingX = this.snap(raster, x, raster.width);
    this.pendingY = this.snap(raster, y, raster.height);
    this.hasPending = true;
  }

  /** Paints the segment from the last painted point to the latest position, if it moved. */
  flush(raster: LabelRaster): void {
    if (!this.hasPending) return;
    this.hasPending = false;
    const last = this.points.length - 1;
    const lx = this.points.x(last);
    const ly = this.points.y(last);
    if (lx === this.pendingX && ly === this.pendingY) return;
    this.points.push(this.pendingX, this.pendingY);
    this.paint(raster, lx, ly, this.pendingX, this.pendingY);
  }

  /** Whether the stroke holds as many points as one operation may carry. */
  get full(): boolean {
    return this.points.length >= MAX_STROKE_POINTS;
  }

  /** The mask under the stroke was replaced (a host patch): paint what the stroke has painted so far again. */
  replay(raster: LabelRaster): void {
    const n = this.points.length;
    if (n === 0) return;
    this.paint(raster, this.points.x(0), this.points.y(0), this.points.x(0), this.points.y(0));
    for (let i = 1; i < n; i++) this.paint(raster, this.points.x(i - 1), this.points.y(i - 1), this.points.x(i), this.points.y(i));
  }

  /** Ends the stroke; the operation to send, or undefined when it changed no pixel. */
  finish(raster: LabelRaster): MaskOperation | undefined {
    this.flush(raster);
    const op: MaskOperation | undefined = this.changed
      ? { kind: 'stroke', points: this.points.toArray(), radius: this.radius, classIndex: this.classIndex }
      : undefined;
    this.points.clear();
    return op;
  }

  /**
   * Ends a full stroke and starts the next one at its last point (same brush), so a very long drag becomes
   * several operations without a gap. Returns the finished one.
   */
  split(raster: LabelRaster): MaskOperation | undefined {
    const last = this.points.length - 1;
    const x = this.points.x(last);
    const y = this.points.y(last);
    const op = this.finish(raster);
    this.begin(raster, x, y, this.radius, this.classIndex);
    return op;
  }

  private snap(raster: LabelRaster, value: number, size: number): number {
    // On the brush grid, and within the distance from the image the host accepts (one image size + radius).
    const margin = pointMargin(raster);
    return snapBrushPoint(Math.min(size + margin, Math.max(-margin, value)), this.radius);
  }

  private paint(raster: LabelRaster, x0: number, y0: number, x1: number, y1: number): void {
    const rect = paintSegment(raster, x0, y0, x1, y1, this.radius, this.classIndex);
    if (!rect) return;
    this.changed = true;
    this.onChange(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
  }
}
