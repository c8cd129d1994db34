// Types of an evaluation (predictions scored against ground-truth masks), shared by the inference worker, the
// extension host, the CLI and the reports. Environment-neutral: imports neither `vscode`, Node built-ins nor the DOM.
//
// Conventions (the same in every report, documented in README "Evaluation"):
// - Per class k >= 1, P = predicted pixels of class k, G = ground-truth pixels of class k; ignored pixels
//   (ground-truth value 255 in a multi-class mask) count in neither.
// - Dice = 2|P∩G| / (|P| + |G|), IoU = |P∩G| / |P∪G|, precision = |P∩G| / |P|, recall = |P∩G| / |G|.
// - HD95: boundary(A) = pixels of A with a 4-neighbour outside A (outside the image counts as outside A);
//   distances are Euclidean between pixel centres, from each boundary pixel of P to the nearest boundary pixel
//   of G and from each of G to the nearest of P, pooled into one list; HD95 is its 95th percentile with linear
//   interpolation between order statistics (numpy.percentile's default; medpy's hd95).
// - Empty masks (see EmptyCase): P and G both empty: Dice = IoU = precision = recall = 1, HD95 = 0. Exactly one
//   empty: Dice = IoU = precision = recall = 0 and HD95 = the image diagonal sqrt(W² + H²), longer than any
//   distance inside the image, so a miss or a false alarm ranks below every real contour.
// - An image's metric is the mean over the foreground classes 1..K-1; summaries are over images (never pixels
//   pooled across images), and every image has every metric, so no value ever drops out of a mean.

export const METRIC_NAMES = ['dice', 'iou', 'precision', 'recall', 'hd95'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Whether higher is better (overlap scores) or lower (HD95, a distance). */
export function higherIsBetter(metric: MetricName): boolean {
  return metric !== 'hd95';
}

/**
 * Which of a class's masks are empty, deciding the convention used:
 * - `neither`: the formulas apply (all denominators are positive).
 * - `both`: Dice = IoU = precision = recall = 1, HD95 = 0 (nothing to find, nothing found).
 * - `prediction` (a miss) and `groundTruth` (a false alarm): Dice = IoU = precision = recall = 0, HD95 = the
 *   image diagonal. These are also the values of training/metrics.py, so both tools give the same numbers.
 */
export type EmptyCase = 'neither' | 'both' | 'prediction' | 'groundTruth';

export interface MetricValues {
  readonly dice: number;
  readonly iou: number;
  readonly precision: number;
  readonly recall: number;
  /** Pixels. */
  readonly hd95: number;
}

export interface ClassMetrics extends MetricValues {
  readonly classIndex: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** |P| and |G| in pixels. */
  readonly predictedArea: number;
  readonly groundTruthArea: number;
  readonly empty: EmptyCase;
}

export interface ImageMetrics extends MetricValues {
  readonly width: number;
  readonly height: number;
  /** Foreground (any class >= 1) pixels of the prediction and of the ground truth, ignored pixels excluded. */
  readonly predictedArea: number;
  readonly groundTruthArea: number;
  /** Ground-truth pixels marked 255 (ignore) in a multi-class mask. */
  readonly ignoredPixels: number;
  /** Classes 1..K-1, in order. */
  readonly classes: readonly ClassMetrics[];
}

export interface EvaluateRequest {
  readonly imagesDir: string;
  /** Ground-truth masks `<gtDir>/<image base name>.png`. */
  readonly gtDir: string;
  /** Label files to score `<predDir>/<image base name>.png`; images without one are predicted by the model. */
  readonly predDir?: string;
  /** The model: predicts what has no label file, and its card gives the classes. */
  readonly modelPath: string;
  /** onnxruntime intra-op threads; 0 = automatic. */
  readonly threads: number;
  /**
   * Images (absolute paths) this run leaves out: those a run stopped by a worker crash had already done, and the
   * one it was scoring, so that the run that goes on after the crash scores only the rest.
   */
  readonly exclude?: readonly string[];
}

/** Where an image's prediction came from. */
export type PredictionSource = 'file' | 'model';

/**
 * A ground-truth mask that the ground-truth folder's own records (src/core/groundTruthOrigin.ts) prove a model made:
 * - `predicted`: a pre-label no one has reviewed, its pixels as the pre-label wrote them;
 * - `accepted`: such a pre-label a person accepted or saved unchanged, or a prediction the editor saved unchanged;
 * - `rejected`: such a pre-label a person rejected (not ground truth at all);
 * - `edited`: a pre-label a person edited since (theirs, but started from the model's prediction).
 */
export type GroundTruthMadeBy = 'predicted' | 'accepted' | 'rejected' | 'edited';

export interface GroundTruthOrigin {
  readonly status: GroundTruthMadeBy;
  /** The model whose prediction it is or started from (its pre-label record's). */
  readonly model: { readonly id: string; readonly sha256: string };
}

/**
 * True when the model `sha256` predicted the row and its ground truth is that model's own unchanged pre-label:
 * the score measures the model against itself. (A row scored from a prediction file is not the model's prediction.)
 */
export function isOwnOutput(row: Pick<ImageEvaluation, 'prediction' | 'groundTruthOrigin'>, sha256: string): boolean {
  const origin = row.groundTruthOrigin;
  return row.prediction === 'model' && origin !== undefined && origin.status !== 'edited' && origin.model.sha256 === sha256;
}

export interface ImageEvaluation extends ImageMetrics {
  readonly image: string;
  readonly groundTruth: string;
  readonly prediction: PredictionSource;
  /** The label file scored, when `prediction` is `file`. */
  readonly predictionFile?: string;
  /**
   * How unsure the model was on this image (see src/eval/uncertainty.ts), when the model predicted it; higher
   * means more likely wrong.
   */
  readonly uncertainty?: number;
  /** Set when the ground-truth folder's records say a model made this mask (absent: nothing says so). */
  readonly groundTruthOrigin?: GroundTruthOrigin;
  /**
   * The SHA-256 of the ground-truth file's bytes as scored, so that a view of the report can tell a file changed
   * since (by anyone). Absent in reports written before it existed.
   */
  readonly groundTruthSha256?: string;
}

/** One image done: its scores travel with the progress, so a run cut short still has the images it scored. */
export type EvaluateProgress = {
  readonly done: number;
  readonly total: number;
  readonly file: string;
} & ({ readonly outcome: 'scored'; readonly evaluation: ImageEvaluation } | { readonly outcome: 'failed'; readonly reason: string });

/** What was scored against what, with which model: the start of every report. */
export interface EvaluationSetup {
  readonly imagesDir: string;
  readonly gtDir: string;
  readonly predDir?: string;
  readonly model: { readonly path: string; readonly name: string; readonly sha256: string };
  readonly classNames: readonly string[];
  /** Problems that did not stop the run but make the report say less (a review.tsv that could not be read). */
  readonly notes?: readonly string[];
}

/** What a report knows before its first image: sent first, so that a run cut short can still be reported. */
export interface EvaluationHeader extends EvaluationSetup {
  /** The images this run scores, in the order it scores them (names the image in hand when the run is cut short). */
  readonly planned: readonly string[];
}

export interface MetricStats {
  readonly mean: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export type MetricSummary = Readonly<Record<MetricName, MetricStats>>;

export interface EvaluationSummary {
  /** Images scored (failed ones are listed separately and in no statistic). */
  readonly images: number;
  readonly metrics: MetricSummary;
  /** Per class 1..K-1, over the same images. */
  readonly classes: readonly { readonly classIndex: number; readonly name: string; readonly metrics: MetricSummary; readonly empty: Readonly<Record<EmptyCase, number>> }[];
  /** Per-image Dice counts in DICE_HISTOGRAM_BINS equal bins over [0, 1] (1 falls in the last). */
  readonly diceHistogram: readonly number[];
}

export const DICE_HISTOGRAM_BINS = 10;

export interface EvaluationReport extends EvaluationSetup {
  readonly images: readonly ImageEvaluation[];
  readonly failed: readonly { readonly file: string; readonly reason: string }[];
  readonly summary: EvaluationSummary;
  /** True for any run that did not reach the end (Cancel, or `stopped`): such a report is shown, never written. */
  readonly cancelled: boolean;
  /** Why the run ended early when no one cancelled it (its worker process stopped). */
  readonly stopped?: string;
  readonly elapsedMs: number;
}
