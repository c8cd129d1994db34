import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { ModelError } from '../../src/model/errors';
import { checkLabelFormat, encodeLabelPng } from '../../src/mask/labelPng';

/** IHDR as written: bytes 24 and 25 are bit depth and colour type. */
function ihdr(png: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24]!, colorType: png[25]! };
}

describe('label PNG encoding', () => {
  const width = 5;
  const height = 3;
  const mask = Uint8Array.from({ length: width * height }, (_, i) => i % 3);

  it('writes a single-channel 8-bit greyscale PNG (colour type 0) with the class indices', () => {
    const png = encodeLabelPng(mask, width, height, 'index');
    assert.deepEqual(ihdr(png), { width, height, bitDepth: 8, colorType: 0 });
    const decoded = PNG.sync.read(png); // pngjs expands grey to RGBA on read
    for (let i = 0; i < mask.length; i++) {
      assert.equal(decoded.data[i * 4], mask[i]);
      assert.equal(decoded.data[i * 4 + 1], mask[i]);
    }
  });

  it('binary255 writes 0 and 255', () => {
    const binary = Uint8Array.from([0, 1, 1, 0, 1, 0]);
    const png = encodeLabelPng(binary, 3, 2, 'binary255');
    assert.equal(ihdr(png).colorType, 0);
    const decoded = PNG.sync.read(png);
    assert.deepEqual(Array.from({ length: 6 }, (_, i) => decoded.data[i * 4]), [0, 255, 255, 0, 255, 0]);
  });

  it('encodes a mask that is a view into a larger buffer', () => {
    const backing = new Uint8Array(100).fill(9);
    const view = backing.subarray(10, 16).fill(1);
    const decoded = PNG.sync.read(encodeLabelPng(view, 3, 2, 'index'));
    assert.equal(decoded.data[0], 1);
  });

  it('refuses binary255 for a model with more than two classes', () => {
    assert.doesNotThrow(() => checkLabelFormat('binary255', 2));
    assert.doesNotThrow(() => checkLabelFormat('index', 5));
    assert.throws(() => checkLabelFormat('binary255', 3), (e: Error) => e instanceof ModelError && /needs a two-class model, but this model has 3 classes/.test(e.message));
  });
});
