// Bilinear resampling as a separable triangle filter. Upscaling it is plain bilinear interpolation with
// half-pixel centres (PyTorch's align_corners=False); downscaling widens the triangle to the scale factor, as
// PIL's BILINEAR does, so a large photo shrunk to the model's input is averaged rather than aliased.

/** For each output index along one axis: the first source index and the weights of consecutive sources. */
export interface AxisWeights {
  readonly size: number;
  readonly taps: number;
  readonly first: Int32Array;
  /** size * taps weights, zero-padded; the weights of one output sum to 1. */
  readonly weights: Float32Array;
}

export function axisWeights(sourceSize: number, targetSize: number): AxisWeights {
  const scale = sourceSize / targetSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle radius 1, stretched when downscaling
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(targetSize);
  const weights = new Float32Array(targetSize * taps);
  for (let i = 0; i < targetSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(sourceSize - 1, Math.ceil(center + support));
    let total = 0;
    for (let j = lo; j <= hi && j - lo < taps; j++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / filterScale));
      weights[i * taps + (j - lo)] = w;
      total += w;
    }
    // A centre outside the source (edge pixels) keeps only its inside neighbours: renormalise to sum 1.
    if (total > 0) for (let k = 0; k < taps; k++) weights[i * taps + k] /= total;
    else weights[i * taps] = 1;
    first[i] = lo;
  }
  return { size: targetSize, taps, first, weights };
}

/** Where a channel's samples live in a flat array: planar (C x H x W) and interleaved (H x W x C) both fit. */
export interface SampleLayout {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly channelStride: number;
  readonly pixelStride: number;
  readonly rowStride: number;
}

export function planarLayout(width: number, height: number, channels: number): SampleLayout {
  return { width, height, channels, channelStride: width * height, pixelStride: 1, rowStride: width };
}

export function interleavedLayout(width: number, height: number, channels: number): SampleLayout {
  return { width, height, channels, channelStride: 1, pixelStride: channels, rowStride: width * channels };
}

/** First pass: every source row resampled to the target width. Result is planar, channels x height x target width. */
export function resizeRows(source: ArrayLike<number>, layout: SampleLayout, x: AxisWeights): Float32Array {
  const { height, channels, channelStride, pixelStride, rowStride } = layout;
  const out = new Float32Array(channels * height * x.size);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const rowBase = c * channelStride + y * rowStride;
      const outBase = (c * height + y) * x.size;
      for (let i = 0; i < x.size; i++) {
        let sum = 0;
        const start = x.first[i]!;
        const wBase = i * x.taps;
        for (let k = 0; k < x.taps; k++) {
          const w = x.weights[wBase + k]!;
          if (w !== 0) sum += w * source[rowBase + (start + k) * pixelStride]!;
        }
        out[outBase + i] = sum;
      }
    }
  }
  return out;
}

/**
 * Second pass for one output row: blends rows of `rows` (planar, channels x sourceHeight x width, from
 * resizeRows) into `target` (channels x width).
 */
export function blendRow(rows: Float32Array, channels: number, sourceHeight: number, width: number, y: AxisWeights, outputRow: number, target: Float32Array): void {
  target.fill(0, 0, channels * width);
  const start = y.first[outputRow]!;
  const wBase = outputRow * y.taps;
  for (let k = 0; k < y.taps; k++) {
    const w = y.weights[wBase + k]!;
    if (w === 0) continue;
    const sourceRow = start + k;
    for (let c = 0; c < channels; c++) {
      const from = (c * sourceHeight + sourceRow) * width;
      const to = c * width;
      for (let i = 0; i < width; i++) target[to + i] += w * rows[from + i]!;
    }
  }
}

/** Both passes: a planar float image of channels x targetHeight x targetWidth. */
export function resizeBilinear(source: ArrayLike<number>, layout: SampleLayout, targetWidth: number, targetHeight: number): Float32Array {
  const rows = resizeRows(source, layout, axisWeights(layout.width, targetWidth));
  const y = axisWeights(layout.height, targetHeight);
  const out = new Float32Array(layout.channels * targetHeight * targetWidth);
  const row = new Float32Array(layout.channels * targetWidth);
  for (let r = 0; r < targetHeight; r++) {
    blendRow(rows, layout.channels, layout.height, targetWidth, y, r, row);
    for (let c = 0; c < layout.channels; c++) {
      out.set(row.subarray(c * targetWidth, (c + 1) * targetWidth), (c * targetHeight + r) * targetWidth);
    }
  }
  return out;
}
