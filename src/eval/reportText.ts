// An evaluation report as text: CSV (one row per scored image), Markdown (summary, histogram, worst and most
// uncertain images, failures, conventions) and the plain-text summary the CLI prints. Environment-neutral.
import { type EvaluationReport, type GroundTruthMadeBy, type ImageEvaluation, METRIC_NAMES, type MetricName, type MetricSummary, isOwnOutput } from '../common/evaluation';
import { summarize } from './metrics';

const PRECISION: Readonly<Record<MetricName, number>> = { dice: 4, iou: 4, precision: 4, recall: 4, hd95: 2 };
const LABELS: Readonly<Record<MetricName, string>> = { dice: 'Dice', iou: 'IoU', precision: 'Precision', recall: 'Recall', hd95: 'HD95 (px)' };
const LISTED = 10;

export const CONVENTIONS =
  'Per image, each metric is the mean over the foreground classes; means and medians are over images (pixels are never pooled across images). ' +
  'HD95: 95th percentile (linear interpolation) of the pooled distances from each mask boundary pixel (4-neighbourhood) to the nearest boundary pixel of the other mask. ' +
  'Both masks of a class empty: Dice = IoU = precision = recall = 1, HD95 = 0. One empty: Dice = IoU = precision = recall = 0, HD95 = image diagonal. ' +
  'Every scored image has every metric; failed images are listed, not scored.';

function name(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function fixed(metric: MetricName, value: number): string {
  return value.toFixed(PRECISION[metric]);
}

// ---- CSV --------------------------------------------------------------------------------------------------

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per image: the scored ones, then those that failed (empty metrics, the reason in the last column, so a
 * spreadsheet of the run does not silently lack them); per-class columns when the model has more than one
 * foreground class.
 */
export function evaluationCsv(report: EvaluationReport): string {
  const foreground = report.classNames.slice(1);
  const perClass = foreground.length > 1;
  const header = ['image', 'ground_truth', 'prediction', 'width', 'height', ...METRIC_NAMES, 'predicted_area', 'ground_truth_area', 'ignored_pixels', 'uncertainty'];
  if (perClass) for (const c of foreground) for (const m of [...METRIC_NAMES, 'predicted_area', 'ground_truth_area']) header.push(`${m}_${c}`);
  header.push('ground_truth_made_by', 'ground_truth_model_sha256', 'failed');
  const rows = report.images.map((i) => {
    const row: (string | number | undefined)[] = [i.image, i.groundTruth, i.predictionFile ?? 'model', i.width, i.height, ...METRIC_NAMES.map((m) => i[m])];
    row.push(i.predictedArea, i.groundTruthArea, i.ignoredPixels, i.uncertainty);
    if (perClass) for (const c of i.classes) row.push(...METRIC_NAMES.map((m) => c[m]), c.predictedArea, c.groundTruthArea);
    row.push(i.groundTruthOrigin?.status, i.groundTruthOrigin?.model.sha256, undefined);
    return row.map(csvField).join(',');
  });
  for (const f of report.failed) rows.push([f.file, ...new Array<undefined>(header.length - 2), f.reason].map(csvField).join(','));
  return `${[header.map(csvField).join(','), ...rows].join('\n')}\n`;
}

// ---- Markdown ---------------------------------------------------------------------------------------------

function statsTable(summary: MetricSummary): string[] {
  const lines = ['| Metric | Mean | Median | Min | Max |', '|---|---:|---:|---:|---:|'];
  for (const m of METRIC_NAMES) {
    const s = summary[m];
    lines.push(`| ${LABELS[m]} | ${fixed(m, s.mean)} | ${fixed(m, s.median)} | ${fixed(m, s.min)} | ${fixed(m, s.max)} |`);
  }
  return lines;
}

function imageTable(images: readonly ImageEvaluation[], extra?: { title: string; value: (i: ImageEvaluation) => string }): string[] {
  const head = extra ? `| Image | ${extra.title} | Dice | IoU | HD95 (px) |` : '| Image | Dice | IoU | HD95 (px) | Predicted px | Ground-truth px |';
  const lines = [head, extra ? '|---|---:|---:|---:|---:|' : '|---|---:|---:|---:|---:|---:|'];
  for (const i of images) {
    const common = `${fixed('dice', i.dice)} | ${fixed('iou', i.iou)} | ${fixed('hd95', i.hd95)}`;
    lines.push(extra ? `| ${name(i.image)} | ${extra.value(i)} | ${common} |` : `| ${name(i.image)} | ${common} | ${i.predictedArea} | ${i.groundTruthArea} |`);
  }
  return lines;
}

/** Worst first by Dice; ties by name so the order is stable. */
export function worstFirst(images: readonly ImageEvaluation[]): ImageEvaluation[] {
  return [...images].sort((a, b) => a.dice - b.dice || (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
}

export function mostUncertainFirst(images: readonly ImageEvaluation[]): ImageEvaluation[] {
  return images.filter((i) => i.uncertainty !== undefined).sort((a, b) => b.uncertainty! - a.uncertainty!);
}

export function evaluationMarkdown(report: EvaluationReport, histogramFile: string): string {
  const { summary } = report;
  const bins = summary.diceHistogram.length;
  const predicted = report.images.filter((i) => i.prediction === 'model').length;
  const lines = [
    '# SegNetr evaluation',
    '',
    `- Images: \`${report.imagesDir}\`; ground truth: \`${report.gtDir}\`${report.predDir ? `; predictions: \`${report.predDir}\`` : ''}`,
    `- Model: ${report.model.name} (\`${report.model.path}\`, sha256 ${report.model.sha256.slice(0, 12)}…)`,
    `- Scored: ${summary.images} image(s) (${predicted} predicted by the model, ${summary.images - predicted} from label files); failed: ${report.failed.length}${report.cancelled ? '; **cancelled before the end**' : ''}`,
    '',
    '## Summary (over images)',
    '',
    ...(summary.images === 0 ? [NOTHING_SCORED] : statsTable(summary.metrics)),
    '',
  ];
  if (summary.classes.length > 1 && summary.images > 0) {
    for (const c of summary.classes) lines.push(`### Class ${c.classIndex}: ${c.name}`, '', ...statsTable(c.metrics), '');
  }
  const origins = groundTruthOriginLines(report);
  if (origins.length > 0 || report.notes !== undefined) {
    lines.push('## Ground truth made by a model', '', ...origins.map((line) => `- ${line}`), ...(report.notes ?? []).map((note) => `- ${note}`), '');
    const own = report.images.filter((i) => isOwnOutput(i, report.model.sha256)).slice(0, LISTED);
    if (own.length > 0) lines.push(`This model's own predictions, first ${own.length}: ${own.map((i) => `\`${name(i.image)}\` (${MADE_BY[i.groundTruthOrigin!.status]})`).join(', ')}`, '');
  }
  lines.push('Empty masks per class (images):', '', '| Class | Both non-empty | Both empty | Prediction empty (miss) | Ground truth empty (false alarm) |', '|---|---:|---:|---:|---:|');
  for (const c of summary.classes) lines.push(`| ${c.name} | ${c.empty.neither} | ${c.empty.both} | ${c.empty.prediction} | ${c.empty.groundTruth} |`);
  lines.push('', '## Dice histogram', '', `![Dice histogram](${histogramFile})`, '', '| Dice | Images |', '|---|---:|');
  summary.diceHistogram.forEach((count, i) => lines.push(`| ${(i / bins).toFixed(1)}–${((i + 1) / bins).toFixed(1)}${i === bins - 1 ? ' (incl. 1)' : ''} | ${count} |`));
  lines.push('', `## Worst ${Math.min(LISTED, report.images.length)} by Dice`, '', ...imageTable(worstFirst(report.images).slice(0, LISTED)), '');
  const uncertain = mostUncertainFirst(report.images).slice(0, LISTED);
  if (uncertain.length > 0) {
    lines.push(`## Most uncertain ${uncertain.length} (model predictions only)`, '', ...imageTable(uncertain, { title: 'Uncertainty', value: (i) => i.uncertainty!.toFixed(4) }), '');
  }
  if (report.failed.length > 0) {
    lines.push('## Failed (not scored)', '');
    for (const f of report.failed) lines.push(`- \`${name(f.file)}\`: ${f.reason.replace(/\n/g, ' ')}`);
    lines.push('');
  }
  lines.push('## Conventions', '', CONVENTIONS, '');
  return lines.join('\n');
}

// ---- plain text (CLI) -------------------------------------------------------------------------------------

/** Means of nothing would read like a score of 0. */
const NOTHING_SCORED = 'No image was scored, so there are no means or medians to show.';

/**
 * The numbers of the Markdown summary as aligned plain text. `shown`: how a file name is printed (the CLI escapes
 * control characters, which would otherwise break the lines or reach the terminal).
 */
export function evaluationText(report: EvaluationReport, shown: (fileName: string) => string = (n) => n): string {
  const { summary } = report;
  const lines = [`Scored ${summary.images} image(s), ${report.failed.length} failed${report.cancelled ? ' (interrupted)' : ''}.`];
  if (summary.images === 0) return `${lines[0]}\n  ${NOTHING_SCORED}\n`;
  const table = (s: MetricSummary, indent: string): void => {
    lines.push(`${indent}${'metric'.padEnd(10)} ${'mean'.padStart(9)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}`);
    for (const m of METRIC_NAMES) {
      const v = s[m];
      lines.push(`${indent}${LABELS[m].padEnd(10)} ${[v.mean, v.median, v.min, v.max].map((x) => fixed(m, x).padStart(9)).join(' ')}`);
    }
  };
  table(summary.metrics, '  ');
  if (summary.classes.length > 1) {
    for (const c of summary.classes) {
      lines.push(`  class ${c.classIndex} (${c.name}):`);
      table(c.metrics, '    ');
    }
  }
  for (const c of summary.classes) {
    const { prediction, groundTruth, both } = c.empty;
    if (prediction + groundTruth + both > 0) {
      lines.push(`  ${c.name}: ${prediction} missed (prediction empty), ${groundTruth} false alarm(s) (ground truth empty), ${both} empty in both`);
    }
  }
  const bins = summary.diceHistogram.length;
  lines.push(`  Dice histogram: ${summary.diceHistogram.map((n, i) => `${(i / bins).toFixed(1)}:${n}`).join(' ')}`);
  const worst = worstFirst(report.images).slice(0, 5);
  if (worst.length > 0) lines.push(`  worst by Dice: ${worst.map((i) => `${shown(name(i.image))} ${fixed('dice', i.dice)}`).join(', ')}`);
  for (const line of [...groundTruthOriginLines(report), ...(report.notes ?? [])]) lines.push(`  ${line}`);
  return `${lines.join('\n')}\n`;
}

// ---- ground truth a model made ----------------------------------------------------------------------------

const MADE_BY: Readonly<Record<GroundTruthMadeBy, string>> = {
  predicted: 'unreviewed',
  accepted: 'kept unchanged',
  rejected: 'rejected',
  edited: 'edited since',
};

function counted(images: readonly ImageEvaluation[]): string {
  const counts = new Map<GroundTruthMadeBy, number>();
  for (const i of images) counts.set(i.groundTruthOrigin!.status, (counts.get(i.groundTruthOrigin!.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${MADE_BY[status]}`).join(', ');
}

/**
 * What the ground-truth folder's records prove about masks a model made, as sentences ([] when nothing): the
 * evaluated model's own predictions first, with the mean Dice of the rest, since a score against itself is no score.
 */
export function groundTruthOriginLines(report: EvaluationReport): string[] {
  const lines: string[] = [];
  const { sha256 } = report.model;
  const own = report.images.filter((i) => isOwnOutput(i, sha256));
  if (own.length > 0) {
    const rest = report.images.filter((i) => !isOwnOutput(i, sha256));
    const restDice = rest.length === 0 ? 'no other image was scored' : `mean Dice of the other ${rest.length}: ${fixed('dice', summarize(rest).dice.mean)}`;
    lines.push(`${own.length} of ${report.images.length} ground-truth mask(s) are this model's own predictions, pixel for pixel (${counted(own)}): their scores measure the model against itself; ${restDice}.`);
  }
  const unchanged = report.images.filter((i) => !isOwnOutput(i, sha256) && i.groundTruthOrigin !== undefined && i.groundTruthOrigin.status !== 'edited');
  if (unchanged.length > 0) {
    lines.push(`${unchanged.length} ground-truth mask(s) are a model's predictions, pixel for pixel (${counted(unchanged)}); those no person kept are not ground truth.`);
  }
  const edited = report.images.filter((i) => i.groundTruthOrigin?.status === 'edited');
  const editedOwn = edited.filter((i) => i.groundTruthOrigin!.model.sha256 === sha256).length;
  if (edited.length > 0) {
    lines.push(`${edited.length} ground-truth mask(s) are pre-labels a person edited${editedOwn > 0 ? ` (${editedOwn} of this model's)` : ''}.`);
  }
  return lines;
}
