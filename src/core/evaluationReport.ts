// Writes an evaluation report to disk: JSON (everything), CSV (one row per image), Markdown (summary) with
// the Dice histogram as a PNG beside it. Each file is written atomically and replaces an earlier report of
// the same name (reports are ours, never a person's work).
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { EvaluationReport } from '../common/evaluation';
import { drawHistogram } from '../eval/histogramImage';
import { evaluationCsv, evaluationMarkdown } from '../eval/reportText';
import { describeFsError } from '../model/errors';
import { FileSetWriteError, writeFilesAtomically } from './atomicWrite';
import { makeFolders } from './labelsFolder';

export const REPORT_FILES = { json: 'evaluation.json', csv: 'evaluation.csv', markdown: 'evaluation.md', histogram: 'dice-histogram.png' } as const;

export interface ReportTargets {
  /** Writes all four files here under REPORT_FILES names. */
  readonly dir?: string;
  readonly json?: string;
  readonly csv?: string;
}

export function evaluationJson(report: EvaluationReport): string {
  return `${JSON.stringify(report, null, 1)}\n`;
}

export function histogramPng(report: EvaluationReport): Buffer {
  const image = drawHistogram(report.summary.diceHistogram);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return PNG.sync.write(png);
}

/** Writes what `targets` asks for; resolves with the paths written. */
/** What the file system's error codes mean for a place a report file goes (for describeFsError). */
export const REPORT_PLACE_PROBLEMS = {
  ENOENT: 'that place cannot hold files',
  EISDIR: 'it is a folder',
  EEXIST: 'a file is where a folder of that path should be',
  ENOTDIR: 'a file is where a folder of that path should be',
};

export async function writeEvaluationReports(report: EvaluationReport, targets: ReportTargets): Promise<string[]> {
  const files: [string, () => Buffer | string][] = [];
  if (targets.dir !== undefined) {
    const dir = targets.dir;
    files.push(
      [path.join(dir, REPORT_FILES.json), () => evaluationJson(report)],
      [path.join(dir, REPORT_FILES.csv), () => evaluationCsv(report)],
      [path.join(dir, REPORT_FILES.histogram), () => histogramPng(report)],
      [path.join(dir, REPORT_FILES.markdown), () => evaluationMarkdown(report, REPORT_FILES.histogram)],
    );
  }
  if (targets.json !== undefined) files.push([targets.json, () => evaluationJson(report)]);
  if (targets.csv !== undefined) files.push([targets.csv, () => evaluationCsv(report)]);
  const contents: { path: string; data: Uint8Array }[] = [];
  for (const [file, content] of files) {
    try {
      await makeFolders(path.dirname(path.resolve(file)));
    } catch (error) {
      throw new Error(`Cannot write ${file}: ${describeFsError(error, REPORT_PLACE_PROBLEMS)}.`);
    }
    const data = content();
    contents.push({ path: file, data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
  }
  // All or none: a failure (a full disk) must not leave a new JSON beside an old CSV.
  try {
    await writeFilesAtomically(contents);
  } catch (error) {
    if (!(error instanceof FileSetWriteError)) throw error;
    throw new Error(`Cannot write ${error.file}: ${describeFsError(error.cause, REPORT_PLACE_PROBLEMS)}.`);
  }
  return files.map(([file]) => file);
}
