// Thresholding the model's 8-bit probability map (p x 255) in the editor, without running the model again.

/**
 * The mask of the 'threshold' operation: a pixel whose probability is above `threshold` takes its predicted
 * class (class 1 when `predictedClasses` is null: a one-output sigmoid model), every other pixel background.
 */
export function thresholdMask(
  probability: Uint8Array, predictedClasses: Uint8Array | null, threshold: number, out?: Uint8Array,
): Uint8Array {
  if (predictedClasses && predictedClasses.length !== probability.length) {
    throw new RangeError(`predicted classes have ${predictedClasses.length} pixels, the probability map ${probability.length}`);
  }
  const mask = out ?? new Uint8Array(probability.length);
  if (mask.length !== probability.length) throw new RangeError(`output has ${mask.length} pixels, expected ${probability.length}`);
  if (predictedClasses) {
    for (let i = 0; i < probability.length; i++) mask[i] = probability[i]! > threshold ? predictedClasses[i]! : 0;
  } else {
    for (let i = 0; i < probability.length; i++) mask[i] = probability[i]! > threshold ? 1 : 0;
  }
  return mask;
}

/** 1 where low < probability < high (the pixels the model is unsure about), else 0: for display. */
export function uncertainBand(probability: Uint8Array, low: number, high: number, out?: Uint8Array): Uint8Array {
  const band = out ?? new Uint8Array(probability.length);
  if (band.length !== probability.length) throw new RangeError(`output has ${band.length} pixels, expected ${probability.length}`);
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i]!;
    band[i] = p > low && p < high ? 1 : 0;
  }
  return band;
}
