// `segnetr evaluate` (dist/cli.js) and WorkerClient.evaluate against generated images whose ground truth is
// known: a dark disc on a light background, which the tiny fixture model segments.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { EvaluateProgress, EvaluationReport } from '../../src/common/evaluation';
import { formatReviewTsv, reviewFilePath } from '../../src/core/reviewState';
import { WorkerClient } from '../../src/worker/client';
import { evaluateAcrossCrashes } from '../../src/worker/acrossCrashes';
import { useTempDir } from '../unit/tempDir';
import { type DiscImage, writeDiscImages } from './testImages';
import { cliScript, requireBuild, sigmoidModel, workerScript } from './workerSetup';

/** A single-channel 8-bit PNG of `values(x, y)`. */
function writeGreyPng(file: string, width: number, height: number, value: (x: number, y: number) => number): void {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  png.data = data;
  writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 }));
}

function discValue(image: DiscImage, foreground: number): (x: number, y: number) => number {
  const [cx, cy] = image.discCenter;
  return (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 <= image.radius ** 2 ? foreground : 0);
}

function maskName(image: DiscImage): string {
  return `${path.parse(image.file).name}.png`;
}

function segnetr(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cliScript, 'evaluate', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('evaluation (segnetr evaluate and the worker)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('evaluate');
  before(requireBuild);

  async function dataSet(count: number): Promise<{ images: string; gt: string; written: DiscImage[] }> {
    const images = path.join(tmp.path, 'images');
    const gt = path.join(tmp.path, 'gt');
    mkdirSync(images);
    mkdirSync(gt);
    const written = await writeDiscImages(images, count);
    // Ground truth in both binary conventions: 0/255 and 0/1.
    written.forEach((image, i) => writeGreyPng(path.join(gt, maskName(image)), image.width, image.height, discValue(image, i % 2 === 0 ? 255 : 1)));
    return { images, gt, written };
  }

  it('scores every image, prints the summary and writes JSON, CSV, Markdown and the histogram; exit 0', async () => {
    const { images, gt } = await dataSet(4);
    const report = path.join(tmp.path, 'report');
    const json = path.join(tmp.path, 'out', 'eval.json');
    const csv = path.join(tmp.path, 'out', 'eval.csv');
    const run = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--threads', '1', '--report', report, '--json', json, '--csv', csv);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as EvaluationReport;
    assert.equal(result.images.length, 4);
    assert.deepEqual(result.failed, []);
    for (const image of result.images) {
      assert.equal(image.prediction, 'model');
      assert.ok(image.dice > 0.8, `${image.image}: Dice ${image.dice} (the tiny model finds the disc)`);
      assert.ok(image.uncertainty !== undefined && image.uncertainty >= 0 && image.uncertainty <= 1);
    }
    const meanDice = result.images.reduce((s, i) => s + i.dice, 0) / 4;
    assert.ok(Math.abs(result.summary.metrics.dice.mean - meanDice) < 1e-12);
    // The CLI prints the report's numbers.
    assert.match(run.stdout, /Scored 4 image\(s\), 0 failed/);
    assert.match(run.stdout, new RegExp(`Dice\\s+${result.summary.metrics.dice.mean.toFixed(4)}\\s+${result.summary.metrics.dice.median.toFixed(4)}`));
    assert.deepEqual(readdirSync(report).sort(), ['dice-histogram.png', 'evaluation.csv', 'evaluation.json', 'evaluation.md']);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 5);
    assert.match(readFileSync(path.join(report, 'evaluation.md'), 'utf8'), new RegExp(`\\| Dice \\| ${result.summary.metrics.dice.mean.toFixed(4)} \\|`));
    const histogram = PNG.sync.read(readFileSync(path.join(report, 'dice-histogram.png')));
    assert.ok(histogram.width > 100 && histogram.height > 100);
  });

  it('scores --pred label files where they exist (a perfect one, a miss) and predicts the rest', async () => {
    const { images, gt, written } = await dataSet(3);
    const pred = path.join(tmp.path, 'pred');
    mkdirSync(pred);
    const [perfect, missed] = written as [DiscImage, DiscImage, DiscImage];
    writeGreyPng(path.join(pred, maskName(perfect)), perfect.width, perfect.height, discValue(perfect, 1));
    writeGreyPng(path.join(pred, maskName(missed)), missed.width, missed.height, () => 0);
    const run = segnetr(images, '--gt', gt, '--pred', pred, '--model', sigmoidModel, '--json', '-');
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as EvaluationReport;
    const byName = new Map(result.images.map((i) => [path.basename(i.image), i]));
    const p = byName.get(path.basename(perfect.file))!;
    assert.deepEqual([p.prediction, p.dice, p.iou, p.precision, p.recall, p.hd95, p.uncertainty], ['file', 1, 1, 1, 1, 0, undefined]);
    const m = byName.get(path.basename(missed.file))!;
    assert.deepEqual([m.prediction, m.dice, m.iou, m.precision, m.recall, m.predictedArea], ['file', 0, 0, 0, 0, 0]);
    assert.equal(m.hd95, Math.hypot(missed.width, missed.height));
    assert.equal(m.classes[0]!.empty, 'prediction');
    assert.equal(byName.get(path.basename(written[2]!.file))!.prediction, 'model');
    // The miss is in every mean: nothing drops out.
    const dices = result.images.map((i) => i.dice);
    assert.equal(result.summary.metrics.dice.mean, dices.reduce((s, d) => s + d, 0) / 3);
    assert.equal(result.summary.classes[0]!.empty.prediction, 1);
  });

  it("says which ground truth is the model's own pre-label (unreviewed, accepted, rejected) or edited from it, and what the rest score", async () => {
    const { images, written } = await dataSet(4);
    const labels = path.join(tmp.path, 'labels');
    const prelabel = spawnSync(process.execPath, [cliScript, 'prelabel', images, '--model', sigmoidModel, '--threads', '1', '--out', labels], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(prelabel.status, 0, prelabel.stderr);
    const [accepted, edited, rejected, untouched] = written as [DiscImage, DiscImage, DiscImage, DiscImage];
    const model = (JSON.parse(readFileSync(path.join(labels, '.segnetr', 'predictions', `${path.parse(accepted.file).name}.json`), 'utf8')) as { model: { id: string; sha256: string } }).model;
    // A person edited one label (it is empty now) and decided about three.
    writeGreyPng(path.join(labels, maskName(edited)), edited.width, edited.height, () => 0);
    const row = (image: DiscImage, status: 'accepted' | 'edited' | 'rejected') => ({ image: path.basename(image.file), status, modelId: model.id, modelSha256: model.sha256, time: '2026-12-04T00:00:00.000Z' });
    writeFileSync(reviewFilePath(labels), formatReviewTsv([row(accepted, 'accepted'), row(edited, 'edited'), row(rejected, 'rejected')]));
    const csv = path.join(tmp.path, 'eval.csv');
    const run = segnetr(images, '--gt', labels, '--model', sigmoidModel, '--threads', '1', '--json', '-', '--csv', csv);
    assert.equal(run.status, 0, run.stderr);
    const json = run.stdout.slice(run.stdout.indexOf('{'));
    const result = JSON.parse(json) as EvaluationReport;
    const origin = (image: DiscImage) => result.images.find((i) => path.basename(i.image) === path.basename(image.file))!.groundTruthOrigin;
    assert.deepEqual(origin(accepted), { status: 'accepted', model });
    assert.deepEqual(origin(edited), { status: 'edited', model });
    assert.deepEqual(origin(rejected), { status: 'rejected', model });
    assert.deepEqual(origin(untouched), { status: 'predicted', model });
    // Each row keeps the hash of the ground-truth file it scored (a view of the report tells a file changed since).
    for (const row of result.images) assert.equal(row.groundTruthSha256, createHash('sha256').update(readFileSync(row.groundTruth)).digest('hex'));
    assert.equal(readFileSync(csv, 'utf8').split('\n')[0]!.split(',').slice(-3).join(','), 'ground_truth_made_by,ground_truth_model_sha256,failed');
    // The same folder as ground truth without its records: nothing is said.
    const plain = path.join(tmp.path, 'plain');
    mkdirSync(plain);
    for (const image of written) writeFileSync(path.join(plain, maskName(image)), readFileSync(path.join(labels, maskName(image))));
    const clean = JSON.parse(segnetr(images, '--gt', plain, '--model', sigmoidModel, '--threads', '1', '--json', '-').stdout) as EvaluationReport;
    assert.ok(clean.images.every((i) => i.groundTruthOrigin === undefined));
    // What the text report says.
    const text = segnetr(images, '--gt', labels, '--model', sigmoidModel, '--threads', '1').stdout;
    assert.match(text, /3 of 4 ground-truth mask\(s\) are this model's own predictions, pixel for pixel \(1 kept unchanged, 1 rejected, 1 unreviewed\): their scores measure the model against itself; mean Dice of the other 1: 0\.0000\./);
    assert.match(text, /1 ground-truth mask\(s\) are pre-labels a person edited \(1 of this model's\)\./);
  });

  it('lists images it cannot score with the reason and exits 1; the others are scored', async () => {
    const { images, gt, written } = await dataSet(4);
    const [, wrongSize, badValue, noMask] = written as [DiscImage, DiscImage, DiscImage, DiscImage];
    writeGreyPng(path.join(gt, maskName(wrongSize)), 10, 10, () => 0);
    writeGreyPng(path.join(gt, maskName(badValue)), badValue.width, badValue.height, () => 128);
    spawnSync('rm', [path.join(gt, maskName(noMask))]);
    const run = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--json', '-');
    assert.equal(run.status, 1);
    const result = JSON.parse(run.stdout) as EvaluationReport;
    assert.equal(result.images.length, 1);
    const reasons = Object.fromEntries(result.failed.map((f) => [path.basename(f.file), f.reason]));
    assert.match(reasons[path.basename(wrongSize.file)]!, /is 10 x 10, the image \d+ x \d+/);
    assert.match(reasons[path.basename(badValue.file)]!, /pixel \(0, 0\) is 128: a two-class mask holds 0 \(background\) and 1 or 255/);
    assert.match(reasons[path.basename(noMask.file)]!, /^no ground-truth mask /);
    for (const f of result.failed) assert.ok(run.stderr.includes(`${f.file}: ${f.reason}`));
  });

  it('exits 2 for usage errors, a folder without masks, masks in the images folder (via a symlink), and a bad model', async () => {
    const { images } = await dataSet(1);
    const noGt = segnetr(images);
    assert.equal(noGt.status, 2);
    assert.match(noGt.stderr, /Missing --gt/);
    const empty = path.join(tmp.path, 'empty');
    mkdirSync(empty);
    const none = segnetr(images, '--gt', empty, '--model', sigmoidModel);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /No ground-truth masks in .*empty/);
    const missing = segnetr(images, '--gt', path.join(tmp.path, 'nope'), '--model', sigmoidModel);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^segnetr: Cannot use the ground-truth folder .*nope: no such folder\.\n$/);
    const link = path.join(tmp.path, 'images-link');
    symlinkSync(images, link);
    const same = segnetr(images, '--gt', link, '--model', sigmoidModel);
    assert.equal(same.status, 2);
    assert.match(same.stderr, /The ground-truth folder .*images-link is the images folder/);
    const badModel = segnetr(images, '--gt', empty, '--model', path.join(tmp.path, 'nope.onnx'));
    assert.equal(badModel.status, 2);
    assert.match(badModel.stderr, /Cannot read model .*nope\.onnx/);
    const noImages = segnetr(empty, '--gt', images, '--model', sigmoidModel);
    assert.equal(noImages.status, 2);
    assert.match(noImages.stderr, /No images in .*empty: the evaluation reads the \.png .* files directly in it/);
    const bothStdout = segnetr(images, '--gt', empty, '--json', '-', '--csv', '-');
    assert.equal(bothStdout.status, 2);
    assert.match(bothStdout.stderr, /Only one of --json and --csv can print on stdout/);
  });

  it('refuses --json/--csv/--report places that cannot take the files before scoring anything (exit 2, one line each)', async () => {
    const { images, gt } = await dataSet(2);
    const aFile = path.join(tmp.path, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const aFolder = path.join(tmp.path, 'a-folder');
    mkdirSync(aFolder);
    for (const [args, message] of [
      [['--json', path.join(aFile, 'eval.json')], /^segnetr: --json .*a-file\/eval\.json cannot be written \(a file is where a folder of that path should be\); nothing was scored\.\n$/],
      [['--csv', aFolder], /^segnetr: --csv .*a-folder is a folder or another non-file; give a file name\.\n$/],
      [['--report', path.join(aFile, 'report')], /^segnetr: .*a-file\/report cannot hold a report: it, or a folder above it, is a file\.\n$/],
    ] as const) {
      const run = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--threads', '1', ...args);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '', 'nothing scored, nothing printed');
    }
    assert.deepEqual(readdirSync(aFolder), []);
  });

  it('never writes a report into the folders it evaluates, and replaces only an earlier report\'s files', async () => {
    const { images, gt, written } = await dataSet(2);
    const mask = path.join(gt, maskName(written[0]!));
    const maskBytes = readFileSync(mask);
    const before = readdirSync(images);
    const cases: [string[], RegExp][] = [
      [['--report', images], /--report .* writes into the images folder/],
      [['--report', path.join(images, '.')], /--report .* writes into the images folder/],
      [['--csv', mask], /--csv .* writes into the ground-truth folder/],
      [['--json', path.join(gt, 'report.json')], /--json .* writes into the ground-truth folder/],
    ];
    for (const [flags, message] of cases) {
      const run = segnetr(images, '--gt', gt, '--model', sigmoidModel, ...flags);
      assert.equal(run.status, 2, flags.join(' '));
      assert.match(run.stderr, message);
    }
    assert.deepEqual(readdirSync(images), before);
    assert.deepEqual(readFileSync(mask), maskBytes, 'the mask a CSV would have replaced');
    // A folder whose evaluation.csv is someone's own file, not a SegNetr report's.
    const theirs = path.join(tmp.path, 'theirs');
    mkdirSync(theirs);
    writeFileSync(path.join(theirs, 'evaluation.csv'), 'my numbers\n');
    const refused = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--report', theirs);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /holds evaluation\.csv but no evaluation\.json: they are not a SegNetr report/);
    assert.equal(readFileSync(path.join(theirs, 'evaluation.csv'), 'utf8'), 'my numbers\n');
    // A place that cannot hold folders (mkdir -p under /proc never returned on Node 20): a message, not a hang.
    const proc = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--report', '/proc/segnetr-test/report');
    assert.equal(proc.status, 2);
    assert.match(proc.stderr, /^segnetr: Cannot write \/proc\/segnetr-test\/report\/evaluation\.json: that place cannot hold files\.$/m);
  });

  it('reads ground truth from a subfolder of the images folder, reports absolute paths, and checks --pred masks against the image size', async () => {
    const { images, written } = await dataSet(2);
    const gt = path.join(images, 'gt'); // only read: it may live inside the images folder
    mkdirSync(gt);
    written.forEach((image) => writeGreyPng(path.join(gt, maskName(image)), image.width, image.height, discValue(image, 1)));
    const pred = path.join(tmp.path, 'pred');
    mkdirSync(pred);
    const [fits, shrunk] = written as [DiscImage, DiscImage];
    writeGreyPng(path.join(pred, maskName(fits)), fits.width, fits.height, discValue(fits, 1));
    // A prediction and a ground truth that agree with each other, but not with their image.
    writeGreyPng(path.join(gt, maskName(shrunk)), 8, 6, () => 0);
    writeGreyPng(path.join(pred, maskName(shrunk)), 8, 6, () => 0);
    const run = spawnSync(process.execPath, [cliScript, 'evaluate', path.relative(tmp.path, images), '--gt', path.relative(tmp.path, gt), '--pred', 'pred', '--model', sigmoidModel, '--json', '-'], { cwd: tmp.path, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 1, run.stderr);
    const result = JSON.parse(run.stdout) as EvaluationReport;
    assert.deepEqual([result.imagesDir, result.gtDir, result.predDir], [images, gt, pred]);
    assert.deepEqual(result.images.map((i) => [i.image, i.groundTruth, i.predictionFile, i.dice]), [[fits.file, path.join(gt, maskName(fits)), path.join(pred, maskName(fits)), 1]]);
    assert.deepEqual(result.failed, [{ file: shrunk.file, reason: `the ground-truth mask ${path.join(gt, maskName(shrunk))} is 8 x 6, the image ${shrunk.width} x ${shrunk.height}` }]);
  });

  it('--csv - prints the CSV on stdout, failed images last', async () => {
    const { images, gt, written } = await dataSet(3);
    spawnSync('rm', [path.join(gt, maskName(written[1]!))]);
    const run = segnetr(images, '--gt', gt, '--model', sigmoidModel, '--csv', '-');
    assert.equal(run.status, 1);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^image,ground_truth,.*,failed$/);
    assert.ok(lines[3]!.startsWith(written[1]!.file) && /,no ground-truth mask /.test(lines[3]!), lines[3]);
  });

  it('runs in the worker with progress and stops when cancelled', async () => {
    const { images, gt } = await dataSet(24);
    const client = new WorkerClient({ workerScript });
    try {
      const progress: EvaluateProgress[] = [];
      const request = { imagesDir: images, gtDir: gt, modelPath: sigmoidModel, threads: 1 };
      const full = await client.evaluate(request, { onProgress: (p) => progress.push(p) });
      assert.deepEqual(progress.map((p) => p.done), Array.from({ length: 24 }, (_, i) => i + 1));
      assert.ok(progress.every((p) => p.outcome === 'scored' && p.total === 24));
      assert.deepEqual([full.images.length, full.cancelled], [24, false]);
      const abort = new AbortController();
      let seen = 0;
      const partial = await client.evaluate(request, {
        signal: abort.signal,
        onProgress: () => {
          if (++seen === 2) abort.abort();
        },
      });
      assert.equal(partial.cancelled, true);
      assert.ok(partial.images.length >= 2 && partial.images.length < 24, `scored ${partial.images.length}`);
      assert.equal(partial.summary.images, partial.images.length);
    } finally {
      client.dispose();
    }
  });

  it('goes on after its worker is killed: a fresh worker scores the image in hand again and the rest, as a clean run does', async () => {
    const { images, gt } = await dataSet(24);
    const client = new WorkerClient({ workerScript });
    try {
      const request = { imagesDir: images, gtDir: gt, modelPath: sigmoidModel, threads: 1 };
      const clean = await client.evaluate(request);
      const progress: EvaluateProgress[] = [];
      const crashes: string[] = [];
      let killedPid: number | undefined;
      const report = await evaluateAcrossCrashes(client, request, {
        onProgress: (p) => {
          progress.push(p);
          if (p.done === 3 && killedPid === undefined) {
            killedPid = client.pid;
            process.kill(killedPid!, 'SIGKILL');
          }
        },
        onCrash: (image, _, next) => crashes.push(`${path.basename(image)} ${next}`),
      });
      assert.notEqual(client.pid, killedPid, 'a fresh worker scored the rest');
      assert.deepEqual([report.cancelled, report.stopped, report.failed.length], [false, undefined, 0], JSON.stringify(report.failed));
      assert.equal(crashes.length, 1);
      assert.match(crashes[0]!, / retry$/);
      // Every image once, scored as in a clean run.
      assert.equal(report.summary.images, 24);
      const cleanDice = new Map(clean.images.map((i) => [i.image, i.dice]));
      assert.deepEqual(report.images.map((i) => i.image).sort(), clean.images.map((i) => i.image).sort());
      for (const image of report.images) assert.equal(image.dice, cleanDice.get(image.image));
      // Progress counts on over the restart, against the whole folder.
      assert.ok(progress.every((p) => p.total === 24), JSON.stringify(progress.map((p) => p.total)));
      const done = progress.map((p) => p.done);
      assert.ok(done.every((d, i) => i === 0 || d > done[i - 1]!), `done ${done.join(',')}`);
      assert.equal(done.at(-1), 24);
    } finally {
      client.dispose();
    }
  });

  it('a cancelled run whose worker does not stop is killed and still reports the images scored until then', async () => {
    const { images, gt } = await dataSet(24);
    const deaf = new WorkerClient({ workerScript, cancelGraceMs: 500 });
    try {
      const abort = new AbortController();
      let stoppedPid: number | undefined;
      const report = await deaf.evaluate(
        { imagesDir: images, gtDir: gt, modelPath: sigmoidModel, threads: 1 },
        {
          signal: abort.signal,
          onProgress: (p) => {
            if (p.done === 2 && stoppedPid === undefined) {
              // As deaf as a worker stuck in a read on a hung network share.
              stoppedPid = deaf.pid;
              process.kill(stoppedPid!, 'SIGSTOP');
              abort.abort();
            }
          },
        },
      );
      assert.equal(report.cancelled, true);
      assert.ok(report.images.length >= 2 && report.images.length < 24, `scored ${report.images.length}`);
      assert.equal(report.summary.images, report.images.length);
      assert.ok(report.summary.metrics.dice.mean > 0.5, `mean Dice ${report.summary.metrics.dice.mean}`);
      assert.equal(report.gtDir, gt);
      assert.equal(deaf.pid, undefined, 'the deaf worker was killed');
    } finally {
      deaf.dispose();
    }
  });
});
