// Which image the mask editor opens next: the folder's images in the pre-label job's order (listImages: code
// points), with the review state beside the labels. Accept and Reject go to the next image nobody has decided
// on yet (wrapping around the folder); Next and Previous go to the neighbour.
import * as path from 'node:path';
import { listImages } from './plan';
import { readReviewState } from './reviewState';

export type Direction = 'next' | 'previous';

/**
 * The image after (or before) `imagePath` in its folder; with `undecidedOnly`, the first one after it, wrapping
 * around, that has no decision in review.tsv (predicted or never reviewed). Undefined when there is none.
 */
export async function neighbourImage(imagePath: string, labelsDir: string, direction: Direction, undecidedOnly: boolean): Promise<string | undefined> {
  const images = await listImages(path.dirname(imagePath));
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
