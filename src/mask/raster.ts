// Label rasters and rectangles: creation, copying rectangles in and out, clamping and union.
import type { LabelRaster, Rect } from './types';

export function createRaster(width: number, height: number, fill = 0): LabelRaster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`raster size must be non-negative integers, got ${width} x ${height}`);
  }
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}

export function cloneRaster(raster: LabelRaster): LabelRaster {
  return { width: raster.width, height: raster.height, data: raster.data.slice() };
}

/** The part of `rect` inside a width x height image, or undefined when nothing of it is. */
export function clampRect(rect: Rect, width: number, height: number): Rect | undefined {
  const x0 = Math.max(0, rect.x);
  const y0 = Math.max(0, rect.y);
  const x1 = Math.min(width, rect.x + rect.width);
  const y1 = Math.min(height, rect.y + rect.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The smallest rectangle holding both; an undefined side is "nothing". */
export function unionRect(a: Rect | undefined, b: Rect | undefined): Rect | undefined {
  if (!a) return b;
  if (!b) return a;
  const x0 = Math.min(a.x, b.x);
  const y0 = Math.min(a.y, b.y);
  const x1 = Math.max(a.x + a.width, b.x + b.width);
  const y1 = Math.max(a.y + a.height, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Whether `rect` is a non-empty integer rectangle lying inside the raster. */
export function rectInside(raster: LabelRaster, rect: Rect): boolean {
  const { x, y, width, height } = rect;
  return (
    Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(width) && Number.isInteger(height) &&
    width > 0 && height > 0 && x >= 0 && y >= 0 && x + width <= raster.width && y + height <= raster.height
  );
}

function checkRect(raster: LabelRaster, rect: Rect): void {
  if (!rectInside(raster, rect)) {
    throw new RangeError(
      `rectangle ${rect.x},${rect.y} ${rect.width} x ${rect.height} is not inside the ${raster.width} x ${raster.height} raster`,
    );
  }
}

/** A copy of the rectangle's pixels, row-major (rect.width * rect.height bytes). */
export function readRect(raster: LabelRaster, rect: Rect, out?: Uint8Array): Uint8Array {
  checkRect(raster, rect);
  const { x, y, width, height } = rect;
  const result = out ?? new Uint8Array(width * height);
  if (result.length < width * height) throw new RangeError(`output has ${result.length} bytes, needs ${width * height}`);
  const stride = raster.width;
  if (x === 0 && width === stride) {
    result.set(raster.data.subarray(y * stride, (y + height) * stride));
    return result;
  }
  for (let row = 0; row < height; row++) {
    const start = (y + row) * stride + x;
    result.set(raster.data.subarray(start, start + width), row * width);
  }
  return result;
}

/** Writes rect.width * rect.height row-major bytes into the rectangle. */
export function writeRect(raster: LabelRaster, rect: Rect, data: Uint8Array): void {
  checkRect(raster, rect);
  const { x, y, width, height } = rect;
  if (data.length !== width * height) {
    throw new RangeError(`rectangle ${width} x ${height} needs ${width * height} bytes, got ${data.length}`);
  }
  const stride = raster.width;
  if (x === 0 && width === stride) {
    raster.data.set(data, y * stride);
    return;
  }
  for (let row = 0; row < height; row++) {
    raster.data.set(data.subarray(row * width, (row + 1) * width), (y + row) * stride + x);
  }
}
