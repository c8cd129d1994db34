// Label files: single-channel 8-bit PNGs (colour type 0, bit depth 8). pngjs writes greyscale from greyscale
// input directly; jimp's encoder always writes RGB(A), which would break every tool expecting index masks.
import { PNG } from 'pngjs';
import type { LabelFormat } from '../common/prelabel';
import { ModelError } from './errors';

const PNG_COLOR_TYPE_GRAYSCALE = 0;

/** binary255 only makes sense for two-class models; refuse it up front rather than write ambiguous files. */
export function checkLabelFormat(format: LabelFormat, numberOfClasses: number): void {
  if (format === 'binary255' && numberOfClasses > 2) {
    throw new ModelError(
      `Label format binary255 (0/255) needs a two-class model, but this model has ${numberOfClasses} classes; use the index format.`,
    );
  }
}

/** Pixel values to store: class indices as they are, or 0/255 for binary255. */
export function labelValues(mask: Uint8Array, format: LabelFormat): Uint8Array {
  if (format === 'index') return mask;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] === 0 ? 0 : 255;
  return out;
}

export function encodeLabelPng(mask: Uint8Array, width: number, height: number, format: LabelFormat): Buffer {
  if (mask.length !== width * height) throw new Error(`mask has ${mask.length} pixels, expected ${width} x ${height}`);
  const png = new PNG({ width, height, colorType: PNG_COLOR_TYPE_GRAYSCALE, inputColorType: PNG_COLOR_TYPE_GRAYSCALE, inputHasAlpha: false, bitDepth: 8 });
  const values = labelValues(mask, format);
  png.data = Buffer.from(values.buffer, values.byteOffset, values.length);
  return PNG.sync.write(png, {
    colorType: PNG_COLOR_TYPE_GRAYSCALE,
    inputColorType: PNG_COLOR_TYPE_GRAYSCALE,
    inputHasAlpha: false,
    bitDepth: 8,
    // Masks are long runs of one value: the default filter choice plus strong deflate keeps them small.
    deflateLevel: 9,
  });
}
