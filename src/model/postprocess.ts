// Model output for one image -> an index mask and an 8-bit probability map at the image's own size.
// The activation runs at the model's resolution, probabilities are resized bilinearly, then thresholded
// (sigmoid) or arg-maxed (softmax) row by row, so no full-size float image is ever held.
import type { ModelOutput } from './card';
import { axisWeights, blendRow, planarLayout, resizeRows } from './resample';

export interface Prediction {
  readonly width: number;
  readonly height: number;
  /** width * height class indices (0 = background). */
  readonly mask: Uint8Array;
  /** width * height probabilities x 255: the foreground's for sigmoid, the winning class's for softmax. */
  readonly probability: Uint8Array;
}

/** `logits` holds one image: channels x modelHeight x modelWidth. */
export function predictionFromLogits(
  logits: Float32Array,
  modelWidth: number,
  modelHeight: number,
  output: ModelOutput,
  width: number,
  height: number,
): Prediction {
  const channels = output.channels;
  if (logits.length !== channels * modelWidth * modelHeight) {
    throw new Error(`expected ${channels} x ${modelHeight} x ${modelWidth} logits, got ${logits.length} values`);
  }
  const probabilities = output.activation === 'sigmoid' ? sigmoid(logits) : softmax(logits, channels, modelWidth * modelHeight);
  const rows = resizeRows(probabilities, planarLayout(modelWidth, modelHeight, channels), axisWeights(modelWidth, width));
  const y = axisWeights(modelHeight, height);
  const row = new Float32Array(channels * width);
  const mask = new Uint8Array(width * height);
  const probability = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    blendRow(rows, channels, modelHeight, width, y, r, row);
    const base = r * width;
    if (output.activation === 'sigmoid') {
      for (let x = 0; x < width; x++) {
        const p = row[x]!;
        mask[base + x] = p > output.threshold ? 1 : 0;
        probability[base + x] = toByte(p);
      }
    } else {
      for (let x = 0; x < width; x++) {
        let best = 0;
        let bestP = row[x]!;
        for (let c = 1; c < channels; c++) {
          const p = row[c * width + x]!;
          if (p > bestP) {
            bestP = p;
            best = c;
          }
        }
        mask[base + x] = best;
        probability[base + x] = toByte(bestP);
      }
    }
  }
  return { width, height, mask, probability };
}

export function sigmoid(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]!));
  return out;
}

/** Softmax across channels at each pixel of a planar channels x pixels array (max-subtracted for stability). */
export function softmax(logits: Float32Array, channels: number, pixels: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let p = 0; p < pixels; p++) {
    let max = -Infinity;
    for (let c = 0; c < channels; c++) max = Math.max(max, logits[c * pixels + p]!);
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const e = Math.exp(logits[c * pixels + p]! - max);
      out[c * pixels + p] = e;
      sum += e;
    }
    for (let c = 0; c < channels; c++) out[c * pixels + p] /= sum;
  }
  return out;
}

function toByte(p: number): number {
  const v = Math.round(p * 255);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
