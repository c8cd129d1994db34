// The pre-label job in this process (real onnxruntime-node), for what a child process's asynchronous progress
// messages cannot pin down: a person saving a label in the mask editor while the job runs.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runPrelabelJob } from '../../src/core/prelabelJob';
import { writeFileAtomic } from '../../src/core/atomicWrite';
import { writeEditedLabel } from '../../src/core/editedLabelWrite';
import { formatReviewTsv, readReviewState, reviewFilePath } from '../../src/core/reviewState';
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

  it('with overwrite, the decision of a person who edits a label the job already replaced stays, so a later overwrite keeps it', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 3);
    const first = written[0]!.file;
    const firstLabel = path.join(masks, `${path.parse(first).name}.png`);
    let save: Promise<unknown> | undefined;
    await runPrelabelJob(request(images, masks, { overwrite: true }), {
      onProgress: (progress) => {
        // The person opens the image the job just predicted, edits it and saves: the editor's own write.
        if (progress.done !== 1) return;
        const decision = { image: path.basename(first), status: 'edited', modelId: '-', modelSha256: '-', time: new Date().toISOString() } as const;
        save = writeEditedLabel(masks, decision, () => writeFileAtomic(firstLabel, Buffer.from('saved by a person')).then(() => undefined));
      },
    });
    await save;
    assert.equal((await readReviewState(masks)).get(path.basename(first))?.status, 'edited');
    const again = await runPrelabelJob(request(images, masks, { overwrite: true }));
    assert.deepEqual([again.written, again.keptReviewed], [2, 1]);
    assert.equal(readFileSync(firstLabel, 'utf8'), 'saved by a person');
  });

  it('forgets the decisions about the labels it replaced also when it stops part-way (a model failure)', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 3);
    mkdirSync(path.dirname(reviewFilePath(masks)), { recursive: true });
    const names = written.map((w) => path.basename(w.file));
    for (const w of written) writeFileSync(path.join(masks, `${path.parse(w.file).name}.png`), 'an old label');
    writeFileSync(reviewFilePath(masks), formatReviewTsv(names.map((image) => ({ image, status: 'accepted', modelId: '-', modelSha256: '-', time: '2026-01-01T00:00:00.000Z' }))));
    const job = runPrelabelJob(request(images, masks, { overwrite: true, overwriteReviewed: true }), {
      onProgress: (progress) => {
        if (progress.done === 1) throw new Error('the model failed');
      },
    });
    await assert.rejects(job, /the model failed/);
    assert.deepEqual([...(await readReviewState(masks)).keys()], names.slice(1), 'the replaced label\'s decision is gone, the others stay');
  });

  it('a review.tsv lock it cannot take fails, with overwrite, the images it would have written, one by one (the job goes on); without, it writes them', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 3);
    mkdirSync(path.dirname(reviewFilePath(masks)), { recursive: true });
    writeFileSync(path.join(masks, `${path.parse(written[0]!.file).name}.png`), 'an old label');
    assert.equal(spawnSync('mkfifo', [`${reviewFilePath(masks)}.lock`]).status, 0); // not a lock SegNetr wrote: refused at once
    const summary = await runPrelabelJob(request(images, masks, { overwrite: true }));
    assert.deepEqual([summary.written, summary.failed.length], [0, 3]);
    assert.match(summary.failed[0]!.reason, /^review\.tsv could not be used to tell whether a person reviewed its label, so no label was written for it: .*a named pipe, not a lock SegNetr wrote/);
    assert.equal(readFileSync(path.join(masks, `${path.parse(written[0]!.file).name}.png`), 'utf8'), 'an old label');
    // Without overwrite the lock only serves to forget decisions about replaced labels: the labels are written.
    writeFileSync(reviewFilePath(masks), formatReviewTsv([]));
    const lines: string[] = [];
    const fresh = await runPrelabelJob(request(images, masks), { log: (line) => lines.push(line) });
    assert.deepEqual([fresh.written, fresh.skipped, fresh.failed.length], [2, 1, 0]);
    assert.ok(lines.some((line) => /review\.tsv's lock could not be had/.test(line)), lines.join('\n'));
  });

  it('with overwrite, leaves a label file marked read-only as it is and lists it as failed, saying why', async () => {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    const written = await writeDiscImages(images, 2);
    mkdirSync(masks);
    const locked = path.join(masks, `${path.parse(written[0]!.file).name}.png`);
    writeFileSync(locked, 'a locked label');
    chmodSync(locked, 0o444);
    const summary = await runPrelabelJob(request(images, masks, { overwrite: true }));
    assert.deepEqual([summary.written, summary.failed.length], [1, 1]);
    assert.match(summary.failed[0]!.reason, /is marked read-only, so it was left as it is; make it writable to replace it$/);
    assert.equal(readFileSync(locked, 'utf8'), 'a locked label');
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
