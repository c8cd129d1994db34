import * as assert from 'node:assert/strict';
import { readMaskPng } from '../../src/core/readMask';
import { ImageError } from '../../src/model/errors';
import { rawPng } from './pngBytes';

const grey = (samples: number[], width = samples.length, bitDepth: 1 | 2 | 4 | 8 | 16 = 8): Buffer =>
  rawPng({ width, height: samples.length / width, bitDepth, colorType: 0, samples });

describe('reading masks (ground truth and label files)', () => {
  it('two-class models: 0 is background, 1 and 255 are foreground', () => {
    assert.deepEqual([...readMaskPng(grey([0, 255, 0, 255]), 2, 'ground truth').data], [0, 1, 0, 1]);
    assert.deepEqual([...readMaskPng(grey([0, 1, 1, 0]), 2, 'prediction').data], [0, 1, 1, 0]);
    // 1-bit and 16-bit samples keep their values (not stretched to 0..255 / squeezed to 8 bits).
    assert.deepEqual([...readMaskPng(grey([0, 1, 1, 0, 1], 5, 1), 2, 'ground truth').data], [0, 1, 1, 0, 1]);
    assert.deepEqual([...readMaskPng(grey([0, 255, 1], 3, 16), 2, 'ground truth').data], [0, 1, 1]);
  });

  it('refuses values that are neither, naming the pixel', () => {
    assert.throws(() => readMaskPng(grey([0, 0, 0, 128], 2), 2, 'ground truth'), (e: Error) => {
      assert.ok(e instanceof ImageError);
      assert.equal(e.message, 'pixel (1, 1) is 128: a two-class mask holds 0 (background) and 1 or 255 (foreground)');
      return true;
    });
    assert.throws(() => readMaskPng(grey([0, 2]), 2, 'prediction'), /pixel \(1, 0\) is 2/);
  });

  it('K-class models: class indices, 255 = ignore in ground truth only', () => {
    const mask = readMaskPng(grey([0, 1, 2, 3, 255, 0], 3), 4, 'ground truth');
    assert.deepEqual([mask.width, mask.height, [...mask.data]], [3, 2, [0, 1, 2, 3, 255, 0]]);
    assert.throws(() => readMaskPng(grey([0, 255]), 4, 'prediction'), /a 4-class mask holds class indices 0\.\.3$/);
    assert.throws(() => readMaskPng(grey([0, 4]), 4, 'ground truth'), /pixel \(1, 0\) is 4: a 4-class mask holds class indices 0\.\.3, or 255 to ignore a pixel/);
  });

  it('reads palette PNGs by index, not by colour, also when the palette repeats a colour', () => {
    const palette: [number, number, number][] = [[0, 0, 0], [255, 0, 0], [0, 255, 0]];
    const png = rawPng({ width: 4, height: 1, bitDepth: 4, colorType: 3, samples: [0, 2, 1, 2], palette });
    assert.deepEqual([...readMaskPng(png, 3, 'ground truth').data], [0, 2, 1, 2]);
    const repeated = rawPng({ width: 2, height: 1, bitDepth: 8, colorType: 3, samples: [0, 2], palette: [[0, 0, 0], [9, 9, 9], [9, 9, 9]] });
    assert.deepEqual([...readMaskPng(repeated, 3, 'ground truth').data], [0, 2]);
  });

  it('accepts grey stored as RGB(A), refuses colour masks and non-PNG files', () => {
    const rgb = rawPng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [0, 0, 0, 255, 255, 255] });
    assert.deepEqual([...readMaskPng(rgb, 2, 'ground truth').data], [0, 1]);
    const rgba = rawPng({ width: 2, height: 1, bitDepth: 8, colorType: 6, samples: [1, 1, 1, 0, 0, 0, 0, 255] });
    assert.deepEqual([...readMaskPng(rgba, 2, 'ground truth').data], [1, 0]);
    const greyAlpha = rawPng({ width: 2, height: 1, bitDepth: 8, colorType: 4, samples: [255, 0, 0, 128] });
    assert.deepEqual([...readMaskPng(greyAlpha, 2, 'ground truth').data], [1, 0], 'alpha is not used');
    const colour = rawPng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [0, 0, 0, 255, 0, 0] });
    assert.throws(() => readMaskPng(colour, 2, 'ground truth'), /RGB colour PNG, not a mask: masks are single-channel .* pixel \(1, 0\) is \(255, 0, 0, 255\)/);
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(2, 18);
    bmp.writeInt32LE(2, 22);
    assert.throws(() => readMaskPng(bmp, 2, 'ground truth'), /a mask must be a PNG, this is a BMP file/);
    assert.throws(() => readMaskPng(Buffer.alloc(0), 2, 'ground truth'), /empty file/);
  });
});
