// Clean-ups over connected components, each linear in the image size (scanline floods with one reusable
// visited bitset, no recursion, no per-pixel label buffer). Each returns the bounding rectangle of the pixels
// it changed, undefined when nothing changed.
//   fillHoles(c):      a hole is a 4-connected region of pixels that are not class c and that does not touch
//                      the image border; every hole becomes c (whatever classes it held).
//   removeIslands(n):  8-connected components of non-zero pixels (classes mixed) with fewer than n pixels
//                      become background.
//   keepLargest(c):    of the 8-connected components of class c only the largest stays (a tie goes to the one
//                      whose first pixel comes first in raster order); the others become background.
import { MATCH_EQUAL, MATCH_NON_ZERO, MATCH_NOT_EQUAL, clearedVisited, flood, isVisited, lastSpans } from './scanline';
import { ChangeBox } from './changeBox';
import type { LabelRaster, Rect } from './types';

/** Sets every unvisited pixel equal to `from` (any non-`keep` pixel when from is -1) to `to`, row by row. */
function sweepUnvisited(raster: LabelRaster, bits: Uint32Array, from: number, keep: number, to: number): Rect | undefined {
  const { width, height, data } = raster;
  const box = new ChangeBox();
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      const k = base + x;
      const v = data[k]!;
      const candidate = from >= 0 ? v === from : v !== keep;
      if (candidate && v !== to && !isVisited(bits, k)) {
        data[k] = to;
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) box.add(first, last, y);
  }
  return box.rect();
}

export function fillHoles(raster: LabelRaster, classIndex: number): Rect | undefined {
  const { width, height, data } = raster;
  const bits = clearedVisited(width * height);
  const options = { match: MATCH_NOT_EQUAL, value: classIndex, diagonal: false, visited: bits, paint: -1, recordSpans: false } as const;
  const seedFrom = (k: number): void => {
    if (data[k] !== classIndex && !isVisited(bits, k)) flood(raster, k, options);
  };
  for (let x = 0; x < width; x++) {
    seedFrom(x);
    seedFrom((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seedFrom(y * width);
    seedFrom(y * width + width - 1);
  }
  return sweepUnvisited(raster, bits, -1, classIndex, classIndex);
}

export function removeIslands(raster: LabelRaster, minArea: number): Rect | undefined {
  const { width, height, data } = raster;
  const bits = clearedVisited(width * height);
  const options = { match: MATCH_NON_ZERO, value: 0, diagonal: true, visited: bits, paint: -1, recordSpans: true } as const;
  const box = new ChangeBox();
  const total = width * height;
  for (let k = 0; k < total; k++) {
    if (data[k] === 0 || isVisited(bits, k)) continue;
    const area = flood(raster, k, options);
    if (area >= minArea) continue;
    const { spans, count } = lastSpans();
    for (let s = 0; s < count; s++) {
      const y = spans[s * 3]!;
      const x0 = spans[s * 3 + 1]!;
      const x1 = spans[s * 3 + 2]!;
      data.fill(0, y * width + x0, y * width + x1 + 1);
      box.add(x0, x1, y);
    }
  }
  return box.rect();
}

export function keepLargest(raster: LabelRaster, classIndex: number): Rect | undefined {
  const { width, height, data } = raster;
  let bits = clearedVisited(width * height);
  const options = { match: MATCH_EQUAL, value: classIndex, diagonal: true, visited: bits, paint: -1, recordSpans: false } as const;
  const total = width * height;
  let bestArea = 0;
  let bestSeed = -1;
  for (let k = 0; k < total; k++) {
    if (data[k] !== classIndex || isVisited(bits, k)) continue;
    const area = flood(raster, k, options);
    if (area > bestArea) {
      bestArea = area;
      bestSeed = k;
    }
  }
  if (bestSeed < 0) return undefined;
  bits = clearedVisited(total);
  flood(raster, bestSeed, { ...options, visited: bits });
  return sweepUnvisited(raster, bits, classIndex, -1, 0);
}
