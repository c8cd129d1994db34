// A report from its parts: the header a run starts with, the images it scored and the files it could not. The
// worker assembles its own report at the end; the extension host assembles one from the progress messages when
// the worker is killed mid-run. Environment-neutral: no `vscode`, no DOM, no Node built-ins.
import type { EmptyCase, EvaluationHeader, EvaluationReport, EvaluationSummary, ImageEvaluation } from '../common/evaluation';
import type { FileError } from '../common/prelabel';
import { diceHistogram, summarize } from './metrics';

export interface ReportParts {
  readonly images: readonly ImageEvaluation[];
  readonly failed: readonly FileError[];
  readonly cancelled: boolean;
  readonly stopped?: string;
  readonly elapsedMs: number;
}

export function assembleReport(header: EvaluationHeader, parts: ReportParts): EvaluationReport {
  return {
    imagesDir: header.imagesDir,
    gtDir: header.gtDir,
    ...(header.predDir === undefined ? {} : { predDir: header.predDir }),
    model: header.model,
    classNames: header.classNames,
    ...(header.notes === undefined || header.notes.length === 0 ? {} : { notes: header.notes }),
    images: parts.images,
    failed: parts.failed,
    summary: summarizeEvaluation(parts.images, header.classNames),
    cancelled: parts.cancelled || parts.stopped !== undefined,
    ...(parts.stopped === undefined ? {} : { stopped: parts.stopped }),
    elapsedMs: parts.elapsedMs,
  };
}

/** Summaries over the scored images; `classNames` are the model card's, in index order (0 = background). */
export function summarizeEvaluation(images: readonly ImageEvaluation[], classNames: readonly string[]): EvaluationSummary {
  const classes = classNames.slice(1).map((name, i) => {
    const classIndex = i + 1;
    const rows = images.map((image) => image.classes.find((m) => m.classIndex === classIndex)!);
    const empty: Record<EmptyCase, number> = { neither: 0, both: 0, prediction: 0, groundTruth: 0 };
    for (const row of rows) empty[row.empty]++;
    return { classIndex, name, metrics: summarize(rows), empty };
  });
  return { images: images.length, metrics: summarize(images), classes, diceHistogram: diceHistogram(images.map((i) => i.dice)) };
}
