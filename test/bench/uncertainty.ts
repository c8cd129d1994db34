// Measurement: which per-image uncertainty score (computed without ground truth) finds the images the model
// gets wrong? For every image of a split (images/ + masks/), predicts with the model (and its horizontally
// flipped view), scores Dice against the mask, computes each candidate score, then reports how many of the
// low-Dice images (< 0.7 and < 0.5) the 15 most uncertain images hold, against 15 random ones.
//   node scripts/bench.mjs uncertainty [--data DIR] [--model FILE.onnx] [--threads N] [--top K]
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { labelPathFor } from '../../src/core/labelPaths';
import { listImages } from '../../src/core/plan';
import { readMaskPng } from '../../src/core/readMask';
import { scoreImage } from '../../src/eval/metrics';
import { uncertaintyScore } from '../../src/eval/uncertainty';
import { numberOfClasses } from '../../src/model/card';
import { decodeImage } from '../../src/model/decode';
import { loadModel } from '../../src/model/modelFiles';
import { type Prediction, predictionFromLogits } from '../../src/model/postprocess';
import { inputSizePerImage, writeModelInput } from '../../src/model/preprocess';
import { ModelSession } from '../../src/model/session';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('..', 'shared', 'datasets', 'isic2017', 'val') },
    model: { type: 'string', default: 'media/models/segnetr-isic2017.onnx' },
    threads: { type: 'string', default: '2' },
    top: { type: 'string', default: '15' },
  },
});

type Candidates = Record<string, number>;

function entropy(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/** Candidate scores from the 8-bit foreground probability map (sigmoid model) and the flipped view's. */
function candidates(a: Prediction, flipped: Prediction): Candidates {
  const n = a.probability.length;
  let h = 0;
  let band = 0;
  let fg = 0;
  let sumP = 0;
  let sumPOnFg = 0;
  let inter = 0;
  let union = 0;
  let absDiff = 0;
  let bandWide = 0;
  let bandAvg = 0;
  let fgAvg = 0;
  for (let i = 0; i < n; i++) {
    const p = a.probability[i]! / 255;
    const q = flipped.probability[i]! / 255;
    h += entropy(p);
    if (p > 0.3 && p < 0.7) band++;
    if (p > 0.1 && p < 0.9) bandWide++;
    const avg = (p + q) / 2;
    if (avg > 0.3 && avg < 0.7) bandAvg++;
    if (avg > 0.5) fgAvg++;
    const m = a.mask[i]! !== 0;
    const mf = flipped.mask[i]! !== 0;
    if (m) {
      fg++;
      sumPOnFg += p;
    }
    sumP += p;
    if (m && mf) inter++;
    if (m || mf) union++;
    absDiff += Math.abs(p - q);
  }
  return {
    meanEntropy: h / n,
    bandFraction: band / n,
    'uncertaintyScore (shipped)': uncertaintyScore(a, 'sigmoid'),
    entropyPerForeground: h / Math.max(1, fg),
    oneMinusSelfDice: fg + sumP === 0 ? 0 : 1 - (2 * sumPOnFg) / (fg + sumP),
    flipDisagreement: union === 0 ? 0 : 1 - inter / union,
    flipMeanAbsDiff: absDiff / n,
    wideBandPerForeground: bandWide / Math.max(1, bandWide + fg),
    flipAvgBandPerForeground: bandAvg / Math.max(1, bandAvg + fgAvg),
  };
}

/** Reverses every row of each channel plane of a channels x height x width tensor, in place. */
function flipRows(t: Float32Array, offset: number, channels: number, width: number, height: number): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const row = offset + (c * height + y) * width;
      t.subarray(row, row + width).reverse();
    }
  }
}

/** xorshift32: seeded, so the random baselines are reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Area under the ROC curve of `score` separating positives (low Dice) from the rest; ties count half. */
function auroc(scores: number[], positive: boolean[]): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs === 0 ? NaN : wins / pairs;
}

async function main(): Promise<void> {
  const model = await loadModel(values.model!);
  const { card } = model;
  if (card.output.activation !== 'sigmoid') throw new Error('this measurement is written for a sigmoid (binary) model');
  const session = await ModelSession.open(model, Number(values.threads));
  const images = await listImages(path.join(values.data!, 'images'));
  const top = Number(values.top);
  const rows: { name: string; dice: number; c: Candidates }[] = [];
  const per = inputSizePerImage(card.input);
  for (const imagePath of images) {
    const image = await decodeImage(await readFile(imagePath));
    const batch = new Float32Array(2 * per);
    writeModelInput(image, card.input, batch, 0);
    batch.copyWithin(per, 0, per);
    flipRows(batch, per, 3, card.input.width, card.input.height);
    const logits = await session.run(batch, 2);
    const plane = logits.width * logits.height * card.output.channels;
    const first = logits.data.slice(0, plane);
    const second = logits.data.slice(plane, 2 * plane);
    flipRows(second, 0, card.output.channels, logits.width, logits.height);
    const a = predictionFromLogits(first, logits.width, logits.height, card.output, image.width, image.height);
    const b = predictionFromLogits(second, logits.width, logits.height, card.output, image.width, image.height);
    const gt = readMaskPng(await readFile(labelPathFor(path.join(values.data!, 'masks'), imagePath)), numberOfClasses(card.output), 'ground truth');
    const metrics = scoreImage({ width: a.width, height: a.height, data: a.mask }, gt, 2);
    rows.push({ name: path.basename(imagePath), dice: metrics.dice, c: candidates(a, b) });
  }
  await session.release();
  const n = rows.length;
  const meanDice = rows.reduce((s, r) => s + r.dice, 0) / n;
  console.log(`${n} images, mean Dice ${meanDice.toFixed(4)} (single view)`);
  for (const threshold of [0.7, 0.5]) {
    const low = rows.filter((r) => r.dice < threshold).length;
    console.log(`\nDice < ${threshold}: ${low} of ${n} images; ${top} random images hold ${((top * low) / n).toFixed(2)} on average`);
    const seeds = [1, 2, 3, 4, 5].map((seed) => {
      const rand = seeded(seed);
      const order = rows.map((r) => ({ r, k: rand() })).sort((x, y) => x.k - y.k);
      return order.slice(0, top).filter((o) => o.r.dice < threshold).length;
    });
    console.log(`  random, seeds 1-5: ${seeds.join(', ')}`);
    for (const name of Object.keys(rows[0]!.c)) {
      const ranked = [...rows].sort((x, y) => y.c[name]! - x.c[name]!);
      const hits = ranked.slice(0, top).filter((r) => r.dice < threshold).length;
      const area = auroc(rows.map((r) => r.c[name]!), rows.map((r) => r.dice < threshold));
      console.log(`  ${name.padEnd(26)} top ${top}: ${String(hits).padStart(2)}   AUROC ${area.toFixed(3)}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
