// Per-image, per-class segmentation metrics with the conventions of src/common/evaluation.ts (empty masks
// included), and their summaries over images. Environment-neutral: no `vscode`, no DOM, no Node built-ins.
import {
  type ClassMetrics,
  DICE_HISTOGRAM_BINS,
  type EmptyCase,
  type ImageMetrics,
  METRIC_NAMES,
  type MetricName,
  type MetricStats,
  type MetricSummary,
  type MetricValues,
} from '../common/evaluation';
import type { LabelRaster } from '../mask/types';
import { hausdorff95 } from './surfaceDistance';

/** A ground-truth value that marks a pixel to ignore (multi-class masks only; see src/core/readMask.ts). */
export const IGNORE_LABEL = 255;

/**
 * Scores a predicted class-index raster against the ground truth for classes 1..numberOfClasses-1. Ground-truth
 * pixels equal to IGNORE_LABEL count for no class; any other value must be a class index.
 */
export function scoreImage(prediction: LabelRaster, groundTruth: LabelRaster, numberOfClasses: number): ImageMetrics {
  const { width, height } = groundTruth;
  if (prediction.width !== width || prediction.height !== height) {
    throw new Error(`prediction is ${prediction.width} x ${prediction.height}, ground truth ${width} x ${height}`);
  }
  if (numberOfClasses < 2) throw new Error(`need at least 2 classes (background and one), got ${numberOfClasses}`);
  const k = numberOfClasses;
  // confusion[p * k + g]: pixels predicted p with ground truth g (ignored pixels excluded).
  const confusion = new Float64Array(k * k);
  let ignoredPixels = 0;
  const pred = prediction.data;
  const gt = groundTruth.data;
  for (let i = 0; i < pred.length; i++) {
    const g = gt[i]!;
    if (g === IGNORE_LABEL) {
      ignoredPixels++;
      continue;
    }
    const p = pred[i]!;
    if (p >= k || g >= k) throw new Error(`pixel ${i % width},${Math.floor(i / width)}: class ${p >= k ? p : g} is not below ${k}`);
    confusion[p * k + g]!++;
  }
  const diagonal = Math.hypot(width, height);
  const classes: ClassMetrics[] = [];
  for (let c = 1; c < k; c++) {
    let predictedArea = 0;
    let groundTruthArea = 0;
    for (let o = 0; o < k; o++) {
      predictedArea += confusion[c * k + o]!;
      groundTruthArea += confusion[o * k + c]!;
    }
    const tp = confusion[c * k + c]!;
    const counts = { truePositives: tp, falsePositives: predictedArea - tp, falseNegatives: groundTruthArea - tp, predictedArea, groundTruthArea };
    const empty = emptyCase(predictedArea, groundTruthArea);
    const hd95 = empty === 'neither' ? hausdorff95(classMask(prediction, c, gt), classMask(groundTruth, c, gt), width, height) : emptyHd95(empty, diagonal);
    classes.push({ classIndex: c, ...counts, ...overlapScores(counts), hd95, empty });
  }
  let predictedArea = 0;
  let groundTruthArea = 0;
  for (const c of classes) {
    predictedArea += c.predictedArea;
    groundTruthArea += c.groundTruthArea;
  }
  return { width, height, ...meanOverClasses(classes), predictedArea, groundTruthArea, ignoredPixels, classes };
}

export function emptyCase(predictedArea: number, groundTruthArea: number): EmptyCase {
  if (predictedArea > 0) return groundTruthArea > 0 ? 'neither' : 'groundTruth';
  return groundTruthArea > 0 ? 'prediction' : 'both';
}

function emptyHd95(empty: Exclude<EmptyCase, 'neither'>, diagonal: number): number {
  return empty === 'both' ? 0 : diagonal;
}

/** Dice, IoU, precision, recall from counts; an empty prediction or ground truth follows EmptyCase. */
export function overlapScores(counts: { truePositives: number; falsePositives: number; falseNegatives: number }): Omit<MetricValues, 'hd95'> {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
  if (tp + fp + fn === 0) return { dice: 1, iou: 1, precision: 1, recall: 1 };
  return {
    dice: (2 * tp) / (2 * tp + fp + fn),
    iou: tp / (tp + fp + fn),
    // An empty prediction (tp + fp = 0) or ground truth (tp + fn = 0) here means the other is not empty: 0.
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
  };
}

/** 0/1 mask of class c, with pixels the ground truth ignores left out. */
function classMask(raster: LabelRaster, c: number, groundTruth: Uint8Array): Uint8Array {
  const out = new Uint8Array(raster.data.length);
  for (let i = 0; i < out.length; i++) out[i] = raster.data[i] === c && groundTruth[i] !== IGNORE_LABEL ? 1 : 0;
  return out;
}

function meanOverClasses(classes: readonly ClassMetrics[]): MetricValues {
  const out = { dice: 0, iou: 0, precision: 0, recall: 0, hd95: 0 };
  for (const c of classes) for (const m of METRIC_NAMES) out[m] += c[m];
  for (const m of METRIC_NAMES) out[m] /= classes.length;
  return out;
}

// ---- summaries over images ------------------------------------------------------------------------------

/** Mean, median (average of the two middle values for an even count), min and max; NaN-free input required. */
export function statsOf(values: readonly number[]): MetricStats {
  if (values.length === 0) return { mean: 0, median: 0, min: 0, max: 0 };
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`not a finite metric value: ${v}`);
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { mean: sum / n, median, min: sorted[0]!, max: sorted[n - 1]! };
}

export function summarize(rows: readonly MetricValues[]): MetricSummary {
  const out = {} as Record<MetricName, MetricStats>;
  for (const m of METRIC_NAMES) out[m] = statsOf(rows.map((r) => r[m]));
  return out;
}

/** Counts of per-image Dice in DICE_HISTOGRAM_BINS equal bins over [0, 1]; a Dice of 1 goes in the last bin. */
export function diceHistogram(dices: readonly number[], bins: number = DICE_HISTOGRAM_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const d of dices) counts[Math.min(bins - 1, Math.max(0, Math.floor(d * bins)))]!++;
  return counts;
}
