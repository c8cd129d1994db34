// Whether a ground-truth mask is a model's output, from the records the ground-truth folder keeps when it is also a
// labels folder (pre-labeled, then reviewed in the mask editor): its pre-label prediction records and review.tsv. An
// evaluation that scores a model against masks it made itself measures nothing, and a folder in mid-review holds
// both kinds; the report says which (src/eval/reportText.ts, the failure view).
//
// Only pixels prove anything here: a pre-label record holds the hash of the mask it wrote, and so does the note the
// mask editor leaves when it saves a prediction unchanged (src/core/savedPrediction.ts); a mask that still has those
// pixels is that model's output. review.tsv rows alone prove nothing about pixels ('accepted' is recorded after
// edits too, by Ctrl+Enter on an edited mask), so they only qualify what a hash shows.
import type { GroundTruthOrigin } from '../common/evaluation';
import { PredictionRecordError, maskPixelsSha256, readPredictionRecord } from './predictionRecord';
import type { ReviewRecord } from './reviewState';
import { readSavedPredictionNote } from './savedPrediction';

/**
 * The origin of the ground truth of `imagePath` in `gtDir`, whose class indices are `mask`, or undefined when no
 * record proves a model made it: its pre-label unchanged (unreviewed, or kept / rejected as `decision` says), a
 * prediction the editor saved unchanged (kept), or a pre-label changed since with a decision saying a person edited
 * it. Records written before they carried the mask's hash prove nothing.
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
  const pixels = maskPixelsSha256(mask);
  // The editor's note is read only where a pre-label record does not already prove the pixels (most images have neither).
  const savedUnchanged = async (): Promise<GroundTruthOrigin | undefined> => {
    const saved = await readSavedPredictionNote(gtDir, imagePath);
    if (saved === undefined || saved.maskSha256 !== pixels) return undefined;
    return { status: decision?.status === 'rejected' ? 'rejected' : 'accepted', model: { id: saved.model.id, sha256: saved.model.sha256 } };
  };
  if (record?.maskSha256 === undefined) return savedUnchanged();
  const model = { id: record.model.id, sha256: record.model.sha256 };
  // A decision is about this pre-label when it names its model or none (one about an older label is dropped by
  // the pre-label that replaced it; a hand-edited review.tsv may keep one).
  const about = decision !== undefined && (decision.modelSha256 === '-' || decision.modelSha256 === model.sha256) ? decision.status : undefined;
  if (record.maskSha256 === pixels) {
    // Saved unchanged (edits undone before the save) is accepted: what the person kept is the prediction.
    return { status: about === undefined ? 'predicted' : about === 'rejected' ? 'rejected' : 'accepted', model };
  }
  // The pre-label replaced by another prediction saved as is; otherwise changed since: a person's mask, started from
  // the model's prediction when the editor recorded the edit.
  const saved = await savedUnchanged();
  if (saved !== undefined) return saved;
  return about === 'edited' || about === 'accepted' ? { status: 'edited', model } : undefined;
}
