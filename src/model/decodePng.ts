// PNG through pngjs (the decoder jimp itself uses), asking it to keep 16-bit samples so they can be windowed
// instead of squeezed to the top 8 bits. Palette, grey, grey+alpha and RGBA all arrive as RGBA.
// pngjs fills missing image data with zeros and inflates interlaced data without a bound, so the chunk layout
// and the inflated length are checked first (streaming, nothing kept): a truncated or padded-out file is
// refused instead of labelled, and a decompression bomb costs no memory.
import { PNG } from 'pngjs';
import { createInflate } from 'node:zlib';
import { type DecodedImage, rgbFromRgba } from './decodedImage';
import { ImageError, messageOf } from './errors';
import { RGB_SAMPLES, valueRange, windowedRgb } from './window16';

const SIGNATURE_BYTES = 8;
/** Channels per PNG colour type, and the bit depths each allows. */
const COLOUR_TYPES: Readonly<Record<number, { channels: number; depths: readonly number[] }>> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
];

export async function decodePng(bytes: Buffer): Promise<DecodedImage> {
  const layout = readChunkLayout(bytes);
  const inflated = await inflatedLength(layout.idat, layout.expectedBytes + 1);
  if (inflated < layout.expectedBytes) {
    throw new ImageError(`the PNG file is truncated or corrupt: its image data holds ${inflated} of the ${layout.expectedBytes} bytes its header needs`);
  }
  if (inflated > layout.expectedBytes) {
    throw new ImageError(`the PNG file is corrupt: its image data is longer than its header says (${layout.expectedBytes} bytes)`);
  }
  let png: PNG;
  try {
    // skipRescale only for 16-bit: for 1/2/4-bit images the rescale to 0..255 is what we want.
    png = PNG.sync.read(bytes, { skipRescale: layout.bitDepth === 16 });
  } catch (error) {
    const detail = messageOf(error);
    throw new ImageError(/crc/i.test(detail) ? 'the PNG file is corrupt (a chunk checksum does not match)' : `the PNG file is corrupt (${detail})`);
  }
  const pixels = png.width * png.height;
  if (layout.bitDepth !== 16) return { width: png.width, height: png.height, rgb: rgbFromRgba(png.data, pixels), format: 'png', bitDepth: 8 };
  const samples = png.data as unknown as Uint16Array; // pngjs returns a Uint16Array when not rescaling 16-bit data
  const window = valueRange(samples, 4, 3);
  const rgb = windowedRgb(samples, pixels, 4, RGB_SAMPLES, window);
  return { width: png.width, height: png.height, rgb, format: 'png', bitDepth: 16, window };
}

interface ChunkLayout {
  readonly bitDepth: number;
  readonly idat: readonly Uint8Array[];
  /** Bytes the image data must inflate to: filter byte + packed samples per row (per Adam7 pass if interlaced). */
  readonly expectedBytes: number;
}

function readChunkLayout(bytes: Buffer): ChunkLayout {
  const truncated = (where: string): never => {
    throw new ImageError(`the PNG file is truncated (it ends inside ${where})`);
  };
  let at = SIGNATURE_BYTES;
  let ihdr: Buffer | undefined;
  const idat: Uint8Array[] = [];
  for (;;) {
    if (at + 8 > bytes.length) truncated(ihdr ? 'the image data; no IEND chunk' : 'the header');
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const dataStart = at + 8;
    if (dataStart + length + 4 > bytes.length) truncated(`its ${type.replace(/[^A-Za-z]/g, '?')} chunk`);
    const data = bytes.subarray(dataStart, dataStart + length);
    if (!ihdr) {
      if (type !== 'IHDR' || length !== 13) throw new ImageError('the PNG file is corrupt (it does not start with an IHDR chunk)');
      ihdr = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    at = dataStart + length + 4;
  }
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colourType = COLOUR_TYPES[ihdr[9]!];
  if (!colourType || !colourType.depths.includes(bitDepth)) {
    throw new ImageError(`the PNG header is invalid (colour type ${ihdr[9]} with bit depth ${bitDepth})`);
  }
  if (idat.length === 0) throw new ImageError('the PNG file has no image data (no IDAT chunk)');
  const bitsPerPixel = colourType.channels * bitDepth;
  const rowBytes = (w: number): number => (w === 0 ? 0 : Math.ceil((w * bitsPerPixel) / 8) + 1);
  let expectedBytes = 0;
  if (ihdr[12] === 1) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((width - x0) / dx);
      const h = Math.ceil((height - y0) / dy);
      if (w > 0 && h > 0) expectedBytes += rowBytes(w) * h;
    }
  } else {
    expectedBytes = rowBytes(width) * height;
  }
  return { bitDepth, idat, expectedBytes };
}

/** Inflates the zlib stream, counting bytes and keeping none; stops as soon as `enough` is reached. */
function inflatedLength(chunks: readonly Uint8Array[], enough: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflate();
    let total = 0;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      inflate.destroy();
      resolve(total);
    };
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total >= enough) finish();
    });
    inflate.on('end', finish);
    inflate.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      // Data that stops early ("unexpected end of file") is a truncated file; anything else is corrupt.
      reject(new ImageError(error.code === 'Z_BUF_ERROR'
        ? 'the PNG file is truncated (its compressed image data stops early)'
        : `the PNG file is corrupt (its compressed image data is invalid: ${error.message})`));
    });
    for (const chunk of chunks) inflate.write(chunk);
    inflate.end();
  });
}
