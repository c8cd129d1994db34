// Whether a ground-truth mask is a model's output, from the records the ground-truth folder keeps when it is also a
// labels folder (pre-labeled, then reviewed in the mask editor): its pre-label prediction records and review.tsv. An
// evaluation that scores a model against masks it made itself measures nothing, and a folder in mid-review holds
// both kinds; the report says which (src/eval/reportText.ts, the failure view).
import type { GroundTruthOrigin } from '../common/evaluation';
import { PredictionRecordError, maskPixelsSha256, readPredictionRecord } from './predictionRecord';
import type { ReviewRecord } from './reviewState';

/**
 * The origin of the ground truth of `imagePath` in `gtDir`, whose class indices are `mask`, or undefined when the
 * records say no model made it. A pre-label counts as the model's while its pixels are the ones the pre-label wrote
 * (its record's mask hash): a mask changed since, by any program, is someone's work that started from it. Records
 * written before they carried that hash count only through a person's decision.
 */
export async function groundTruthOrigin(
  gtDir: string,
  imagePath: string,
  mask: Uint8Array,
  decision: ReviewRecord | undefined,
): Promise<GroundTruthOrigin | undefined> {
  const record = await readPredictionRecord(gtDir, imagePath).catch((error: unknown) => {
    // A broken record says nothing about the mask, which was read and is scored.
    if (error instanceof PredictionRecordError) return undefined;
    throw error;
  });
  const decided = decision === undefined || decision.modelSha256 === '-' ? undefined : decision;
  const preLabel = record?.maskSha256 === undefined ? undefined : { model: record.model, unchanged: record.maskSha256 === maskPixelsSha256(mask) };
  if (preLabel?.unchanged) {
    // A decision counts for this mask when it is about the same model's prediction (one about an older label is
    // dropped by the pre-label that replaced it; a hand-edited review.tsv may keep one). Saved unchanged, even
    // after edits undone, it is accepted.
    const about = decision !== undefined && (decided === undefined || decided.modelSha256 === preLabel.model.sha256) ? decision.status : undefined;
    return { status: about === undefined ? 'predicted' : about === 'rejected' ? 'rejected' : 'accepted', model: preLabel.model };
  }
  if (decision === undefined || decision.status === 'rejected') return undefined;
  if (decided === undefined) {
    // Edited from no known prediction is a person's own mask; accepted, a prediction of some model.
    return decision.status === 'accepted' ? { status: 'accepted', model: { id: '-', sha256: '-' } } : undefined;
  }
  const model = { id: decided.modelId, sha256: decided.modelSha256 };
  // Accepted as that model's pre-label, whose pixels it no longer has: changed since by another program.
  const changedSince = decided.status === 'accepted' && preLabel !== undefined && preLabel.model.sha256 === decided.modelSha256;
  return { status: changedSince ? 'edited' : decided.status, model };
}
