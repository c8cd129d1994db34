// Which ground-truth masks a model made, from the ground-truth folder's pre-label records and review decisions.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { groundTruthOrigin } from '../../src/core/groundTruthOrigin';
import { maskPixelsSha256, predictionPaths } from '../../src/core/predictionRecord';
import type { HumanDecision, ReviewRecord } from '../../src/core/reviewState';
import { useTempDir } from './tempDir';

const MODEL = { id: 'segnetr', sha256: 'a'.repeat(64) };
const OTHER = { id: 'older', sha256: 'b'.repeat(64) };
const PREDICTED = Uint8Array.of(0, 1, 1, 0);
const CHANGED = Uint8Array.of(0, 1, 1, 1);

describe('ground truth a model made', () => {
  const tmp = useTempDir('gt-origin');
  const image = (name = 'a.jpg') => path.join(tmp.path, 'images', name);

  /** A pre-label record of MODEL for `a.jpg` in a fresh ground-truth folder; `maskSha256` false: an older record. */
  function gtFolder(record: { maskSha256?: string | false; json?: string } = {}): string {
    const gt = path.join(tmp.path, `gt-${Math.random().toString(36).slice(2)}`);
    const file = predictionPaths(gt, image()).record;
    mkdirSync(path.dirname(file), { recursive: true });
    const sha = record.maskSha256 === false ? {} : { maskSha256: record.maskSha256 ?? maskPixelsSha256(PREDICTED) };
    const json = { version: 1, image: 'a.jpg', model: MODEL, time: '2026-12-04T00:00:00.000Z', threshold: 0.5, width: 2, height: 2, hasClasses: false, ...sha };
    writeFileSync(file, record.json ?? JSON.stringify(json));
    return gt;
  }

  const decision = (status: HumanDecision, model: { id: string; sha256: string } = MODEL): ReviewRecord => ({
    image: 'a.jpg', status, modelId: model.id, modelSha256: model.sha256, time: '2026-12-04T00:00:00.000Z',
  });

  it("an unchanged pre-label is the model's: unreviewed, accepted or rejected by the person's decision", async () => {
    const gt = gtFolder();
    assert.deepEqual(await groundTruthOrigin(gt, image(), PREDICTED, undefined), { status: 'predicted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image(), PREDICTED, decision('accepted')), { status: 'accepted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image(), PREDICTED, decision('rejected')), { status: 'rejected', model: MODEL });
    // Saved unchanged (edits undone before the save): what the person kept is the prediction.
    assert.deepEqual(await groundTruthOrigin(gt, image(), PREDICTED, decision('edited')), { status: 'accepted', model: MODEL });
    // A decision about another model's prediction is not about these pixels.
    assert.deepEqual(await groundTruthOrigin(gt, image(), PREDICTED, decision('accepted', OTHER)), { status: 'predicted', model: MODEL });
  });

  it("a changed pre-label is a person's, edited from the model's prediction when a decision says so", async () => {
    const gt = gtFolder();
    assert.equal(await groundTruthOrigin(gt, image(), CHANGED, undefined), undefined, 'changed by another program, no decision');
    assert.deepEqual(await groundTruthOrigin(gt, image(), CHANGED, decision('edited')), { status: 'edited', model: MODEL });
    // Accepted as the pre-label, whose pixels it no longer has: changed since.
    assert.deepEqual(await groundTruthOrigin(gt, image(), CHANGED, decision('accepted')), { status: 'edited', model: MODEL });
    assert.equal(await groundTruthOrigin(gt, image(), CHANGED, decision('rejected')), undefined);
  });

  it('without a record (compare mode saves), the decision alone tells; a decision naming no model is a person\'s mask unless accepted', async () => {
    const gt = path.join(tmp.path, 'no-records');
    assert.equal(await groundTruthOrigin(gt, image(), CHANGED, undefined), undefined);
    assert.deepEqual(await groundTruthOrigin(gt, image(), CHANGED, decision('accepted')), { status: 'accepted', model: MODEL });
    assert.deepEqual(await groundTruthOrigin(gt, image(), CHANGED, decision('edited', OTHER)), { status: 'edited', model: OTHER });
    const unknown = { id: '-', sha256: '-' };
    assert.deepEqual(await groundTruthOrigin(gt, image(), CHANGED, decision('accepted', unknown)), { status: 'accepted', model: unknown });
    assert.equal(await groundTruthOrigin(gt, image(), CHANGED, decision('edited', unknown)), undefined);
  });

  it('an older record without its mask hash counts only through a decision; a broken record counts for nothing', async () => {
    const older = gtFolder({ maskSha256: false });
    assert.equal(await groundTruthOrigin(older, image(), PREDICTED, undefined), undefined);
    assert.deepEqual(await groundTruthOrigin(older, image(), PREDICTED, decision('accepted')), { status: 'accepted', model: MODEL });
    const broken = gtFolder({ json: '{ not json' });
    assert.equal(await groundTruthOrigin(broken, image(), PREDICTED, undefined), undefined);
    const badHash = gtFolder({ maskSha256: 'not a hash' });
    assert.equal(await groundTruthOrigin(badHash, image(), PREDICTED, undefined), undefined, 'refused by the record check');
  });
});
