// Reads an image's format and size from its first bytes, before any pixel is decoded, so a file that would
// need gigabytes (a 30000 x 30000 PNG is a few hundred bytes of header) is refused with a reason instead.
import { imageSize } from 'image-size';
import { ImageError, messageOf } from './errors';

export type ImageFormat = 'png' | 'jpeg' | 'bmp' | 'tiff';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

export interface ImageLimits {
  /** width x height above which an image is refused (decoding needs ~4 bytes per pixel and more). */
  readonly maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 100_000_000 };

const formatsByImageSizeType: Readonly<Record<string, ImageFormat>> = { png: 'png', jpg: 'jpeg', bmp: 'bmp', tiff: 'tiff' };

export function readImageHeader(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageHeader {
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)');
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch (error) {
    throw new ImageError(unrecognisedReason(bytes, messageOf(error)));
  }
  const format = size.type === undefined ? undefined : formatsByImageSizeType[size.type];
  if (!format) {
    throw new ImageError(`unsupported image format ${size.type ?? 'unknown'} (supported: PNG, JPEG, BMP, TIFF)`);
  }
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw new ImageError(`${format.toUpperCase()} header gives an empty size (${width} x ${height})`);
  if (width * height > limits.maxPixels) {
    const megapixels = (width * height) / 1e6;
    throw new ImageError(
      `image is ${width} x ${height} (${megapixels.toFixed(1)} megapixels), over the ${limits.maxPixels / 1e6}-megapixel limit`,
    );
  }
  return { format, width, height };
}

function unrecognisedReason(bytes: Uint8Array, detail: string): string {
  if (looksLikeText(bytes)) return 'not an image: the file contains text';
  // image-size says "unsupported file type" for unknown signatures and names the format when a known header is cut short.
  if (/unsupported file type/i.test(detail)) return 'not a PNG, JPEG, BMP or TIFF image (unrecognised contents)';
  return `unreadable image header (${detail})`;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  for (const b of sample) {
    const printable = b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128;
    if (!printable) return false;
  }
  return true;
}
