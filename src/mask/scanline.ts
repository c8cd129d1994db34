// Scanline flood fill without recursion, shared by the fill tool and the connected-component clean-ups.
// A span is pushed as its first pixel, grown left and right along its row, then the rows above and below are
// scanned for runs to continue from: every pixel is examined a bounded number of times (linear time), and the
// only memory is a reusable stack, span list and visited bitset that grow to the largest image seen.
import type { LabelRaster } from './types';

/** Which pixels belong to the region: equal to the value, different from it, or any non-zero class. */
export const MATCH_EQUAL = 0;
export const MATCH_NOT_EQUAL = 1;
export const MATCH_NON_ZERO = 2;
export type Match = typeof MATCH_EQUAL | typeof MATCH_NOT_EQUAL | typeof MATCH_NON_ZERO;

let stack = new Int32Array(1024);
let spans = new Int32Array(3 * 1024);
let spanCount = 0;
let visited = new Uint32Array(0);

/** A cleared visited bitset with at least `pixels` bits (one bit per pixel: 16 MiB for 134 megapixels). */
export function clearedVisited(pixels: number): Uint32Array {
  const words = (pixels + 31) >>> 5;
  if (visited.length < words) visited = new Uint32Array(words);
  else visited.fill(0, 0, words);
  return visited;
}

export function isVisited(bits: Uint32Array, k: number): boolean {
  return ((bits[k >>> 5]! >>> (k & 31)) & 1) === 1;
}

function markVisited(bits: Uint32Array, from: number, to: number): void {
  for (let k = from; k <= to; k++) bits[k >>> 5]! |= 1 << (k & 31);
}

/** The spans of the last flood that recorded them: (row, first column, last column) triples. */
export function lastSpans(): { readonly spans: Int32Array; readonly count: number } {
  return { spans, count: spanCount };
}

// Which class values belong to the region (1) for the flood in progress: a table lookup per pixel instead of
// a branch on the match kind.
const matches = new Uint8Array(256);

function setMatches(match: Match, value: number): void {
  for (let v = 0; v < 256; v++) {
    matches[v] = (match === MATCH_EQUAL ? v === value : match === MATCH_NOT_EQUAL ? v !== value : v !== 0) ? 1 : 0;
  }
}

export interface FloodOptions {
  readonly match: Match;
  readonly value: number;
  /** 8-connected (diagonal neighbours join) instead of 4-connected. */
  readonly diagonal: boolean;
  /** Pixels already taken; marked as the flood goes. Without it `paint` must make pixels stop matching. */
  readonly visited: Uint32Array | null;
  /** Class written over the region, or -1 to leave the pixels as they are. */
  readonly paint: number;
  /** Whether to record the spans (read with lastSpans) so the region can be revisited. */
  readonly recordSpans: boolean;
}

/** Floods the region holding pixel `seed`; returns its area in pixels (0 when the seed does not match). */
export function flood(raster: LabelRaster, seed: number, options: FloodOptions): number {
  const { width, height, data } = raster;
  const { visited: bits, paint, recordSpans } = options;
  const reach = options.diagonal ? 1 : 0;
  setMatches(options.match, options.value);
  const table = matches;
  // A pixel is in the region when its class matches and (with a bitset) it was not taken yet.
  const free = (k: number): boolean => table[data[k]!] === 1 && (bits === null || (bits[k >>> 5]! & (1 << (k & 31))) === 0);
  if (recordSpans) spanCount = 0;
  let sp = 0;
  stack[sp++] = seed;
  let area = 0;
  while (sp > 0) {
    const k = stack[--sp]!;
    if (!free(k)) continue;
    const y = (k / width) | 0;
    const rowStart = y * width;
    let left = k;
    while (left > rowStart && free(left - 1)) left--;
    let right = k;
    const rowEnd = rowStart + width - 1;
    while (right < rowEnd && free(right + 1)) right++;
    if (paint >= 0) data.fill(paint, left, right + 1);
    if (bits !== null) markVisited(bits, left, right);
    area += right - left + 1;
    if (recordSpans) {
      if (spanCount * 3 + 3 > spans.length) {
        const grown = new Int32Array(spans.length * 2);
        grown.set(spans);
        spans = grown;
      }
      spans[spanCount * 3] = y;
      spans[spanCount * 3 + 1] = left - rowStart;
      spans[spanCount * 3 + 2] = right - rowStart;
      spanCount++;
    }
    const x0 = Math.max(0, left - rowStart - reach);
    const x1 = Math.min(width - 1, right - rowStart + reach);
    for (let ny = y - 1; ny <= y + 1; ny += 2) {
      if (ny < 0 || ny >= height) continue;
      const base = ny * width;
      let inRun = false;
      for (let x = x0; x <= x1; x++) {
        const here = free(base + x);
        if (here && !inRun) {
          if (sp === stack.length) {
            const grown = new Int32Array(stack.length * 2);
            grown.set(stack);
            stack = grown;
          }
          stack[sp++] = base + x;
        }
        inRun = here;
      }
    }
  }
  return area;
}
