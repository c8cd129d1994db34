// Per-image prediction records, written by the pre-label job beside the labels:
//   <labelsDir>/.segnetr/predictions/<base>.json        model id and sha256, time, threshold, size
//   <labelsDir>/.segnetr/predictions/<base>.prob.png    8-bit probability map (p x 255) at the image's size
//   <labelsDir>/.segnetr/predictions/<base>.classes.png predicted class per pixel (multi-class models only)
// One set of files per image, so shards pre-labelling one folder on many machines never write the same file.
// The mask editor reads them to re-threshold without running the model, and to show an image as "predicted".
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ModelOutput } from '../model/card';
import type { Prediction } from '../model/postprocess';
import { writeFilesAtomically } from './atomicWrite';
import { encodeGreyPng } from './greyPng';
import { STATE_FOLDER, makeStateFolder } from './stateFolder';
import { PngSizeError, readPngOfSize } from './readPngOfSize';
import { readRegularFile } from './readRegularFile';

/** The SHA-256 of a mask's class indices, one byte per pixel row by row: the same for a 0/1 and a 0/255 file. */
export function maskPixelsSha256(classes: Uint8Array): string {
  return createHash('sha256').update(classes).digest('hex');
}

/** A record is a few hundred bytes of JSON. */
const MAX_RECORD_BYTES = 1024 * 1024;

const PREDICTIONS_FOLDER = 'predictions';
const RECORD_VERSION = 1;

export interface ModelIdentity {
  /** The model card's name. */
  readonly id: string;
  readonly sha256: string;
}

export interface PredictionRecord {
  readonly version: typeof RECORD_VERSION;
  /** The image's file name. */
  readonly image: string;
  /**
   * The image's folder relative to the labels folder ("../images"), so that a label file opened on its own finds
   * its image wherever the labels folder setting put the labels. Absent in records written before it existed.
   */
  readonly imageDir?: string;
  readonly model: ModelIdentity;
  /** ISO 8601 time of the prediction. */
  readonly time: string;
  /** The sigmoid threshold (probability, 0..1) the label was made with; null for softmax (arg-max). */
  readonly threshold: number | null;
  readonly width: number;
  readonly height: number;
  /** Whether a `<base>.classes.png` (multi-class models) belongs to it. */
  readonly hasClasses: boolean;
  /**
   * The SHA-256 of the label's class indices as the pre-label wrote them (maskPixelsSha256), so that an evaluation
   * against this folder can tell the model's unchanged output from a person's mask. Absent in older records.
   */
  readonly maskSha256?: string;
}

export interface StoredProbability {
  readonly probability: Uint8Array;
  /** Predicted class per pixel for multi-class models; null for sigmoid (class 1 above the threshold). */
  readonly classes: Uint8Array | null;
}

/** A prediction record or map that exists but cannot be used; the message names the file. */
export class PredictionRecordError extends Error {
  override readonly name = 'PredictionRecordError';
}

export function predictionPaths(labelsDir: string, imagePath: string): { readonly record: string; readonly probability: string; readonly classes: string } {
  const base = path.join(labelsDir, STATE_FOLDER, PREDICTIONS_FOLDER, recordStem(path.parse(imagePath).name));
  return { record: `${base}.json`, probability: `${base}.prob.png`, classes: `${base}.classes.png` };
}

/** File names hold at most 255 bytes on the common file systems; the longest of ours adds '.classes.png'. */
const MAX_STEM_BYTES = 255 - '.classes.png'.length;

/**
 * The name the image's records go by: its base name, or for a name too long to take our suffixes, its first
 * characters and a hash of the whole name (still one image's; its label, `<base name>.png`, fits where this did not).
 */
export function recordStem(name: string): string {
  if (Buffer.byteLength(name) <= MAX_STEM_BYTES) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  const chars = Array.from(name); // whole code points: no half of a surrogate pair
  while (Buffer.byteLength(chars.join('')) > MAX_STEM_BYTES - hash.length - 1) chars.pop();
  return `${chars.join('')}~${hash}`;
}

/** The 8-bit threshold (probability x 255, "above" = foreground) equivalent to a record's or card's threshold. */
export function thresholdByte(threshold: number | null): number {
  // Softmax: every pixel takes its arg-max class, so nothing is cut.
  if (threshold === null) return 0;
  // byte = round(p * 255) > floor(t * 255) is p > t up to the 8-bit rounding of the map.
  return Math.min(254, Math.max(0, Math.floor(threshold * 255)));
}

export function modelThreshold(output: ModelOutput): number | null {
  return output.activation === 'sigmoid' ? output.threshold : null;
}

/** A pre-label's record and maps (the job runs in the worker, so it encodes the maps itself). */
export async function writePredictionRecord(
  labelsDir: string,
  imagePath: string,
  prediction: Prediction,
  model: ModelIdentity,
  output: ModelOutput,
  time: Date = new Date(),
): Promise<void> {
  const { width, height } = prediction;
  const maps: EncodedPredictionMaps = {
    width,
    height,
    probabilityPng: encodeGreyPng(prediction.probability, width, height),
    classesPng: output.activation === 'softmax' ? encodeGreyPng(prediction.mask, width, height) : null,
  };
  await writePredictionFiles(labelsDir, imagePath, maps, { model, threshold: modelThreshold(output), maskSha256: maskPixelsSha256(prediction.mask) }, time);
}

/** A prediction's maps as PNG files (8-bit grey): the probability map, and the classes of a multi-class model. */
interface EncodedPredictionMaps {
  readonly width: number;
  readonly height: number;
  readonly probabilityPng: Uint8Array;
  readonly classesPng: Uint8Array | null;
}

/**
 * Writes a prediction's record and maps. `maskSha256`: the label's class indices (maskPixelsSha256); `threshold`:
 * the record's (see PredictionRecord). The maps first and the record last, so a record always has its maps.
 */
async function writePredictionFiles(
  labelsDir: string,
  imagePath: string,
  maps: EncodedPredictionMaps,
  fields: { readonly model: ModelIdentity; readonly threshold: number | null; readonly maskSha256: string },
  time: Date = new Date(),
): Promise<void> {
  const paths = predictionPaths(labelsDir, imagePath);
  await makeStateFolder(labelsDir, PREDICTIONS_FOLDER);
  const { width, height, probabilityPng, classesPng } = maps;
  const record: PredictionRecord = {
    version: RECORD_VERSION,
    image: path.basename(imagePath),
    imageDir: path.relative(path.resolve(labelsDir), path.dirname(path.resolve(imagePath))) || '.',
    model: { id: fields.model.id, sha256: fields.model.sha256 },
    time: time.toISOString(),
    threshold: fields.threshold,
    width,
    height,
    hasClasses: classesPng !== null,
    maskSha256: fields.maskSha256,
  };
  // All or none: new maps beside the old record would be thresholded with the old model's threshold, named for it.
  await writeFilesAtomically([
    { path: paths.probability, data: probabilityPng },
    ...(classesPng === null ? [] : [{ path: paths.classes, data: classesPng }]),
    { path: paths.record, data: Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8') },
  ]);
}

/** The image's prediction record, or undefined when it has none. Throws PredictionRecordError for a bad one. */
export async function readPredictionRecord(labelsDir: string, imagePath: string): Promise<PredictionRecord | undefined> {
  const file = predictionPaths(labelsDir, imagePath).record;
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_RECORD_BYTES)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PredictionRecordError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PredictionRecordError(`${file} is not valid JSON.`);
  }
  return checkRecord(json, file);
}

/** Decodes an 8-bit grey PNG value for value, with the SHA-256 of its pixels (a LabelCodec's decodeGrey). */
export type GreyPngDecoder = (bytes: Uint8Array) => Promise<{ width: number; height: number; data: Uint8Array; sha256: string }>;

/**
 * The stored probability map (and classes) of a record, checked against the record's size, and the SHA-256 of
 * the probability map's pixels. `decode` does the decoding (the mask editor's runs off the extension host's thread).
 */
export async function readStoredProbability(
  labelsDir: string,
  imagePath: string,
  record: PredictionRecord,
  decode: GreyPngDecoder,
): Promise<StoredProbability & { readonly sha256: string }> {
  const paths = predictionPaths(labelsDir, imagePath);
  const probability = await readGrey8(paths.probability, record, decode);
  const classes = record.hasClasses ? (await readGrey8(paths.classes, record, decode)).data : null;
  return { probability: probability.data, classes, sha256: probability.sha256 };
}

async function readGrey8(file: string, size: { width: number; height: number }, decode: GreyPngDecoder): Promise<{ data: Uint8Array; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readPngOfSize(file, size);
  } catch (error) {
    if (error instanceof PngSizeError) throw new PredictionRecordError(`${file} is ${error.found.width} x ${error.found.height}, but its record says ${size.width} x ${size.height}.`);
    throw new PredictionRecordError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let png: Awaited<ReturnType<GreyPngDecoder>>;
  try {
    png = await decode(bytes);
  } catch (error) {
    throw new PredictionRecordError(`${file} is not a readable PNG: ${(error as Error).message}`);
  }
  if (png.width !== size.width || png.height !== size.height) {
    throw new PredictionRecordError(`${file} is ${png.width} x ${png.height}, but its record says ${size.width} x ${size.height}.`);
  }
  return png;
}

function checkRecord(json: unknown, file: string): PredictionRecord {
  const bad = (what: string): never => {
    throw new PredictionRecordError(`${file}: ${what}.`);
  };
  if (typeof json !== 'object' || json === null) return bad('expected a JSON object');
  const r = json as Record<string, unknown>;
  if (r.version !== RECORD_VERSION) bad(`unsupported version ${JSON.stringify(r.version)} (expected ${RECORD_VERSION})`);
  if (typeof r.image !== 'string') bad('"image" must be a string');
  if (r.imageDir !== undefined && typeof r.imageDir !== 'string') bad('"imageDir" must be a string when present');
  const model = r.model as Record<string, unknown> | null | undefined;
  if (typeof model !== 'object' || model === null || typeof model.id !== 'string' || typeof model.sha256 !== 'string') bad('"model" must have string "id" and "sha256"');
  if (typeof r.time !== 'string') bad('"time" must be a string');
  if (r.threshold !== null && (typeof r.threshold !== 'number' || !(r.threshold > 0 && r.threshold < 1))) bad('"threshold" must be null or a number between 0 and 1');
  for (const key of ['width', 'height'] as const) {
    const v = r[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) bad(`"${key}" must be a positive integer`);
  }
  if (typeof r.hasClasses !== 'boolean') bad('"hasClasses" must be true or false');
  if (r.maskSha256 !== undefined && (typeof r.maskSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.maskSha256))) bad('"maskSha256" must be 64 hex digits when present');
  return json as PredictionRecord;
}
