// The 95th-percentile Hausdorff distance between two non-empty binary masks, in pixels, as medpy's hd95 and
// src/common/evaluation.ts define it: boundary = mask pixels with a 4-neighbour outside the mask (or outside the
// image); every boundary pixel of each mask contributes its exact Euclidean distance to the nearest boundary
// pixel of the other; the 95th percentile of that pooled list, interpolated like numpy.percentile.
// Environment-neutral: no `vscode`, no DOM, no Node built-ins.
import { squaredDistanceTransform } from './edt';

/** Mask pixels with a 4-neighbour outside the mask; pixels outside the image count as outside. */
export function boundaryOf(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i] === 0) continue;
      const interior =
        x > 0 && x < width - 1 && y > 0 && y < height - 1 && mask[i - 1] !== 0 && mask[i + 1] !== 0 && mask[i - width] !== 0 && mask[i + width] !== 0;
      out[i] = interior ? 0 : 1;
    }
  }
  return out;
}

/**
 * HD95 of two width x height 0/1 masks that both have a foreground pixel. Works on the bounding box of their
 * union: every boundary pixel lies inside it, so distances measured there are the whole image's.
 */
export function hausdorff95(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const box = unionBox(a, b, width, height);
  if (!box) throw new Error('hausdorff95 needs two non-empty masks');
  const w = box.x1 - box.x0 + 1;
  const h = box.y1 - box.y0 + 1;
  const cropA = crop(a, width, box, w, h);
  const cropB = crop(b, width, box, w, h);
  // A crop edge that is not the image edge has only pixels of neither mask beyond it, so the boundary is the same.
  const edgeA = boundaryOf(cropA, w, h);
  const edgeB = boundaryOf(cropB, w, h);
  const toB = squaredDistanceTransform(edgeB, w, h);
  const toA = squaredDistanceTransform(edgeA, w, h);
  const squared: number[] = [];
  for (let i = 0; i < w * h; i++) {
    if (edgeA[i] !== 0) squared.push(toB[i]!);
    if (edgeB[i] !== 0) squared.push(toA[i]!);
  }
  const sorted = Float64Array.from(squared).sort();
  return percentileOfSorted(sorted, 95, Math.sqrt);
}

/**
 * numpy.percentile(values, q) with its default "linear" method, on ascending values mapped through `map` (a
 * monotone function, applied only to the two order statistics used).
 */
export function percentileOfSorted(sorted: Float64Array, q: number, map: (v: number) => number = (v) => v): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of an empty list');
  const position = (n - 1) * (q / 100);
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const t = position - below;
  const lo = map(sorted[below]!);
  const hi = map(sorted[above]!);
  // numpy's _lerp: from the nearer end, for the same rounding.
  const diff = hi - lo;
  return t >= 0.5 ? hi - diff * (1 - t) : lo + diff * t;
}

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

function unionBox(a: Uint8Array, b: Uint8Array, width: number, height: number): Box | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (a[row + x] === 0 && b[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  // Both masks must be non-empty; the caller applies the empty-mask conventions.
  return x1 < 0 || !a.includes(1) || !b.includes(1) ? undefined : { x0, y0, x1, y1 };
}

function crop(mask: Uint8Array, width: number, box: Box, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const from = (box.y0 + y) * width + box.x0;
    out.set(mask.subarray(from, from + w), y * w);
  }
  return out;
}
