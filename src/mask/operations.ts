// Applying a MaskOperation to a raster and recording what it changed, so the host can undo and redo it and
// send the webview only the changed rectangle. Work is bounded by the operation's candidate rectangle (the
// pixels it can touch); the clean-ups and the threshold are whole-image operations.
import { paintStroke, strokeBounds } from './brush';
import { floodFill } from './fill';
import { fillHoles, keepLargest, removeIslands } from './components';
import { fillPolygon, polygonBounds } from './polygon';
import { readRect, writeRect } from './raster';
import { lastSpans } from './scanline';
import { thresholdMask } from './threshold';
import type { LabelRaster, MaskOperation, RasterPatch, Rect } from './types';

/** What a 'threshold' operation needs from the document: the probability map and, for multi-class models, the class per pixel. */
export interface OperationContext {
  readonly probability?: Uint8Array;
  readonly predictedClasses?: Uint8Array | null;
}

/** The bytes of `rect` out of `bytes`, which hold the rectangle `outer` (rect lies inside outer). */
function cropBytes(bytes: Uint8Array, outer: Rect, rect: Rect): Uint8Array {
  if (rect.x === outer.x && rect.y === outer.y && rect.width === outer.width && rect.height === outer.height) return bytes;
  const out = new Uint8Array(rect.width * rect.height);
  for (let row = 0; row < rect.height; row++) {
    const start = (rect.y - outer.y + row) * outer.width + (rect.x - outer.x);
    out.set(bytes.subarray(start, start + rect.width), row * rect.width);
  }
  return out;
}

/** Copies the candidate rectangle, runs `apply`, and keeps the changed part of the copy as the patch's before. */
function patchAround(raster: LabelRaster, candidate: Rect | undefined, apply: () => Rect | undefined): RasterPatch | undefined {
  if (!candidate) return undefined;
  const before = readRect(raster, candidate);
  const changed = apply();
  if (!changed) return undefined;
  return { rect: changed, before: cropBytes(before, candidate, changed), after: readRect(raster, changed) };
}

/** The whole raster as a rectangle. */
function wholeRect(raster: LabelRaster): Rect | undefined {
  return raster.width > 0 && raster.height > 0 ? { x: 0, y: 0, width: raster.width, height: raster.height } : undefined;
}

/**
 * Applies `op` to `raster` (mutating it) and returns the bounding rectangle of the changed pixels with their
 * bytes before and after, or undefined when nothing changed. `op` must have passed parseMaskOperation for this
 * raster; a 'threshold' needs context.probability (width * height bytes).
 */
export function applyOperation(raster: LabelRaster, op: MaskOperation, context: OperationContext = {}): RasterPatch | undefined {
  const { width, height } = raster;
  switch (op.kind) {
    case 'stroke':
      return patchAround(raster, strokeBounds(op.points, op.radius, width, height), () =>
        paintStroke(raster, op.points, op.radius, op.classIndex));
    case 'polygon':
      return patchAround(raster, polygonBounds(op.points, width, height), () => fillPolygon(raster, op.points, op.classIndex));
    case 'fill': {
      const x = Math.floor(op.x);
      const y = Math.floor(op.y);
      if (x < 0 || y < 0 || x >= width || y >= height) return undefined;
      const previous = raster.data[y * width + x]!;
      const changed = floodFill(raster, x, y, op.classIndex);
      if (!changed) return undefined;
      // Every filled run held `previous`; everything else in the rectangle is as it was.
      const after = readRect(raster, changed);
      const before = after.slice();
      const { spans, count } = lastSpans();
      for (let s = 0; s < count; s++) {
        const start = (spans[s * 3]! - changed.y) * changed.width - changed.x;
        before.fill(previous, start + spans[s * 3 + 1]!, start + spans[s * 3 + 2]! + 1);
      }
      return { rect: changed, before, after };
    }
    case 'fillHoles':
      return patchAround(raster, wholeRect(raster), () => fillHoles(raster, op.classIndex));
    case 'removeIslands':
      return patchAround(raster, wholeRect(raster), () => removeIslands(raster, op.minArea));
    case 'keepLargest':
      return patchAround(raster, wholeRect(raster), () => keepLargest(raster, op.classIndex));
    case 'threshold': {
      const { probability, predictedClasses = null } = context;
      if (!probability) throw new Error('a threshold edit needs the probability map, and this document has none');
      if (probability.length !== width * height) {
        throw new RangeError(`the probability map has ${probability.length} pixels, the mask ${width} x ${height}`);
      }
      return replaceMaskPatch(raster, thresholdMask(probability, predictedClasses, op.threshold));
    }
  }
}

/** Puts one side of a patch back: 'before' undoes it, 'after' redoes it. */
export function applyPatchSide(raster: LabelRaster, patch: RasterPatch, side: 'before' | 'after'): void {
  writeRect(raster, patch.rect, patch[side]);
}

/**
 * Replaces the whole mask with `data` (a Predict result, a reload) as a patch over the changed rectangle only;
 * undefined when `data` equals the mask.
 */
export function replaceMaskPatch(raster: LabelRaster, data: Uint8Array): RasterPatch | undefined {
  const { width, height } = raster;
  if (data.length !== width * height) throw new RangeError(`new mask has ${data.length} pixels, expected ${width} x ${height}`);
  const old = raster.data;
  let minX = width;
  let maxX = -1;
  let minY = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let s = 0;
    while (s < width && old[base + s] === data[base + s]) s++;
    if (s === width) continue;
    let e = width - 1;
    while (old[base + e] === data[base + e]) e--;
    if (s < minX) minX = s;
    if (e > maxX) maxX = e;
    if (minY < 0) minY = y;
    maxY = y;
  }
  if (minY < 0) return undefined;
  const rect = { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
  const before = readRect(raster, rect);
  const after = readRect({ width, height, data }, rect);
  writeRect(raster, rect, after);
  return { rect, before, after };
}
