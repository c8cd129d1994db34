// The pure evaluation pieces not covered by the numpy/scipy reference: the distance transform against brute
// force, summaries, the histogram, and the uncertainty score.
import * as assert from 'node:assert/strict';
import { squaredDistanceTransform } from '../../src/eval/edt';
import { diceHistogram, scoreImage, statsOf, summarize } from '../../src/eval/metrics';
import { percentileOfSorted } from '../../src/eval/surfaceDistance';
import { uncertaintyScore } from '../../src/eval/uncertainty';

/** A fixed pseudo-random feature pattern (a hash of the coordinates) with about 1 in `every` pixels set. */
function pattern(width: number, height: number, every: number, salt: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.imul(i + salt, 2654435761) >>> 0 < 4294967296 / every ? 1 : 0;
  return out;
}

function bruteForce(features: Uint8Array, width: number, height: number): Float64Array {
  const out = new Float64Array(width * height).fill(Infinity);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < out.length; j++) {
      if (!features[j]) continue;
      const dx = (i % width) - (j % width);
      const dy = Math.floor(i / width) - Math.floor(j / width);
      out[i] = Math.min(out[i]!, dx * dx + dy * dy);
    }
  }
  return out;
}

describe('evaluation building blocks', () => {
  it('the distance transform equals brute force (sparse, dense, empty rows and columns, no features)', () => {
    const cases: [number, number, number, number][] = [[17, 13, 40, 1], [9, 23, 5, 2], [31, 1, 8, 3], [1, 31, 8, 4], [12, 12, 2, 5], [6, 4, 1000, 6]];
    for (const [w, h, every, salt] of cases) {
      const features = pattern(w, h, every, salt);
      assert.deepEqual([...squaredDistanceTransform(features, w, h)], [...bruteForce(features, w, h)], `${w}x${h} 1/${every}`);
    }
    assert.ok(squaredDistanceTransform(new Uint8Array(6), 3, 2).every((v) => v === Infinity));
  });

  it('percentiles interpolate like numpy (linear)', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 10]);
    // The exact doubles numpy.percentile gives: [1, 2, 3, 4, 10] -> 8.799999999999999, [1, 2, 3, 4] -> 3.8499999999999996.
    assert.equal(percentileOfSorted(sorted, 95), 8.799999999999999);
    assert.equal(percentileOfSorted(sorted, 50), 3);
    assert.equal(percentileOfSorted(Float64Array.from([4]), 95), 4);
    assert.equal(percentileOfSorted(Float64Array.from([1, 4, 9, 16]), 95, Math.sqrt), 3.8499999999999996);
  });

  it('an image with one class present and one absent on both sides averages both (1 for the absent one)', () => {
    const gt = { width: 2, height: 1, data: Uint8Array.from([1, 0]) };
    const image = scoreImage(gt, gt, 3);
    assert.deepEqual(image.classes.map((c) => [c.empty, c.dice, c.hd95]), [['neither', 1, 0], ['both', 1, 0]]);
    const missed = scoreImage({ width: 2, height: 1, data: Uint8Array.from([0, 0]) }, gt, 3);
    assert.deepEqual([missed.dice, missed.hd95], [0.5, Math.hypot(2, 1) / 2]);
    assert.throws(() => scoreImage({ width: 1, height: 2, data: Uint8Array.from([0, 0]) }, gt, 2), /prediction is 1 x 2, ground truth 2 x 1/);
    assert.throws(() => scoreImage(gt, { width: 2, height: 1, data: Uint8Array.from([3, 0]) }, 3), /class 3 is not below 3/);
  });

  it('summaries are per image means and medians; a NaN is an error, never skipped', () => {
    assert.deepEqual(statsOf([3, 1, 2, 10]), { mean: 4, median: 2.5, min: 1, max: 10 });
    assert.deepEqual(statsOf([0.5]), { mean: 0.5, median: 0.5, min: 0.5, max: 0.5 });
    assert.throws(() => statsOf([1, NaN]), /not a finite metric value: NaN/);
    const s = summarize([
      { dice: 1, iou: 1, precision: 1, recall: 1, hd95: 0 },
      { dice: 0, iou: 0, precision: 0, recall: 0, hd95: 50 },
    ]);
    assert.deepEqual([s.dice.mean, s.hd95.mean, s.hd95.median], [0.5, 25, 25]);
  });

  it('the Dice histogram has ten bins over [0, 1], a Dice of 1 in the last', () => {
    assert.deepEqual(diceHistogram([0, 0.05, 0.1, 0.7, 0.69999, 0.95, 1]), [2, 1, 0, 0, 0, 0, 1, 1, 0, 2]);
  });

  it('uncertainty: uncertain pixels over uncertain + predicted foreground', () => {
    const mask = Uint8Array.from([1, 1, 1, 0, 0, 0]);
    // Sigmoid bytes: 77..178 are in (0.3, 0.7).
    assert.equal(uncertaintyScore({ mask, probability: Uint8Array.from([255, 200, 150, 100, 76, 0]) }, 'sigmoid'), 2 / 5);
    assert.equal(uncertaintyScore({ mask: new Uint8Array(3), probability: Uint8Array.from([0, 10, 76]) }, 'sigmoid'), 0);
    assert.equal(uncertaintyScore({ mask: new Uint8Array(2), probability: Uint8Array.from([0, 100]) }, 'sigmoid'), 1);
    // Softmax bytes are the winning class's probability: below 178.5 is uncertain, whatever the class.
    assert.equal(uncertaintyScore({ mask: Uint8Array.from([2, 0, 1, 0]), probability: Uint8Array.from([250, 100, 178, 179]) }, 'softmax'), 2 / 4);
  });
});
