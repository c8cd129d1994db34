// A label a person saves is recorded as edited in review.tsv before the file is written, not after. A pre-label
// job with overwrite checks review.tsv before each write, so whatever stops the editor between the two steps (a
// crash, a job in another window writing meanwhile) leaves a protected label, never a saved edit that the next
// job replaces as if it were a prediction.
import { type ReviewRecord, recordReview, withdrawReview } from './reviewState';

export interface EditedLabelWritten {
  /** Why the decision could not be recorded; the label was written anyway (a save is never refused for it). */
  readonly recordError?: unknown;
}

/**
 * Records `edited` (an edited decision for the label's image), then runs `write`. A write that fails takes the
 * decision back, so the label it did not replace is not called edited; if taking it back fails too, the label
 * stays protected, which is the safe side.
 */
export async function writeEditedLabel(labelsDir: string, edited: ReviewRecord, write: () => Promise<void>): Promise<EditedLabelWritten> {
  let recorded: { previous: ReviewRecord | undefined } | undefined;
  let recordError: unknown;
  try {
    recorded = { previous: await recordReview(labelsDir, edited) };
  } catch (error) {
    recordError = error;
  }
  try {
    await write();
  } catch (error) {
    if (recorded) await withdrawReview(labelsDir, edited, recorded.previous).catch(() => undefined);
    throw error;
  }
  return recordError === undefined ? {} : { recordError };
}
