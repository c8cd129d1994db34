// The numbers compare mode shows for one image: the metrics of the prediction against the ground truth (the
// evaluation's own scoreImage, so they equal the report's) and the pixel counts of the TP/FP/FN overlay. Pure.
import type { ImageMetrics } from '../common/evaluation';
import { IGNORE_LABEL, scoreImage } from '../eval/metrics';
import type { LabelRaster } from '../mask/types';

export interface CompareStats {
  readonly metrics: ImageMetrics;
  /** Summed over the foreground classes, as scoreImage counts them: a pixel of the wrong class is an FP and an FN. */
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** Pixels of both masks' foreground but of different classes (multi-class models; in FP and FN above). */
  readonly wrongClass: number;
}

export function compareStats(groundTruth: LabelRaster, prediction: Uint8Array, classCount: number): CompareStats {
  const metrics = scoreImage({ width: groundTruth.width, height: groundTruth.height, data: prediction }, groundTruth, classCount);
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  for (const c of metrics.classes) {
    truePositives += c.truePositives;
    falsePositives += c.falsePositives;
    falseNegatives += c.falseNegatives;
  }
  let wrongClass = 0;
  if (classCount > 2) {
    const gt = groundTruth.data;
    for (let i = 0; i < gt.length; i++) {
      const g = gt[i]!;
      const p = prediction[i]!;
      if (g !== 0 && p !== 0 && g !== p && g !== IGNORE_LABEL) wrongClass++;
    }
  }
  return { metrics, truePositives, falsePositives, falseNegatives, wrongClass };
}
