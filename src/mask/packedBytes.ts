// Compact storage for the pixels an edit replaced and wrote, so that undo history does not keep two full copies
// of the mask per whole-image edit (a threshold or clean-up at 8000 x 6000 would hold 96 MB). Masks are long runs
// of one class, so a run-length form is usually thousands of times smaller; bytes that do not compress (noise)
// stay as they are. Written here rather than taken from a library: it is twenty lines, needs no Node built-ins
// (the webview shares src/mask), and undo decodes straight into the mask without a temporary copy.
import { rectInside } from './raster';
import type { LabelRaster, RasterPatch, Rect } from './types';

/** Bytes kept as they are, or as runs: each entry is (run length << 8) | value, read in order. */
export type PackedBytes =
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }
  | { readonly kind: 'runs'; readonly runs: Uint32Array; readonly length: number };

/** Longest run one entry holds (24 bits of length); longer runs take several entries. */
const MAX_RUN = 0xffffff;

/** Below this many bytes packing saves too little to be worth a pass. */
const PACK_FROM_BYTES = 4096;

/** `bytes` in the smaller of the two forms. Keeps a reference to `bytes` when they stay raw: do not change them. */
export function packBytes(bytes: Uint8Array): PackedBytes {
  const raw: PackedBytes = { kind: 'raw', bytes };
  if (bytes.length < PACK_FROM_BYTES) return raw;
  // Raw costs bytes.length; runs cost 4 bytes each, so give up once they could not win. One pass, into a
  // buffer that grows by doubling (masks seldom need more than its first size).
  const limit = bytes.length >>> 2;
  let runs = new Uint32Array(Math.min(limit, 1024));
  let count = 0;
  for (let i = 0; i < bytes.length; count++) {
    if (count === runs.length) {
      if (count >= limit) return raw;
      const grown = new Uint32Array(Math.min(limit, 2 * count));
      grown.set(runs);
      runs = grown;
    }
    const value = bytes[i]!;
    const start = i;
    const end = Math.min(bytes.length, i + MAX_RUN);
    i++;
    while (i < end && bytes[i] === value) i++;
    runs[count] = ((i - start) << 8 | value) >>> 0;
  }
  return { kind: 'runs', runs: runs.slice(0, count), length: bytes.length };
}

/** How many bytes the packed form occupies. */
export function packedByteLength(packed: PackedBytes): number {
  return packed.kind === 'raw' ? packed.bytes.byteLength : packed.runs.byteLength;
}

/** The bytes back (a new array for runs; the kept array itself when raw). */
export function unpackBytes(packed: PackedBytes): Uint8Array {
  if (packed.kind === 'raw') return packed.bytes;
  const out = new Uint8Array(packed.length);
  let at = 0;
  for (const run of packed.runs) {
    const length = run >>> 8;
    out.fill(run & 0xff, at, at + length);
    at += length;
  }
  return out;
}

/** Writes packed bytes (row-major, rect.width per row) into `rect` of `raster`, without unpacking them first. */
export function writePackedRect(raster: LabelRaster, rect: Rect, packed: PackedBytes): void {
  const length = packed.kind === 'raw' ? packed.bytes.length : packed.length;
  if (!rectInside(raster, rect) || length !== rect.width * rect.height) {
    throw new RangeError(`${length} packed bytes do not fit rectangle ${rect.x},${rect.y} ${rect.width} x ${rect.height} of the ${raster.width} x ${raster.height} raster`);
  }
  const { data, width: stride } = raster;
  if (packed.kind === 'raw') {
    for (let row = 0; row < rect.height; row++) {
      data.set(packed.bytes.subarray(row * rect.width, (row + 1) * rect.width), (rect.y + row) * stride + rect.x);
    }
    return;
  }
  let row = 0;
  let column = 0;
  for (const run of packed.runs) {
    const value = run & 0xff;
    let left = run >>> 8;
    while (left > 0) {
      const take = Math.min(left, rect.width - column);
      const start = (rect.y + row) * stride + rect.x + column;
      data.fill(value, start, start + take);
      left -= take;
      column += take;
      if (column === rect.width) {
        column = 0;
        row++;
      }
    }
  }
}

/** A RasterPatch with both sides packed: how undo history keeps it, and how the codec thread hands one back. */
export interface PackedPatch {
  readonly rect: Rect;
  readonly before: PackedBytes;
  readonly after: PackedBytes;
}

export function packPatch({ rect, before, after }: RasterPatch): PackedPatch {
  return { rect, before: packBytes(before), after: packBytes(after) };
}
