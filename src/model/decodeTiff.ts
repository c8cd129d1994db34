// TIFF through utif2 (the decoder jimp uses). utif2's own RGBA conversion keeps only the high byte of 16-bit
// samples, so 16-bit grey and RGB are windowed here; every other layout goes through utif2's conversion.
import * as UTIF from 'utif2';
import { type DecodedImage, rgbFromRgba } from './decodedImage';
import { ImageError } from './errors';
import { GREY_SAMPLES, RGB_SAMPLES, valueRange, windowedRgb } from './window16';

const PHOTOMETRIC_WHITE_IS_ZERO = 0;
const PHOTOMETRIC_BLACK_IS_ZERO = 1;
const PHOTOMETRIC_RGB = 2;
const PLANAR_SEPARATE = 2;

export function decodeTiff(bytes: Buffer): DecodedImage {
  const pages = UTIF.decode(bytes);
  const page = pages[0];
  if (!page) throw new ImageError('TIFF file has no image');
  UTIF.decodeImage(bytes, page);
  const { width, height } = page;
  if (!(width > 0 && height > 0) || !page.data) throw new ImageError('TIFF image data could not be decoded');
  const bitsPerSample = firstNumber(page['t258']) ?? 1;
  if (bitsPerSample === 16) return decode16Bit(page, width, height);
  const rgba = UTIF.toRGBA8(page);
  return { width, height, rgb: rgbFromRgba(rgba, width * height), format: 'tiff', bitDepth: 8 };
}

function decode16Bit(page: UTIF.IFD, width: number, height: number): DecodedImage {
  const photometric = firstNumber(page['t262']) ?? PHOTOMETRIC_BLACK_IS_ZERO;
  const samplesPerPixel = firstNumber(page['t277']) ?? 1;
  if (firstNumber(page['t284']) === PLANAR_SEPARATE && samplesPerPixel > 1) {
    throw new ImageError('16-bit TIFF with separate colour planes is not supported');
  }
  const grey = photometric === PHOTOMETRIC_BLACK_IS_ZERO || photometric === PHOTOMETRIC_WHITE_IS_ZERO;
  if (!(grey || (photometric === PHOTOMETRIC_RGB && samplesPerPixel >= 3))) {
    throw new ImageError(`16-bit TIFF with photometric interpretation ${photometric} is not supported`);
  }
  // utif2 has already brought 16-bit samples to little-endian order (non-DNG files).
  const bytes = page.data;
  const rowBytes = Math.ceil((16 * samplesPerPixel * width) / 8);
  if (bytes.length < rowBytes * height) throw new ImageError('TIFF image data is shorter than its header says (truncated file?)');
  const samples = new Uint16Array(width * height * samplesPerPixel);
  for (let y = 0; y < height; y++) {
    const rowStart = y * rowBytes;
    const rowSamples = y * width * samplesPerPixel;
    for (let s = 0; s < width * samplesPerPixel; s++) {
      samples[rowSamples + s] = bytes[rowStart + 2 * s]! | (bytes[rowStart + 2 * s + 1]! << 8);
    }
  }
  const window = valueRange(samples, samplesPerPixel, grey ? 1 : 3);
  const rgb = windowedRgb(samples, width * height, samplesPerPixel, grey ? GREY_SAMPLES : RGB_SAMPLES, window, photometric === PHOTOMETRIC_WHITE_IS_ZERO);
  return { width, height, rgb, format: 'tiff', bitDepth: 16, window };
}

function firstNumber(tag: unknown): number | undefined {
  if (typeof tag === 'number') return tag;
  if (Array.isArray(tag) || ArrayBuffer.isView(tag)) {
    const v = (tag as ArrayLike<unknown>)[0];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}
