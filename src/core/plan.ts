// What a pre-label job will do, worked out from directory listings only (no image is opened): the images of a
// folder in a stable order, this shard's share, each label path, and which labels already exist. Used by the
// CLI, the worker and the extension host (to ask "N images already have labels: skip or overwrite?").
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { PrelabelFolderRequest, Shard } from '../common/prelabel';
import { RequestError, describeFsError } from '../model/errors';
import { foldedName, namesIgnoreCase } from './caseFolding';
import { isImageFileName, labelPathFor } from './labelPaths';
import { isSameOrInside, realPathThroughExisting } from './realPath';

export interface PlannedImage {
  /** The image path: the request's imagesDir joined with the file name. */
  readonly imagePath: string;
  readonly labelPath: string;
  readonly labelExists: boolean;
  /**
   * Set when an earlier image in the folder has the same base name (letter case aside, where the labels folder
   * ignores it: see caseFolding.ts), so both would write the same label.
   */
  readonly labelClashesWith?: string;
}

export interface PrelabelPlan {
  /** This shard's images, in folder order. */
  readonly items: readonly PlannedImage[];
  /** Images in the whole folder, before sharding. */
  readonly folderTotal: number;
}

/**
 * Image files directly inside `dir`, sorted by name in code-point order (not locale order) so that every
 * machine splitting a folder into shards sees the same sequence. `which`: 'files' (regular files and links, for
 * moving between images) or 'every' entry named like an image, folders, pipes and devices too, for a job that
 * reports each one it cannot read instead of leaving it out unsaid.
 */
export async function listImages(dir: string, which: 'files' | 'every' = 'files'): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (which === 'every' || e.isFile() || e.isSymbolicLink()) && isImageFileName(e.name))
    .map((e) => e.name)
    .sort(compareCodePoints)
    .map((name) => path.join(dir, name));
}

/**
 * The image before `imagePath` in its folder's order whose label is the same file (a.png and a.tif share
 * a.png), if any: by the planner's rule that label is the earlier image's, and review.tsv's decisions about it are
 * under that image's name.
 */
export async function earlierImageWithLabel(imagePath: string, labelsDir: string): Promise<string | undefined> {
  const fold = await namesIgnoreCase(labelsDir);
  const key = labelKey(labelsDir, imagePath, fold);
  const images = await listImages(path.dirname(imagePath), 'every').catch(() => []);
  const owner = images.find((image) => labelKey(labelsDir, image, fold) === key);
  return owner !== undefined && owner !== path.join(path.dirname(imagePath), path.basename(imagePath)) ? owner : undefined;
}

/** What two images must share to write one label file in `labelsDir`: the label's name, folded where `fold`. */
function labelKey(labelsDir: string, imagePath: string, fold: boolean): string {
  return fileKey(path.basename(labelPathFor(labelsDir, imagePath)), fold);
}

function fileKey(name: string, fold: boolean): string {
  return fold ? foldedName(name) : name;
}

/** "same base name as a.jpg", saying so when the two differ in letter case only. */
export function sameBaseNameAs(earlier: string, image: string): string {
  const differ = path.parse(earlier).name !== path.parse(image).name;
  return `same base name as ${earlier}${differ ? ' (letter case aside: the labels folder\'s file system ignores it)' : ''}`;
}

/** `items` without the images in `exclude`: what a run after a worker crash has left to do (see acrossCrashes). */
export function leavingOut<T>(items: readonly T[], exclude: readonly string[] | undefined, imageOf: (item: T) => string): T[] {
  const excluded = new Set(exclude ?? []);
  return items.filter((item) => !excluded.has(imageOf(item)));
}

/** Position p belongs to shard index when p % count === index: shares differ by at most one file. */
export function selectShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  checkShard(shard);
  return items.filter((_, p) => p % shard.count === shard.index);
}

export function checkShard(shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RequestError(`Invalid shard ${shard.index}/${shard.count}: expected I/N with 0 <= I < N.`);
  }
}

/**
 * `masks`: what the labels folder holds. Labels are written, so they must be outside the images folder;
 * ground-truth masks (the evaluation) are only read, and may be anywhere but the images folder itself (the
 * evaluation refuses that: its PNG images would be read as masks).
 */
export async function planPrelabel(request: Pick<PrelabelFolderRequest, 'imagesDir' | 'labelsDir' | 'shard'>, masks: 'labels' | 'ground-truth' = 'labels'): Promise<PrelabelPlan> {
  if (masks === 'labels') checkLabelsOutsideImages(request.imagesDir, request.labelsDir);
  if (request.shard) checkShard(request.shard);
  let images: string[];
  try {
    images = await listImages(request.imagesDir, 'every');
  } catch (error) {
    throw new RequestError(`Cannot read the images folder ${request.imagesDir}: ${describeFsError(error, { ENOENT: 'no such folder' })}.`);
  }
  const fold = await namesIgnoreCase(request.labelsDir);
  const existing = new Set([...(await existingFileNames(request.labelsDir, masks))].map((name) => fileKey(name, fold)));
  const firstImageForLabel = new Map<string, string>();
  const all = images.map((imagePath): PlannedImage => {
    const labelPath = labelPathFor(request.labelsDir, imagePath);
    const key = labelKey(request.labelsDir, imagePath, fold);
    const earlier = firstImageForLabel.get(key);
    if (earlier === undefined) firstImageForLabel.set(key, imagePath);
    const planned = { imagePath, labelPath, labelExists: existing.has(key) };
    return earlier === undefined ? planned : { ...planned, labelClashesWith: earlier };
  });
  return { items: selectShard(all, request.shard), folderTotal: all.length };
}

async function existingFileNames(dir: string, masks: 'labels' | 'ground-truth'): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (error) {
    // A labels folder is made when the first label is written; ground truth that is not there is a mistake.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && masks === 'labels') return new Set();
    const isFile = await stat(dir).then((s) => !s.isDirectory(), () => false);
    const notDir = isFile ? 'it is a file, not a folder' : 'part of its path is a file, not a folder';
    throw new RequestError(`Cannot use the ${masks} folder ${dir}: ${describeFsError(error, { ENOTDIR: notDir, ENOENT: 'no such folder' })}.`);
  }
}

/**
 * Refuses a labels folder that is the images folder or lies inside it, however either is spelled (symbolic
 * links, `..`, a trailing slash): labels would replace PNG images of the same name, or be mixed in with them.
 * Real paths are compared; a labels folder that does not exist yet is judged by its nearest existing ancestor.
 */
export function checkLabelsOutsideImages(imagesDir: string, labelsDir: string): void {
  const images = realPathThroughExisting(imagesDir);
  const labels = realPathThroughExisting(labelsDir);
  if (!isSameOrInside(labels, images)) return;
  const where = isSameOrInside(images, labels) ? 'is the images folder' : 'is inside the images folder';
  const via = labels === path.resolve(labelsDir) && images === path.resolve(imagesDir) ? '' : ` (through a link: ${labels})`;
  throw new RequestError(
    `The labels folder must be outside the images folder: ${labelsDir} ${where} ${imagesDir}${via}, so labels would replace or mix with the images. Choose another labels folder.`,
  );
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
