// Hand-made image bytes for tests: header-only files claiming any size (for the pixel limit), with a CRC32 so PNG
// chunks are well-formed. Node 20 has no zlib.crc32.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
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
