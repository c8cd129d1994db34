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

/** Maps `low..high` linearly onto 0..255 (a flat image maps to 0). */
export function windowTo8Bit(value: number, window: Window16): number {
  const span = window.high - window.low;
  if (span <= 0) return 0;
  const scaled = Math.round(((value - window.low) * 255) / span);
  return scaled < 0 ? 0 : scaled > 255 ? 255 : scaled;
}
