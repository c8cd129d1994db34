// A mask PNG (ground truth or a label file) -> class indices, by explicit rules so that a mask in the wrong
// format is refused with a reason instead of being scored wrongly:
// - two-class models: 0 = background, 1 or 255 = foreground (0/1 and 0/255 masks both work);
// - K-class models (K > 2): 0..K-1 are classes; 255 marks pixels to ignore, in ground truth only.
// Grey, grey+alpha, 16-bit and palette PNGs hold the values directly (a palette PNG by its indices); an RGB(A)
// mask must be grey (R = G = B). Alpha is not used.
import { PNG } from 'pngjs';
import type { LabelRaster } from '../mask/types';
import { IGNORE_LABEL } from '../eval/metrics';
import { ImageError, messageOf } from '../model/errors';
import { DEFAULT_IMAGE_LIMITS, readImageHeader } from '../model/imageHeader';

export type MaskRole = 'ground truth' | 'prediction';

const PNG_COLOR_TYPE_PALETTE = 3;
const RGBA = 4;

interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly color: boolean;
  readonly palette?: readonly (readonly number[])[];
  readonly data: Uint8Array | Uint16Array;
}

/** Throws ImageError with the reason (format, value, size) when the file is not a usable mask. */
export function readMaskPng(bytes: Buffer, numberOfClasses: number, role: MaskRole): LabelRaster {
  const header = readImageHeader(bytes, DEFAULT_IMAGE_LIMITS);
  if (header.format !== 'png') throw new ImageError(`a mask must be a PNG, this is a ${header.format.toUpperCase()} file`);
  let png: DecodedPng;
  try {
    // skipRescale: 1-, 2-, 4- and 16-bit samples keep their values (class indices), not stretched to 0..255.
    png = PNG.sync.read(bytes, { skipRescale: true }) as unknown as DecodedPng;
  } catch (error) {
    throw new ImageError(`cannot decode the PNG: ${messageOf(error)}`);
  }
  const { width, height } = png;
  const values = png.colorType === PNG_COLOR_TYPE_PALETTE ? paletteIndices(png) : greyValues(png);
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

function greyValues(png: DecodedPng): Uint16Array | Uint8Array {
  const pixels = png.width * png.height;
  const out = png.depth === 16 ? new Uint16Array(pixels) : new Uint8Array(pixels);
  const d = png.data;
  for (let i = 0; i < pixels; i++) {
    const r = d[i * RGBA]!;
    if (png.color && (d[i * RGBA + 1] !== r || d[i * RGBA + 2] !== r)) {
      throw new ImageError(
        `a colour PNG, pixel (${i % png.width}, ${Math.floor(i / png.width)}) is (${r}, ${d[i * RGBA + 1]}, ${d[i * RGBA + 2]}): ` +
          'a mask must be single-channel (or grey, R = G = B)',
      );
    }
    out[i] = r;
  }
  return out;
}

/** pngjs expands palette PNGs to colours; each colour maps back to its index unless the palette repeats it. */
function paletteIndices(png: DecodedPng): Uint8Array {
  const REPEATED = -1;
  const indexOf = new Map<number, number>();
  (png.palette ?? []).forEach((c, index) => {
    const key = colourKey(c[0]!, c[1]!, c[2]!, c[3] ?? 255);
    indexOf.set(key, indexOf.has(key) ? REPEATED : index);
  });
  const pixels = png.width * png.height;
  const out = new Uint8Array(pixels);
  const d = png.data;
  for (let i = 0; i < pixels; i++) {
    const index = indexOf.get(colourKey(d[i * RGBA]!, d[i * RGBA + 1]!, d[i * RGBA + 2]!, d[i * RGBA + 3]!));
    if (index === undefined || index === REPEATED) {
      throw new ImageError(
        `palette PNG whose palette repeats the colour (${d[i * RGBA]}, ${d[i * RGBA + 1]}, ${d[i * RGBA + 2]}): its class indices cannot be read back`,
      );
    }
    out[i] = index;
  }
  return out;
}

function colourKey(r: number, g: number, b: number, a: number): number {
  return ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}
