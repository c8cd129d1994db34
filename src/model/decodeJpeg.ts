// JPEG through jpeg-js, called directly rather than through jimp because jimp turns the pixels by the EXIF
// orientation tag: labels must follow the STORED pixel grid, which is what Pillow (without exif_transpose),
// numpy and training/data.py read. Decoding straight to RGB (not RGBA) and without jimp's copies also cuts the
// peak memory of a large photo by about a third.
import { decode } from 'jpeg-js';
import { type DecodedImage } from './decodedImage';
import { ImageError, messageOf } from './errors';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, pixelLimitError } from './imageHeader';
import { findJpegFrame } from './jpegFrame';

/**
 * jpeg-js counts what it allocates: coefficient blocks (4 bytes per sample, up to 4 components), component
 * rows, its colour-converted copy and the output, at most ~27 bytes per pixel. Its own cap is set above that,
 * so the pixel limit (checked from the header first) is the one that decides, with the same wording as elsewhere.
 */
const JPEG_JS_BYTES_PER_PIXEL = 28;
const JPEG_JS_SLACK_MB = 64;

const SUPPORTED_FRAMES: ReadonlySet<number> = new Set([0xc0, 0xc1, 0xc2]);
const FRAME_NAMES: Readonly<Record<number, string>> = {
  0xc3: 'lossless',
  0xc5: 'hierarchical',
  0xc6: 'hierarchical progressive',
  0xc7: 'hierarchical lossless',
  0xc9: 'arithmetic-coded',
  0xca: 'arithmetic-coded progressive',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded hierarchical',
  0xce: 'arithmetic-coded hierarchical progressive',
  0xcf: 'arithmetic-coded hierarchical lossless',
};

export function decodeJpeg(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): DecodedImage {
  checkFrame(bytes);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * JPEG_JS_BYTES_PER_PIXEL) / 2 ** 20) + JPEG_JS_SLACK_MB,
    });
  } catch (error) {
    throw new ImageError(describeJpegError(messageOf(error), bytes, limits));
  }
  return { width: image.width, height: image.height, rgb: image.data, format: 'jpeg', bitDepth: 8 };
}

/** Refuses the codings jpeg-js cannot decode (it would report an "unknown marker") and 12-bit data. */
function checkFrame(bytes: Uint8Array): void {
  const frame = findJpegFrame(bytes);
  if (!frame) return; // no frame header before the scan: the decoder says what is wrong
  if (!SUPPORTED_FRAMES.has(frame.marker)) {
    throw new ImageError(`${FRAME_NAMES[frame.marker] ?? 'this kind of'} JPEG is not supported (only baseline and progressive); convert it to PNG`);
  }
  if (frame.precision !== 8) throw new ImageError(`${frame.precision}-bit JPEG is not supported (only 8-bit); convert it to PNG or 16-bit TIFF`);
}

function describeJpegError(detail: string, bytes: Uint8Array, limits: ImageLimits): string {
  if (/limit exceeded|Could not allocate/.test(detail)) {
    const size = findJpegFrame(bytes);
    if (size && size.width * size.height > limits.maxPixels) return pixelLimitError(size.width, size.height, limits).message;
    return `not enough memory to decode this ${size ? `${size.width} x ${size.height} ` : ''}JPEG`;
  }
  if (/marker was not found|unknown JPEG marker|unexpected marker|SOI not found|invalid huffman|invalid ACn|Huffman Table|DQT/i.test(detail)) {
    return 'the JPEG data is truncated or corrupt';
  }
  if (/Unsupported color mode \(4 components\)/.test(detail)) return 'CMYK JPEG without an Adobe colour marker is not supported; convert it to RGB';
  if (/Unsupported color mode/.test(detail)) return 'JPEG with an unsupported number of colour components; convert it to RGB';
  if (/only single frame/.test(detail)) return 'JPEG with several frames is not supported; convert it to PNG';
  if (/sampling factor/.test(detail)) return 'the JPEG header is corrupt (invalid sampling factor)';
  return `the JPEG cannot be decoded (${detail})`;
}
