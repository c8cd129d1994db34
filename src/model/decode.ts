// Image bytes -> 8-bit RGB in the STORED pixel grid (EXIF orientation is never applied: labels must line up
// with what Pillow, numpy and training/data.py read). The header is checked first (format, size limit) so
// nothing large is allocated for a file that will be refused; every failure becomes an ImageError whose
// message is a reason a person can act on, not a decoder's internal wording.
import { type DecodedImage } from './decodedImage';
import { decodeBmp } from './decodeBmp';
import { decodeJpeg } from './decodeJpeg';
import { decodePng } from './decodePng';
import { decodeTiff } from './decodeTiff';
import { ImageError, messageOf } from './errors';
import { DEFAULT_IMAGE_LIMITS, FORMAT_NAMES, type ImageFormat, type ImageLimits, readImageHeader } from './imageHeader';

export type { DecodedImage } from './decodedImage';

export async function decodeImage(bytes: Buffer, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const header = readImageHeader(bytes, limits);
  let image: DecodedImage;
  try {
    image = await decodeByFormat(bytes, header.format, limits);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`the ${FORMAT_NAMES[header.format]} file is corrupt or uses a feature that is not supported (${messageOf(error)}); convert it to PNG`);
  }
  if (image.width !== header.width || image.height !== header.height) {
    throw new ImageError(
      `the ${FORMAT_NAMES[header.format]} file is corrupt: it decoded to ${image.width} x ${image.height} but its header says ${header.width} x ${header.height}`,
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
      return decodeJpeg(bytes, limits);
    case 'bmp':
      return decodeBmp(bytes);
    default: {
      const unhandled: never = format;
      throw new ImageError(`unsupported format ${String(unhandled)}`);
    }
  }
}
