// A label a person saves is recorded as edited in review.tsv before the file is written, not after, and both under
// review.tsv's lock. A pre-label job checks review.tsv before each write and notes the decision its write replaces,
// under the same lock: whatever stops the editor between the two steps (a crash) leaves a protected label, and no job
// can write between them and later take the person's decision for one about its own label.
import { type ReviewRecord, ReviewStateError, recordWhileWriting } from './reviewState';

export interface EditedLabelWritten {
  /** Why the decision could not be recorded; the label was written anyway (a save is never refused for it). */
  readonly recordError?: unknown;
}

/**
 * Records `edited` (an edited decision for the label's image) and runs `write`, holding review.tsv's lock for both
 * (a pre-label job replaces labels under the same lock, so it cannot land between them). A write that fails takes
 * the decision back. When the decision cannot be recorded (the lock cannot be had, review.tsv cannot be read), the
 * label is written all the same and the caller is told why it is not protected.
 */
export async function writeEditedLabel(labelsDir: string, edited: ReviewRecord, write: () => Promise<void>): Promise<EditedLabelWritten> {
  let wrote = false;
  try {
    await recordWhileWriting(labelsDir, edited, async () => {
      wrote = true;
      await write();
    });
    return {};
  } catch (error) {
    // Only a decision that could not be recorded (before the write): the save goes on unprotected, and says so.
    if (wrote || !(error instanceof ReviewStateError)) throw error;
    await write();
    return { recordError: error };
  }
}
