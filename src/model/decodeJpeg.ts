// JPEG through sharp (libvips with libjpeg-turbo), so the pixels are the ones training sees: Pillow decodes with
// libjpeg-turbo too, and both use its default "fancy" chroma upsampling and integer IDCT. jpeg-js, used before,
// upsampled chroma by repetition and rounded its IDCT differently, which moved the mean Dice of a whole split.
// Labels follow the STORED pixel grid (Pillow without exif_transpose, numpy and training/data.py), so the EXIF
// orientation is never applied (no .rotate()), and embedded ICC profiles are ignored as Pillow's convert('RGB') does.
import type { Sharp } from 'sharp';
import { type DecodedImage, rgbFromCmyk } from './decodedImage';
import { ImageError, messageOf } from './errors';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, pixelLimitError } from './imageHeader';
import { type JpegFrame, findJpegFrame } from './jpegFrame';

type SharpFactory = (typeof import('sharp'))['default'];

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

export async function decodeJpeg(bytes: Buffer, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const frame = checkFrame(bytes);
  const sharp = loadSharp();
  // failOn 'truncated': a file that ends early is refused (Pillow refuses it too); libjpeg's warnings about
  // damaged data inside the scan are tolerated, as Pillow tolerates them.
  const input = sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels, sequentialRead: true, ignoreIcc: true });
  const cmyk = frame?.components === 4;
  try {
    const { data, info } = await (cmyk ? rawCmyk(input) : rawRgb(input)).toBuffer({ resolveWithObject: true });
    const pixels = info.width * info.height;
    if (info.channels !== (cmyk ? 4 : 3) || data.length !== pixels * info.channels) {
      throw new ImageError(`the JPEG decoded to ${info.channels} channels instead of ${cmyk ? 4 : 3}; convert it to PNG`);
    }
    const rgb = cmyk ? rgbFromCmyk(data, pixels) : data;
    return { width: info.width, height: info.height, rgb, format: 'jpeg', bitDepth: 8 };
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(describeJpegError(messageOf(error), frame, limits));
  }
}

/** Grey and colour JPEGs as 8-bit RGB (grey replicated), with no colour management. */
function rawRgb(input: Sharp): Sharp {
  return input.removeAlpha().toColourspace('srgb').raw();
}

/**
 * CMYK and YCCK JPEGs as their CMYK samples (Adobe's inverted storage undone by libjpeg, as Pillow does): a CMYK
 * pipeline keeps libvips from converting through a CMYK ICC profile; rgbFromCmyk then matches Pillow exactly.
 */
function rawCmyk(input: Sharp): Sharp {
  return input.pipelineColourspace('cmyk').toColourspace('cmyk').raw();
}

let sharpFactory: SharpFactory | undefined;

/** sharp loads libvips (a native library): only when the first JPEG is decoded, not in every process that imports this. */
function loadSharp(): SharpFactory {
  if (sharpFactory) return sharpFactory;
  try {
    // The CommonJS entry exports the factory itself (module.exports = sharp), which the type names as `default`.
    sharpFactory = require('sharp') as SharpFactory;
  } catch (error) {
    throw new ImageError(`the JPEG decoder (sharp) cannot be loaded on ${process.platform}-${process.arch}: ${firstLine(messageOf(error))}`);
  }
  sharpFactory.cache(false); // one image at a time: libvips' operation cache would only hold on to decoded images
  return sharpFactory;
}

/** Refuses the codings that libjpeg (Pillow's decoder too) cannot decode, and 12-bit data, before decoding. */
function checkFrame(bytes: Uint8Array): JpegFrame | undefined {
  const frame = findJpegFrame(bytes);
  if (!frame) return undefined; // no frame header before the scan: the decoder says what is wrong
  if (!SUPPORTED_FRAMES.has(frame.marker)) {
    throw new ImageError(`${FRAME_NAMES[frame.marker] ?? 'this kind of'} JPEG is not supported (only baseline and progressive); convert it to PNG`);
  }
  if (frame.precision !== 8) throw new ImageError(`${frame.precision}-bit JPEG is not supported (only 8-bit); convert it to PNG or 16-bit TIFF`);
  if (![1, 3, 4].includes(frame.components)) {
    throw new ImageError(`JPEG with ${frame.components} colour components is not supported (only grey, colour and CMYK); convert it to RGB`);
  }
  return frame;
}

function describeJpegError(detail: string, frame: JpegFrame | undefined, limits: ImageLimits): string {
  if (/exceeds pixel limit/.test(detail) && frame) return pixelLimitError(frame.width, frame.height, limits).message;
  if (/out of memory|Insufficient memory|cannot allocate/i.test(detail)) {
    return `not enough memory to decode this ${frame ? `${frame.width} x ${frame.height} ` : ''}JPEG`;
  }
  // libjpeg's wording, through libvips: "premature end of JPEG image", "Corrupt JPEG data", "Bogus marker
  // length", "Invalid JPEG file structure", "Huffman table 0x.. was not defined", "JPEG datastream contains no image"...
  if (/premature end|corrupt|bogus|invalid|huffman|marker|no image|not a JPEG|quantization table/i.test(detail)) {
    return 'the JPEG data is truncated or corrupt';
  }
  return `the JPEG cannot be decoded (${firstLine(detail)})`;
}

/** libvips repeats each libjpeg message and prefixes its loader's name; the first line says it. */
function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).replace(/^VipsJpeg: /, '').trim();
}
