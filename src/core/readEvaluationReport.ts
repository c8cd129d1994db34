// Reads an evaluation.json written by writeEvaluationReports (src/core/evaluationReport.ts) back, checked field
// by field: the failure view re-opens reports after a reload, and "Review Most Uncertain First" orders a folder
// by one. A report is a file anyone can edit, so a bad one is refused with the file and the field named.
import * as path from 'node:path';
import { labelPathFor } from './labelPaths';
import { readRegularFile } from './readRegularFile';
import { z } from 'zod';
import { DICE_HISTOGRAM_BINS, type EvaluationReport } from '../common/evaluation';
import { describeFsError } from '../model/errors';

/** Far above any real report (about 1 kB per image); a larger file is not ours. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export class ReportError extends Error {
  override readonly name = 'ReportError';
}

const count = z.number().int().nonnegative();
const score = z.number().min(0).max(1);
const distance = z.number().nonnegative().finite();
const emptyCase = z.enum(['neither', 'both', 'prediction', 'groundTruth']);

const metricValues = { dice: score, iou: score, precision: score, recall: score, hd95: distance };

const classMetrics = z.object({
  ...metricValues,
  classIndex: z.number().int().positive(),
  truePositives: count,
  falsePositives: count,
  falseNegatives: count,
  predictedArea: count,
  groundTruthArea: count,
  empty: emptyCase,
});

const imageEvaluation = z.object({
  ...metricValues,
  image: z.string().min(1),
  groundTruth: z.string().min(1),
  prediction: z.enum(['file', 'model']),
  predictionFile: z.string().min(1).optional(),
  uncertainty: score.optional(),
  groundTruthOrigin: z
    .object({ status: z.enum(['predicted', 'accepted', 'rejected', 'edited']), model: z.object({ id: z.string(), sha256: z.string() }) })
    .optional(),
  groundTruthSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  predictedArea: count,
  groundTruthArea: count,
  ignoredPixels: count,
  classes: z.array(classMetrics),
});

const stats = z.object({ mean: z.number().finite(), median: z.number().finite(), min: z.number().finite(), max: z.number().finite() });
const metricSummary = z.object({ dice: stats, iou: stats, precision: stats, recall: stats, hd95: stats });

const reportSchema = z.object({
  imagesDir: z.string().min(1),
  gtDir: z.string().min(1),
  predDir: z.string().min(1).optional(),
  model: z.object({ path: z.string(), name: z.string(), sha256: z.string() }),
  classNames: z.array(z.string()).min(2),
  notes: z.array(z.string()).optional(),
  images: z.array(imageEvaluation),
  failed: z.array(z.object({ file: z.string(), reason: z.string() })),
  summary: z.object({
    images: count,
    metrics: metricSummary,
    classes: z.array(
      z.object({
        classIndex: z.number().int().positive(),
        name: z.string(),
        metrics: metricSummary,
        empty: z.object({ neither: count, both: count, prediction: count, groundTruth: count }),
      }),
    ),
    diceHistogram: z.array(count).length(DICE_HISTOGRAM_BINS),
  }),
  cancelled: z.boolean(),
  elapsedMs: z.number().nonnegative(),
});

/** Checks a parsed JSON value; throws ReportError naming `file` and the first bad field. */
export function parseEvaluationReport(value: unknown, file: string): EvaluationReport {
  const result = reportSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    throw new ReportError(`${file} is not a SegNetr evaluation report: ${where}: ${issue.message}`);
  }
  const report = result.data;
  const classes = report.classNames.length - 1;
  const bad = (what: string): never => {
    throw new ReportError(`${file} is not a SegNetr evaluation report: ${what}`);
  };
  for (const [key, dir] of [['imagesDir', report.imagesDir], ['gtDir', report.gtDir], ['predDir', report.predDir]] as const) {
    // Reports written before paths were made absolute: which folder they meant depends on where the CLI ran.
    if (dir !== undefined && !path.isAbsolute(dir)) bad(`${key} is not an absolute path (an older SegNetr wrote relative ones); evaluate the folder again for a report this version can open`);
  }
  // Every row's files are the evaluated folders' (the rule the evaluation scored by): a row naming any other file
  // would open it in compare mode, where the ground truth is edited and saved.
  const seen = new Set<string>();
  report.images.forEach((image, i) => {
    if (image.classes.length !== classes) bad(`images.${i}.classes has ${image.classes.length} entries for ${classes} foreground class(es)`);
    if (path.dirname(image.image) !== report.imagesDir) bad(`images.${i}.image is not in imagesDir ${report.imagesDir}`);
    if (seen.has(image.image)) bad(`images.${i}.image ${image.image} is listed twice`);
    seen.add(image.image);
    const groundTruth = labelPathFor(report.gtDir, image.image);
    if (image.groundTruth !== groundTruth) bad(`images.${i}.groundTruth is not ${groundTruth}`);
    const predicted = image.predictionFile !== undefined;
    if (predicted !== (image.prediction === 'file')) bad(`images.${i}.predictionFile must be given exactly when prediction is 'file'`);
    if (predicted) {
      const prediction = report.predDir === undefined ? undefined : labelPathFor(report.predDir, image.image);
      if (image.predictionFile !== prediction) bad(`images.${i}.predictionFile is not in predDir at ${prediction ?? 'all (there is none)'}`);
    }
  });
  return report;
}

/** Reads and checks a report (a regular file, at most MAX_REPORT_BYTES). */
export async function readEvaluationReport(file: string): Promise<EvaluationReport> {
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_REPORT_BYTES)).toString('utf8');
  } catch (error) {
    throw new ReportError(`Cannot read the evaluation report ${file}: ${describeFsError(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseEvaluationReport(value, file);
}
