// Which image the mask editor opens next: the folder's images in the pre-label job's order (listImages: code
// points), or in an explicit order (most uncertain first, a failure view's worst first), with the review state
// beside the labels. Accept and Reject go to the next image nobody has decided on yet (wrapping around);
// Next and Previous go to the neighbour.
import * as path from 'node:path';
import { listImages } from './plan';
import { readReviewState } from './reviewState';

export type Direction = 'next' | 'previous';

export interface QueueOrder {
  /** Image paths of the folder, in the order to walk. */
  readonly images: readonly string[];
  /** Walk only these (a compare order: only images with ground truth); otherwise the folder's others follow. */
  readonly only: boolean;
}

/**
 * The sequence to walk: the explicit order followed (unless `only`) by the folder's images it does not name
 * (added since), or the folder order when there is no explicit one. Named images that are gone are dropped:
 * the queue only ever opens files that exist.
 */
async function sequence(folder: string, order: QueueOrder | undefined): Promise<string[]> {
  const images = await listImages(folder);
  if (order === undefined) return images;
  const present = new Map(images.map((image) => [path.basename(image), image]));
  const ordered: string[] = [];
  for (const image of order.images) {
    const found = present.get(path.basename(image));
    if (found !== undefined) {
      ordered.push(found);
      present.delete(path.basename(image));
    }
  }
  return order.only ? ordered : [...ordered, ...present.values()];
}

/**
 * The image after (or before) `imagePath` in its folder (or in `order`); with `undecidedOnly`, the first one
 * after it, wrapping around, that has no decision in review.tsv (predicted or never reviewed). Undefined when
 * there is none.
 */
export async function neighbourImage(
  imagePath: string,
  labelsDir: string,
  direction: Direction,
  undecidedOnly: boolean,
  order?: QueueOrder,
): Promise<string | undefined> {
  const images = await sequence(path.dirname(imagePath), order);
  const name = path.basename(imagePath);
  const here = images.findIndex((image) => path.basename(image) === name);
  if (!undecidedOnly) {
    const index = here < 0 ? (direction === 'next' ? 0 : images.length - 1) : here + (direction === 'next' ? 1 : -1);
    return images[index];
  }
  const decisions = await readReviewState(labelsDir);
  const step = direction === 'next' ? 1 : -1;
  for (let k = 1; k <= images.length; k++) {
    const candidate = images[(((here + step * k) % images.length) + images.length) % images.length]!;
    if (path.basename(candidate) !== name && !decisions.has(path.basename(candidate))) return candidate;
  }
  return undefined;
}
