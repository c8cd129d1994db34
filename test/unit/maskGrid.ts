// Small literal grids for the mask tests: one string per row, one character per pixel ('.' = 0, '1'..'9' =
// classes), so every expectation is written out by hand and a failure prints two readable pictures.
import * as assert from 'node:assert/strict';
import type { LabelRaster } from '../../src/mask/types';

export function grid(rows: readonly string[]): LabelRaster {
  const height = rows.length;
  const width = rows[0]!.length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    assert.equal(row.length, width, `row ${y} of the grid has ${row.length} characters, expected ${width}`);
    for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '.' ? 0 : Number(row[x]);
  });
  return { width, height, data };
}

export function rows(raster: LabelRaster): string[] {
  const out: string[] = [];
  for (let y = 0; y < raster.height; y++) {
    let row = '';
    for (let x = 0; x < raster.width; x++) {
      const v = raster.data[y * raster.width + x]!;
      row += v === 0 ? '.' : v < 10 ? String(v) : '#';
    }
    out.push(row);
  }
  return out;
}

export function assertGrid(raster: LabelRaster, expected: readonly string[], message?: string): void {
  assert.deepEqual(rows(raster), expected, message);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so generated cases are the same on every run. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
