// BMP, read by hand: every variant Pillow reads (Windows 3.x/V4/V5 and OS/2 1.x headers; 1/4/8-bit palette,
// 16/24/32-bit, bit fields, RLE8 and RLE4), with the pixel data checked against the file length so a truncated
// file is refused instead of labelled from half an image. jimp's decoder read RLE files as black and took the
// size of OS/2 headers from the wrong bytes.
import { type DecodedImage } from './decodedImage';
import { ImageError } from './errors';

const FILE_HEADER_BYTES = 14;
const OS2_V1_HEADER = 12;
const OS2_V2_HEADERS = [16, 64];

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;

export interface BmpHeader {
  readonly width: number;
  readonly height: number;
  /** Rows are stored bottom-up unless the height field is negative. */
  readonly topDown: boolean;
  readonly bitsPerPixel: number;
  readonly compression: number;
  readonly pixelOffset: number;
  readonly dibHeaderSize: number;
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** The header fields; needs only the first 26..54 bytes. Sizes are checked, the pixel data is not. */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  const view = dataView(bytes);
  if (bytes.length < FILE_HEADER_BYTES + 4) throw new ImageError('the BMP file is truncated (its header is incomplete)');
  const dibHeaderSize = view.getUint32(14, true);
  if (bytes.length < FILE_HEADER_BYTES + Math.min(dibHeaderSize, 40)) throw new ImageError('the BMP file is truncated (its header is incomplete)');
  const pixelOffset = view.getUint32(10, true);
  let width: number;
  let rawHeight: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  if (dibHeaderSize === OS2_V1_HEADER) {
    width = view.getUint16(18, true);
    rawHeight = view.getUint16(20, true); // unsigned: OS/2 1.x files are always bottom-up
    bitsPerPixel = view.getUint16(24, true);
  } else if (dibHeaderSize >= 40 || OS2_V2_HEADERS.includes(dibHeaderSize)) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bitsPerPixel = view.getUint16(28, true);
    if (dibHeaderSize >= 20) compression = view.getUint32(30, true);
    if (OS2_V2_HEADERS.includes(dibHeaderSize) && (compression === 3 || compression === 4)) {
      throw new ImageError(`OS/2 2.x BMP with ${compression === 3 ? 'Huffman' : 'RLE24'} compression is not supported; convert it to PNG`);
    }
  } else {
    throw new ImageError(`unsupported BMP header (${dibHeaderSize} bytes); convert the image to PNG`);
  }
  if (width <= 0 || rawHeight === 0) throw new ImageError(`the BMP header gives an empty size (${width} x ${Math.abs(rawHeight)})`);
  return { width, height: Math.abs(rawHeight), topDown: rawHeight < 0, bitsPerPixel, compression, pixelOffset, dibHeaderSize };
}

export function decodeBmp(bytes: Uint8Array): DecodedImage {
  const header = readBmpHeader(bytes);
  const { width, height, bitsPerPixel, compression } = header;
  if (compression === BI_JPEG || compression === BI_PNG) {
    throw new ImageError(`BMP with an embedded ${compression === BI_JPEG ? 'JPEG' : 'PNG'} is not supported; convert it to PNG`);
  }
  if (header.pixelOffset >= bytes.length) throw new ImageError('the BMP file is truncated (no pixel data)');
  const rgb = new Uint8Array(width * height * 3);
  if (compression === BI_RLE8 || compression === BI_RLE4) {
    if ((compression === BI_RLE8 && bitsPerPixel !== 8) || (compression === BI_RLE4 && bitsPerPixel !== 4)) {
      throw new ImageError(`corrupt BMP: RLE${compression === BI_RLE8 ? 8 : 4} compression with ${bitsPerPixel} bits per pixel`);
    }
    const palette = readPalette(bytes, header);
    const indices = decodeRle(bytes, header, compression === BI_RLE4);
    for (let i = 0; i < indices.length; i++) writePaletteColour(rgb, i, palette, indices[i]!);
    return { width, height, rgb, format: 'bmp', bitDepth: 8 };
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new ImageError(`unsupported BMP compression ${compression}; convert the image to PNG`);
  }
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
  const needed = header.pixelOffset + stride * (height - 1) + Math.ceil((width * bitsPerPixel) / 8);
  if (needed > bytes.length) {
    throw new ImageError(`the BMP file is truncated: its ${width} x ${height} pixels need ${needed} bytes, the file has ${bytes.length}`);
  }
  const rowAt = (y: number): number => header.pixelOffset + (header.topDown ? y : height - 1 - y) * stride;
  if (bitsPerPixel <= 8) {
    if (![1, 2, 4, 8].includes(bitsPerPixel)) throw new ImageError(`unsupported BMP bit depth ${bitsPerPixel}`);
    const palette = readPalette(bytes, header);
    const perByte = 8 / bitsPerPixel;
    const mask = (1 << bitsPerPixel) - 1;
    for (let y = 0; y < height; y++) {
      const row = rowAt(y);
      for (let x = 0; x < width; x++) {
        const byte = bytes[row + Math.floor(x / perByte)]!;
        const shift = 8 - bitsPerPixel * ((x % perByte) + 1);
        writePaletteColour(rgb, y * width + x, palette, (byte >> shift) & mask);
      }
    }
  } else if (bitsPerPixel === 24) {
    for (let y = 0; y < height; y++) {
      const row = rowAt(y);
      for (let x = 0, o = y * width * 3; x < width; x++, o += 3) {
        const i = row + x * 3;
        rgb[o] = bytes[i + 2]!;
        rgb[o + 1] = bytes[i + 1]!;
        rgb[o + 2] = bytes[i]!;
      }
    }
  } else if (bitsPerPixel === 16 || bitsPerPixel === 32) {
    const masks = channelMasks(bytes, header);
    const view = dataView(bytes);
    for (let y = 0; y < height; y++) {
      const row = rowAt(y);
      for (let x = 0, o = y * width * 3; x < width; x++, o += 3) {
        const pixel = bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        rgb[o] = masks[0](pixel);
        rgb[o + 1] = masks[1](pixel);
        rgb[o + 2] = masks[2](pixel);
      }
    }
  } else {
    throw new ImageError(`unsupported BMP bit depth ${bitsPerPixel}`);
  }
  return { width, height, rgb, format: 'bmp', bitDepth: 8 };
}

/** Palette entries are B G R (plus a reserved byte, except in OS/2 1.x files), right after the DIB header. */
function readPalette(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  const entryBytes = header.dibHeaderSize === OS2_V1_HEADER ? 3 : 4;
  let start = FILE_HEADER_BYTES + header.dibHeaderSize;
  if (header.dibHeaderSize === 40 && (header.compression === BI_BITFIELDS || header.compression === BI_ALPHABITFIELDS)) start += 12;
  const declared = header.dibHeaderSize >= 40 ? dataView(bytes).getUint32(46, true) : 0;
  const maxEntries = 1 << header.bitsPerPixel;
  const available = Math.floor((Math.min(header.pixelOffset, bytes.length) - start) / entryBytes);
  const count = Math.max(0, Math.min(declared > 0 ? declared : maxEntries, maxEntries, available));
  if (count === 0) throw new ImageError('corrupt BMP: a palette image without a palette');
  const palette = new Uint8Array(maxEntries * 3); // indices past the palette show black
  for (let i = 0; i < count; i++) {
    const at = start + i * entryBytes;
    palette[i * 3] = bytes[at + 2]!;
    palette[i * 3 + 1] = bytes[at + 1]!;
    palette[i * 3 + 2] = bytes[at]!;
  }
  return palette;
}

function writePaletteColour(rgb: Uint8Array, pixel: number, palette: Uint8Array, index: number): void {
  const at = index * 3;
  rgb[pixel * 3] = palette[at] ?? 0;
  rgb[pixel * 3 + 1] = palette[at + 1] ?? 0;
  rgb[pixel * 3 + 2] = palette[at + 2] ?? 0;
}

/**
 * Palette indices, top row first, from RLE8 / RLE4 data. Pixels the stream skips (end-of-line, delta, an early
 * end-of-bitmap) are index 0, as in Pillow; data that stops before end-of-bitmap is a truncated file.
 */
function decodeRle(bytes: Uint8Array, header: BmpHeader, rle4: boolean): Uint8Array {
  const { width, height } = header;
  const indices = new Uint8Array(width * height);
  let x = 0;
  let row = 0; // counted from the bottom (the first row stored)
  let at = header.pixelOffset;
  const put = (value: number): void => {
    if (x < width && row < height) indices[(header.topDown ? row : height - 1 - row) * width + x] = value;
    x++;
  };
  const truncated = (): never => {
    throw new ImageError('the BMP file is truncated (its RLE pixel data ends before the end-of-bitmap mark)');
  };
  while (row < height) {
    if (at + 1 >= bytes.length) truncated();
    const count = bytes[at]!;
    const value = bytes[at + 1]!;
    at += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(rle4 ? (i % 2 === 0 ? value >> 4 : value & 0x0f) : value);
    } else if (value === 0) {
      x = 0;
      row++;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      if (at + 1 >= bytes.length) truncated();
      x += bytes[at]!;
      row += bytes[at + 1]!;
      at += 2;
    } else {
      const dataBytes = rle4 ? Math.ceil(value / 2) : value;
      if (at + dataBytes > bytes.length) truncated();
      for (let i = 0; i < value; i++) put(rle4 ? (i % 2 === 0 ? bytes[at + (i >> 1)]! >> 4 : bytes[at + (i >> 1)]! & 0x0f) : bytes[at + i]!);
      at += dataBytes + (dataBytes % 2); // absolute runs are padded to a 16-bit boundary
    }
  }
  return indices;
}

type ChannelReader = (pixel: number) => number;

/** Red, green and blue readers: from the bit-field masks when present, else the 16-bit 5-5-5 / 32-bit BGRX defaults. */
function channelMasks(bytes: Uint8Array, header: BmpHeader): [ChannelReader, ChannelReader, ChannelReader] {
  let masks: [number, number, number];
  if (header.compression === BI_BITFIELDS || header.compression === BI_ALPHABITFIELDS) {
    const view = dataView(bytes);
    const at = FILE_HEADER_BYTES + 40;
    if (at + 12 > bytes.length) throw new ImageError('the BMP file is truncated (its colour masks are missing)');
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)];
  } else {
    masks = header.bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0x00ff0000, 0x0000ff00, 0x000000ff];
  }
  return [maskReader(masks[0]), maskReader(masks[1]), maskReader(masks[2])];
}

/** Extracts the bits of `mask` and scales them to 0..255, truncating as Pillow's unpackers do (v * 255 / max). */
function maskReader(mask: number): ChannelReader {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (pixel) => Math.floor((((pixel & mask) >>> shift) * 255) / max);
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
