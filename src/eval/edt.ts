// Exact squared Euclidean distance transform of a binary image (Felzenszwalb & Huttenlocher, "Distance
// Transforms of Sampled Functions", 2012): a per-column nearest-feature scan, then per row the lower envelope
// of parabolas. Linear in the pixel count; every value is an integer, so the result is exact, not approximated.
// Environment-neutral: no `vscode`, no DOM, no Node built-ins.

/**
 * For each pixel of a width x height raster (row-major), the squared distance to the nearest pixel where
 * `isFeature` is non-zero; Infinity everywhere when there is no feature pixel at all.
 */
export function squaredDistanceTransform(isFeature: Uint8Array, width: number, height: number): Float64Array {
  if (isFeature.length !== width * height) throw new Error(`expected ${width} x ${height} pixels, got ${isFeature.length}`);
  const out = new Float64Array(width * height);
  columnPass(isFeature, width, height, out);
  rowPass(out, width, height);
  return out;
}

/** out[y][x] = (rows to the nearest feature in column x)^2, or Infinity when the column has none. */
function columnPass(isFeature: Uint8Array, width: number, height: number, out: Float64Array): void {
  for (let x = 0; x < width; x++) {
    let last = -1; // row of the last feature seen going down
    for (let y = 0; y < height; y++) {
      const i = y * width + x;
      if (isFeature[i] !== 0) last = y;
      out[i] = last < 0 ? Infinity : y - last;
    }
    last = -1;
    for (let y = height - 1; y >= 0; y--) {
      const i = y * width + x;
      if (isFeature[i] !== 0) last = y;
      const up = out[i]!;
      const down = last < 0 ? Infinity : last - y;
      const d = up < down ? up : down;
      out[i] = d * d;
    }
  }
}

/** Replaces each row f by d(x) = min over x' of (x - x')^2 + f(x'), over the sites where f is finite. */
function rowPass(values: Float64Array, width: number, height: number): void {
  const f = new Float64Array(width);
  const sites = new Int32Array(width); // abscissae of the parabolas in the lower envelope
  const bounds = new Float64Array(width + 1); // bounds[k] .. bounds[k + 1]: where parabola k is lowest
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = values[row + x]!;
    let k = -1;
    for (let q = 0; q < width; q++) {
      const fq = f[q]!;
      if (fq === Infinity) continue; // no feature in this column: contributes no parabola
      if (k < 0) {
        k = 0;
        sites[0] = q;
        bounds[0] = -Infinity;
        bounds[1] = Infinity;
        continue;
      }
      // bounds[0] is -Infinity, so this stops at k = 0 at the latest.
      let s = intersection(f, sites[k]!, q);
      while (s <= bounds[k]!) {
        k--;
        s = intersection(f, sites[k]!, q);
      }
      k++;
      sites[k] = q;
      bounds[k] = s;
      bounds[k + 1] = Infinity;
    }
    if (k < 0) continue; // the whole row stays Infinity
    let j = 0;
    for (let x = 0; x < width; x++) {
      while (bounds[j + 1]! < x) j++;
      const dx = x - sites[j]!;
      values[row + x] = dx * dx + f[sites[j]!]!;
    }
  }
}

/** Abscissa where the parabolas rooted at sites p < q meet. */
function intersection(f: Float64Array, p: number, q: number): number {
  return (f[q]! + q * q - (f[p]! + p * p)) / (2 * (q - p));
}
