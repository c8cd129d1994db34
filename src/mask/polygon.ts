// Polygon / lasso fill: every pixel whose centre lies inside the closed polygon by the even-odd rule.
// A centre exactly on an edge follows the usual top-left rule (inside on left and top edges, outside on right
// and bottom ones), so two polygons sharing an edge never both take a pixel. Edge table + active edges:
// cost is the polygon's rows times the edges crossing each row, plus the fill.
import { ActiveRows } from './activeRows';
import { ChangeBox } from './changeBox';
import type { LabelRaster, Rect } from './types';

/** The pixels whose centres the polygon can contain, clamped to the image; undefined when none. */
export function polygonBounds(points: readonly number[], width: number, height: number): Rect | undefined {
  if (points.length < 6) return undefined;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let p = 0; p + 1 < points.length; p += 2) {
    minX = Math.min(minX, points[p]!);
    maxX = Math.max(maxX, points[p]!);
    minY = Math.min(minY, points[p + 1]!);
    maxY = Math.max(maxY, points[p + 1]!);
  }
  const x = Math.max(0, Math.ceil(minX - 0.5));
  const y = Math.max(0, Math.ceil(minY - 0.5));
  const xEnd = Math.min(width - 1, Math.ceil(maxX - 0.5) - 1);
  const yEnd = Math.min(height - 1, Math.ceil(maxY - 0.5) - 1);
  if (!(x <= xEnd && y <= yEnd)) return undefined;
  return { x, y, width: xEnd - x + 1, height: yEnd - y + 1 };
}

/** Fills the polygon with `classIndex`; returns the bounding rectangle of changed pixels, undefined if none. */
export function fillPolygon(raster: LabelRaster, points: readonly number[], classIndex: number): Rect | undefined {
  const { width, height, data } = raster;
  const bounds = polygonBounds(points, width, height);
  if (!bounds) return undefined;
  const n = points.length >> 1;
  const top = bounds.y;
  const rows = bounds.height;
  // Edge e runs from vertex e to vertex e+1 and crosses the rows firstRow[e] .. lastRow[e] (centres in [ymin, ymax)).
  const firstRow = new Int32Array(n);
  const lastRow = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const ya = points[2 * e + 1]!;
    const yb = points[(2 * e + 3) % (2 * n)]!;
    firstRow[e] = Math.max(top, Math.ceil(Math.min(ya, yb) - 0.5));
    lastRow[e] = Math.min(top + rows - 1, Math.ceil(Math.max(ya, yb) - 0.5) - 1);
  }
  const edges = new ActiveRows(firstRow, lastRow, top, top + rows - 1);
  const crossings = new Float64Array(n);
  const changes = new ChangeBox();
  for (let j = top; j < top + rows; j++) {
    const count = edges.advance(j);
    const cy = j + 0.5;
    for (let a = 0; a < count; a++) {
      const e = edges.active[a]!;
      const xa = points[2 * e]!;
      const ya = points[2 * e + 1]!;
      const xb = points[(2 * e + 2) % (2 * n)]!;
      const yb = points[(2 * e + 3) % (2 * n)]!;
      crossings[a] = xa + ((cy - ya) * (xb - xa)) / (yb - ya);
    }
    const row = crossings.subarray(0, count).sort();
    const base = j * width;
    for (let c = 0; c + 1 < count; c += 2) {
      // Centre i + 0.5 in [left, right).
      const a = Math.max(0, Math.ceil(row[c]! - 0.5));
      const b = Math.min(width - 1, Math.ceil(row[c + 1]! - 0.5) - 1);
      if (a <= b) changes.paintRun(data, base, a, b, j, classIndex);
    }
  }
  return changes.rect();
}
