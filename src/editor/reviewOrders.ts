// The explicit orders the mask editor's Next, Previous, Accept and Reject follow, per images folder, for this
// window: "Review Most Uncertain First" sets an editing order; opening a case from a failure view sets the
// compare order (its images worst first, each with its ground truth and prediction). Without one, the editor
// walks the folder in name order.
import * as path from 'node:path';
import type { CompareTarget } from './compareTarget';

export class ReviewOrders {
  private readonly edit = new Map<string, readonly string[]>();
  private readonly compare = new Map<string, readonly CompareTarget[]>();

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
}
