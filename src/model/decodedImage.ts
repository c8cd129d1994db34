// What every decoder produces: 8-bit RGB, interleaved, plus where it came from (for logs and display).
import type { ImageFormat } from './imageHeader';
import type { Window16 } from './window16';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes, R G B per pixel, rows top to bottom. Alpha is dropped. */
  readonly rgb: Uint8Array;
  readonly format: ImageFormat;
  readonly bitDepth: 8 | 16;
  /** For 16-bit sources: the sample range mapped onto 0..255. */
  readonly window?: Window16;
}

/** Drops the alpha channel of RGBA data (the model sees colour only; transparency carries no label). */
export function rgbFromRgba(rgba: ArrayLike<number>, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4, o += 3) {
    rgb[o] = rgba[i]!;
    rgb[o + 1] = rgba[i + 1]!;
    rgb[o + 2] = rgba[i + 2]!;
  }
  return rgb;
}

/**
 * CMYK (0 = no ink) to RGB without colour management, exactly as Pillow's convert('RGB') does, which is what
 * training reads: each channel is (255 - K) - C * (255 - K) / 255, rounded like Pillow's MULDIV255 macro.
 * `samplesPerPixel` may exceed 4 (extra channels such as alpha are skipped).
 */
export function rgbFromCmyk(cmyk: ArrayLike<number>, pixels: number, samplesPerPixel = 4): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += samplesPerPixel, o += 3) {
    const notK = 255 - cmyk[i + 3]!;
    for (let c = 0; c < 3; c++) rgb[o + c] = notK - mulDiv255(cmyk[i + c]!, notK);
  }
  return rgb;
}

/** a * b / 255, rounded the way Pillow's MULDIV255 macro does. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}
