// A mask PNG (ground truth or a label file) -> class indices, by explicit rules so that a mask in the wrong
// format is refused with a reason instead of being scored wrongly:
// - two-class models: 0 = background, 1 or 255 = foreground (0/1 and 0/255 masks both work);
// - K-class models (K > 2): 0..K-1 are classes; 255 marks pixels to ignore, in ground truth only.
// The samples come from the one PNG sample reader (src/mask/labelPng.ts decodePngSamples): grey, grey+alpha,
// 16-bit and palette PNGs hold the values directly (a palette PNG by its indices); an RGB(A) mask must be grey
// (R = G = B). Alpha is not used.
import { LabelPngError, type PngSamples, decodePngSamples } from '../mask/labelPng';
import type { MaskRole } from '../common/labelCodecProtocol';
import type { LabelRaster } from '../mask/types';
import { IGNORE_LABEL } from '../eval/metrics';
import { ImageError } from '../model/errors';
import { DEFAULT_IMAGE_LIMITS, readImageHeader } from '../model/imageHeader';

/** Throws ImageError with the reason (format, value, size) when the file is not a usable mask. */
export function readMaskPng(bytes: Buffer, numberOfClasses: number, role: MaskRole): LabelRaster {
  const header = readImageHeader(bytes, DEFAULT_IMAGE_LIMITS);
  if (header.format !== 'png') throw new ImageError(`a mask must be a PNG, this is a ${header.format.toUpperCase()} file`);
  let samples: PngSamples;
  try {
    samples = decodePngSamples(bytes, { allow16Bit: true, requireOpaque: false });
  } catch (error) {
    if (error instanceof LabelPngError) throw new ImageError(error.message);
    throw error;
  }
  const { width, height, values } = samples;
  const data = new Uint8Array(width * height);
  const classOf = valueRule(numberOfClasses, role);
  for (let i = 0; i < data.length; i++) {
    const c = classOf(values[i]!);
    if (c < 0) throw new ImageError(`pixel (${i % width}, ${Math.floor(i / width)}) is ${values[i]}: ${describeRule(numberOfClasses, role)}`);
    data[i] = c;
  }
  return { width, height, data };
}

/** value -> class index (or IGNORE_LABEL), -1 when the value is not allowed. */
function valueRule(numberOfClasses: number, role: MaskRole): (value: number) => number {
  if (numberOfClasses === 2) return (v) => (v === 0 ? 0 : v === 1 || v === 255 ? 1 : -1);
  const ignoreAllowed = role === 'ground truth';
  return (v) => (v < numberOfClasses ? v : v === IGNORE_LABEL && ignoreAllowed ? IGNORE_LABEL : -1);
}

function describeRule(numberOfClasses: number, role: MaskRole): string {
  if (numberOfClasses === 2) return 'a two-class mask holds 0 (background) and 1 or 255 (foreground)';
  const ignore = role === 'ground truth' ? ', or 255 to ignore a pixel' : '';
  return `a ${numberOfClasses}-class mask holds class indices 0..${numberOfClasses - 1}${ignore}`;
}
