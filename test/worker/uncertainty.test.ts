// The uncertainty pass in the worker (WorkerClient.rankUncertainty): every image predicted, nothing written,
// most uncertain first, the same scores as an evaluation of the same images, bad files listed, cancel honoured.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { UncertaintyProgress } from '../../src/common/uncertainty';
import { rankAcrossCrashes } from '../../src/worker/acrossCrashes';
import { WorkerClient } from '../../src/worker/client';
import { useTempDir } from '../unit/tempDir';
import { writeDiscImages } from './testImages';
import { requireBuild, sigmoidModel, workerScript } from './workerSetup';

describe('uncertainty pass (worker)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('uncertainty');
  before(requireBuild);

  it('ranks every image most uncertain first with the scores an evaluation gives, lists bad files, writes nothing', async () => {
    const images = path.join(tmp.path, 'images');
    const gt = path.join(tmp.path, 'gt');
    mkdirSync(images);
    mkdirSync(gt);
    const written = await writeDiscImages(images, 6);
    for (const image of written) {
      const png = new PNG({ width: image.width, height: image.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
      png.data = Buffer.alloc(image.width * image.height);
      writeFileSync(path.join(gt, `${path.parse(image.file).name}.png`), PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    }
    writeFileSync(path.join(images, 'zz-broken.png'), Buffer.from('not a png'));
    const before = readdirSync(tmp.path, { recursive: true }).length;
    const client = new WorkerClient({ workerScript });
    try {
      const progress: UncertaintyProgress[] = [];
      const ranking = await client.rankUncertainty({ imagesDir: images, modelPath: sigmoidModel, threads: 1 }, { onProgress: (p) => progress.push(p) });
      assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4, 5, 6, 7]);
      assert.equal(ranking.images.length, 6);
      assert.deepEqual(ranking.failed.map((f) => path.basename(f.file)), ['zz-broken.png']);
      assert.equal(ranking.cancelled, false);
      const scores = ranking.images.map((i) => i.uncertainty);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'most uncertain first');
      assert.ok(scores.every((s) => s >= 0 && s <= 1));
      assert.equal(readdirSync(tmp.path, { recursive: true }).length, before, 'nothing written');
      // The same model on the same images: the evaluation job's per-image scores.
      const report = await client.evaluate({ imagesDir: images, gtDir: gt, modelPath: sigmoidModel, threads: 1 });
      const fromReport = new Map(report.images.map((i) => [i.image, i.uncertainty]));
      for (const entry of ranking.images) assert.equal(entry.uncertainty, fromReport.get(entry.image), entry.image);

      const abort = new AbortController();
      abort.abort();
      const cancelled = await client.rankUncertainty({ imagesDir: images, modelPath: sigmoidModel, threads: 1 }, { signal: abort.signal });
      assert.deepEqual([cancelled.cancelled, cancelled.images.length], [true, 0]);
      await assert.rejects(client.rankUncertainty({ imagesDir: path.join(tmp.path, 'nope'), modelPath: sigmoidModel, threads: 1 }), /no such file|ENOENT/);
    } finally {
      client.dispose();
    }
  });

  it('goes on after its worker is killed: a fresh worker ranks the image in hand again and the rest, as a clean run does', async () => {
    const images = path.join(tmp.path, 'images');
    mkdirSync(images);
    await writeDiscImages(images, 16);
    const client = new WorkerClient({ workerScript });
    try {
      const request = { imagesDir: images, modelPath: sigmoidModel, threads: 1 };
      const clean = await client.rankUncertainty(request);
      let killedPid: number | undefined;
      const done: number[] = [];
      const ranking = await rankAcrossCrashes(client, request, {
        onProgress: (p) => {
          done.push(p.done);
          assert.equal(p.total, 16);
          if (p.done === 3 && killedPid === undefined) {
            killedPid = client.pid;
            process.kill(killedPid!, 'SIGKILL');
          }
        },
      });
      assert.notEqual(client.pid, killedPid);
      assert.deepEqual([ranking.failed.length, ranking.cancelled, ranking.stopped], [0, false, undefined]);
      assert.deepEqual(ranking.images, clean.images, 'the clean ranking');
      assert.ok(done.every((d, i) => i === 0 || d > done[i - 1]!), `done ${done.join(',')}`);
      assert.equal(done.at(-1), 16);
    } finally {
      client.dispose();
    }
  });
});
