// Which cases of an evaluation report have a ground-truth file changed since the report was written (edited in
// compare mode, or by another program): the failure view marks them, as their scores are the evaluation's, not
// the files' now. No `vscode`: unit-tested.
import { stat } from 'node:fs/promises';
import type { EvaluationReport } from '../common/evaluation';

/**
 * The cases whose ground-truth file was modified (or removed) after the report file was written: their scores are
 * the evaluation's, not the files' now. None for a report not read from a file.
 */
export async function groundTruthChangedSince(report: EvaluationReport, reportPath: string | undefined): Promise<number[]> {
  if (reportPath === undefined) return [];
  const written = (await stat(reportPath).catch(() => undefined))?.mtimeMs;
  if (written === undefined) return [];
  const changed: number[] = [];
  for (const [index, row] of report.images.entries()) {
    const modified = (await stat(row.groundTruth).catch(() => undefined))?.mtimeMs;
    if (modified === undefined || modified > written) changed.push(index);
  }
  return changed;
}

