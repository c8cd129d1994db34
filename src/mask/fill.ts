// Flood fill: the 4-connected region of pixels holding the seed pixel's class takes `classIndex`.
import { ChangeBox } from './changeBox';
import { MATCH_EQUAL, flood, lastSpans } from './scanline';
import type { LabelRaster, Rect } from './types';

/**
 * Fills from pixel (x, y) (integer column and row). Returns the bounding rectangle of the changed pixels,
 * undefined when the seed is outside the image or already has the class. After it, lastSpans() lists the
 * filled runs, all of which held the seed's previous class.
 */
export function floodFill(raster: LabelRaster, x: number, y: number, classIndex: number): Rect | undefined {
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= raster.width || y >= raster.height) {
    return undefined;
  }
  const seed = y * raster.width + x;
  const previous = raster.data[seed]!;
  if (previous === classIndex) return undefined;
  flood(raster, seed, { match: MATCH_EQUAL, value: previous, diagonal: false, visited: null, paint: classIndex, recordSpans: true });
  return spansBounds();
}

/** Bounding rectangle of the spans recorded by the last flood. */
export function spansBounds(): Rect | undefined {
  const { spans, count } = lastSpans();
  const box = new ChangeBox();
  for (let s = 0; s < count; s++) box.add(spans[s * 3 + 1]!, spans[s * 3 + 2]!, spans[s * 3]!);
  return box.rect();
}
