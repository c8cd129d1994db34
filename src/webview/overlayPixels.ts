// The mask overlay's pixels for one region of one tile: class colours, optionally only the outlines, optionally a
// threshold preview instead of the mask, and the uncertain band hatched on top; in compare mode, instead of the
// mask (the ground truth): the TP/FP/FN overlay, the prediction, or the probability heat map. Pure (no DOM) so
// it is tested directly; the tile cache (overlayTiles.ts) calls it for the dirty part of a tile only.

/**
 * What the overlay draws: the mask (always, outside compare mode), or one of compare mode's layers (the mask
 * until that layer's data has arrived).
 */
export type OverlayLayer = 'mask' | 'errors' | 'prediction' | 'heat';

/** Indices into `errorColors`: how a pixel of the ground truth (the mask) and the prediction agree. */
export const ERROR_NONE = 0;
export const ERROR_TP = 1;
export const ERROR_FP = 2;
export const ERROR_FN = 3;
/** Foreground in both, of different classes (multi-class models): an FP of one class and an FN of another. */
export const ERROR_WRONG_CLASS = 4;
/** A ground-truth value that marks a pixel to ignore (src/eval/metrics.ts IGNORE_LABEL). */
const IGNORE = 255;

export function errorKind(groundTruth: number, prediction: number): number {
  if (groundTruth === IGNORE) return ERROR_NONE;
  if (groundTruth === 0) return prediction === 0 ? ERROR_NONE : ERROR_FP;
  if (prediction === groundTruth) return ERROR_TP;
  return prediction === 0 ? ERROR_FN : ERROR_WRONG_CLASS;
}

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
  layer: OverlayLayer;
  /** Compare mode: the prediction the mask (the ground truth) is compared with. */
  prediction: Uint8Array | null;
  /** Packed colours by errorKind (entry 0 transparent). */
  errorColors: Uint32Array;
  /** 256 packed colours by probability byte, for the heat map. */
  heatColors: Uint32Array;
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
  // Clip to the image: tile pixels whose sample lies past the right or bottom edge stay clear.
  const half = step >> 1;
  const txEnd = Math.min(tx1, Math.max(tx0, Math.ceil((source.width - originX - half) / step)));
  const tyEnd = Math.min(ty1, Math.max(ty0, Math.ceil((source.height - originY - half) / step)));
  for (let ty = ty0; ty < ty1; ty++) {
    const o = ty * outStride;
    if (ty >= tyEnd) out.fill(0, o + tx0, o + tx1);
    else if (txEnd < tx1) out.fill(0, o + txEnd, o + tx1);
  }
  if (tx0 >= txEnd || ty0 >= tyEnd) return;
  const preview = source.probability !== null && source.previewThreshold >= 0;
  if (source.layer === 'errors' && source.prediction) renderErrors(source, source.prediction, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  else if (source.layer === 'prediction' && source.prediction) renderMask(source, source.prediction, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  else if (source.layer === 'heat' && source.probability) renderHeat(source, source.probability, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  else if (source.outline) renderOutline(source, preview, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  else if (preview) renderPreview(source, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  else renderMask(source, source.mask, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
  if (source.probability !== null && source.bandLow >= 0) renderBand(source, step, originX, originY, out, outStride, tx0, ty0, txEnd, tyEnd);
}

/** The common case, kept to one table lookup per pixel: mask (or prediction) colours, no outline, no preview. */
function renderMask(
  source: OverlaySource, mask: Uint8Array, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, colors } = source;
  const half = step >> 1;
  for (let ty = ty0; ty < ty1; ty++) {
    let index = (originY + ty * step + half) * width + originX + tx0 * step + half;
    const end = ty * outStride + tx1;
    for (let o = ty * outStride + tx0; o < end; o++, index += step) out[o] = colors[mask[index]!]!;
  }
}

/** Compare mode's TP/FP/FN overlay: the mask is the ground truth, `prediction` what it is compared with. */
function renderErrors(
  source: OverlaySource, prediction: Uint8Array, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, mask, errorColors } = source;
  const half = step >> 1;
  // False positives are striped (clear on every third anti-diagonal), true positives solid: red against green is
  // the pair red-green colour blindness confuses. In level-wide coordinates, so stripes continue across tiles.
  const stripeOffset = Math.floor(originX / step) - Math.floor(originY / step);
  for (let ty = ty0; ty < ty1; ty++) {
    let index = (originY + ty * step + half) * width + originX + tx0 * step + half;
    let o = ty * outStride + tx0;
    for (let tx = tx0; tx < tx1; tx++, o++, index += step) {
      const kind = errorKind(mask[index]!, prediction[index]!);
      out[o] = kind === ERROR_FP && (((stripeOffset + tx - ty) % HATCH_PERIOD) + HATCH_PERIOD) % HATCH_PERIOD < HATCH_WIDTH ? 0 : errorColors[kind]!;
    }
  }
}

/** The probability map through the heat colour table. */
function renderHeat(
  source: OverlaySource, probability: Uint8Array, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, heatColors } = source;
  const half = step >> 1;
  for (let ty = ty0; ty < ty1; ty++) {
    let index = (originY + ty * step + half) * width + originX + tx0 * step + half;
    const end = ty * outStride + tx1;
    for (let o = ty * outStride + tx0; o < end; o++, index += step) out[o] = heatColors[probability[index]!]!;
  }
}

/** The threshold preview, filled: probability > threshold takes the predicted class (the rule of thresholdMask). */
function renderPreview(
  source: OverlaySource, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, colors, predictedClasses } = source;
  const probability = source.probability!;
  const threshold = source.previewThreshold;
  const half = step >> 1;
  for (let ty = ty0; ty < ty1; ty++) {
    let index = (originY + ty * step + half) * width + originX + tx0 * step + half;
    const end = ty * outStride + tx1;
    if (predictedClasses) {
      for (let o = ty * outStride + tx0; o < end; o++, index += step) out[o] = probability[index]! > threshold ? colors[predictedClasses[index]!]! : 0;
    } else {
      const color = colors[1]!;
      for (let o = ty * outStride + tx0; o < end; o++, index += step) out[o] = probability[index]! > threshold ? color : 0;
    }
  }
}

/** Outline only, of the mask or of the threshold preview. */
function renderOutline(
  source: OverlaySource, preview: boolean, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, height, mask, colors, outline, probability, predictedClasses } = source;
  const threshold = source.previewThreshold;
  const half = step >> 1;
  for (let ty = ty0; ty < ty1; ty++) {
    const iy = originY + ty * step + half;
    let o = ty * outStride + tx0;
    for (let tx = tx0; tx < tx1; tx++, o++) {
      const ix = originX + tx * step + half;
      const index = iy * width + ix;
      const value = preview ? previewClass(probability!, predictedClasses, threshold, index) : mask[index]!;
      let color = colors[value]!;
      if (outline && value !== 0) {
        const left = ix >= step ? sample(mask, probability, predictedClasses, preview, threshold, index - step) : 0;
        const right = ix + step < width ? sample(mask, probability, predictedClasses, preview, threshold, index + step) : 0;
        const up = iy >= step ? sample(mask, probability, predictedClasses, preview, threshold, index - step * width) : 0;
        const down = iy + step < height ? sample(mask, probability, predictedClasses, preview, threshold, index + step * width) : 0;
        if (left === value && right === value && up === value && down === value) color = 0;
      }
      out[o] = color;
    }
  }
}

/** Hatches pixels with bandLow < probability < bandHigh over what is drawn (the rule of uncertainBand). */
function renderBand(
  source: OverlaySource, step: number, originX: number, originY: number, out: Uint32Array, outStride: number,
  tx0: number, ty0: number, tx1: number, ty1: number,
): void {
  const { width, bandLow, bandHigh, bandColor } = source;
  const probability = source.probability!;
  const half = step >> 1;
  // Hatch in level-wide overlay coordinates so the stripes continue across tile seams.
  const hatchOffset = Math.floor(originX / step) + Math.floor(originY / step);
  for (let ty = ty0; ty < ty1; ty++) {
    const row = (originY + ty * step + half) * width + originX + half;
    for (let tx = tx0; tx < tx1; tx++) {
      if ((hatchOffset + tx + ty) % HATCH_PERIOD >= HATCH_WIDTH) continue;
      const p = probability[row + tx * step]!;
      if (p > bandLow && p < bandHigh) out[ty * outStride + tx] = bandColor;
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
