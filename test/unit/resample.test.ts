import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeImage } from '../../src/model/decode';
import { axisWeights, interleavedLayout, planarLayout, resizeBilinear } from '../../src/model/resample';
import { fixturesDir } from './tempDir';

function resize1d(values: number[], size: number): number[] {
  return Array.from(resizeBilinear(values, planarLayout(values.length, 1, 1), size, 1));
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, eps = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= eps, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('bilinear resampling', () => {
  it('upsamples like PyTorch interpolate(bilinear, align_corners=False) and PIL', () => {
    // Reference values printed by torch 1.13 and Pillow 9.4 for [0, 10, 30] -> 7 samples.
    assertClose(resize1d([0, 10, 30], 7), [0, 1.4285715, 5.714286, 10, 18.571428, 27.142857, 30]);
  });

  it('downsamples with an antialiasing triangle like PIL BILINEAR', () => {
    // Pillow 9.4: Image.resize(BILINEAR) of 0..7 to 3 and to 4 samples.
    assertClose(resize1d([0, 1, 2, 3, 4, 5, 6, 7], 3), [1.1052631, 3.5, 5.894737]);
    assertClose(resize1d([0, 1, 2, 3, 4, 5, 6, 7], 4), [0.71428573, 2.5, 4.5, 6.285714]);
  });

  it('leaves an image of the same size unchanged and keeps each output weight sum at 1', () => {
    assertClose(resize1d([3, 1, 4, 1, 5], 5), [3, 1, 4, 1, 5]);
    for (const [from, to] of [[7, 3], [3, 11], [256, 192], [192, 256], [1, 5]] as const) {
      const w = axisWeights(from, to);
      for (let i = 0; i < to; i++) {
        const sum = Array.from(w.weights.subarray(i * w.taps, (i + 1) * w.taps)).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `${from}->${to} output ${i} sums to ${sum}`);
      }
    }
  });

  it('resizes both axes and reads interleaved channels separately', () => {
    // 2 x 2 RGB: red channel is a horizontal ramp, green a vertical one, blue constant.
    const rgb = [0, 0, 7, 100, 0, 7, 0, 100, 7, 100, 100, 7];
    const out = resizeBilinear(rgb, interleavedLayout(2, 2, 3), 4, 4);
    const plane = (c: number, y: number) => Array.from(out.subarray(c * 16 + y * 4, c * 16 + y * 4 + 4));
    assertClose(plane(0, 0), [0, 25, 75, 100]);
    assertClose(plane(0, 3), [0, 25, 75, 100]);
    assertClose([plane(1, 0)[0]!, plane(1, 1)[0]!, plane(1, 2)[0]!, plane(1, 3)[0]!], [0, 25, 75, 100]);
    assertClose(plane(2, 2), [7, 7, 7, 7]);
  });
});

describe('resizing like training does (PIL BILINEAR on uint8)', () => {
  it('matches Pillow within 1 (its fixed-point rounding), mostly exactly, after rounding to whole values', async () => {
    const dir = path.join(fixturesDir, 'images');
    const reference = JSON.parse(readFileSync(path.join(dir, 'pil_resize.json'), 'utf8')) as { resized: Record<string, number[]> };
    const image = await decodeImage(readFileSync(path.join(dir, 'rgb8.png')));
    for (const [size, pil] of Object.entries(reference.resized)) {
      const [w, h] = size.split('x').map(Number) as [number, number];
      const out = resizeBilinear(image.rgb, interleavedLayout(image.width, image.height, 3), w, h);
      let exact = 0;
      for (let i = 0; i < w * h; i++) {
        for (let c = 0; c < 3; c++) {
          const mine = Math.round(out[c * w * h + i]!);
          const theirs = pil[i * 3 + c]!;
          assert.ok(Math.abs(mine - theirs) <= 1, `${size} pixel ${i} channel ${c}: ${mine} vs Pillow ${theirs}`);
          if (mine === theirs) exact++;
        }
      }
      assert.ok(exact >= 0.8 * w * h * 3, `${size}: only ${exact} of ${w * h * 3} values equal Pillow's`);
    }
  });
});
