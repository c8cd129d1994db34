// Compare mode is a mask editor document of its own: the image's file URI with a query naming the ground-truth
// file (the document's label, edited in place) and, optionally, the prediction file (without one the model
// predicts). A distinct URI keeps it apart from the image's ordinary document (which edits the labels folder's
// file) and lets VS Code restore it after a reload like any other editor.
import * as path from 'node:path';
import { samePlace } from '../core/realPath';
import * as vscode from 'vscode';

const GROUND_TRUTH_KEY = 'segnetr-gt';
const PREDICTION_KEY = 'segnetr-pred';

export interface CompareTarget {
  readonly image: string;
  /** The ground-truth mask: the document's label file. */
  readonly groundTruth: string;
  /** A label file to compare; absent: the model predicts the image. */
  readonly prediction?: string;
}

export function compareUri(target: CompareTarget): vscode.Uri {
  const query = new URLSearchParams({ [GROUND_TRUTH_KEY]: target.groundTruth });
  if (target.prediction !== undefined) query.set(PREDICTION_KEY, target.prediction);
  return vscode.Uri.file(target.image).with({ query: query.toString() });
}

/**
 * The compare target a URI names; undefined for an ordinary editor URI (no ground-truth key). Throws for a
 * compare URI that names something other than distinct absolute .png files (a hand-made or damaged URI).
 */
export function compareTargetOf(uri: vscode.Uri): CompareTarget | undefined {
  if (uri.query === '') return undefined;
  const query = new URLSearchParams(uri.query);
  const groundTruth = query.get(GROUND_TRUTH_KEY);
  if (groundTruth === null) return undefined;
  const prediction = query.get(PREDICTION_KEY) ?? undefined;
  const image = uri.fsPath;
  for (const [what, file] of [['ground-truth', groundTruth], ['prediction', prediction]] as const) {
    if (file === undefined) continue;
    if (!path.isAbsolute(file) || path.extname(file).toLowerCase() !== '.png') {
      throw new Error(`The compare view's ${what} file must be an absolute path to a .png label, not "${file.slice(0, 200)}".`);
    }
    if (samePlace(file, image)) throw new Error(`The compare view's ${what} file is the image itself (${image}).`);
  }
  if (prediction !== undefined && samePlace(prediction, groundTruth)) {
    throw new Error(`The compare view's prediction is its ground truth (${groundTruth}).`);
  }
  return { image, groundTruth: path.normalize(groundTruth), ...(prediction === undefined ? {} : { prediction: path.normalize(prediction) }) };
}
