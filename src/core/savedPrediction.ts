// The note the mask editor leaves when it saves a label that is, pixel for pixel, a model's prediction it put in
// (Predict, or compare mode's "Use Prediction as Label"): `<labels>/.segnetr/saved-predictions/<stem>.json`, the
// model and the SHA-256 of the class indices written. An evaluation against the folder then knows the model made
// that mask (src/core/groundTruthOrigin.ts). Unlike a pre-label record it has no maps and replaces nothing: a
// note whose hash the label no longer matches proves nothing, so one left behind by a later edit is harmless.
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { type ModelIdentity, recordStem } from './predictionRecord';
import { readRegularFile } from './readRegularFile';
import { STATE_FOLDER, makeStateFolder } from './stateFolder';

const NOTES_FOLDER = 'saved-predictions';
const NOTE_VERSION = 1;
/** A note is a few hundred bytes of JSON. */
const MAX_NOTE_BYTES = 64 * 1024;

export interface SavedPredictionNote {
  readonly version: typeof NOTE_VERSION;
  /** The image's file name. */
  readonly image: string;
  readonly model: ModelIdentity;
  /** maskPixelsSha256 of the label as saved. */
  readonly maskSha256: string;
  /** ISO 8601 time of the save. */
  readonly time: string;
}

export function savedPredictionPath(labelsDir: string, imagePath: string): string {
  return path.join(labelsDir, STATE_FOLDER, NOTES_FOLDER, `${recordStem(path.parse(imagePath).name)}.json`);
}

export async function writeSavedPredictionNote(labelsDir: string, imagePath: string, model: ModelIdentity, maskSha256: string, time: Date = new Date()): Promise<void> {
  await makeStateFolder(labelsDir, NOTES_FOLDER);
  const note: SavedPredictionNote = { version: NOTE_VERSION, image: path.basename(imagePath), model: { id: model.id, sha256: model.sha256 }, maskSha256, time: time.toISOString() };
  await writeFileAtomic(savedPredictionPath(labelsDir, imagePath), Buffer.from(`${JSON.stringify(note, null, 2)}\n`, 'utf8'), { replace: true });
}

/** The image's note, or undefined when it has none or one that cannot be used (a note proves something or nothing). */
export async function readSavedPredictionNote(labelsDir: string, imagePath: string): Promise<SavedPredictionNote | undefined> {
  let json: unknown;
  try {
    json = JSON.parse((await readRegularFile(savedPredictionPath(labelsDir, imagePath), MAX_NOTE_BYTES)).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const n = json as Record<string, unknown>;
  const model = n.model as Record<string, unknown> | null | undefined;
  const valid =
    n.version === NOTE_VERSION && n.image === path.basename(imagePath) && typeof n.time === 'string' &&
    typeof n.maskSha256 === 'string' && /^[0-9a-f]{64}$/.test(n.maskSha256) &&
    typeof model === 'object' && model !== null && typeof model.id === 'string' && typeof model.sha256 === 'string';
  return valid ? (json as SavedPredictionNote) : undefined;
}
