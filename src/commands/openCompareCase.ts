// Opening an evaluated image from a failure view: the mask editor in compare mode on that image's ground truth
// and prediction, with Next/Previous walking the view's cases in its order (filtered and sorted as shown), or the
// report's images worst first (by Dice).
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MASK_EDITOR_VIEW_TYPE } from '../common/editorActions';
import type { EvaluationReport, ImageEvaluation } from '../common/evaluation';
import { type CompareTarget, compareUri } from '../editor/compareTarget';
import type { ReviewOrders } from '../editor/reviewOrders';
import { worstFirst } from '../eval/reportText';

/** A report's paths are absolute (the report reader refuses others); normalised here. */
function resolved(file: string): string {
  return path.resolve(file);
}

function targetOf(image: ImageEvaluation): CompareTarget {
  return {
    image: resolved(image.image),
    groundTruth: resolved(image.groundTruth),
    ...(image.predictionFile === undefined ? {} : { prediction: resolved(image.predictionFile) }),
  };
}

export async function openCompareCase(orders: ReviewOrders, report: EvaluationReport, index: number, order?: readonly number[]): Promise<void> {
  const image = report.images[index];
  if (!image) throw new Error(`The report has no image ${index}.`);
  const target = targetOf(image);
  const info = await stat(target.image).catch(() => undefined);
  if (!info?.isFile()) throw new Error(`${target.image} is not there any more (moved or deleted since the evaluation).`);
  const cases = order === undefined ? worstFirst(report.images) : order.map((i) => report.images[i]!);
  const targets = cases.map(targetOf);
  orders.setCompareOrder(path.dirname(target.image), targets);
  for (const c of cases) if (c.prediction === 'model') orders.setEvaluatedModel(resolved(c.groundTruth), { name: report.model.name, sha256: report.model.sha256 });
  // Beside the failure view: the table stays visible while cases are looked at.
  await vscode.commands.executeCommand('vscode.openWith', compareUri(target), MASK_EDITOR_VIEW_TYPE, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}
