// Saving a mask document: a snapshot of the mask is encoded by the label codec (off the extension host's
// thread) and written by the target (atomically: temp file beside it, then rename); only then does the snapshot's
// state become the saved state, so edits made meanwhile stay unsaved (a save VS Code waits for writes them too:
// see SaveOptions). A failure changes neither the document nor the file, and its message names the file.
// No `vscode` here: the provider picks the target and the queue.
import type { LabelCodec } from '../common/labelCodecProtocol';
import type { LabelFormat } from '../common/prelabel';
import { writeFileAtomic } from '../core/atomicWrite';
import { makeFolders } from '../core/labelsFolder';
import { describeFsError, messageOf } from '../model/errors';
import { type MaskFiles, labelFileSha256, sha256Of } from './baseMask';
import type { HeldAnnouncements } from './documentFileQueue';
import type { MaskDocument, MaskSnapshot } from './maskDocument';

/**
 * How often a save VS Code waits for writes at most while edits, undos or redos keep moving the mask; the last
 * try holds new edits back from its start, so only an undo or redo can still move it then.
 */
const MAX_WRITES = 5;

/** Where a mask is saved to. */
export interface SaveTarget {
  /** The file, as messages name it. */
  readonly name: string;
  /** Writes the whole file atomically (an old file stays as it was if this fails). */
  readonly write: (bytes: Uint8Array) => Promise<void>;
}

export interface SaveOptions {
  /**
   * For a save VS Code waits for (DocumentFileQueue.runSave): VS Code marks the undo position it has when the save
   * ends as saved, so when the mask moved while it was written (an edit, undo or redo VS Code heard of), the mask
   * is written again; once the file holds the current mask, announcements are held (in the same turn) until VS
   * Code has the answer, and held edits are left out of the snapshot.
   */
  readonly vsCode?: VsCodeSave;
  /** Runs after each encode, just before the write (encoding a large mask takes seconds): throws to stop the save. */
  readonly beforeWrite?: () => Promise<void>;
}

/** What a save VS Code waits for needs of the document's edits besides HeldAnnouncements. */
export interface VsCodeSave extends HeldAnnouncements {
  /**
   * Edits VS Code has heard of that have not reached the document yet (still running on the codec thread), when
   * there are any: once they land, the save writes again, or VS Code would count them as saved without their
   * pixels on disk.
   */
  readonly landing?: () => Promise<void> | undefined;
}

export interface WrittenMask {
  readonly snapshot: MaskSnapshot;
  /** The file's bytes as written. */
  readonly bytes: Uint8Array;
}

/** The label file of `files`, its folder created when missing. */
export function labelFileTarget(files: MaskFiles): SaveTarget {
  return {
    name: files.labelPath,
    write: async (bytes) => {
      await makeFolders(files.labelsDir);
      await writeFileAtomic(files.labelPath, bytes, { replace: true, durable: true });
    },
  };
}

/** Any file on disk (Save As); its folder must exist. */
export function fileTarget(file: string): SaveTarget {
  return { name: file, write: async (bytes) => void (await writeFileAtomic(file, bytes, { replace: true, durable: true })) };
}

/** Encodes and writes a snapshot of `document`'s mask to `target`; the document's save point does not move. */
export async function writeMaskSnapshot(document: MaskDocument, codec: LabelCodec, format: LabelFormat, target: SaveTarget, options: SaveOptions = {}): Promise<WrittenMask> {
  const { vsCode, beforeWrite } = options;
  const unannounced = (): number => vsCode?.count() ?? 0;
  for (let writes = 1; ; writes++) {
    const last = writes === MAX_WRITES;
    if (last) vsCode?.hold();
    const snapshot = await document.snapshot(unannounced());
    let bytes: Uint8Array;
    try {
      // The snapshot's copy of the pixels is the codec's to keep (transferred, not copied again).
      bytes = await codec.encodeLabel(snapshot.data, snapshot.width, snapshot.height, format, { transfer: true });
    } catch (error) {
      throw new Error(`Could not save ${target.name}: the mask could not be encoded (${messageOf(error)}).`);
    }
    await beforeWrite?.();
    try {
      await target.write(bytes);
    } catch (error) {
      throw new Error(`Could not save ${target.name}: ${describeFsError(error)}.`);
    }
    if (!vsCode) return { snapshot, bytes };
    const landing = vsCode.landing?.();
    if (landing === undefined && document.isAt(snapshot, unannounced())) {
      vsCode.hold(); // in this turn: no edit can come between this check and the hold
      return { snapshot, bytes };
    }
    await landing;
    if (last) {
      throw new Error(`Could not save ${target.name}: the mask kept changing (undo or redo) while it was being written; save again.`);
    }
  }
}

/** The label file on disk is not what the editor loaded or saved, and the person has not chosen to replace it. */
export class LabelChangedOnDiskError extends Error {
  override readonly name = 'LabelChangedOnDiskError';
}

/**
 * Saves `document` to its label file: writes a snapshot, then makes that snapshot's state the saved state. A
 * label file that someone else changed since the editor loaded or saved it is not replaced unless the person
 * chose so (MaskDocument.allowSavingOver): a missed file-change event must not cost anyone their label.
 */
export async function saveMask(document: MaskDocument, codec: LabelCodec, format: LabelFormat, options: SaveOptions = {}): Promise<WrittenMask> {
  const target = labelFileTarget(document.files);
  if (document.readOnlyReason !== undefined) throw new Error(`Did not save ${target.name}: ${document.readOnlyReason}.`);
  // Looked at before encoding and again just before each write: another program may write the label meanwhile (a
  // write of this save's own is noted below, so writing again is not refused).
  const refuseChangedLabel = async (): Promise<void> => {
    if (document.maySaveOver(await labelFileSha256(document.files))) return;
    const next = document.isDirty ? 'Choose Keep Mine to replace it with your mask, or Load Theirs.' : 'The editor loads it now.';
    throw new LabelChangedOnDiskError(`Did not save ${target.name}: another program wrote it since the editor loaded or saved it. ${next}`);
  };
  await refuseChangedLabel();
  // Each write is noted as the document's own: should the save write again, or fail after it (the mask kept
  // changing), neither this save, the next one nor the file watcher takes it for another program's file.
  const noting: SaveTarget = {
    name: target.name,
    write: async (bytes) => {
      await target.write(bytes);
      document.noteOwnWrite(sha256Of(bytes));
    },
  };
  const written = await writeMaskSnapshot(document, codec, format, noting, { ...options, beforeWrite: refuseChangedLabel });
  if (!document.markSaved(written.snapshot, written.bytes, format)) {
    // Cannot happen while reloads share the save's queue; say so rather than claim a save point.
    throw new Error(`Saved ${target.name}, but the editor reloaded it meanwhile; check the mask and save again if needed.`);
  }
  return written;
}
