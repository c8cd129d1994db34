// TIFF through utif2 (the decoder jimp uses). utif2 fills whatever it cannot read with zeros (missing strips,
// unknown compressions, sample layouts its RGBA conversion skips), so everything is checked before it runs:
// the strips lie inside the file, and the compression and sample layout are ones it decodes correctly.
// 16-bit grey and RGB are windowed here (utif2 keeps only the high byte), CMYK is converted as Pillow does,
// every other layout goes through utif2's conversion. The orientation tag is ignored: labels follow the stored grid.
import * as UTIF from 'utif2';
import { type DecodedImage, rgbFromCmyk, rgbFromRgba } from './decodedImage';
import { ImageError, messageOf } from './errors';
import { GREY_SAMPLES, RGB_SAMPLES, valueRange, windowedRgb } from './window16';

const PHOTOMETRIC_WHITE_IS_ZERO = 0;
const PHOTOMETRIC_BLACK_IS_ZERO = 1;
const PHOTOMETRIC_RGB = 2;
const PHOTOMETRIC_PALETTE = 3;
const PHOTOMETRIC_CMYK = 5;
const PHOTOMETRIC_YCBCR = 6;
const PLANAR_SEPARATE = 2;
const COMPRESSION_NONE = 1;
const COMPRESSION_JPEG = 7;

const PHOTOMETRIC_NAMES: Readonly<Record<number, string>> = {
  0: 'white-is-zero grey',
  1: 'grey',
  2: 'RGB',
  3: 'palette',
  4: 'transparency mask',
  5: 'CMYK',
  6: 'YCbCr',
  8: 'CIE L*a*b*',
};
/** Compressions utif2 decodes: none, CCITT RLE / fax 3 / fax 4, LZW, JPEG, Deflate (two codes), PackBits. */
const COMPRESSIONS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 7, 8, 32946, 32773]);

export function decodeTiff(bytes: Uint8Array): DecodedImage {
  // utif2 copies whatever it is given unless it is an ArrayBuffer; a view of the file's own buffer avoids two copies.
  checkFirstDirectory(bytes);
  const buffer = wholeArrayBuffer(bytes);
  let pages: UTIF.IFD[];
  try {
    pages = UTIF.decode(buffer);
  } catch (error) {
    throw new ImageError(`the TIFF file is truncated or corrupt (its directory cannot be read: ${messageOf(error)})`);
  }
  const page = pages[0];
  if (!page || !(firstNumber(page['t256']) ?? 0) || !(firstNumber(page['t257']) ?? 0)) throw new ImageError('the TIFF file has no image (no size in its first directory)');
  const layout = checkLayout(page, bytes.length);
  quietly(() => UTIF.decodeImage(buffer, page));
  const { width, height } = page;
  if (!(width > 0 && height > 0) || !page.data) throw new ImageError('the TIFF image data could not be decoded (corrupt file?)');
  if (layout.bitsPerSample === 16) return decode16Bit(page, width, height, layout);
  if (layout.photometric === PHOTOMETRIC_CMYK) return decodeCmyk(page.data, width, height, layout.samplesPerPixel);
  let rgba: Uint8Array;
  try {
    rgba = UTIF.toRGBA8(page);
  } catch (error) {
    throw new ImageError(`the TIFF image data could not be converted (${messageOf(error)})`);
  }
  return { width, height, rgb: rgbFromRgba(rgba, width * height), format: 'tiff', bitDepth: 8 };
}

/** Bytes per value of each TIFF field type (1 BYTE .. 13 IFD). */
const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

/**
 * The first directory and every value it points to must lie inside the file: utif2 reads past the end as
 * zeros (a file cut in half loses its bits-per-sample and decodes as "0-bit").
 */
function checkFirstDirectory(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const truncated = (): never => {
    throw new ImageError('the TIFF file is truncated (its directory of tags lies past the end of the file)');
  };
  if (bytes.length < 8) truncated();
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > bytes.length) truncated();
  const count = view.getUint16(ifd, little);
  if (ifd + 2 + count * 12 > bytes.length) truncated();
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const size = (TYPE_SIZES[view.getUint16(entry + 2, little)] ?? 1) * view.getUint32(entry + 4, little);
    if (size > 4 && view.getUint32(entry + 8, little) + size > bytes.length) truncated();
  }
}

interface TiffLayout {
  readonly photometric: number;
  readonly bitsPerSample: number;
  readonly samplesPerPixel: number;
}

/** Throws an ImageError naming what is wrong or unsupported; utif2 would otherwise return zeros. */
function checkLayout(page: UTIF.IFD, fileLength: number): TiffLayout {
  const width = firstNumber(page['t256'])!;
  const height = firstNumber(page['t257'])!;
  const compression = firstNumber(page['t259']) ?? COMPRESSION_NONE;
  const bitsPerSample = firstNumber(page['t258']) ?? 1;
  const samplesPerPixel = firstNumber(page['t277']) ?? 1;
  const photometric = firstNumber(page['t262']) ?? (bitsPerSample === 1 ? PHOTOMETRIC_WHITE_IS_ZERO : PHOTOMETRIC_RGB);
  const sampleFormat = firstNumber(page['t339']) ?? 1;
  const kind = `${bitsPerSample}-bit ${PHOTOMETRIC_NAMES[photometric] ?? `photometric ${photometric}`}`;
  const unsupported = (what: string): never => {
    throw new ImageError(`${what} is not supported; convert the image to PNG`);
  };
  if (!COMPRESSIONS.has(compression)) unsupported(`TIFF compression ${compression}`);
  if (firstNumber(page['t284']) === PLANAR_SEPARATE && samplesPerPixel > 1) unsupported('TIFF with separate colour planes');
  if (sampleFormat !== 1) unsupported(`TIFF with ${sampleFormat === 3 ? 'floating-point' : sampleFormat === 2 ? 'signed' : 'non-integer'} samples`);
  if (!layoutDecodes(photometric, bitsPerSample, samplesPerPixel, compression)) unsupported(`${kind} TIFF with ${samplesPerPixel} sample(s) per pixel`);

  const tiled = page['t322'] !== undefined;
  const offsets = numbers(tiled ? page['t324'] : (page['t273'] ?? page['t324']));
  const counts = numbers(tiled ? page['t325'] : (page['t279'] ?? page['t325']));
  if (offsets.length === 0) throw new ImageError('the TIFF file has no image data (no strip or tile offsets)');
  // Uncompressed data has a known length per strip or tile; compressed data at least its stated byte count.
  const bytesPerRow = (w: number): number => Math.ceil((w * bitsPerSample * samplesPerPixel) / 8);
  const rowsPerStrip = Math.min(firstNumber(page['t278']) ?? height, height);
  const blockBytes = (i: number): number => {
    if (compression !== COMPRESSION_NONE) return counts[i] ?? 0;
    if (tiled) return bytesPerRow(firstNumber(page['t322'])!) * (firstNumber(page['t323']) ?? 0);
    return bytesPerRow(width) * Math.min(rowsPerStrip, height - i * rowsPerStrip);
  };
  // utif2 copies only the stated byte count of each uncompressed block (unless there is a single strip).
  const countsMatter = compression === COMPRESSION_NONE && (tiled || offsets.length > 1);
  for (let i = 0; i < offsets.length; i++) {
    if (countsMatter && (counts[i] ?? 0) < blockBytes(i)) {
      throw new ImageError(`the TIFF file is corrupt: block ${i} holds ${counts[i] ?? 0} bytes, its pixels need ${blockBytes(i)}`);
    }
    const end = offsets[i]! + blockBytes(i);
    if (end > fileLength) {
      throw new ImageError(`the TIFF file is truncated: its image data runs to byte ${end}, but the file has ${fileLength} bytes`);
    }
  }
  return { photometric, bitsPerSample, samplesPerPixel };
}

/** The layouts utif2's RGBA conversion handles (it silently leaves others black), plus our 16-bit and CMYK paths. */
function layoutDecodes(photometric: number, bits: number, samples: number, compression: number): boolean {
  switch (photometric) {
    case PHOTOMETRIC_WHITE_IS_ZERO:
      return samples === 1 && [1, 4, 8, 16].includes(bits);
    case PHOTOMETRIC_BLACK_IS_ZERO:
      return [1, 2].includes(bits) ? samples === 1 : [8, 16].includes(bits);
    case PHOTOMETRIC_RGB:
      return [8, 16].includes(bits) && samples >= 3;
    case PHOTOMETRIC_PALETTE:
      return [1, 2, 4, 8].includes(bits) && samples === 1;
    case PHOTOMETRIC_CMYK:
      return bits === 8 && samples >= 4;
    case PHOTOMETRIC_YCBCR:
      return compression === COMPRESSION_JPEG && bits === 8 && samples === 3; // utif2's JPEG path outputs RGB
    default:
      return false;
  }
}

function decode16Bit(page: UTIF.IFD, width: number, height: number, layout: TiffLayout): DecodedImage {
  const { photometric, samplesPerPixel } = layout;
  const grey = photometric === PHOTOMETRIC_BLACK_IS_ZERO || photometric === PHOTOMETRIC_WHITE_IS_ZERO;
  // utif2 has already brought 16-bit samples to little-endian order (non-DNG files).
  const bytes = page.data;
  const rowBytes = Math.ceil((16 * samplesPerPixel * width) / 8);
  if (bytes.length < rowBytes * height) throw new ImageError('the TIFF file is truncated or corrupt: its image data is shorter than its header says');
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

/** CMYK -> RGB exactly as Pillow converts it (no colour management): channel = (255 - k) - (255 - k) * c / 255. */
function decodeCmyk(data: Uint8Array, width: number, height: number, samplesPerPixel: number): DecodedImage {
  const pixels = width * height;
  if (data.length < pixels * samplesPerPixel) throw new ImageError('the TIFF file is truncated or corrupt: its image data is shorter than its header says');
  return { width, height, rgb: rgbFromCmyk(data, pixels, samplesPerPixel), format: 'tiff', bitDepth: 8 };
}

/** utif2 prints tile counts with console.log; on the CLI's stdout that would corrupt --json output. */
function quietly(run: () => void): void {
  const log = console.log;
  console.log = () => undefined;
  try {
    run();
  } catch (error) {
    throw new ImageError(`the TIFF image data cannot be decoded (${messageOf(error)})`);
  } finally {
    console.log = log;
  }
}

function wholeArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return new Uint8Array(bytes).buffer; // a copy (Buffer#slice would be a view of the shared pool)
}

function numbers(tag: unknown): number[] {
  if (typeof tag === 'number') return [tag];
  if (Array.isArray(tag) || ArrayBuffer.isView(tag)) return Array.from(tag as ArrayLike<unknown>).filter((v): v is number => typeof v === 'number');
  return [];
}

function firstNumber(tag: unknown): number | undefined {
  return numbers(tag)[0];
}
