// The inverse of the label path rule: given a PNG, the image it is the label of, if any. Opening a label file in
// the mask editor opens its image instead (the editor's document is always an image and its label). The rule
// itself (labelsDirFor, labelPathFor) is applied forwards to every candidate, so the two never disagree.
import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isImageFileName, labelPathFor } from './labelPaths';
import { readPredictionRecord } from './predictionRecord';

/**
 * The image whose label is `pngPath`, looked for in the folders the label folder setting can point from: the
 * PNG's parent folder and its sibling folders (covers `../masks`, `masks` and `../anything`), then the folder its
 * prediction record names (a labels folder set to an absolute path elsewhere). `labelsDirOf` gives an images
 * folder's labels folder (the setting, per folder). Undefined when `pngPath` is no image's label.
 */
export async function findImageForLabel(pngPath: string, labelsDirOf: (imagesDir: string) => string): Promise<string | undefined> {
  const labelReal = await realpath(pngPath).catch(() => path.resolve(pngPath));
  const labelDir = path.dirname(pngPath);
  const parent = path.dirname(labelDir);
  const candidates = [parent, ...(await subfolders(parent)).filter((dir) => dir !== labelDir)];
  const base = path.parse(pngPath).name;
  const isLabelOf = async (image: string): Promise<boolean> => {
    const labelsDir = labelsDirOf(path.dirname(image));
    if (path.resolve(labelsDir) === path.dirname(path.resolve(image))) return false; // labels beside images: a PNG is just an image
    const expected = labelPathFor(labelsDir, image);
    return (await realpath(expected).catch(() => path.resolve(expected))) === labelReal && path.resolve(image) !== path.resolve(pngPath);
  };
  for (const imagesDir of candidates) {
    const names = (await entries(imagesDir)).filter((name) => isImageFileName(name) && path.parse(name).name === base).sort();
    for (const name of names) {
      const image = path.join(imagesDir, name);
      if (await isLabelOf(image)) return image;
    }
  }
  const recorded = await recordedImage(labelDir, pngPath);
  return recorded !== undefined && (await isLabelOf(recorded)) ? recorded : undefined;
}

/** The image a pre-label job recorded for this label (its prediction record), if it names one that exists. */
async function recordedImage(labelsDir: string, pngPath: string): Promise<string | undefined> {
  const record = await readPredictionRecord(labelsDir, pngPath).catch(() => undefined);
  if (record?.imageDir === undefined || !isImageFileName(record.image) || path.basename(record.image) !== record.image) return undefined;
  if (path.parse(record.image).name !== path.parse(pngPath).name) return undefined;
  const image = path.join(path.resolve(labelsDir, record.imageDir), record.image);
  const info = await stat(image).catch(() => undefined);
  return info?.isFile() ? image : undefined;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function subfolders(dir: string): Promise<string[]> {
  const list = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return list.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name));
}
