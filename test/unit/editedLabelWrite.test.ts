// A saved label is recorded as edited before it is written, and the record is taken back when the write fails.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeEditedLabel } from '../../src/core/editedLabelWrite';
import { ProtectingDecisions, type ReviewRecord, ReviewStateError, readReviewState, recordReview, reviewFilePath, whileNoDecisionIsRecorded, withdrawReview } from '../../src/core/reviewState';
import { useTempDir } from './tempDir';

const decision = (status: ReviewRecord['status'], time: string): ReviewRecord => ({ image: 'a.jpg', status, modelId: 'segnetr', modelSha256: 'cd'.repeat(32), time });
const EDITED = decision('edited', '2026-12-03T10:00:00.000Z');
const diskFull = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));

describe('writing a label a person saved', () => {
  const tmp = useTempDir('edited-label');
  const statusOnDisk = async () => (await readReviewState(tmp.path)).get('a.jpg');

  it('is already protected from a pre-label job while the file is written', async () => {
    let seenByJob: ReviewRecord | undefined;
    const result = await writeEditedLabel(tmp.path, EDITED, async () => {
      // What a pre-label job with overwrite asks just before replacing the label.
      seenByJob = await new ProtectingDecisions(tmp.path).of(path.join(tmp.path, '..', 'images', 'a.jpg'));
    });
    assert.deepEqual(seenByJob, EDITED);
    assert.deepEqual(result, {});
    assert.deepEqual(await statusOnDisk(), EDITED);
  });

  it('takes the decision back when the write fails: no decision, or the one before, as it was', async () => {
    await assert.rejects(writeEditedLabel(tmp.path, EDITED, diskFull), /ENOSPC/);
    assert.equal(await statusOnDisk(), undefined);
    const rejected = decision('rejected', '2026-12-03T09:00:00.000Z');
    await recordReview(tmp.path, rejected);
    await assert.rejects(writeEditedLabel(tmp.path, EDITED, diskFull), /ENOSPC/);
    assert.deepEqual(await statusOnDisk(), rejected);
  });

  it('holds review.tsv\'s lock while the file is written: a job\'s look (or another window\'s decision) comes after', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const save = writeEditedLabel(tmp.path, EDITED, async () => {
      events.push('write started');
      await gate;
      events.push('write done');
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the save holds the lock and waits at its write
    const job = whileNoDecisionIsRecorded(tmp.path, async () => void events.push('job looks'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(events, ['write started'], 'the job waits for the lock');
    release();
    await Promise.all([save, job]);
    assert.deepEqual(events, ['write started', 'write done', 'job looks']);
  });

  it('withdrawing a decision that is no longer the image\'s row changes nothing', async () => {
    const accepted = decision('accepted', '2026-12-03T10:00:01.000Z');
    await recordReview(tmp.path, accepted);
    await withdrawReview(tmp.path, EDITED, undefined);
    assert.deepEqual(await statusOnDisk(), accepted);
  });

  it('still writes the label when review.tsv cannot be written, and says why it is not recorded', async () => {
    mkdirSync(path.dirname(reviewFilePath(tmp.path)), { recursive: true });
    writeFileSync(reviewFilePath(tmp.path), 'not a review file\n');
    let written = false;
    const result = await writeEditedLabel(tmp.path, EDITED, async () => {
      written = true;
    });
    assert.ok(written);
    assert.ok(result.recordError instanceof ReviewStateError && result.recordError.message.includes(reviewFilePath(tmp.path)), String(result.recordError));
  });
});
