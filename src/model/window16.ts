// 16-bit samples to 8-bit for the model, windowed to the image's own value range. Scaling 0..65535 to 0..255
// (what jimp and pngjs do) turns a 12-bit scan stored in 16 bits into a nearly black image.

export interface Window16 {
  readonly low: number;
  readonly high: number;
}

/** The smallest and largest sample, over the given sample positions (all colour channels share one window). */
export function valueRange(samples: ArrayLike<number>, stride: number, channels: number): Window16 {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < samples.length; i += stride) {
    for (let c = 0; c < channels; c++) {
      const v = samples[i + c]!;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? { low, high } : { low: 0, high: 0 };
}

/** Where a pixel's red, green and blue are among its samples: RGB(A) data, or one grey sample shown as all three. */
export const RGB_SAMPLES: readonly [number, number, number] = [0, 1, 2];
export const GREY_SAMPLES: readonly [number, number, number] = [0, 0, 0];

/**
 * 8-bit RGB from 16-bit samples, `stride` samples per pixel, each windowed; `invert` shows the result as a
 * negative (TIFF's white-is-zero grey).
 */
export function windowedRgb(
  samples: ArrayLike<number>,
  pixels: number,
  stride: number,
  sampleOf: readonly [number, number, number],
  window: Window16,
  invert = false,
): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += stride, o += 3) {
    for (let c = 0; c < 3; c++) {
      const v = windowTo8Bit(samples[i + sampleOf[c]!]!, window);
      rgb[o + c] = invert ? 255 - v : v;
    }
  }
  return rgb;
}

/** Maps `low..high` linearly onto 0..255 (a flat image maps to 0). */
export function windowTo8Bit(value: number, window: Window16): number {
  const span = window.high - window.low;
  if (span <= 0) return 0;
  const scaled = Math.round(((value - window.low) * 255) / span);
  return scaled < 0 ? 0 : scaled > 255 ? 255 : scaled;
}
