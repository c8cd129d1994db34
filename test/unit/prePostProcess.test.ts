import * as assert from 'node:assert/strict';
import type { ModelCard } from '../../src/model/card';
import type { DecodedImage } from '../../src/model/decodedImage';
import { predictionFromLogits, softmax } from '../../src/model/postprocess';
import { inputSizePerImage, writeModelInput } from '../../src/model/preprocess';

const spec: ModelCard['input'] = { height: 4, width: 6, channelOrder: 'RGB', scale: '0-1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

function solidImage(width: number, height: number, rgb: [number, number, number]): DecodedImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, rgb: data, format: 'png', bitDepth: 8 };
}

describe('preprocessing', () => {
  it('scales to 0-1, normalises per channel and lays out channels first, at the card size', () => {
    const batch = new Float32Array(2 * inputSizePerImage(spec)).fill(NaN);
    writeModelInput(solidImage(13, 9, [255, 128, 0]), spec, batch, inputSizePerImage(spec));
    const plane = spec.width * spec.height;
    const expected = [(1 - 0.485) / 0.229, (128 / 255 - 0.456) / 0.224, (0 - 0.406) / 0.225];
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) assert.ok(Math.abs(batch[plane * 3 + c * plane + i]! - expected[c]!) < 1e-5);
    }
    assert.ok(Number.isNaN(batch[0]), 'the first image slot is left alone');
  });

  it('honours BGR channel order and 0-255 scale', () => {
    const bgr: ModelCard['input'] = { ...spec, channelOrder: 'BGR', scale: '0-255', mean: [0, 0, 0], std: [1, 1, 1] };
    const batch = new Float32Array(inputSizePerImage(bgr));
    writeModelInput(solidImage(6, 4, [10, 20, 30]), bgr, batch, 0);
    assert.deepEqual([batch[0], batch[24], batch[48]].map((v) => Math.round(v!)), [30, 20, 10]);
  });
});

describe('postprocessing', () => {
  it('sigmoid: thresholds probabilities and keeps them as bytes, at the image size', () => {
    // 2 x 1 model output, resized to a 4 x 2 image: left half foreground.
    const logits = Float32Array.from([4, -4]);
    const p = predictionFromLogits(logits, 2, 1, { activation: 'sigmoid', channels: 1, threshold: 0.5 }, 4, 2);
    assert.deepEqual(Array.from(p.mask), [1, 1, 0, 0, 1, 1, 0, 0]);
    const high = Math.round(255 / (1 + Math.exp(-4)));
    const low = Math.round(255 / (1 + Math.exp(4)));
    assert.equal(p.probability[0], high);
    assert.equal(p.probability[3], low);
    // Interpolated between the two: 0.75 * high-prob + 0.25 * low-prob (probabilities, not logits, are resized).
    const pHigh = 1 / (1 + Math.exp(-4));
    assert.equal(p.probability[1], Math.round((0.75 * pHigh + 0.25 * (1 - pHigh)) * 255));
  });

  it('sigmoid: the threshold comes from the card', () => {
    const logits = Float32Array.from([0.5]); // p = 0.62
    assert.equal(predictionFromLogits(logits, 1, 1, { activation: 'sigmoid', channels: 1, threshold: 0.5 }, 1, 1).mask[0], 1);
    assert.equal(predictionFromLogits(logits, 1, 1, { activation: 'sigmoid', channels: 1, threshold: 0.7 }, 1, 1).mask[0], 0);
  });

  it('softmax: arg-max class per pixel and the winning probability', () => {
    // 3 classes over 3 pixels (planar: class-major).
    const logits = Float32Array.from([5, 0, 0, /* class 1 */ 0, 5, 0, /* class 2 */ 0, 0, 5]);
    const p = predictionFromLogits(logits, 3, 1, { activation: 'softmax', channels: 3 }, 3, 1);
    assert.deepEqual(Array.from(p.mask), [0, 1, 2]);
    const win = Math.exp(5) / (Math.exp(5) + 2);
    assert.deepEqual(Array.from(p.probability), [win, win, win].map((v) => Math.round(v * 255)));
  });

  it('softmax is stable for large logits and sums to one', () => {
    const probs = softmax(Float32Array.from([1000, 0, 999, 0]), 2, 2);
    assert.ok(Math.abs(probs[0]! + probs[2]! - 1) < 1e-6 && Math.abs(probs[1]! + probs[3]! - 1) < 1e-6);
    assert.ok(probs[0]! > 0.7 && probs[0]! < 0.75);
  });

  it('refuses logits of the wrong size', () => {
    assert.throws(() => predictionFromLogits(new Float32Array(5), 2, 2, { activation: 'softmax', channels: 2 }, 2, 2), /expected 2 x 2 x 2 logits/);
  });
});
