// Where Next, Previous, Accept and Reject go in compare mode: through the failure view's cases (worst first),
// each with its own ground truth and prediction; without one (a compare editor restored after a reload), through
// the folder's images that have a ground-truth file beside the current one, with the prediction file beside
// the current one when it exists (else the model predicts).
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { labelPathFor } from '../core/labelPaths';
import { listImages } from '../core/plan';
import type { QueueOrder } from '../core/reviewQueue';
import type { CompareTarget } from './compareTarget';

export interface CompareQueue {
  readonly order: QueueOrder;
  readonly targetFor: (image: string) => Promise<CompareTarget>;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The same image, ground truth and prediction (a case of the same evaluation, not just of the same image). */
function sameTarget(a: CompareTarget, b: CompareTarget): boolean {
  const same = (x: string | undefined, y: string | undefined): boolean => (x === undefined || y === undefined ? x === y : path.resolve(x) === path.resolve(y));
  return same(a.image, b.image) && same(a.groundTruth, b.groundTruth) && same(a.prediction, b.prediction);
}

export async function compareQueue(current: CompareTarget, registered: readonly CompareTarget[] | undefined): Promise<CompareQueue> {
  // The failure view's cases, only when they hold this very case: a view of another evaluation of the folder
  // (other ground truth, say masks_v2) would walk the person into that evaluation's masks.
  if (registered !== undefined && registered.some((t) => sameTarget(t, current))) {
    const byName = new Map(registered.map((t) => [path.basename(t.image), t]));
    return { order: { images: registered.map((t) => t.image), only: true }, targetFor: async (image) => byName.get(path.basename(image))! };
  }
  const gtDir = path.dirname(current.groundTruth);
  const predDir = current.prediction === undefined ? undefined : path.dirname(current.prediction);
  const images: string[] = [];
  for (const image of await listImages(path.dirname(current.image))) if (await isFile(labelPathFor(gtDir, image))) images.push(image);
  return {
    order: { images, only: true },
    targetFor: async (image) => {
      const prediction = predDir === undefined ? undefined : labelPathFor(predDir, image);
      const usable = prediction !== undefined && (await isFile(prediction));
      return { image, groundTruth: labelPathFor(gtDir, image), ...(usable ? { prediction } : {}) };
    },
  };
}
