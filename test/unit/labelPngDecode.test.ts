import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { LabelPngError, decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';
import { pngFromRows } from './pngBytes';

function refused(bytes: Uint8Array, classCount: number, pattern: RegExp): void {
  assert.throws(() => decodeLabelPng(bytes, classCount), (e: Error) => e instanceof LabelPngError && pattern.test(e.message));
}

/** An RGB(A) PNG written by pngjs from RGBA pixels. */
function rgbPng(width: number, height: number, rgba: readonly number[], colorType: 2 | 6): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png, { colorType });
}

describe('label PNG decoding', () => {
  it('round-trips class indices through encodeLabelPng', () => {
    const mask = Uint8Array.from([0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 3, 3]);
    const raster = decodeLabelPng(encodeLabelPng(mask, 4, 3, 'index'), 4);
    assert.deepEqual({ width: raster.width, height: raster.height }, { width: 4, height: 3 });
    assert.deepEqual(Array.from(raster.data), Array.from(mask));
  });

  it('reads a 0/255 binary mask as classes 0/1 for a two-class model (round trip of binary255)', () => {
    const mask = Uint8Array.from([0, 1, 1, 0, 1, 0]);
    assert.deepEqual(Array.from(decodeLabelPng(encodeLabelPng(mask, 3, 2, 'binary255'), 2).data), [0, 1, 1, 0, 1, 0]);
  });

  it('refuses values that are not classes, naming the value and where it is', () => {
    refused(encodeLabelPng(Uint8Array.from([0, 1, 7, 0]), 2, 2, 'index'), 3, /pixel value 7 at \(0, 1\) is not a class: this model has 3 classes \(values 0 to 2\)/);
    refused(encodeLabelPng(Uint8Array.from([0, 255]), 2, 1, 'index'), 3, /pixel value 255 .* only read as 0\/1 for two-class models/);
    // 1 and 255 together is neither an index mask nor a 0/255 mask.
    refused(encodeLabelPng(Uint8Array.from([0, 1, 255]), 3, 1, 'index'), 2, /pixel value 255 at \(2, 0\).*nothing but 0 and 255/);
  });

  it('reads a palette PNG as its indices, whatever the colours (duplicates included)', () => {
    const bytes = pngFromRows({
      width: 3, height: 2, bitDepth: 8, colorType: 3,
      palette: [[0, 0, 0], [255, 0, 0], [0, 0, 0]],
      rows: [[0, 1, 2], [2, 2, 0]],
    });
    assert.deepEqual(Array.from(decodeLabelPng(bytes, 3).data), [0, 1, 2, 2, 2, 0]);
    refused(bytes, 2, /pixel value 2 at \(2, 0\) is not a class/);
    const outside = pngFromRows({ width: 2, height: 1, bitDepth: 8, colorType: 3, palette: [[0, 0, 0], [9, 9, 9]], rows: [[1, 2]] });
    refused(outside, 3, /damaged PNG: pixel \(1, 0\) uses palette entry 2, but the palette has 2/);
  });

  it('reads 8-bit greyscale written with each PNG row filter exactly as pngjs does', () => {
    const width = 37;
    const height = 23;
    // Gradients and noise, so Sub, Up, Average and Paeth predict different values.
    const values = Uint8Array.from({ length: width * height }, (_, k) => ((k % width) * 7 + Math.floor(k / width) * 13 + ((k * 2654435761) >>> 28)) & 0xff);
    for (const filterType of [0, 1, 2, 3, 4, -1]) {
      const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
      png.data = Buffer.from(values);
      const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, filterType });
      const reference = PNG.sync.read(bytes).data; // pngjs's own decoder, RGBA
      const decoded = decodeLabelPng(bytes, 256).data;
      assert.deepEqual(Array.from(decoded), Array.from({ length: width * height }, (_, k) => reference[4 * k]!), `filter ${filterType}`);
      assert.deepEqual(decoded, values);
    }
  });

  it('reads image data split over several IDAT chunks', () => {
    const rows = Array.from({ length: 40 }, (_, y) => Array.from({ length: 50 }, (_, x) => (x * y) % 3));
    const bytes = pngFromRows({ width: 50, height: 40, bitDepth: 8, colorType: 0, rows, idatChunks: 4 });
    assert.deepEqual(Array.from(decodeLabelPng(bytes, 3).data), rows.flat());
  });

  it('reads a 4-bit palette and a 1-bit greyscale PNG by their sample values', () => {
    const palette4 = pngFromRows({ width: 3, height: 1, bitDepth: 4, colorType: 3, palette: [[9, 9, 9], [1, 2, 3], [4, 5, 6]], rows: [[0x12, 0x00]] });
    assert.deepEqual(Array.from(decodeLabelPng(palette4, 3).data), [1, 2, 0]);
    const grey1 = pngFromRows({ width: 5, height: 1, bitDepth: 1, colorType: 0, rows: [[0b10110000]] });
    assert.deepEqual(Array.from(decodeLabelPng(grey1, 2).data), [1, 0, 1, 1, 0]);
  });

  it('refuses 16-bit PNGs', () => {
    const grey16 = pngFromRows({ width: 1, height: 1, bitDepth: 16, colorType: 0, rows: [[0, 1]] });
    refused(grey16, 2, /^16-bit PNG, not a label: labels are single-channel 8-bit/);
  });

  it('refuses colour pixels but reads an RGB(A) file whose pixels are all grey and opaque', () => {
    refused(rgbPng(2, 1, [0, 0, 0, 255, 200, 10, 10, 255], 2), 3, /^RGB colour PNG, not a mask: masks are single-channel .* pixel \(1, 0\) is \(200, 10, 10, 255\)/);
    refused(rgbPng(2, 1, [0, 0, 0, 255, 1, 1, 1, 128], 6), 3, /pixel \(1, 0\) is \(1, 1, 1, 128\)/);
    assert.deepEqual(Array.from(decodeLabelPng(rgbPng(3, 1, [0, 0, 0, 255, 2, 2, 2, 255, 1, 1, 1, 255], 2), 3).data), [0, 2, 1]);
  });

  it('refuses what is not a PNG or is damaged, saying so', () => {
    refused(Buffer.from('GIF89a............................'), 2, /not a PNG file/);
    const good = encodeLabelPng(new Uint8Array(16), 4, 4, 'index');
    const damaged = Buffer.from(good);
    damaged[damaged.length - 20]! ^= 0xff;
    refused(damaged, 2, /damaged PNG/);
  });
});
