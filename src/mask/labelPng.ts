// Label files: single-channel 8-bit PNGs, one class index per pixel. The only file of src/mask that uses Node
// (pngjs, zlib, Buffer): the host reads and writes labels, the webview never does. pngjs writes greyscale from
// greyscale input directly; jimp's encoder and browser canvases write RGB(A), which would break every tool
// expecting index masks.
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import type { LabelFormat } from '../common/prelabel';
import { ModelError } from '../model/errors';
import type { DecodedLabel } from './types';

const PNG_COLOR_TYPE_GRAYSCALE = 0;
const PNG_COLOR_TYPE_RGB = 2;
const PNG_COLOR_TYPE_PALETTE = 3;
const PNG_COLOR_TYPE_GRAYSCALE_ALPHA = 4;
const PNG_COLOR_TYPE_RGBA = 6;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// CRC-32 of PNG chunks, for the rewritten palette. zlib.crc32 is missing from the Node of older VS Code hosts.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Largest label accepted (pixels): above the biggest image the editor opens, below what would exhaust memory. */
export const MAX_LABEL_PIXELS = 2 ** 28;

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

/** A label file that cannot be read as class indices; the message says what is wrong and how to fix it. */
export class LabelPngError extends Error {
  override readonly name = 'LabelPngError';
}

interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
  /** Byte offset of the PLTE chunk's length field, or -1. */
  readonly paletteChunk: number;
  /** [offset, length] of each IDAT chunk's data, in order. */
  readonly imageData: readonly (readonly [number, number])[];
}

/** Reads IHDR and walks the chunk list for PLTE and IDAT (pngjs would expand a palette to RGBA and lose the indices). */
function readHeader(bytes: Buffer): PngHeader {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new LabelPngError('not a PNG file (the PNG signature is missing): label files are PNGs');
  }
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new LabelPngError('damaged PNG: the first chunk is not IHDR');
  let paletteChunk = -1;
  const imageData: [number, number][] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > bytes.length) throw new LabelPngError(`damaged PNG: the ${type} chunk runs past the end of the file`);
    if (type === 'PLTE') paletteChunk = at;
    if (type === 'IDAT') imageData.push([at + 8, length]);
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24]!,
    colorType: bytes[25]!,
    interlaced: bytes[28] !== 0,
    paletteChunk,
    imageData,
  };
}

/**
 * One byte per pixel straight from the image data (8-bit greyscale or palette, not interlaced: what
 * encodeLabelPng writes), without pngjs's four-bytes-per-pixel RGBA copy: a fifth of the memory for large labels.
 */
function decodeOneBytePerPixel(bytes: Buffer, header: PngHeader): Uint8Array {
  const { width, height } = header;
  const parts: Buffer[] = [];
  for (const [offset, length] of header.imageData) {
    if (crc32(bytes.subarray(offset - 4, offset + length)) !== bytes.readUInt32BE(offset + length)) {
      throw new LabelPngError('damaged PNG: an image data chunk (IDAT) fails its checksum');
    }
    parts.push(bytes.subarray(offset, offset + length));
  }
  const rowBytes = width + 1;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(parts), { maxOutputLength: rowBytes * height + 1 });
  } catch (error) {
    throw new LabelPngError(`damaged PNG: the image data cannot be decompressed (${error instanceof Error ? error.message : String(error)})`);
  }
  if (raw.length !== rowBytes * height) {
    throw new LabelPngError(`damaged PNG: the image data holds ${raw.length} bytes, ${width} x ${height} needs ${rowBytes * height}`);
  }
  const out = new Uint8Array(width * height);
  // Undo each row's filter (PNG spec 9.2; one byte per pixel, so "left" is the previous byte).
  for (let y = 0; y < height; y++) {
    const filter = raw[y * rowBytes]!;
    const src = y * rowBytes + 1;
    const row = y * width;
    const up = row - width; // the previous output row; none for y = 0
    if (filter === 0 || (filter === 2 && y === 0)) {
      out.set(raw.subarray(src, src + width), row);
    } else if (filter === 1) {
      let left = 0;
      for (let x = 0; x < width; x++) left = out[row + x] = (raw[src + x]! + left) & 0xff;
    } else if (filter === 2) {
      for (let x = 0; x < width; x++) out[row + x] = (raw[src + x]! + out[up + x]!) & 0xff;
    } else if (filter === 3) {
      let left = 0;
      for (let x = 0; x < width; x++) {
        const above = y > 0 ? out[up + x]! : 0;
        left = out[row + x] = (raw[src + x]! + ((left + above) >> 1)) & 0xff;
      }
    } else if (filter === 4) {
      let left = 0;
      let corner = 0;
      for (let x = 0; x < width; x++) {
        const above = y > 0 ? out[up + x]! : 0;
        const p = left + above - corner;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - above);
        const pc = Math.abs(p - corner);
        const predicted = pa <= pb && pa <= pc ? left : pb <= pc ? above : corner;
        left = out[row + x] = (raw[src + x]! + predicted) & 0xff;
        corner = above;
      }
    } else {
      throw new LabelPngError(`damaged PNG: row ${y} has the unknown filter type ${filter}`);
    }
  }
  return out;
}

/** A copy of the PNG whose palette entry i is the colour (i, 0, 0), so decoding yields each pixel's index as red. */
function withIndexPalette(bytes: Buffer, paletteChunk: number): Buffer {
  const copy = Buffer.from(bytes);
  const length = copy.readUInt32BE(paletteChunk);
  if (length % 3 !== 0 || paletteChunk + 12 + length > copy.length) throw new LabelPngError('damaged PNG: the palette chunk (PLTE) is malformed');
  const data = paletteChunk + 8;
  for (let i = 0; i < length / 3; i++) {
    copy[data + 3 * i] = i;
    copy[data + 3 * i + 1] = 0;
    copy[data + 3 * i + 2] = 0;
  }
  copy.writeUInt32BE(crc32(copy.subarray(paletteChunk + 4, data + length)), data + length);
  return copy;
}

function decodeRgba(bytes: Buffer): Uint8Array | Uint16Array {
  try {
    // skipRescale: 1-, 2-, 4- and 16-bit greyscale keep their sample values (0..1, 0..3, 0..15, 0..65535) instead
    // of 0..255; pngjs then hands 16-bit data over as a Uint16Array (its typings say Buffer).
    return PNG.sync.read(bytes, { skipRescale: true }).data as Uint8Array | Uint16Array;
  } catch (error) {
    throw new LabelPngError(`damaged PNG (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** One sample per pixel of a single-channel PNG: the grey value, or for a palette PNG the palette index. */
export interface PngSamples {
  readonly width: number;
  readonly height: number;
  /** 16-bit only when `allow16Bit` was given and the file is 16-bit. */
  readonly values: Uint8Array | Uint16Array;
  readonly fromPalette: boolean;
}

export interface PngSampleRules {
  /** Ground truth may be 16-bit; a label file the editor rewrites as 8-bit may not. */
  readonly allow16Bit: boolean;
  /** Refuse a pixel that is not opaque (grey+alpha, RGBA) instead of ignoring its alpha. */
  readonly requireOpaque: boolean;
}

/**
 * The samples of a mask PNG by one set of rules for every reader (label files, ground truth, predictions):
 *  - greyscale (1, 2, 4, 8 or, when allowed, 16 bits): the values as stored, not rescaled;
 *  - palette: the palette indices (the colours do not matter, and may repeat);
 *  - RGB(A) or grey+alpha: read only when every pixel is grey (r = g = b), as if saved greyscale.
 * Throws LabelPngError; the message does not name the file (the caller adds it).
 */
export function decodePngSamples(bytes: Uint8Array, rules: PngSampleRules): PngSamples {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readHeader(buffer);
  const { width, height, bitDepth, colorType } = header;
  if (width === 0 || height === 0) throw new LabelPngError(`damaged PNG: it claims ${width} x ${height} pixels`);
  if (width * height > MAX_LABEL_PIXELS) {
    throw new LabelPngError(`label is ${width} x ${height} pixels, over the ${MAX_LABEL_PIXELS / 2 ** 20} Mi-pixel limit`);
  }
  if (bitDepth === 16 && !rules.allow16Bit) {
    throw new LabelPngError('16-bit PNG, not a label: labels are single-channel 8-bit (one class index per pixel); save it as 8-bit greyscale');
  }
  const fromPalette = colorType === PNG_COLOR_TYPE_PALETTE;
  if (fromPalette && header.paletteChunk < 0) throw new LabelPngError('damaged PNG: palette image without a palette (PLTE) chunk');
  if (bitDepth === 8 && (colorType === PNG_COLOR_TYPE_GRAYSCALE || fromPalette) && !header.interlaced) {
    const values = decodeOneBytePerPixel(buffer, header);
    if (fromPalette) checkPaletteIndices(values, width, (buffer.readUInt32BE(header.paletteChunk) / 3) | 0);
    return { width, height, values, fromPalette };
  }
  // pngjs gives four samples a pixel, 16-bit ones in a Uint16Array (skipRescale keeps them as stored).
  const rgba = decodeRgba(fromPalette ? withIndexPalette(buffer, header.paletteChunk) : buffer);
  const values = bitDepth === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const colour = colorType === PNG_COLOR_TYPE_RGB || colorType === PNG_COLOR_TYPE_RGBA || colorType === PNG_COLOR_TYPE_GRAYSCALE_ALPHA;
  for (let i = 0; i < values.length; i++) {
    const r = rgba[4 * i]!;
    if (colour && (rgba[4 * i + 1] !== r || rgba[4 * i + 2] !== r || (rules.requireOpaque && rgba[4 * i + 3] !== (bitDepth === 16 ? 65535 : 255)))) {
      const kind = colorType === PNG_COLOR_TYPE_GRAYSCALE_ALPHA ? 'greyscale PNG with transparency' : 'RGB colour PNG';
      throw new LabelPngError(
        `${kind}, not a mask: masks are single-channel (one class index per pixel), but pixel (${i % width}, ${Math.floor(i / width)}) ` +
          `is (${Array.from(rgba.subarray(4 * i, 4 * i + 4)).join(', ')}); save the class indices as 8-bit greyscale`,
      );
    }
    values[i] = r;
  }
  return { width, height, values, fromPalette };
}

/**
 * The class index of every pixel of a label PNG, checked against the model's `classCount`: the samples
 * (decodePngSamples, 8-bit and opaque); for a two-class model a 0/255 greyscale mask reads as 0/1; a value that is
 * not a class (>= classCount) is refused, naming the pixel.
 * Throws LabelPngError; the message does not name the file (the caller adds it).
 */
export function decodeLabelPng(bytes: Uint8Array, classCount: number): DecodedLabel {
  const { width, height, values, fromPalette } = decodePngSamples(bytes, { allow16Bit: false, requireOpaque: true });
  if (!(values instanceof Uint8Array)) throw new Error('decodePngSamples returned 16-bit samples though they were refused');
  const { data, storedAs } = toClasses(values, width, classCount, !fromPalette);
  return { width, height, data, storedAs };
}

/** A palette index past the palette's end is a broken file (pngjs refuses it the same way). */
function checkPaletteIndices(values: Uint8Array, width: number, entries: number): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i]! >= entries) {
      throw new LabelPngError(`damaged PNG: pixel (${i % width}, ${Math.floor(i / width)}) uses palette entry ${values[i]}, but the palette has ${entries}`);
    }
  }
}

/** Checks every value is a class; a 0/255 binary greyscale mask of a two-class model becomes 0/1. */
function toClasses(values: Uint8Array, width: number, classCount: number, allowBinary255: boolean): { data: Uint8Array; storedAs: LabelFormat | undefined } {
  const counts = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) counts[values[i]!]!++;
  if (allowBinary255 && classCount === 2 && counts[255]! > 0 && counts[0]! + counts[255]! === values.length) {
    for (let i = 0; i < values.length; i++) values[i] = values[i] === 255 ? 1 : 0;
    return { data: values, storedAs: 'binary255' };
  }
  for (let v = classCount; v < 256; v++) {
    if (counts[v] === 0) continue;
    const at = values.indexOf(v);
    const hint = v === 255 && classCount === 2
      ? ' (a 0/255 mask is read as classes 0/1 only when it holds nothing but 0 and 255)'
      : v === 255 ? ` (0/255 masks are only read as 0/1 for two-class models)` : '';
    throw new LabelPngError(
      `pixel value ${v} at (${at % width}, ${Math.floor(at / width)}) is not a class: this model has ${classCount} classes (values 0 to ${classCount - 1})${hint}`,
    );
  }
  return { data: values, storedAs: counts[0] === values.length ? undefined : 'index' };
}
