// The packed form undo history keeps an edit's pixels in: it gives back exactly the bytes it was given, writes
// them into a rectangle as writeRect would, and is only used where it is smaller.
import * as assert from 'node:assert/strict';
import { packBytes, packedByteLength, unpackBytes, writePackedRect } from '../../src/mask/packedBytes';
import { createRaster, readRect, writeRect } from '../../src/mask/raster';

/** A mask-like rectangle: a disc of class 1 with a ring of class 2, the rest background. */
function disc(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - width / 2, y - height / 2);
      out[y * width + x] = r < height / 4 ? 1 : r < height / 3 ? 2 : 0;
    }
  }
  return out;
}

/** Deterministic noise in 0..2 (a xorshift), which no run-length form can shrink. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = (s >>> 0) % 3;
  }
  return out;
}

describe('packed bytes', () => {
  it('runs give back the exact bytes and take a small fraction of the space for a mask', () => {
    const bytes = disc(400, 300);
    const packed = packBytes(bytes);
    assert.equal(packed.kind, 'runs');
    assert.deepEqual(unpackBytes(packed), bytes);
    assert.ok(packedByteLength(packed) * 20 < bytes.length, `${packedByteLength(packed)} of ${bytes.length} bytes`);
  });

  it('bytes that do not compress, and small ones, stay as they are', () => {
    const random = noise(100_000);
    const packed = packBytes(random);
    assert.equal(packed.kind, 'raw');
    assert.equal(packedByteLength(packed), random.length);
    assert.equal(packBytes(new Uint8Array(100)).kind, 'raw');
    assert.equal(unpackBytes(packBytes(new Uint8Array(0))).length, 0);
  });

  it('a run longer than one entry holds (2^24 - 1) is split and comes back whole', () => {
    const long = new Uint8Array(0xffffff + 10).fill(1);
    long[long.length - 1] = 0;
    const packed = packBytes(long);
    assert.equal(packed.kind, 'runs');
    assert.equal(packed.kind === 'runs' && packed.runs.length, 3);
    assert.deepEqual(unpackBytes(packed), long);
  });

  it('writes into a rectangle of a raster exactly as writeRect does, across row ends, in both forms', () => {
    const rect = { x: 3, y: 2, width: 50, height: 40 };
    for (const bytes of [disc(50, 40), noise(50 * 40)]) {
      const expected = createRaster(61, 47, 2);
      writeRect(expected, rect, bytes);
      const raster = createRaster(61, 47, 2);
      writePackedRect(raster, rect, packBytes(bytes));
      assert.deepEqual(raster.data, expected.data);
      assert.deepEqual(readRect(raster, rect), bytes);
    }
  });

  it('refuses bytes that do not fit the rectangle or a rectangle outside the raster', () => {
    const raster = createRaster(70, 70);
    const packed = packBytes(disc(64, 64));
    assert.throws(() => writePackedRect(raster, { x: 0, y: 0, width: 64, height: 63 }, packed), /do not fit/);
    assert.throws(() => writePackedRect(raster, { x: 10, y: 0, width: 64, height: 64 }, packed), /do not fit/);
    assert.ok(raster.data.every((v) => v === 0), 'nothing written');
  });
});
