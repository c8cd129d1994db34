// What a mask document starts from (its "saved state"): the label file when there is one, else the stored
// prediction (the pre-label job's probability map thresholded as the record says), else an empty mask.
// Node only, no `vscode`: the document model and its tests use it directly.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { LabelCodec } from '../common/labelCodecProtocol';
import type { LabelFormat } from '../common/prelabel';
import { LabelPngError, MAX_LABEL_PIXELS } from '../mask/labelPng';
import { createRaster } from '../mask/raster';
import { thresholdMask } from '../mask/threshold';
import type { DecodedLabel, LabelRaster } from '../mask/types';
import { describeFsError, messageOf } from '../model/errors';
import { readImageFile, readImageFileHeader } from '../core/readImageFile';
import { regularFileSha256 } from '../core/fileSha256';
import { PngSizeError, type PixelSize, readPngOfSize } from '../core/readPngOfSize';
import { type PredictionRecord, type StoredProbability, readPredictionRecord, readStoredProbability, thresholdByte } from '../core/predictionRecord';

export interface MaskFiles {
  readonly imagePath: string;
  readonly labelPath: string;
  readonly labelsDir: string;
}

export type BaseKind = 'label' | 'prediction' | 'empty';

export interface BaseMask {
  readonly kind: BaseKind;
  /** SHA-256 of the file the mask came from (label, or the stored probability map); null when empty. */
  readonly sha256: string | null;
  readonly raster: LabelRaster;
  /**
   * Why the mask may be shown but not saved back: a ground-truth file the evaluation reads (16-bit, with alpha,
   * pixels to ignore, 0/1/255 mixed) that the editor would rewrite in another form.
   */
  readonly readOnly?: string;
  /** How the label file stores its classes (kind 'label'; undefined: it does not show, or there is no file). */
  readonly storedAs?: LabelFormat;
  /** The stored prediction's record and maps, when it has one (also when a label file exists). */
  readonly prediction?: { readonly record: PredictionRecord; readonly maps: StoredProbability };
}

/** The image, its label or its stored prediction cannot be used; the message names the file and the reason. */
export class MaskDocumentError extends Error {
  override readonly name = 'MaskDocumentError';
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The image's stored pixel grid (no EXIF rotation: labels and training use the stored grid). */
export async function readImageSize(imagePath: string): Promise<{ width: number; height: number }> {
  try {
    // Its header only, read as defensively as the pre-label job reads images (regular files, header first).
    const { width, height } = await readImageFileHeader(imagePath, { maxPixels: MAX_LABEL_PIXELS });
    return { width, height };
  } catch (error) {
    throw new MaskDocumentError(`Cannot open ${imagePath} in the mask editor: ${messageOf(error)}.`);
  }
}

/**
 * The label file's bytes, or undefined when there is no label file. Only a regular PNG file of the image's
 * `size` counts, judged from its header before the rest is read (see readPngOfSize).
 */
export async function readLabelBytes(files: MaskFiles, size: PixelSize): Promise<Buffer | undefined> {
  try {
    return await readPngOfSize(files.labelPath, size);
  } catch (error) {
    if (error instanceof PngSizeError) throw labelSizeError(files.labelPath, error.found, size, files.imagePath);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MaskDocumentError(`Cannot read the label ${files.labelPath}: ${describeFsError(error)}.`);
  }
}

/**
 * Why saving would change how other tools read a label PNG: labels are written as 8-bit grey, so a 1/2/4-bit grey
 * file (whose white PIL and others read as 255) would come back holding 0/1. (A palette file keeps its indices as
 * grey values, which array readers see alike.) The decoder has checked the signature and that IHDR comes first.
 */
function rewrittenPngForm(bytes: Uint8Array, groundTruth: boolean): string | undefined {
  // The IHDR chunk follows the 8-byte signature: length, type, width, height, then bit depth and colour type.
  const bitDepth = bytes[24];
  const colourType = bytes[25];
  if (colourType !== 0 || bitDepth === undefined || bitDepth >= 8) return undefined;
  return `the ${groundTruth ? 'ground-truth mask' : 'label'} is a ${bitDepth}-bit PNG, and saving would rewrite it as 8-bit grey holding 0/1, which other tools read differently`;
}

/** How many of a folder's other masks are looked at for its format, at most (each one read and decoded). */
const FORMAT_SAMPLES = 16;
/** Masks larger than this are passed over when looking for a folder's format (a mask is a few MB at most). */
const FORMAT_SAMPLE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The format the first of a few other masks in the label's folder (name order) shows, if one does; masks that
 * cannot be read or decoded, or are empty too, are passed over.
 */
async function folderLabelFormat(files: MaskFiles, classCount: number, codec: LabelCodec): Promise<LabelFormat | undefined> {
  const own = path.basename(files.labelPath);
  const names = await readdir(files.labelsDir).catch(() => [] as string[]);
  // Dot files (._x.png from macOS copies) are no masks.
  const others = names.filter((n) => n !== own && !n.startsWith('.') && n.toLowerCase().endsWith('.png')).sort().slice(0, FORMAT_SAMPLES);
  for (const name of others) {
    const found = await readImageFile(path.join(files.labelsDir, name), undefined, FORMAT_SAMPLE_MAX_BYTES)
      .then((bytes) => codec.decodeLabel(bytes, classCount))
      .then((decoded) => decoded.storedAs ?? undefined, () => undefined);
    if (found) return found;
  }
  return undefined;
}

/** The SHA-256 of the label file as it is on disk, whatever it holds; undefined when there is none. */
export async function labelFileSha256(files: MaskFiles): Promise<string | undefined> {
  try {
    return await regularFileSha256(files.labelPath);
  } catch (error) {
    throw new MaskDocumentError(`Cannot read the label ${files.labelPath}: ${describeFsError(error)}.`);
  }
}

function labelSizeError(labelPath: string, label: { width: number; height: number }, size: { width: number; height: number }, imagePath: string): MaskDocumentError {
  return new MaskDocumentError(
    `The label ${labelPath} is ${label.width} x ${label.height} but its image ${imagePath} is ${size.width} x ${size.height}; ` +
      'a label must have its image\'s size (move the label away to start from the prediction or an empty mask).',
  );
}

export interface LoadOptions {
  /** The label file's bytes when the caller already read them (an external change; null: no file), so what is hashed is what is decoded. */
  readonly labelBytes?: Buffer | null;
  /** Told why a stored prediction that exists cannot be used. */
  readonly log?: (line: string) => void;
  /**
   * The label file is ground truth (compare mode): a mask the evaluation scores opens even where the editor
   * could not write it back alike, read-only (BaseMask.readOnly), so every case of a report can be inspected.
   */
  readonly groundTruth?: boolean;
}

/** The document's saved state for an image of `size` with `classCount` classes; `codec` decodes the files. */
export async function loadBaseMask(
  files: MaskFiles,
  size: { width: number; height: number },
  classCount: number,
  codec: LabelCodec,
  options: LoadOptions = {},
): Promise<BaseMask> {
  const bytes = options.labelBytes === undefined ? await readLabelBytes(files, size) : (options.labelBytes ?? undefined);
  // A ground-truth file (compare mode) is never stood in for by a pre-label job's prediction stored beside it: a
  // missing ground truth is an empty mask, not the model's.
  const prediction = options.groundTruth ? undefined : await storedPrediction(files, size, classCount, codec, options.log ?? (() => undefined));
  if (bytes) {
    let raster: DecodedLabel;
    let readOnly: string | undefined;
    try {
      raster = await codec.decodeLabel(bytes, classCount);
    } catch (error) {
      const reason = error instanceof LabelPngError ? error.message : messageOf(error);
      const asGroundTruth = options.groundTruth && error instanceof LabelPngError ? await codec.readMask(bytes, classCount, 'ground truth').catch(() => undefined) : undefined;
      if (!asGroundTruth) throw new MaskDocumentError(`Cannot edit the label ${files.labelPath}: ${reason}.`);
      raster = { ...asGroundTruth, storedAs: undefined };
      readOnly = `the ground-truth mask is shown as the evaluation reads it, but saving would rewrite it in another form (${reason})`;
    }
    if (raster.width !== size.width || raster.height !== size.height) throw labelSizeError(files.labelPath, raster, size, files.imagePath);
    readOnly ??= rewrittenPngForm(bytes, options.groundTruth === true);
    const { storedAs: own, ...pixels } = raster;
    // An empty ground-truth mask does not show its format: its folder's other masks do (a lesion drawn into an empty
    // mask of a 0/255 dataset must not be saved as 0/1, which tools reading >127 take for empty).
    const storedAs = own ?? (options.groundTruth && !readOnly ? await folderLabelFormat(files, classCount, codec) : undefined);
    return { kind: 'label', sha256: sha256Of(bytes), raster: pixels, ...(storedAs ? { storedAs } : {}), ...(readOnly ? { readOnly } : {}), ...(prediction ? { prediction } : {}) };
  }
  if (prediction) {
    const { record, maps, sha256 } = prediction;
    const data = thresholdMask(maps.probability, maps.classes, thresholdByte(record.threshold));
    return { kind: 'prediction', sha256, raster: { width: size.width, height: size.height, data }, prediction: { record, maps } };
  }
  return { kind: 'empty', sha256: null, raster: createRaster(size.width, size.height) };
}

/**
 * The stored prediction when it is usable for this image (right size, classes within the model's). A broken or
 * stale one is not used (the editor can still Predict), and `log` is told why.
 */
async function storedPrediction(
  files: MaskFiles,
  size: { width: number; height: number },
  classCount: number,
  codec: LabelCodec,
  log: (line: string) => void,
): Promise<{ record: PredictionRecord; maps: StoredProbability; sha256: string } | undefined> {
  try {
    const record = await readPredictionRecord(files.labelsDir, files.imagePath);
    if (!record) return undefined;
    if (record.width !== size.width || record.height !== size.height) {
      log(`The stored prediction of ${files.imagePath} is for a ${record.width} x ${record.height} image, not ${size.width} x ${size.height}; not used.`);
      return undefined;
    }
    const { probability, classes, sha256 } = await readStoredProbability(files.labelsDir, files.imagePath, record, (bytes) => codec.decodeGrey(bytes));
    if (classes && classes.some((c) => c >= classCount)) {
      log(`The stored prediction of ${files.imagePath} has classes this model does not have (it has ${classCount}); not used.`);
      return undefined;
    }
    return { record, maps: { probability, classes }, sha256 };
  } catch (error) {
    log(`The stored prediction of ${files.imagePath} is not used: ${messageOf(error)}`);
    return undefined;
  }
}
