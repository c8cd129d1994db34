// The order "Review Most Uncertain First" walks a folder in: its images by uncertainty score, most uncertain
// first, from an evaluation report's scores or an uncertainty pass. Images without a score (a label file was
// scored instead of a prediction, the image failed, or it was added later) follow in folder order.
import * as path from 'node:path';
import type { EvaluationReport } from '../common/evaluation';

/** Scores by image file name (reports may spell the folder differently: a link, a relative path). */
export type UncertaintyScores = ReadonlyMap<string, number>;

export function scoresFromReport(report: EvaluationReport): Map<string, number> {
  const scores = new Map<string, number>();
  for (const image of report.images) if (image.uncertainty !== undefined) scores.set(path.basename(image.image), image.uncertainty);
  return scores;
}

export function scoresFromRanking(images: readonly { readonly image: string; readonly uncertainty: number }[]): Map<string, number> {
  return new Map(images.map((i) => [path.basename(i.image), i.uncertainty]));
}

/** `images` (in folder order) reordered: scored ones most uncertain first (ties in folder order), then the rest. */
export function orderByUncertainty(images: readonly string[], scores: UncertaintyScores): string[] {
  const scored = images.filter((image) => scores.has(path.basename(image)));
  const rest = images.filter((image) => !scores.has(path.basename(image)));
  // Array.prototype.sort is stable: equal scores keep the folder's order.
  scored.sort((a, b) => scores.get(path.basename(b))! - scores.get(path.basename(a))!);
  return [...scored, ...rest];
}
