// Saving a mask document: a snapshot of the mask is encoded by the label codec (off the extension host's
// thread) and written by the target (atomically: temp file beside it, then rename); only then does the snapshot's
// state become the saved state, so edits made meanwhile stay unsaved. A failure changes neither the document
// nor the file, and its message names the file. No `vscode` here: the provider picks the target and the queue.
import { mkdir } from 'node:fs/promises';
import type { LabelCodec } from '../common/labelCodecProtocol';
import type { LabelFormat } from '../common/prelabel';
import { writeFileAtomic } from '../core/atomicWrite';
import { describeFsError, messageOf } from '../model/errors';
import type { MaskFiles } from './baseMask';
import type { MaskDocument, MaskSnapshot } from './maskDocument';

/** How often a save writes again because an undo or redo moved the mask while it was being written. */
const MAX_WRITES = 5;

/** Where a mask is saved to. */
export interface SaveTarget {
  /** The file, as messages name it. */
  readonly name: string;
  /** Writes the whole file atomically (an old file stays as it was if this fails). */
  readonly write: (bytes: Uint8Array) => Promise<void>;
}

export interface SaveOptions {
  /** The newest edits VS Code has not been told about yet (DocumentFileQueue.unannounced): they are not saved. */
  readonly unannounced: () => number;
  /**
   * For a save VS Code waits for: VS Code marks the undo position it has when the save ends as saved, so if an
   * undo or redo moved the mask while it was written, that mask is written too (what VS Code calls saved is on disk).
   */
  readonly followUndoRedo: boolean;
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
      await mkdir(files.labelsDir, { recursive: true });
      await writeFileAtomic(files.labelPath, bytes);
    },
  };
}

/** Any file on disk (Save As); its folder must exist. */
export function fileTarget(file: string): SaveTarget {
  return { name: file, write: async (bytes) => void (await writeFileAtomic(file, bytes)) };
}

/** Encodes and writes a snapshot of `document`'s mask to `target`; the document's save point does not move. */
export async function writeMaskSnapshot(document: MaskDocument, codec: LabelCodec, format: LabelFormat, target: SaveTarget, options: SaveOptions): Promise<WrittenMask> {
  for (let writes = 1; ; writes++) {
    const snapshot = await document.snapshot(options.unannounced());
    let bytes: Uint8Array;
    try {
      // The snapshot's copy of the pixels is the codec's to keep (transferred, not copied again).
      bytes = await codec.encodeLabel(snapshot.data, snapshot.width, snapshot.height, format, { transfer: true });
    } catch (error) {
      throw new Error(`Could not save ${target.name}: the mask could not be encoded (${messageOf(error)}).`);
    }
    try {
      await target.write(bytes);
    } catch (error) {
      throw new Error(`Could not save ${target.name}: ${describeFsError(error)}.`);
    }
    if (!options.followUndoRedo || document.isAt(snapshot, options.unannounced())) return { snapshot, bytes };
    if (writes === MAX_WRITES) {
      throw new Error(`Could not save ${target.name}: the mask kept changing (undo or redo) while it was being written; save again.`);
    }
  }
}

/** Saves `document` to its label file: writes a snapshot, then makes that snapshot's state the saved state. */
export async function saveMask(document: MaskDocument, codec: LabelCodec, format: LabelFormat, options: SaveOptions): Promise<WrittenMask> {
  const target = labelFileTarget(document.files);
  const written = await writeMaskSnapshot(document, codec, format, target, options);
  if (!document.markSaved(written.snapshot, written.bytes)) {
    // Cannot happen while reloads share the save's queue; say so rather than claim a save point.
    throw new Error(`Saved ${target.name}, but the editor reloaded it meanwhile; check the mask and save again if needed.`);
  }
  return written;
}
