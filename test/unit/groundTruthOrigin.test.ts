// Which ground-truth masks a model made: proven by the pixel hash in the ground-truth folder's pre-label records,
// qualified (never proven) by review.tsv's decisions.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { groundTruthOrigin } from '../../src/core/groundTruthOrigin';
import { maskPixelsSha256, predictionPaths } from '../../src/core/predictionRecord';
import { savedPredictionPath, writeSavedPredictionNote } from '../../src/core/savedPrediction';
import type { HumanDecision, ReviewRecord } from '../../src/core/reviewState';
import { useTempDir } from './tempDir';

const MODEL = { id: 'segnetr', sha256: 'a'.repeat(64) };
const OTHER = { id: 'older', sha256: 'b'.repeat(64) };
const UNKNOWN = { id: '-', sha256: '-' };
const PREDICTED = Uint8Array.of(0, 1, 1, 0);
const CHANGED = Uint8Array.of(0, 1, 1, 1);

describe('ground truth a model made', () => {
  const tmp = useTempDir('gt-origin');
  const image = path.join(tmp.path, 'images', 'a.jpg');
  let folders = 0;

  /** A ground-truth folder with a pre-label record of MODEL for a.jpg; `maskSha256` false: a record from before the hash. */
  function gtFolder(record: { maskSha256?: string | false; json?: string } = {}): string {
    const gt = path.join(tmp.path, `gt-${folders++}`);
    const file = predictionPaths(gt, image).record;
    mkdirSync(path.dirname(file), { recursive: true });
    const sha = record.maskSha256 === false ? {} : { maskSha256: record.maskSha256 ?? maskPixelsSha256(PREDICTED) };
    const json = { version: 1, image: 'a.jpg', model: MODEL, time: '2026-12-04T00:00:00.000Z', threshold: 0.5, width: 2, height: 2, hasClasses: false, ...sha };
    writeFileSync(file, record.json ?? JSON.stringify(json));
    return gt;
  }

  const decision = (status: HumanDecision, model: { id: string; sha256: string } = MODEL): ReviewRecord => ({
    image: 'a.jpg', status, modelId: model.id, modelSha256: model.sha256, time: '2026-12-04T00:00:00.000Z',
  });

  it("a pre-label with the pixels it was written with is the model's: unreviewed, or accepted / rejected as decided", async () => {
    const gt = gtFolder();
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, undefined), { status: 'predicted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('accepted')), { status: 'accepted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('rejected')), { status: 'rejected', model: MODEL });
    // Saved unchanged (edits undone before the save), or decided in compare mode (no model named): accepted.
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('edited')), { status: 'accepted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('edited', UNKNOWN)), { status: 'accepted', model: MODEL });
    // A decision about another model's prediction is not about these pixels.
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('accepted', OTHER)), { status: 'predicted', model: MODEL });
  });

  it("a pre-label changed since is a person's: edited when the editor recorded it, else nothing is claimed", async () => {
    const gt = gtFolder();
    assert.deepEqual(await groundTruthOrigin(gt, image, CHANGED, decision('edited')), { status: 'edited', model: MODEL });
    // Ctrl+Enter on an edited mask records 'accepted' after saving the edit.
    assert.deepEqual(await groundTruthOrigin(gt, image, CHANGED, decision('accepted')), { status: 'edited', model: MODEL });
    assert.equal(await groundTruthOrigin(gt, image, CHANGED, undefined), undefined, 'changed by another program');
    assert.equal(await groundTruthOrigin(gt, image, CHANGED, decision('rejected')), undefined);
    assert.equal(await groundTruthOrigin(gt, image, CHANGED, decision('edited', OTHER)), undefined);
  });

  it("the editor's note of a prediction saved unchanged proves it while the pixels match, over a pre-label record too", async () => {
    const none = path.join(tmp.path, `notes-${folders++}`);
    await writeSavedPredictionNote(none, image, OTHER, maskPixelsSha256(CHANGED));
    assert.deepEqual(await groundTruthOrigin(none, image, CHANGED, decision('edited', OTHER)), { status: 'accepted', model: OTHER });
    assert.deepEqual(await groundTruthOrigin(none, image, CHANGED, decision('rejected', OTHER)), { status: 'rejected', model: OTHER });
    assert.equal(await groundTruthOrigin(none, image, PREDICTED, decision('edited')), undefined, 'edited since the note: it proves nothing');
    // A pre-label of MODEL, then OTHER's prediction saved as the label: OTHER's.
    const gt = gtFolder();
    await writeSavedPredictionNote(gt, image, OTHER, maskPixelsSha256(CHANGED));
    assert.deepEqual(await groundTruthOrigin(gt, image, CHANGED, decision('edited', OTHER)), { status: 'accepted', model: OTHER });
    // Undone back to the pre-label and saved: the pre-label's again, the note left behind proving nothing.
    assert.deepEqual(await groundTruthOrigin(gt, image, PREDICTED, decision('edited', UNKNOWN)), { status: 'accepted', model: MODEL });
    writeFileSync(savedPredictionPath(gt, image), '{ broken');
    assert.deepEqual(await groundTruthOrigin(gt, image, CHANGED, decision('edited')), { status: 'edited', model: MODEL }, 'a broken note is no note');
  });

  it('review.tsv alone proves nothing: no record, an older record without the hash, or a broken record', async () => {
    const none = path.join(tmp.path, 'no-records');
    for (const status of ['accepted', 'edited', 'rejected'] as const) {
      assert.equal(await groundTruthOrigin(none, image, PREDICTED, decision(status)), undefined, status);
    }
    const older = gtFolder({ maskSha256: false });
    assert.equal(await groundTruthOrigin(older, image, PREDICTED, undefined), undefined);
    assert.equal(await groundTruthOrigin(older, image, PREDICTED, decision('accepted')), undefined);
    const broken = gtFolder({ json: '{ not json' });
    assert.equal(await groundTruthOrigin(broken, image, PREDICTED, undefined), undefined);
    const badHash = gtFolder({ maskSha256: 'not a hash' });
    assert.equal(await groundTruthOrigin(badHash, image, PREDICTED, undefined), undefined, 'refused by the record check');
  });
});
