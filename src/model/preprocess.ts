// Decoded RGB -> the model's input tensor for one image: resized to the card's input size (bilinear),
// scaled and normalised per channel, channel-first (the N x 3 x H x W layout the export contract fixes).
import type { ModelCard } from './card';
import type { DecodedImage } from './decodedImage';
import { interleavedLayout, resizeBilinear } from './resample';

export type ModelInputSpec = ModelCard['input'];

/** Floats one image occupies in the input batch. */
export function inputSizePerImage(spec: ModelInputSpec): number {
  return 3 * spec.height * spec.width;
}

/** Writes the image's normalised tensor into `batch` starting at `offset`. */
export function writeModelInput(image: DecodedImage, spec: ModelInputSpec, batch: Float32Array, offset: number): void {
  const plane = spec.height * spec.width;
  const resized = resizeBilinear(image.rgb, interleavedLayout(image.width, image.height, 3), spec.width, spec.height);
  const divisor = spec.scale === '0-1' ? 255 : 1;
  for (let c = 0; c < 3; c++) {
    // The card's mean/std are listed in the model's channel order.
    const sourceChannel = spec.channelOrder === 'RGB' ? c : 2 - c;
    const mean = spec.mean[c];
    const std = spec.std[c];
    const from = sourceChannel * plane;
    const to = offset + c * plane;
    // Rounded to whole pixel values: training resizes uint8 images with PIL, whose output is uint8 too.
    for (let i = 0; i < plane; i++) batch[to + i] = (Math.round(resized[from + i]!) / divisor - mean) / std;
  }
}
