// PNG through pngjs (the decoder jimp itself uses), asking it to keep 16-bit samples so they can be windowed
// instead of squeezed to the top 8 bits. Palette, grey, grey+alpha and RGBA all arrive as RGBA.
import { PNG } from 'pngjs';
import { type DecodedImage, rgbFromRgba } from './decodedImage';
import { valueRange, windowTo8Bit } from './window16';

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
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4, o += 3) {
    rgb[o] = windowTo8Bit(samples[i]!, window);
    rgb[o + 1] = windowTo8Bit(samples[i + 1]!, window);
    rgb[o + 2] = windowTo8Bit(samples[i + 2]!, window);
  }
  return { width: png.width, height: png.height, rgb, format: 'png', bitDepth: 16, window };
}
