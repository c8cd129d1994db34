// Reads a PNG that must have a known size (a label, a stored probability map) the careful way: a regular file,
// judged by its header (signature and IHDR) before the rest is read, and no larger than any PNG of that size can
// be. A repository's 16384 x 16384 "label" of a few KB is refused from 33 bytes instead of being decoded into
// gigabytes; a 1 GB file named like one is never read.
import { FORMAT_NAMES, parseImageHeader, sniffImageFormat } from '../model/imageHeader';
import { readRegularFile } from './readRegularFile';

/** PNG signature (8 bytes) and the IHDR chunk (25), which holds the size. */
const PNG_HEAD_BYTES = 33;

export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The largest PNG of `size` that is read: 8 bytes a pixel (16-bit RGBA) and a filter byte a row, even
 * uncompressed, 1 % for zlib's stored blocks, and 16 MB for ancillary chunks.
 */
export function maxPngFileBytes(size: PixelSize): number {
  return Math.ceil(size.height * (1 + 8 * size.width) * 1.01) + 16 * 1024 * 1024;
}

/** The file does not hold a PNG of the expected size (it may be one of another size: `found`). */
export class PngSizeError extends Error {
  override readonly name = 'PngSizeError';
  constructor(readonly found: PixelSize) {
    super(`it is ${found.width} x ${found.height}`);
  }
}

/**
 * The bytes of `file`, a PNG of `size`. Errors keep their errno `code` (ENOENT: no such file); a PNG of another
 * size throws PngSizeError; anything else that is not such a PNG throws an Error saying what it is.
 */
export async function readPngOfSize(file: string, size: PixelSize): Promise<Buffer> {
  const check = (head: Buffer): void => {
    const format = sniffImageFormat(head);
    if (format !== 'png') throw new Error(`it is a ${FORMAT_NAMES[format]} file, not a PNG`);
    const header = parseImageHeader(head);
    if (header.width !== size.width || header.height !== size.height) throw new PngSizeError(header);
  };
  return readRegularFile(file, maxPngFileBytes(size), { bytes: PNG_HEAD_BYTES, check });
}
