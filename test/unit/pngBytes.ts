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
