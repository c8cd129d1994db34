// The mask overlay's pixels for one region of one tile: class colours, optionally only the outlines, optionally a
// threshold preview instead of the mask, and the uncertain band hatched on top. Pure (no DOM) so it is tested
// directly; the tile cache (overlayTiles.ts) calls it for the dirty part of a tile only.

/** What the overlay shows; mutated in place by the editor, read on every render. */
export interface OverlaySource {
  width: number;
  height: number;
  /** The mask, one class index per pixel. */
  mask: Uint8Array;
  /** 256 packed RGBA colours by class index (classColorTable); entry 0 is transparent. */
  colors: Uint32Array;
  /** Draw only pixels that have a 4-neighbour (at the sampling step) of another class. */
  outline: boolean;
  /** 8-bit probability map (p x 255), when loaded. */
  probability: Uint8Array | null;
  /** Per-pixel predicted class of a multi-class model (null: class 1 wherever probability > threshold). */
  predictedClasses: Uint8Array | null;
  /** Show the threshold preview (probability > previewThreshold) instead of the mask; -1 = show the mask. */
  previewThreshold: number;
  /** Hatch pixels with bandLow < probability < bandHigh; bandLow < 0 = no band. */
  bandLow: number;
  bandHigh: number;
  bandColor: number;
}

/** Hatching period in overlay pixels; 2 of every 6 diagonals are drawn. */
const HATCH_PERIOD = 6;
const HATCH_WIDTH = 2;

/**
 * Renders tile pixels [tx0, tx1) x [ty0, ty1) into `out` (row stride `outStride`). Tile pixel (tx, ty) samples
 * the image pixel (originX + tx * step + step/2, originY + ty * step + step/2), step = 2^level: nearest sampling, so a
 * zoomed-out overlay costs what the screen shows, not what the image holds. Pixels past the image edge are clear.
 */
export function renderOverlayPixels(
  source: OverlaySource,
  step: number,
  originX: number,
  originY: number,
  out: Uint32Array,
  outStride: number,
  tx0: number,
  ty0: number,
  tx1: number,
  ty1: number,
): void {
  const { width, height, mask, colors, outline, probability, predictedClasses } = source;
  const preview = probability !== null && source.previewThreshold >= 0;
  const threshold = source.previewThreshold;
  const band = probability !== null && source.bandLow >= 0;
  const { bandLow, bandHigh, bandColor } = source;
  const half = step >> 1;
  // Hatch in level-wide overlay coordinates so the stripes continue across tile seams.
  const hatchOffset = Math.floor(originX / step) + Math.floor(originY / step);
  for (let ty = ty0; ty < ty1; ty++) {
    const iy = originY + ty * step + half;
    let o = ty * outStride + tx0;
    if (iy >= height) {
      out.fill(0, o, o + (tx1 - tx0));
      continue;
    }
    const row = iy * width;
    for (let tx = tx0; tx < tx1; tx++, o++) {
      const ix = originX + tx * step + half;
      if (ix >= width) {
        out[o] = 0;
        continue;
      }
      const index = row + ix;
      const value = preview ? previewClass(probability!, predictedClasses, threshold, index) : mask[index]!;
      let color = colors[value]!;
      if (outline && value !== 0) {
        const left = ix >= step ? sample(mask, probability, predictedClasses, preview, threshold, index - step) : 0;
        const right = ix + step < width ? sample(mask, probability, predictedClasses, preview, threshold, index + step) : 0;
        const up = iy >= step ? sample(mask, probability, predictedClasses, preview, threshold, index - step * width) : 0;
        const down = iy + step < height ? sample(mask, probability, predictedClasses, preview, threshold, index + step * width) : 0;
        if (left === value && right === value && up === value && down === value) color = 0;
      }
      if (band) {
        const p = probability![index]!;
        if (p > bandLow && p < bandHigh && (hatchOffset + tx + ty) % HATCH_PERIOD < HATCH_WIDTH) color = bandColor;
      }
      out[o] = color;
    }
  }
}

function previewClass(probability: Uint8Array, predicted: Uint8Array | null, threshold: number, index: number): number {
  return probability[index]! > threshold ? (predicted ? predicted[index]! : 1) : 0;
}

function sample(
  mask: Uint8Array,
  probability: Uint8Array | null,
  predicted: Uint8Array | null,
  preview: boolean,
  threshold: number,
  index: number,
): number {
  return preview ? previewClass(probability!, predicted, threshold, index) : mask[index]!;
}
