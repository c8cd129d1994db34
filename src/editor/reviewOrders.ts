// The explicit orders the mask editor's Next, Previous, Accept and Reject follow, per images folder, for this
// window: "Review Most Uncertain First" sets an editing order; opening a case from a failure view sets the
// compare order (its images worst first, each with its ground truth and prediction). Without one, the editor
// walks the folder in name order.
import * as path from 'node:path';
import type { CompareTarget } from './compareTarget';

/** The model an evaluation report predicted a case with. */
export interface EvaluatedModel {
  readonly name: string;
  readonly sha256: string;
}

export class ReviewOrders {
  private readonly edit = new Map<string, readonly string[]>();
  private readonly compare = new Map<string, readonly CompareTarget[]>();
  /**
   * By ground-truth file: the model the last opened report predicted that case with (kept out of the compare URI,
   * which names the document: two reports of one case must not open two documents of one mask).
   */
  private readonly evaluatedWith = new Map<string, EvaluatedModel>();

  setEditOrder(folder: string, images: readonly string[]): void {
    this.edit.set(path.resolve(folder), images);
  }

  /** The editing order of the folder holding `image`, if one was set. */
  editOrderFor(image: string): readonly string[] | undefined {
    return this.edit.get(path.dirname(path.resolve(image)));
  }

  setCompareOrder(folder: string, targets: readonly CompareTarget[]): void {
    this.compare.set(path.resolve(folder), targets);
  }

  compareOrderFor(image: string): readonly CompareTarget[] | undefined {
    return this.compare.get(path.dirname(path.resolve(image)));
  }

  setEvaluatedModel(groundTruth: string, model: EvaluatedModel): void {
    this.evaluatedWith.set(path.resolve(groundTruth), model);
  }

  /** The model the evaluation predicted the case of `groundTruth` with, when a report opened it in this window. */
  evaluatedModelFor(groundTruth: string): EvaluatedModel | undefined {
    return this.evaluatedWith.get(path.resolve(groundTruth));
  }
}
