// Benchmark: what evaluation adds to prediction. Per image of a split (default ISIC 2017 val), in one warm
// model session, times (a) prediction alone: read the image, decode, infer, post-process (predictImage), and
// (b) the evaluation's own work: read and check the ground-truth mask, every metric including HD95, and the
// uncertainty score. Prints the sums and (b) / (a). Then whole runs, alternated to even out machine load:
// a prediction-only loop against runEvaluateJob on the same images.
//   node scripts/bench.mjs evaluateSpeed [--data DIR] [--model FILE.onnx] [--threads N] [--rounds R]
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runEvaluateJob } from '../../src/core/evaluateJob';
import { labelPathFor } from '../../src/core/labelPaths';
import { listImages } from '../../src/core/plan';
import { predictImage } from '../../src/core/predictImage';
import { readMaskPng } from '../../src/core/readMask';
import { SessionCache } from '../../src/core/sessionCache';
import { scoreImage } from '../../src/eval/metrics';
import { uncertaintyScore } from '../../src/eval/uncertainty';
import { numberOfClasses } from '../../src/model/card';
import { loadModel } from '../../src/model/modelFiles';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('..', 'shared', 'datasets', 'isic2017', 'val') },
    model: { type: 'string', default: 'media/models/segnetr-isic2017.onnx' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
  },
});

async function main(): Promise<void> {
  const threads = Number(values.threads);
  const imagesDir = path.join(values.data!, 'images');
  const gtDir = path.join(values.data!, 'masks');
  const model = await loadModel(path.resolve(values.model!));
  const classes = numberOfClasses(model.card.output);
  const sessions = new SessionCache();
  const session = await sessions.open(model, threads);
  const images = await listImages(imagesDir);
  console.log(`${images.length} images of ${values.data}, ${threads} onnxruntime thread(s)`);

  // Warm-up pass, then the measured pass.
  for (const pass of ['warm-up', 'measured']) {
    let predictMs = 0;
    let evaluateMs = 0;
    let scoreMs = 0;
    for (const imagePath of images) {
      const t0 = performance.now();
      const prediction = await predictImage(await readFile(imagePath), session);
      const t1 = performance.now();
      const gt = readMaskPng(await readFile(labelPathFor(gtDir, imagePath)), classes, 'ground truth');
      const metrics = scoreImage({ width: prediction.width, height: prediction.height, data: prediction.mask }, gt, classes);
      uncertaintyScore(prediction, model.card.output.activation);
      const t2 = performance.now();
      // scoreImage alone (every metric, HD95 included), timed again separately.
      if (metrics.classes.every((c) => c.empty === 'neither')) {
        const t3 = performance.now();
        scoreImage({ width: prediction.width, height: prediction.height, data: prediction.mask }, gt, classes);
        scoreMs += performance.now() - t3;
      }
      predictMs += t1 - t0;
      evaluateMs += t2 - t1;
    }
    if (pass === 'measured') {
      console.log(`per image: prediction ${(predictMs / images.length).toFixed(2)} ms, evaluation's own work ${(evaluateMs / images.length).toFixed(2)} ms`);
      console.log(`evaluation adds ${((100 * evaluateMs) / predictMs).toFixed(1)} % to prediction (of which scoreImage, HD95 included: ${(scoreMs / images.length).toFixed(2)} ms/image)`);
    }
  }

  const rounds = Number(values.rounds);
  const predictOnly: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (const imagePath of images) await predictImage(await readFile(imagePath), session);
    predictOnly.push(performance.now() - t);
    t = performance.now();
    await runEvaluateJob({ imagesDir, gtDir, modelPath: path.resolve(values.model!), threads }, { sessions });
    whole.push(performance.now() - t);
  }
  await sessions.dispose();
  const fmt = (xs: number[]): string => xs.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ');
  const best = (xs: number[]): number => Math.min(...xs);
  console.log(`whole runs: prediction only ${fmt(predictOnly)}; evaluation job ${fmt(whole)}`);
  console.log(`best of ${rounds}: evaluation job / prediction only = ${(best(whole) / best(predictOnly)).toFixed(3)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
