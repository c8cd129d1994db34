// The pre-label job in this process (real onnxruntime-node), for what a child process's asynchronous progress
// messages cannot pin down: a person saving a label in the mask editor while the job runs.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runPrelabelJob } from '../../src/core/prelabelJob';
import { formatReviewTsv, reviewFilePath } from '../../src/core/reviewState';
import { useTempDir } from '../unit/tempDir';
import { readLabel, writeDiscImages } from './testImages';
import { request } from './workerSetup';

describe('pre-label job (in process)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('prelabel-job');

  it('with overwrite, keeps a label a person saved while the job ran, also one that did not exist when it was planned', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 3);
    const last = written[2]!.file;
    const lastLabel = path.join(masks, `${path.parse(last).name}.png`);
    const summary = await runPrelabelJob(request(images, masks, { overwrite: true }), {
      onProgress: (progress) => {
        // After the first image: the person saves the last image's label in the editor (decision, then label),
        // synchronously here so that it lands before the job reaches that image.
        if (progress.done !== 1) return;
        mkdirSync(path.dirname(reviewFilePath(masks)), { recursive: true });
        const decision = { image: path.basename(last), status: 'edited', modelId: '-', modelSha256: '-', time: new Date().toISOString() } as const;
        writeFileSync(reviewFilePath(masks), formatReviewTsv([decision]));
        writeFileSync(lastLabel, 'saved by a person');
      },
    });
    assert.equal(readFileSync(lastLabel, 'utf8'), 'saved by a person');
    assert.deepEqual([summary.written, summary.skipped, summary.keptReviewed], [2, 1, 1]);
    assert.equal(readLabel(path.join(masks, `${path.parse(written[0]!.file).name}.png`)).colorType, 0, 'the others are labelled');
  });

  it('with overwrite, makes again a reviewed label that was deleted (nothing of a person is left to keep)', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 2);
    mkdirSync(path.dirname(reviewFilePath(masks)), { recursive: true });
    const decision = { image: path.basename(written[1]!.file), status: 'accepted', modelId: '-', modelSha256: '-', time: '2026-01-01T00:00:00.000Z' } as const;
    writeFileSync(reviewFilePath(masks), formatReviewTsv([decision]));
    const summary = await runPrelabelJob(request(images, masks, { overwrite: true }));
    assert.deepEqual([summary.written, summary.skipped, summary.keptReviewed], [2, 0, 0]);
    assert.equal(readLabel(path.join(masks, `${path.parse(written[1]!.file).name}.png`)).colorType, 0);
  });

  it('with overwrite, a review.tsv it cannot read stops the job before any label is written', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 3);
    const lastLabel = path.join(masks, `${path.parse(written[2]!.file).name}.png`); // only the last image has a label
    mkdirSync(path.dirname(reviewFilePath(masks)), { recursive: true });
    writeFileSync(lastLabel, 'a label');
    writeFileSync(reviewFilePath(masks), 'garbage\n');
    await assert.rejects(runPrelabelJob(request(images, masks, { overwrite: true })), /^RequestError: Cannot tell which labels a person reviewed, so none is overwritten: .*review\.tsv: line 1 must be the header/);
    assert.deepEqual(readdirSync(masks).sort(), ['.segnetr', path.basename(lastLabel)], 'no label written');
    assert.equal(readFileSync(lastLabel, 'utf8'), 'a label');
  });
});
