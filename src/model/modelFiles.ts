// Finds and checks a model on disk: `<name>.onnx` with its card `<name>.json` beside it, and the .onnx's
// SHA-256 matching the card (a card describing another export would silently mislabel everything).
import * as path from 'node:path';
import { readRegularFile } from '../core/readRegularFile';
import { type ModelCard, parseModelCard } from './card';
import { sha256OfFile } from './checksum';
import { ModelError, describeFsError, messageOf } from './errors';

export interface LoadedModel {
  readonly onnxPath: string;
  readonly cardPath: string;
  readonly card: ModelCard;
  readonly sha256: string;
}

/** `models/foo.onnx` -> `models/foo.json`. */
export function cardPathFor(onnxPath: string): string {
  const parsed = path.parse(onnxPath);
  return path.join(parsed.dir, `${parsed.name}.json`);
}

/** Cards are a few KB; a class list of thousands stays far below this. */
const MAX_CARD_BYTES = 4 * 1024 * 1024;

export async function loadModel(onnxPath: string): Promise<LoadedModel> {
  if (path.extname(onnxPath).toLowerCase() !== '.onnx') {
    throw new ModelError(`Model path ${onnxPath} is not an .onnx file.`);
  }
  const cardPath = cardPathFor(onnxPath);
  let sha256: string;
  try {
    sha256 = await sha256OfFile(onnxPath);
  } catch (error) {
    throw new ModelError(`Cannot read model ${onnxPath}: ${describeFsError(error)}`);
  }
  const card = await readModelCard(cardPath);
  if (card.onnx.sha256.toLowerCase() !== sha256) {
    throw new ModelError(
      `Model ${onnxPath} does not match its card ${cardPath}: the card's onnx.sha256 is ${card.onnx.sha256}, the file's is ${sha256}. ` +
        'Re-export the card with the model, or point at the model the card describes.',
    );
  }
  return { onnxPath, cardPath, card, sha256 };
}

/** Reads and validates a model card; every problem is a ModelError naming the file. */
export async function readModelCard(cardPath: string): Promise<ModelCard> {
  let text: string;
  try {
    // A regular file of at most MAX_CARD_BYTES: a named pipe or /dev/zero named like a card must not hang the job.
    text = (await readRegularFile(cardPath, MAX_CARD_BYTES)).toString('utf8');
  } catch (error) {
    throw new ModelError(`Cannot read the model card ${cardPath} (every model needs a card beside it): ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`Invalid model card ${cardPath}: not valid JSON (${messageOf(error)})`);
  }
  return parseModelCard(json, cardPath);
}
