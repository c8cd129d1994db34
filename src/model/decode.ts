// Image bytes -> 8-bit RGB. The header is checked first (format, size limit) so nothing large is allocated for
// a file that will be refused; every failure becomes an ImageError whose message is a reason, not a stack.
import { Jimp } from 'jimp';
import { type DecodedImage, rgbFromRgba } from './decodedImage';
import { decodePng } from './decodePng';
import { decodeTiff } from './decodeTiff';
import { ImageError, messageOf } from './errors';
import { DEFAULT_IMAGE_LIMITS, type ImageFormat, type ImageLimits, readImageHeader } from './imageHeader';

export type { DecodedImage } from './decodedImage';

const formatNames: Readonly<Record<ImageFormat, string>> = { png: 'PNG', jpeg: 'JPEG', bmp: 'BMP', tiff: 'TIFF' };

export async function decodeImage(bytes: Buffer, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const header = readImageHeader(bytes, limits);
  let image: DecodedImage;
  try {
    image = await decodeByFormat(bytes, header.format, limits);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`cannot decode ${formatNames[header.format]}: ${describeDecoderError(messageOf(error))}`);
  }
  // JPEG EXIF orientation may swap the axes (jimp applies it); anything else means the decoder disagreed with the header.
  const sameSize = image.width === header.width && image.height === header.height;
  const rotated = image.width === header.height && image.height === header.width;
  if (!sameSize && !rotated) {
    throw new ImageError(
      `${formatNames[header.format]} decoded to ${image.width} x ${image.height} but its header says ${header.width} x ${header.height}`,
    );
  }
  return image;
}

async function decodeByFormat(bytes: Buffer, format: ImageFormat, limits: ImageLimits): Promise<DecodedImage> {
  switch (format) {
    case 'png':
      return decodePng(bytes);
    case 'tiff':
      return decodeTiff(bytes);
    case 'jpeg':
    case 'bmp': {
      // jpeg-js has its own, lower memory cap (512 MB); our pixel limit is the one that should decide.
      const image = await Jimp.fromBuffer(bytes, {
        'image/jpeg': { maxResolutionInMP: limits.maxPixels / 1e6, maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 8) / 1e6) },
      });
      const { width, height, data } = image.bitmap;
      return { width, height, rgb: rgbFromRgba(data, width * height), format, bitDepth: 8 };
    }
    default: {
      const unhandled: never = format;
      throw new ImageError(`unsupported format ${String(unhandled)}`);
    }
  }
}

/** Decoders report truncation in their own words; say it once, plainly. */
function describeDecoderError(detail: string): string {
  // pngjs: "There are some read requests waitng on finished stream" when the data stops early.
  if (/unexpected end|end of (file|data|input)|out of bounds|offset is outside|premature|read requests wait/i.test(detail)) {
    return `the file is truncated or corrupt (${detail})`;
  }
  return detail || 'corrupt data';
}
