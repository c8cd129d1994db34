// Expected masks for the mask editor host tests, written out by hand (not computed by src/mask): the tests paint
// with a 5 px brush (radius 2.5) along one image row, which covers every pixel whose centre lies within 2.5 px
// of the segment between the two pixel centres. Row by row, for a stroke on row y from column x0 to x1:
//   rows y-2 and y+2: columns x0-1 .. x1+1   (sqrt(2.5^2 - 2^2) = 1.5)
//   rows y-1 and y+1: columns x0-2 .. x1+2   (sqrt(2.5^2 - 1^2) = 2.29)
//   row  y:           columns x0-2 .. x1+2
import * as fs from 'node:fs';
import * as path from 'node:path';
import { config } from './context';

export const BRUSH_SIZE = 5;

export interface Stroke {
  readonly row: number;
  readonly from: number;
  readonly to: number;
}

export function paintStroke(mask: Uint8Array, width: number, { row, from, to }: Stroke, value = 1): void {
  const spans: readonly [number, number, number][] = [
    [row - 2, from - 1, to + 1],
    [row - 1, from - 2, to + 2],
    [row, from - 2, to + 2],
    [row + 1, from - 2, to + 2],
    [row + 2, from - 1, to + 1],
  ];
  for (const [y, x0, x1] of spans) mask.fill(value, y * width + x0, y * width + x1 + 1);
}

export function maskWith(width: number, height: number, strokes: readonly Stroke[]): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const stroke of strokes) paintStroke(mask, width, stroke);
  return mask;
}

/** How many pixels differ, and the first one, for a readable failure instead of a megabyte diff. */
export function describeDifference(actual: Uint8Array, expected: Uint8Array, width: number): string {
  let count = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return 'identical';
  return `${count} pixels differ; first at (${first % width}, ${Math.floor(first / width)}): ${actual[first]} instead of ${expected[first]}`;
}

/** What the hot-exit test leaves for its after-reload half. */
export interface RestoreExpectation {
  readonly imagePath: string;
  readonly labelPath: string;
  readonly width: number;
  readonly height: number;
  readonly strokes: readonly Stroke[];
}

const restoreFile = () => path.join(path.dirname(config().reloadRequestPath), 'editor-restore.json');

export function saveRestoreExpectation(expectation: RestoreExpectation): void {
  fs.writeFileSync(restoreFile(), JSON.stringify(expectation));
}

export function loadRestoreExpectation(): RestoreExpectation {
  return JSON.parse(fs.readFileSync(restoreFile(), 'utf8')) as RestoreExpectation;
}
