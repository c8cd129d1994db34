// Just enough PNG/JPEG header parsing to check label files and image sizes without decoding pixels.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The IHDR of a PNG; throws if `buf` is not a PNG. */
export function pngHeader(buf: Buffer): PngHeader {
  if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG (bad signature)');
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG (first chunk is not IHDR)');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24], colorType: buf[25] };
}

/** Width and height of a PNG or baseline/progressive JPEG. */
export function imageSize(buf: Buffer): { width: number; height: number } {
  if (buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const h = pngHeader(buf);
    return { width: h.width, height: h.height };
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) throw new Error(`JPEG: expected a marker at byte ${i}`);
      const marker = buf[i + 1];
      if (marker === 0xff) { i++; continue; }
      const len = buf.readUInt16BE(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      }
      i += 2 + len;
    }
    throw new Error('JPEG: no SOF marker');
  }
  throw new Error('unsupported image format (PNG and JPEG only)');
}

export const readImageSize = (file: string) => imageSize(fs.readFileSync(file));

/** Pixels of a non-interlaced 8-bit grayscale PNG (colour type 0), checking every chunk is present and sane. */
export function decodeGray8(buf: Buffer): { width: number; height: number; pixels: Uint8Array } {
  const h = pngHeader(buf);
  if (h.bitDepth !== 8 || h.colorType !== 0) throw new Error(`not 8-bit grayscale (depth ${h.bitDepth}, colour type ${h.colorType})`);
  if (buf[28] !== 0) throw new Error('interlaced PNGs are not expected for label files');
  const idat: Buffer[] = [];
  let i = 8;
  let sawEnd = false;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    if (type === 'IDAT') idat.push(buf.subarray(i + 8, i + 8 + len));
    if (type === 'IEND') { sawEnd = true; break; }
    i += 12 + len;
  }
  if (!sawEnd) throw new Error('PNG: no IEND chunk (truncated file?)');
  const raw: Buffer = zlib.inflateSync(Buffer.concat(idat));
  const { width, height } = h;
  if (raw.length !== height * (width + 1)) throw new Error(`PNG: ${raw.length} bytes of pixel data, expected ${height * (width + 1)}`);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    const row = raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1));
    for (let x = 0; x < width; x++) {
      const a = x > 0 ? out[y * width + x - 1] : 0;
      const b = y > 0 ? out[(y - 1) * width + x] : 0;
      const c = x > 0 && y > 0 ? out[(y - 1) * width + x - 1] : 0;
      let p: number;
      switch (filter) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = b; break;
        case 3: p = (a + b) >> 1; break;
        case 4: {
          const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`PNG: bad filter type ${filter} on row ${y}`);
      }
      out[y * width + x] = (row[x] + p) & 0xff;
    }
  }
  return { width, height, pixels: out };
}
