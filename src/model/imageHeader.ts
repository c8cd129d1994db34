// Reads an image's format and size from its first bytes, before any pixel is decoded, so a file that would
// need gigabytes (a 30000 x 30000 PNG is a few hundred bytes of header) is refused with a reason instead.
// Sizes are the STORED pixel grid: EXIF orientation is never applied (see decodeJpeg.ts).
import { imageSize } from 'image-size';
import { isBmp, readBmpHeader } from './decodeBmp';
import { ImageError, messageOf } from './errors';
import { findJpegFrame } from './jpegFrame';

export type ImageFormat = 'png' | 'jpeg' | 'bmp' | 'tiff';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** PNG only: bits per sample (IHDR), e.g. 16 for the 16-bit scans browsers cut to their top 8 bits. */
  readonly bitDepth?: number;
}

export interface ImageLimits {
  /** width x height above which an image is refused (decoding needs ~4 bytes per pixel and more). */
  readonly maxPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxPixels: 100_000_000 };

export const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = { png: 'PNG', jpeg: 'JPEG', bmp: 'BMP', tiff: 'TIFF' };

const formatsByImageSizeType: Readonly<Record<string, ImageFormat>> = { png: 'png', jpg: 'jpeg', bmp: 'bmp', tiff: 'tiff' };

/** The format from the file's signature (first 2..8 bytes), or an ImageError saying what the file is instead. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)');
  const starts = (...signature: number[]): boolean => signature.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (isBmp(bytes)) return 'bmp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (bytes.length < 8 && (starts(0x89, 0x50) || starts(0xff, 0xd8) || starts(0x49, 0x49) || starts(0x4d, 0x4d))) {
    throw new ImageError(`the file is only ${bytes.length} bytes: truncated before the end of its header`);
  }
  let other: string | undefined;
  try {
    other = imageSize(bytes).type;
  } catch {
    // not a format image-size knows either
  }
  // TGA has no signature: image-size guesses it for plain zeros and many non-images.
  if (other !== undefined && other !== 'tga') throw new ImageError(`unsupported image format ${other.toUpperCase()} (supported: PNG, JPEG, BMP, TIFF); convert it to PNG`);
  if (looksLikeText(bytes)) throw new ImageError('not an image: the file contains text');
  throw new ImageError('not a PNG, JPEG, BMP or TIFF image (unrecognised contents)');
}

/** Format and stored size, without the limit check. Throws ImageError when the header is unreadable. */
export function parseImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffImageFormat(bytes);
  if (format === 'bmp') {
    const bmp = readBmpHeader(bytes);
    return { format, width: bmp.width, height: bmp.height };
  }
  if (format === 'jpeg') {
    const frame = findJpegFrame(bytes);
    if (!frame) throw new ImageError('the JPEG file is truncated or corrupt (its frame header cannot be found)');
    if (!(frame.width > 0 && frame.height > 0)) throw new ImageError(`JPEG header gives an empty size (${frame.width} x ${frame.height})`);
    return { format, width: frame.width, height: frame.height };
  }
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch (error) {
    throw new ImageError(`the ${FORMAT_NAMES[format]} file is truncated or corrupt (its header cannot be read: ${messageOf(error)})`);
  }
  if (size.type === undefined || formatsByImageSizeType[size.type] !== format) {
    throw new ImageError(`the ${FORMAT_NAMES[format]} file is corrupt (its header cannot be read)`);
  }
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw new ImageError(`${FORMAT_NAMES[format]} header gives an empty size (${width} x ${height})`);
  // IHDR is the first chunk (image-size checked it): its bit depth is byte 24.
  return format === 'png' ? { format, width, height, bitDepth: bytes[24]! } : { format, width, height };
}

/** The one pixel limit every decoder honours, and its one wording. */
export function checkPixelLimit(width: number, height: number, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): void {
  if (width * height > limits.maxPixels) throw pixelLimitError(width, height, limits);
}

export function pixelLimitError(width: number, height: number, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageError {
  const megapixels = (width * height) / 1e6;
  return new ImageError(
    `image is ${width} x ${height} (${megapixels.toFixed(1)} megapixels), over the ${limits.maxPixels / 1e6}-megapixel limit; ` +
      'downscale it or split it into tiles',
  );
}

export function readImageHeader(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageHeader {
  const header = parseImageHeader(bytes);
  checkPixelLimit(header.width, header.height, limits);
  return header;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  for (const b of sample) {
    const printable = b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128;
    if (!printable) return false;
  }
  return true;
}
