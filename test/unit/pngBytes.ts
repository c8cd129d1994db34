import { deflateSync } from 'node:zlib';
import { crc32 } from '../../src/mask/labelPng';

// Hand-made PNG bytes for tests: a header-only PNG claiming any size (for the pixel limit), PNGs of any colour
// type and bit depth from raw rows (pngjs cannot write palette or 1-bit files), and a CRC32 so the chunks are
// well-formed (the CRC from the label PNG module; pngjs checks it independently when reading).
export function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Signature + IHDR (8-bit RGB) + IEND: a few dozen bytes that claim width x height pixels. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A PNG from raw scanlines (already packed for the bit depth, no filter byte): filter 0 on every row.
 * `palette` is a list of [r, g, b] entries for colour type 3.
 */
export function pngFromRows(options: {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly rows: readonly (readonly number[])[];
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Split the compressed data over this many IDAT chunks (as some encoders do). */
  readonly idatChunks?: number;
}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(options.width, 0);
  ihdr.writeUInt32BE(options.height, 4);
  ihdr[8] = options.bitDepth;
  ihdr[9] = options.colorType;
  const raw = Buffer.concat(options.rows.map((row) => Buffer.from([0, ...row])));
  const chunks = [chunk('IHDR', ihdr)];
  if (options.palette) chunks.push(chunk('PLTE', Buffer.from(options.palette.flat())));
  const compressed = deflateSync(raw);
  const parts = options.idatChunks ?? 1;
  const size = Math.ceil(compressed.length / parts);
  for (let p = 0; p < parts; p++) chunks.push(chunk('IDAT', compressed.subarray(p * size, (p + 1) * size)));
  chunks.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}
/**
 * A PNG from raw samples, any bit depth and colour type (pngjs cannot write palette or 1/2/4/16-bit images):
 * `samples` holds width x height x channels values, row-major; `palette` is RGB triples for colour type 3.
 */
export function rawPng(options: {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  samples: ArrayLike<number>;
  palette?: readonly (readonly [number, number, number])[];
}): Buffer {
  const { width, height, bitDepth, colorType, samples } = options;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height); // filter byte 0 (None) before each row
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1;
    for (let i = 0; i < width * channels; i++) {
      const v = samples[y * width * channels + i]!;
      if (bitDepth === 16) raw.writeUInt16BE(v, row + i * 2);
      else if (bitDepth === 8) raw[row + i] = v;
      else {
        const bit = i * bitDepth;
        raw[row + (bit >> 3)]! |= v << (8 - bitDepth - (bit & 7));
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const chunks = [chunk('IHDR', ihdr)];
  if (options.palette) chunks.push(chunk('PLTE', Buffer.from(options.palette.flat())));
  chunks.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** The first bytes of a JPEG, BMP or TIFF that claim width x height pixels and hold none (PNG: pngHeaderOnly). */
export function headerOnly(format: 'png' | 'jpeg' | 'bmp' | 'tiff', width: number, height: number): Buffer {
  switch (format) {
    case 'png':
      return pngHeaderOnly(width, height);
    case 'jpeg': {
      const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
      return Buffer.concat([Buffer.from([0xff, 0xd8]), sof]);
    }
    case 'bmp': {
      const bytes = Buffer.alloc(54);
      bytes.write('BM', 0, 'latin1');
      bytes.writeUInt32LE(54, 10);
      bytes.writeUInt32LE(40, 14);
      bytes.writeInt32LE(width, 18);
      bytes.writeInt32LE(height, 22);
      bytes.writeUInt16LE(1, 26);
      bytes.writeUInt16LE(24, 28);
      return bytes;
    }
    case 'tiff': {
      // tag, type (3 SHORT, 4 LONG), value
      const entries: Array<[number, number, number]> = [[256, 4, width], [257, 4, height], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 8], [279, 4, width * height]];
      const bytes = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
      bytes.write('II*\0', 0, 'latin1');
      bytes.writeUInt32LE(8, 4);
      bytes.writeUInt16LE(entries.length, 8);
      entries.forEach(([tag, type, value], i) => {
        const at = 10 + i * 12;
        bytes.writeUInt16LE(tag, at);
        bytes.writeUInt16LE(type, at + 2);
        bytes.writeUInt32LE(1, at + 4);
        if (type === 3) bytes.writeUInt16LE(value, at + 8);
        else bytes.writeUInt32LE(value, at + 8);
      });
      return bytes;
    }
  }
}

/** An 8-bit RGB PNG whose IDAT holds exactly `raw` (filter bytes included), however much or little that is. */
export function pngWithRawData(width: number, height: number, raw: Buffer, interlace = false): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  ihdr[12] = interlace ? 1 : 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
