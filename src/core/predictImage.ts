// Predict one image: decode, run the model, post-process to a class-index mask and an 8-bit probability map
// at the image's own size, all in memory. The pre-label job, the mask editor's Predict action and evaluation
// share this step; writing a label is a separate one (prelabelJob.ts).
import type { ModelCard } from '../model/card';
import { decodeImage } from '../model/decode';
import { type Prediction, predictionFromLogits } from '../model/postprocess';
import { inputSizePerImage, writeModelInput } from '../model/preprocess';
import type { ModelSession } from '../model/session';
import { readImageFile } from './readImageFile';

/** Throws ImageError for an image that cannot be decoded, ModelError when the model itself fails. */
export async function predictImage(bytes: Buffer, session: ModelSession): Promise<Prediction> {
  return predictFromInput(await modelInputOf(bytes, session.model.card), session);
}

/** The same for a file on disk, read defensively (regular files only, header first, size capped). */
export async function predictImageFile(file: string, session: ModelSession): Promise<Prediction> {
  return predictFromInput(await modelInputOf(await readImageFile(file), session.model.card), session);
}

interface ModelInput {
  readonly batch: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes and resizes to the model's input. Only the small tensor and the size leave this function, so the
 * file's bytes and the full-size pixels can be freed before the model runs and the full-size mask is built.
 */
async function modelInputOf(bytes: Buffer, card: ModelCard): Promise<ModelInput> {
  const image = await decodeImage(bytes);
  const batch = new Float32Array(inputSizePerImage(card.input));
  writeModelInput(image, card.input, batch, 0);
  return { batch, width: image.width, height: image.height };
}

async function predictFromInput(input: ModelInput, session: ModelSession): Promise<Prediction> {
  const { card } = session.model;
  const logits = await session.run(input.batch, 1);
  return predictionFromLogits(logits.data, logits.width, logits.height, card.output, input.width, input.height);
}
