// The round brush's size steps and its outline as the mask module paints it (src/mask/brush.ts): every pixel
// whose centre lies within size / 2 of the centre, which snapBrushPoint puts on a pixel centre for odd sizes
// (size 1 = exactly one pixel) and on a pixel corner for even sizes (size 2 = a 2 x 2 block), so the footprint
// has the same symmetric shape wherever the pointer is.

export const MIN_BRUSH_SIZE = 1;
export const MAX_BRUSH_SIZE = 2048;

/** Brush sizes stepped through by the bigger / smaller actions (diameters in image pixels). */
const SIZE_STEPS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1280, 1536, 2048];

export function brushRadius(size: number): number {
  return size / 2;
}

export function clampBrushSize(size: number): number {
  if (!Number.isFinite(size)) return MIN_BRUSH_SIZE;
  return Math.min(MAX_BRUSH_SIZE, Math.max(MIN_BRUSH_SIZE, Math.round(size)));
}

/** The next size up (direction 1) or down (-1) from `size` in SIZE_STEPS. */
export function stepBrushSize(size: number, direction: 1 | -1): number {
  if (direction > 0) return SIZE_STEPS.find((s) => s > size) ?? MAX_BRUSH_SIZE;
  for (let i = SIZE_STEPS.length - 1; i >= 0; i--) if (SIZE_STEPS[i]! < size) return SIZE_STEPS[i]!;
  return MIN_BRUSH_SIZE;
}

/**
 * Outline of the footprint (pixel edges, a staircase) relative to the snapped centre, as a closed polygon of
 * x, y pairs: down the right side row by row, then up the left side. Computed once per size, drawn per frame.
 */
export function footprintOutline(size: number): Float64Array {
  const r = brushRadius(size);
  const rows: number[] = [];
  // Offsets of pixel centres from the brush centre: integers for odd sizes, half-integers for even sizes.
  const first = size % 2 === 1 ? -Math.floor(r) : -r + 0.5;
  for (let dy = first; dy <= -first; dy++) {
    const reach = Math.sqrt(Math.max(0, r * r - dy * dy));
    // Largest centre offset |dx| on this row's lattice within the radius.
    const half = size % 2 === 1 ? Math.floor(reach) : Math.floor(reach - 0.5) + 0.5;
    if (half >= 0) rows.push(dy, half + 0.5);
  }
  const out = new Float64Array(rows.length * 4);
  let k = 0;
  for (let i = 0; i < rows.length; i += 2) {
    const dy = rows[i]!;
    const edge = rows[i + 1]!;
    out[k++] = edge;
    out[k++] = dy - 0.5;
    out[k++] = edge;
    out[k++] = dy + 0.5;
  }
  for (let i = rows.length - 2; i >= 0; i -= 2) {
    const dy = rows[i]!;
    const edge = rows[i + 1]!;
    out[k++] = -edge;
    out[k++] = dy + 0.5;
    out[k++] = -edge;
    out[k++] = dy - 0.5;
  }
  return out;
}
