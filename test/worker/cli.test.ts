import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { pngHeaderOnly } from '../unit/pngBytes';
import { useTempDir } from '../unit/tempDir';
import { labelFolderEntries, readLabel, writeBadFiles, writeDiscImages } from './testImages';
import { cliScript, copyModelWithMismatchedGraph, copyModelWithWrongChecksum, requireBuild, sigmoidModel, softmaxModel, waitUntil } from './workerSetup';

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function segnetr(...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [cliScript, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('segnetr CLI (node dist/cli.js)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('cli');
  before(requireBuild);

  function imagesDir(): string {
    const dir = path.join(tmp.path, 'images');
    mkdirSync(dir);
    return dir;
  }

  it('labels a folder into ../masks by default and exits 0; a second run skips, --overwrite rewrites', async () => {
    const images = imagesDir();
    const written = await writeDiscImages(images, 5);
    const run = segnetr('prelabel', images, '--model', sigmoidModel, '--threads', '1');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Done: 5 written, 0 skipped \(label exists\), 0 failed of 5/);
    const masks = path.join(tmp.path, 'masks');
    for (const image of written) {
      const label = readLabel(path.join(masks, `${path.parse(image.file).name}.png`));
      assert.deepEqual([label.width, label.height, label.bitDepth, label.colorType], [image.width, image.height, 8, 0]);
    }
    assert.match(segnetr('prelabel', images, '--model', sigmoidModel).stdout, /0 written, 5 skipped/);
    assert.match(segnetr('prelabel', images, '--model', sigmoidModel, '--overwrite').stdout, /5 written, 0 skipped/);
  });

  it('keeps onnxruntime\'s usage telemetry off: no device id or usage database in the home folder unless asked for', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 1);
    const run = (home: string, extra: Record<string, string>): void => {
      mkdirSync(home);
      // Without CI, which onnxruntime also takes as a reason to stay quiet.
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ...extra };
      const result = spawnSync(process.execPath, [cliScript, 'prelabel', images, '--model', sigmoidModel, '--out', path.join(home, 'masks')], { encoding: 'utf8', env });
      assert.equal(result.status, 0, result.stderr);
    };
    const quiet = path.join(tmp.path, 'home-default');
    run(quiet, {});
    assert.equal(existsSync(path.join(quiet, '.cache', 'Microsoft')), false, 'nothing of onnxruntime\'s telemetry by default');
    const optedIn = path.join(tmp.path, 'home-opted-in');
    run(optedIn, { ORT_DISABLE_TELEMETRY: '0' });
    assert.equal(existsSync(path.join(optedIn, '.cache', 'Microsoft', 'DeveloperTools', '.onnxruntime')), true, 'the check can see it when it is on');
  });

  it('--overwrite keeps a label a person accepted (review.tsv) and says so; --overwrite-reviewed replaces it', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 2);
    const masks = path.join(tmp.path, 'masks');
    assert.equal(segnetr('prelabel', images, '--model', sigmoidModel).status, 0);
    writeFileSync(path.join(masks, 'img_000.png'), 'accepted by a person');
    const header = 'image\tstatus\tmodel\tmodel_sha256\ttime\n';
    writeFileSync(path.join(masks, '.segnetr', 'review.tsv'), `${header}img_000.png\taccepted\t-\t-\t2026-01-01T00:00:00.000Z\nimg_001.jpg\trejected\t-\t-\t2026-01-01T00:00:00.000Z\n`);
    const kept = segnetr('prelabel', images, '--model', sigmoidModel, '--overwrite');
    assert.equal(kept.status, 0, kept.stderr);
    assert.match(kept.stdout, /1 written, 1 skipped \(label exists; 1 of them reviewed by a person, kept \(--overwrite-reviewed replaces them\)\)/);
    assert.equal(readFileSync(path.join(masks, 'img_000.png'), 'utf8'), 'accepted by a person');
    // The rejection was about the label just replaced: it goes; the acceptance of the kept label stays.
    const review = () => readFileSync(path.join(masks, '.segnetr', 'review.tsv'), 'utf8');
    assert.equal(review(), `${header}img_000.png\taccepted\t-\t-\t2026-01-01T00:00:00.000Z\n`);
    const forced = segnetr('prelabel', images, '--model', sigmoidModel, '--overwrite-reviewed');
    assert.match(forced.stdout, /2 written, 0 skipped/);
    assert.equal(readLabel(path.join(masks, 'img_000.png')).colorType, 0);
    assert.equal(review(), header, 'no decision is left about labels the model just made again');
  });

  it('exits 1 with "file: reason" lines when some images fail, and still labels the good ones', async () => {
    const images = imagesDir();
    const out = path.join(tmp.path, 'out');
    const good = await writeDiscImages(images, 3);
    writeBadFiles(images, good[0]!.file, pngHeaderOnly(30000, 30000));
    const run = segnetr('prelabel', images, '--out', out, '--model', sigmoidModel);
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split('\n');
    assert.deepEqual(lines.sort(), [
      `${path.join(images, 'bad_empty.png')}: empty file (0 bytes)`,
      `${path.join(images, 'bad_huge.png')}: image is 30000 x 30000 (900.0 megapixels), over the 100-megapixel limit; downscale it or split it into tiles`,
      `${path.join(images, 'bad_text.jpg')}: not an image: the file contains text`,
      lines.find((l) => l.startsWith(`${path.join(images, 'bad_truncated.png')}: the PNG file is truncated`))!,
    ].sort());
    assert.match(run.stdout, /3 written, 0 skipped \(label exists\), 4 failed of 7/);
    assert.deepEqual(labelFolderEntries(out).sort(), ['img_000.png', 'img_001.png', 'img_002.png']);
  });

  it('stopped by SIGTERM mid-run: exits 143 and says so, every label on disk is complete, no temp file is left', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 40, { width: 480, height: 360 });
    const masks = path.join(tmp.path, 'masks');
    const child = spawn(process.execPath, [cliScript, 'prelabel', images, '--model', sigmoidModel, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitUntil(() => existsSync(masks) && labelFolderEntries(masks).filter((n) => n.endsWith('.png')).length >= 3);
    child.kill('SIGTERM');
    assert.equal(await exited, 143, stderr);
    assert.match(stderr, /segnetr: stopped by SIGTERM; labels written so far are complete/);
    const left = labelFolderEntries(masks);
    assert.deepEqual(left.filter((n) => !n.endsWith('.png')), [], 'no temp file left behind');
    assert.ok(left.length < 40, 'the run stopped before the end');
    for (const name of left) assert.equal(readLabel(path.join(masks, name)).colorType, 0, `${name} is complete`);
  });

  it('prints a machine-readable summary with --json', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 2);
    const run = segnetr('prelabel', images, '--out', path.join(tmp.path, 'o'), '--model', sigmoidModel, '--json', '--format', 'binary255');
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(
      [summary['total'], summary['written'], summary['skipped'], summary['failed'], summary['cancelled'], summary['format'], summary['shard']],
      [2, 2, 0, [], false, 'binary255', null],
    );
    assert.equal(typeof summary['elapsedMs'], 'number');
    const label = readLabel(path.join(tmp.path, 'o', 'img_000.png'));
    assert.ok(label.values.every((v) => v === 0 || v === 255) && label.values.includes(255));
  });

  it('splits a folder into shards that together label every image exactly once', async () => {
    const images = imagesDir();
    const all = (await writeDiscImages(images, 10)).map((i) => `${path.parse(i.file).name}.png`);
    const perShard: string[][] = [];
    for (let index = 0; index < 3; index++) {
      const out = path.join(tmp.path, `shard${index}`);
      const run = segnetr('prelabel', images, '--out', out, '--model', sigmoidModel, '--shard', `${index}/3`, '--json');
      assert.equal(run.status, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { shard: string }).shard, `${index}/3`);
      perShard.push(labelFolderEntries(out));
    }
    assert.deepEqual(perShard.map((s) => s.length), [4, 3, 3]);
    assert.deepEqual(perShard.flat().sort(), all.sort());
  });

  it('exits 2 with a clear message for usage and model errors, without a stack trace', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 1);
    const cases: Array<[string[], RegExp]> = [
      [['prelabel'], /Missing <imagesDir>/],
      [['prelabel', images, '--shard', '3/3', '--model', sigmoidModel], /--shard 3\/3: need N >= 1 and 0 <= I < N/],
      [['prelabel', images, '--format', 'rgb'], /--format must be index or binary255/],
      [['prelabel', images, '--model', path.join(tmp.path, 'none.onnx')], /Cannot read model .*none\.onnx: no such file/],
      [['prelabel', images, '--model', copyModelWithWrongChecksum(tmp.path)], /does not match its card/],
      [['prelabel', images, '--model', softmaxModel, '--format', 'binary255'], /binary255 \(0\/255\) needs a two-class model/],
      [['prelabel', path.join(tmp.path, 'absent'), '--model', sigmoidModel], /Cannot read the images folder .*absent: no such folder/],
      [['prelabel', images, '--out', images, '--model', sigmoidModel], /labels folder must be outside the images folder/],
      // node:util's message spans lines: printed as lines, not with a literal "\n"
      [['prelabel', images, '--threads', '-1'], /^segnetr: Option '--threads' argument is ambiguous\.\nDid you forget/],
    ];
    for (const [args, message] of cases) {
      const run = segnetr(...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('exits 2 for a folder without images (a mistyped path must not pass as done) and makes no labels folder; an empty shard is fine', async () => {
    const images = imagesDir();
    writeFileSync(path.join(images, 'notes.txt'), 'not an image');
    mkdirSync(path.join(images, 'nested'));
    const empty = segnetr('prelabel', images, '--model', sigmoidModel);
    assert.equal(empty.status, 2, empty.stderr);
    assert.match(empty.stderr, /^segnetr: No images in .*images: pre-labeling reads the .* files directly in it, not in its subfolders\.\n$/);
    assert.equal(existsSync(path.join(tmp.path, 'masks')), false);
    await writeDiscImages(images, 1);
    const share = segnetr('prelabel', images, '--model', sigmoidModel, '--shard', '1/2');
    assert.equal(share.status, 0, share.stderr);
    assert.match(share.stdout, /0 written, 0 skipped \(label exists\), 0 failed of 0/);
  });

  it('a clash of base names is reported on every run, also once the other image\'s label exists (exit 1)', async () => {
    const images = imagesDir();
    const [, second] = await writeDiscImages(images, 2); // img_000.png, img_001.jpg
    renameSync(second!.file, path.join(images, 'img_000.jpg')); // sorts first: its label is written, the PNG's clashes
    for (let run = 0; run < 2; run++) {
      const result = segnetr('prelabel', images, '--model', sigmoidModel);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /: same base name as .*; both would write /);
    }
  });

  it('refuses a labels folder that is a link to the images folder, and leaves the images untouched', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 3);
    const before = readdirSync(images).map((name) => readFileSync(path.join(images, name)));
    symlinkSync(images, path.join(tmp.path, 'masks'));
    for (const out of [path.join(tmp.path, 'masks'), path.join(tmp.path, 'masks', 'labels'), path.join(images, '..', 'images')]) {
      const run = segnetr('prelabel', images, '--out', out, '--overwrite', '--model', sigmoidModel);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^segnetr: The labels folder must be outside the images folder: /);
    }
    assert.deepEqual(readdirSync(images).map((name) => readFileSync(path.join(images, name))), before);
  });

  it('exits 2 with one line, no stack trace, when --out is a file, under a file, or cannot be created', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 1);
    const file = path.join(tmp.path, 'a-file');
    writeFileSync(file, 'not a folder');
    const cases: Array<[string, RegExp]> = [
      [file, /^segnetr: Cannot use the labels folder .*a-file: it is a file, not a folder\.$/],
      [path.join(file, 'masks'), /^segnetr: Cannot use the labels folder .*a-file\/masks: part of its path is a file, not a folder\.$/],
      ['/proc/segnetr-test-masks', /^segnetr: Cannot write labels to \/proc\/segnetr-test-masks: /],
    ];
    for (const [out, message] of cases) {
      const run = segnetr('prelabel', images, '--out', out, '--model', sigmoidModel);
      assert.equal(run.status, 2, `${out}: ${run.stderr}`);
      assert.match(run.stderr.trimEnd(), message);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
    }
  });

  it('clamps --threads to the CPUs: --threads 512 runs with one thread per CPU and says so in --json', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 2);
    const run = segnetr('prelabel', images, '--out', path.join(tmp.path, 'o'), '--model', sigmoidModel, '--threads', '512', '--json');
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { written: number; threads: number };
    assert.deepEqual([summary.written, summary.threads], [2, availableParallelism()]);
  });

  it('fails a model whose card does not match its graph (exit 2) even when every label exists, and creates no labels folder', async () => {
    const images = imagesDir();
    await writeDiscImages(images, 2);
    const model = copyModelWithMismatchedGraph(tmp.path);
    const fresh = path.join(tmp.path, 'fresh-masks');
    const run = segnetr('prelabel', images, '--out', fresh, '--model', model);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /does not match its card .*the card's onnx\.inputName is "pixels"/);
    assert.equal(existsSync(fresh), false, 'no empty labels folder is left behind');

    const labelled = path.join(tmp.path, 'labelled');
    assert.equal(segnetr('prelabel', images, '--out', labelled, '--model', sigmoidModel).status, 0);
    const again = segnetr('prelabel', images, '--out', labelled, '--model', model);
    assert.equal(again.status, 2, `every label exists, but the model is still wrong: ${again.stdout}`);
    assert.match(again.stderr, /does not match its card/);
  });

  it('prints help and exits 0', () => {
    const run = segnetr('--help');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /Usage: segnetr prelabel <imagesDir>/);
    assert.match(run.stdout, /--shard I\/N/);
    const evaluateHelp = segnetr('help', 'evaluate');
    assert.equal(evaluateHelp.status, 0);
    assert.match(evaluateHelp.stdout, /^Usage: segnetr evaluate <imagesDir> --gt <masksDir>/);
    const version = segnetr('--version');
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `segnetr ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);
  });
});

describe('segnetr CLI default model', function () {
  this.timeout(60_000);
  const tmp = useTempDir('cli-default');

  /** A package layout of its own: <tmp>/dist/cli.js, resolving onnxruntime-node from the repository. */
  function installedCli(): { cli: string; env: NodeJS.ProcessEnv } {
    mkdirSync(path.join(tmp.path, 'dist'));
    const cli = path.join(tmp.path, 'dist', 'cli.js');
    copyFileSync(cliScript, cli);
    return { cli, env: { ...process.env, NODE_PATH: path.join(process.cwd(), 'node_modules') } };
  }

  it('uses media/models/segnetr-isic2017.onnx beside the package, and says clearly when it is missing', async () => {
    const { cli, env } = installedCli();
    const images = path.join(tmp.path, 'images');
    mkdirSync(images);
    await writeDiscImages(images, 1);
    const missing = spawnSync(process.execPath, [cli, 'prelabel', images], { encoding: 'utf8', env });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no bundled model at .*media\/models\/segnetr-isic2017\.onnx; pass one with --model FILE\.onnx/);

    const models = path.join(tmp.path, 'media', 'models');
    mkdirSync(models, { recursive: true });
    copyFileSync(sigmoidModel, path.join(models, 'segnetr-isic2017.onnx'));
    copyFileSync(sigmoidModel.replace(/\.onnx$/, '.json'), path.join(models, 'segnetr-isic2017.json'));
    const bundled = spawnSync(process.execPath, [cli, 'prelabel', images, '--json'], { encoding: 'utf8', env });
    assert.equal(bundled.status, 0, bundled.stderr);
    const summary = JSON.parse(bundled.stdout) as { written: number; model: string };
    assert.equal(summary.written, 1);
    assert.equal(summary.model, path.join(models, 'segnetr-isic2017.onnx'));
  });
});
