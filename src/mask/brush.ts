// The round brush: a segment with a radius (a capsule) covers every pixel whose centre (i + 0.5, j + 0.5) lies
// within `radius` of the segment, distance <= radius, no anti-aliasing. The webview calls paintSegment on every
// pointer move and the host calls it for every segment of a finished stroke, so both paint the same pixels.
// Cost is proportional to the capsule's rows (an interval per row, then one fill), never to the image.
import { ActiveRows } from './activeRows';
import { ChangeBox } from './changeBox';
import { unionRect } from './raster';
import type { LabelRaster, Rect } from './types';

const changes = new ChangeBox();

/** Widest image for which a row's intervals pack exactly into one float (a * (width + 1) + b < 2^53). */
const MAX_MERGED_WIDTH = 2 ** 26;

// The x interval of the last capsuleRowSpan call; module state so the per-row call allocates nothing.
let spanLo = 0;
let spanHi = 0;

/** Interval of u (u = x - x0) where lo <= u * coef <= hi; sets spanLo/spanHi, false when empty. */
function solveLinear(coef: number, lo: number, hi: number): boolean {
  if (coef > 0) {
    spanLo = lo / coef;
    spanHi = hi / coef;
  } else if (coef < 0) {
    spanLo = hi / coef;
    spanHi = lo / coef;
  } else {
    if (!(lo <= 0 && 0 <= hi)) return false;
    spanLo = -Infinity;
    spanHi = Infinity;
  }
  return spanLo <= spanHi;
}

/**
 * The x interval [spanLo, spanHi] of the horizontal line y = cy inside the capsule (x0,y0)-(x1,y1) of radius r;
 * false when the line misses it. The capsule is convex, so the union of its three parts' intervals (two discs
 * and the band between them) is one interval.
 */
function capsuleRowSpan(cy: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  const r2 = r * r;
  let lo = Infinity;
  let hi = -Infinity;
  const d0 = cy - y0;
  if (d0 * d0 <= r2) {
    const h = Math.sqrt(r2 - d0 * d0);
    lo = x0 - h;
    hi = x0 + h;
  }
  const d1 = cy - y1;
  if (d1 * d1 <= r2) {
    const h = Math.sqrt(r2 - d1 * d1);
    if (x1 - h < lo) lo = x1 - h;
    if (x1 + h > hi) hi = x1 + h;
  }
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length2 = dx * dx + dy * dy;
  if (length2 > 0) {
    // Band: 0 <= (p - p0).d <= |d|^2 (projection inside the segment) and |(p - p0) x d| <= r |d|.
    const rl = r * Math.sqrt(length2);
    if (solveLinear(dx, -d0 * dy, length2 - d0 * dy)) {
      const aLo = spanLo;
      const aHi = spanHi;
      if (solveLinear(dy, d0 * dx - rl, d0 * dx + rl)) {
        const bLo = Math.max(aLo, spanLo);
        const bHi = Math.min(aHi, spanHi);
        if (bLo <= bHi) {
          if (x0 + bLo < lo) lo = x0 + bLo;
          if (x0 + bHi > hi) hi = x0 + bHi;
        }
      }
    }
  }
  spanLo = lo;
  spanHi = hi;
  return lo <= hi;
}

/**
 * Paints the capsule (x0,y0)-(x1,y1) of `radius` with `classIndex` (a single point when both ends are equal:
 * a disc). Returns the bounding rectangle of the pixels it changed, undefined when none changed.
 * Allocates nothing but the returned rectangle.
 */
export function paintSegment(
  raster: LabelRaster, x0: number, y0: number, x1: number, y1: number, radius: number, classIndex: number,
): Rect | undefined {
  const { width, height, data } = raster;
  const firstRow = Math.max(0, Math.ceil(Math.min(y0, y1) - radius - 0.5));
  const lastRow = Math.min(height - 1, Math.floor(Math.max(y0, y1) + radius - 0.5));
  changes.reset();
  for (let j = firstRow; j <= lastRow; j++) {
    if (!capsuleRowSpan(j + 0.5, x0, y0, x1, y1, radius)) continue;
    // Pixel i is covered when spanLo <= i + 0.5 <= spanHi.
    const a = Math.max(0, Math.ceil(spanLo - 0.5));
    const b = Math.min(width - 1, Math.floor(spanHi - 0.5));
    if (a <= b) changes.paintRun(data, j * width, a, b, j, classIndex);
  }
  return changes.rect();
}

/** The pixels the capsule can cover, clamped to the image; undefined when it lies outside. Cheap (no painting). */
export function segmentBounds(
  x0: number, y0: number, x1: number, y1: number, radius: number, width: number, height: number,
): Rect | undefined {
  const top = Math.ceil(Math.min(y0, y1) - radius - 0.5);
  const bottom = Math.floor(Math.max(y0, y1) + radius - 0.5);
  const left = Math.ceil(Math.min(x0, x1) - radius - 0.5);
  const right = Math.floor(Math.max(x0, x1) + radius - 0.5);
  const x = Math.max(0, left);
  const y = Math.max(0, top);
  const xEnd = Math.min(width - 1, right);
  const yEnd = Math.min(height - 1, bottom);
  if (!(x <= xEnd && y <= yEnd)) return undefined;
  return { x, y, width: xEnd - x + 1, height: yEnd - y + 1 };
}

/**
 * A pointer coordinate moved onto the brush's grid, so a brush has the same footprint wherever it is: an odd
 * diameter (2 x radius rounded: 1, 3, 5 px) centres on a pixel centre, an even one on a pixel corner. With
 * radius 0.5 the brush then paints exactly the one pixel under the pointer.
 */
export function snapBrushPoint(value: number, radius: number): number {
  return Math.round(2 * radius) % 2 === 1 ? Math.floor(value) + 0.5 : Math.round(value);
}

/**
 * Paints a whole stroke: the union of its segments' capsules (one point: a disc). Returns the changed bounds.
 * Consecutive capsules overlap almost entirely when the brush is wide, so instead of painting each one this
 * takes, row by row, the same pixel interval from every segment crossing the row (capsuleRowSpan, exactly as
 * paintSegment computes it), merges them and fills each merged run once: the same pixels as painting segment
 * after segment (what the webview does per pointer move), at the cost of the stroke's area.
 */
export function paintStroke(raster: LabelRaster, points: readonly number[], radius: number, classIndex: number): Rect | undefined {
  const { width, data } = raster;
  const segments = points.length / 2 - 1;
  if (segments < 2 || width > MAX_MERGED_WIDTH) {
    if (points.length === 2) return paintSegment(raster, points[0]!, points[1]!, points[0]!, points[1]!, radius, classIndex);
    let changed: Rect | undefined;
    for (let p = 0; p + 3 < points.length; p += 2) {
      const rect = paintSegment(raster, points[p]!, points[p + 1]!, points[p + 2]!, points[p + 3]!, radius, classIndex);
      if (rect) changed = unionRect(changed, rect);
    }
    return changed;
  }
  const bounds = strokeBounds(points, radius, width, raster.height);
  if (!bounds) return undefined;
  const top = bounds.y;
  const bottom = bounds.y + bounds.height - 1;
  const firstRow = new Int32Array(segments);
  const lastRow = new Int32Array(segments);
  for (let s = 0; s < segments; s++) {
    const y0 = points[2 * s + 1]!;
    const y1 = points[2 * s + 3]!;
    firstRow[s] = Math.max(top, Math.ceil(Math.min(y0, y1) - radius - 0.5));
    lastRow[s] = Math.min(bottom, Math.floor(Math.max(y0, y1) + radius - 0.5));
  }
  const rows = new ActiveRows(firstRow, lastRow, top, bottom);
  // Each row's pixel intervals packed as a * (width + 1) + b, so one numeric sort orders them by start.
  const intervals = new Float64Array(segments);
  const stride = width + 1;
  changes.reset();
  for (let j = top; j <= bottom; j++) {
    const crossing = rows.advance(j);
    let count = 0;
    for (let i = 0; i < crossing; i++) {
      const s = rows.active[i]!;
      if (!capsuleRowSpan(j + 0.5, points[2 * s]!, points[2 * s + 1]!, points[2 * s + 2]!, points[2 * s + 3]!, radius)) continue;
      const a = Math.max(0, Math.ceil(spanLo - 0.5));
      const b = Math.min(width - 1, Math.floor(spanHi - 0.5));
      if (a <= b) intervals[count++] = a * stride + b;
    }
    if (count === 0) continue;
    const sorted = count > 1 ? intervals.subarray(0, count).sort() : intervals;
    let runA = Math.floor(sorted[0]! / stride);
    let runB = sorted[0]! - runA * stride;
    for (let i = 1; i < count; i++) {
      const a = Math.floor(sorted[i]! / stride);
      const b = sorted[i]! - a * stride;
      if (a <= runB + 1) {
        if (b > runB) runB = b;
      } else {
        changes.paintRun(data, j * width, runA, runB, j, classIndex);
        runA = a;
        runB = b;
      }
    }
    changes.paintRun(data, j * width, runA, runB, j, classIndex);
  }
  return changes.rect();
}

/** The pixels a stroke can cover, clamped to the image (cheap: no painting). */
export function strokeBounds(points: readonly number[], radius: number, width: number, height: number): Rect | undefined {
  if (points.length === 2) return segmentBounds(points[0]!, points[1]!, points[0]!, points[1]!, radius, width, height);
  let bounds: Rect | undefined;
  for (let p = 0; p + 3 < points.length; p += 2) {
    bounds = unionRect(bounds, segmentBounds(points[p]!, points[p + 1]!, points[p + 2]!, points[p + 3]!, radius, width, height));
  }
  return bounds;
}
