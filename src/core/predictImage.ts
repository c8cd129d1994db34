// Predict one image: decode, run the model, post-process to a class-index mask and an 8-bit probability map
// at the image's own size, all in memory. The pre-label job, the mask editor's Predict action and evaluation
// share this step; writing a label is a separate one (prelabelJob.ts).
import { decodeImage } from '../model/decode';
import { type Prediction, predictionFromLogits } from '../model/postprocess';
import { inputSizePerImage, writeModelInput } from '../model/preprocess';
import type { ModelSession } from '../model/session';

/** Throws ImageError for an image that cannot be decoded, ModelError when the model itself fails. */
export async function predictImage(bytes: Buffer, session: ModelSession): Promise<Prediction> {
  const { card } = session.model;
  const image = await decodeImage(bytes);
  const batch = new Float32Array(inputSizePerImage(card.input));
  writeModelInput(image, card.input, batch, 0);
  const logits = await session.run(batch, 1);
  return predictionFromLogits(logits.data, logits.width, logits.height, card.output, image.width, image.height);
}
