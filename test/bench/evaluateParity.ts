// Measurement: `segnetr evaluate` against training.evaluate on a real split (default ISIC 2017 val, 150 images),
// with the bundled model. Prints the mean metrics of
//   (1) our evaluation predicting every image (what `segnetr evaluate <images> --gt <masks>` reports),
//   (2) our evaluation of the label files `segnetr prelabel` writes (--pred),
//   (3) training.evaluate --labels on those same label files (the Python reference),
//   (4) with --checkpoint, training.evaluate on the PyTorch checkpoint (decoded by Pillow; the extension decodes with sharp),
// and the largest per-image difference between (1), (2) and (3).
//   node scripts/bench.mjs evaluateParity [--data DIR] [--model FILE.onnx] [--threads N] [--checkpoint CKPT.pt]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { EvaluationReport } from '../../src/common/evaluation';
import { runEvaluateJob } from '../../src/core/evaluateJob';
import { runPrelabelJob } from '../../src/core/prelabelJob';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('..', 'shared', 'datasets', 'isic2017', 'val') },
    model: { type: 'string', default: 'media/models/segnetr-isic2017.onnx' },
    threads: { type: 'string', default: '2' },
    checkpoint: { type: 'string' },
  },
});

const METRICS = ['dice', 'iou', 'precision', 'recall'] as const;
type Row = Record<(typeof METRICS)[number], number> & { name: string };

function python(args: string[]): { mean: Row; per_image: Row[] } {
  const run = spawnSync('/usr/bin/python3', ['-m', 'training.evaluate', ...args, '--split-dir', values.data!, '--json', '--threads', values.threads!], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`training.evaluate failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as { mean: Row; per_image: Row[] };
}

function rows(report: EvaluationReport): Row[] {
  return report.images.map((i) => ({ name: path.parse(i.image).name, dice: i.dice, iou: i.iou, precision: i.precision, recall: i.recall }));
}

function line(label: string, mean: Readonly<Record<(typeof METRICS)[number], number>>): string {
  return `${label.padEnd(52)} ${METRICS.map((m) => `${m} ${mean[m]!.toFixed(6)}`).join('  ')}`;
}

function maxDiff(a: Row[], b: Row[]): number {
  const byName = new Map(b.map((r) => [r.name, r]));
  let max = 0;
  for (const r of a) {
    const other = byName.get(r.name);
    if (!other) throw new Error(`${r.name} missing from the other result`);
    for (const m of METRICS) max = Math.max(max, Math.abs(r[m] - other[m]));
  }
  return max;
}

async function main(): Promise<void> {
  const threads = Number(values.threads);
  const images = path.join(values.data!, 'images');
  const gtDir = path.join(values.data!, 'masks');
  const modelPath = path.resolve(values.model!);
  const labels = mkdtempSync(path.join(tmpdir(), 'segnetr-parity-'));
  try {
    const predicted = await runEvaluateJob({ imagesDir: images, gtDir, modelPath, threads });
    const prelabel = await runPrelabelJob({ imagesDir: images, labelsDir: labels, modelPath, format: 'index', overwrite: false, threads });
    if (prelabel.failed.length > 0) throw new Error(`prelabel failed on ${prelabel.failed.length} images`);
    const fromFiles = await runEvaluateJob({ imagesDir: images, gtDir, predDir: labels, modelPath, threads });
    const reference = python(['--labels', labels]);
    console.log(`${predicted.images.length} images of ${values.data}; model ${values.model}`);
    console.log(line('(1) segnetr evaluate (predicting)', meanOf(predicted)));
    console.log(line('(2) segnetr evaluate --pred <prelabel output>', meanOf(fromFiles)));
    console.log(line('(3) training.evaluate --labels <prelabel output>', reference.mean));
    console.log(`max per-image difference: (1) vs (3) ${maxDiff(rows(predicted), reference.per_image).toExponential(2)}, (2) vs (3) ${maxDiff(rows(fromFiles), reference.per_image).toExponential(2)}`);
    console.log(`mean Dice difference (1) - (3): ${(predicted.summary.metrics.dice.mean - reference.mean.dice).toExponential(2)}`);
    if (values.checkpoint) {
      // At the card's threshold, as the extension thresholds.
      const card = JSON.parse(readFileSync(values.model!.replace(/\.onnx$/, '.json'), 'utf8')) as { output: { threshold: number } };
      const torch = python([values.checkpoint, '--threshold', String(card.output.threshold)]);
      console.log(line('(4) training.evaluate <checkpoint> (PyTorch, Pillow, card threshold)', torch.mean));
      console.log(`mean Dice difference (1) - (4): ${(predicted.summary.metrics.dice.mean - torch.mean.dice).toFixed(4)}`);
    }
  } finally {
    rmSync(labels, { recursive: true, force: true });
  }
}

function meanOf(report: EvaluationReport): Record<(typeof METRICS)[number], number> {
  const { dice, iou, precision, recall } = report.summary.metrics;
  return { dice: dice.mean, iou: iou.mean, precision: precision.mean, recall: recall.mean };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
