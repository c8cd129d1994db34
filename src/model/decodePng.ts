// PNG through pngjs (the decoder jimp itself uses), asking it to keep 16-bit samples so they can be windowed
// instead of squeezed to the top 8 bits. Palette, grey, grey+alpha and RGBA all arrive as RGBA.
import { PNG } from 'pngjs';
import { type DecodedImage, rgbFromRgba } from './decodedImage';
import { RGB_SAMPLES, valueRange, windowedRgb } from './window16';

/** Byte 24 of a PNG is IHDR's bit depth (8-byte signature, 4-byte length, "IHDR", width, height). */
const IHDR_BIT_DEPTH_OFFSET = 24;

export function decodePng(bytes: Buffer): DecodedImage {
  const sixteenBit = bytes[IHDR_BIT_DEPTH_OFFSET] === 16;
  // skipRescale only for 16-bit: for 1/2/4-bit images the rescale to 0..255 is what we want.
  const png = PNG.sync.read(bytes, { skipRescale: sixteenBit });
  const pixels = png.width * png.height;
  if (!sixteenBit) return { width: png.width, height: png.height, rgb: rgbFromRgba(png.data, pixels), format: 'png', bitDepth: 8 };
  const samples = png.data as unknown as Uint16Array; // pngjs returns a Uint16Array when not rescaling 16-bit data
  const window = valueRange(samples, 4, 3);
  const rgb = windowedRgb(samples, pixels, 4, RGB_SAMPLES, window);
  return { width: png.width, height: png.height, rgb, format: 'png', bitDepth: 16, window };
}
