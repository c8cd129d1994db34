// The mask editor's document: an image, its label file, and the label raster being edited, with the edit
// history VS Code's undo stack drives. No `vscode` here (the model of microsoft/vscode-hexeditor): the provider
// wraps it, tests use it directly. The host holds the truth; saving and backing up never ask a webview.
//
// History: `history[0 .. position)` are applied. The saved state is `history[0 .. savedPosition)` followed by
// `detour` (edits that were undone past the save point and then replaced by a new edit: the saved state is no
// longer on the history, so the way back to it is kept here). Undo/redo closures handed to VS Code check that
// they are the next step, so a stale one (after a revert or an external reload reset the history) does nothing.
//
// Saving is asynchronous (the PNG is encoded on another thread and written), and a person may go on editing
// meanwhile: a save takes a snapshot (a copy of the mask and the edits that made it), and when the file is
// written only the snapshot's state becomes the saved state; edits made since stay unsaved. The copy is made a
// few MB per event-loop turn (a 16384 x 8192 mask is 128 MB, over 100 ms to copy at once); every change made
// between turns reports its rectangle's bytes from before, which the copy takes back at the end.
import type { CodecPixels, LabelCodec } from '../common/labelCodecProtocol';
import type { LabelFormat } from '../common/prelabel';
import type { ModelIdentity, StoredProbability } from '../core/predictionRecord';
import { samePlace } from '../core/realPath';
import { applyOperation, replaceMaskPatch } from '../mask/operations';
import { type PackedBytes, type PackedPatch, packPatch, packedByteLength, unpackBytes, writePackedRect } from '../mask/packedBytes';
import { readRect, writeRect } from '../mask/raster';
import type { LabelRaster, MaskOperation, RasterPatch, Rect } from '../mask/types';
import { runsOnCodecThread } from '../mask/wholeImage';
import { type BaseKind, type BaseMask, type LoadOptions, type MaskFiles, MaskDocumentError, loadBaseMask, readImageSize, readLabelBytes, sha256Of } from './baseMask';
import { type BackupStep, decodeRectBytes, encodeRectBytes, parseBackup, serializeBackup } from './maskBackup';

export type MaskSource = BaseKind | 'backup';

/** Bytes a snapshot copies per event-loop turn: a few ms each. */
const SNAPSHOT_CHUNK_BYTES = 4 * 2 ** 20;

/** An applied edit as VS Code's undo stack sees it; undo/redo return the rectangle they changed (none if stale). */
export interface DocumentEdit {
  readonly label: string;
  /** The rectangle the edit changed. */
  readonly rect: Rect;
  undo(): Rect | undefined;
  redo(): Rect | undefined;
}

interface Edit {
  readonly label: string;
  /** Both sides packed (mask/packedBytes): whole-image edits would otherwise keep two copies of the mask. */
  readonly patch: PackedPatch;
  /** Set when replaying the operation reproduces the patch (not for Predict or threshold): backups store it. */
  readonly operation?: MaskOperation;
  /** PNG base64 of the patch sides, made once for backups. */
  encodedBefore?: string;
  encodedAfter?: string;
}

const OPERATION_LABELS: Readonly<Record<MaskOperation['kind'], string>> = {
  stroke: 'Brush Stroke',
  fill: 'Flood Fill',
  polygon: 'Polygon Fill',
  fillHoles: 'Fill Holes',
  removeIslands: 'Remove Islands',
  keepLargest: 'Keep Largest Component',
  threshold: 'Threshold',
};

/** How VS Code's Edit menu and the editor's messages name an operation ("Undo Fill Holes"). */
export function operationLabel(operation: MaskOperation): string {
  return OPERATION_LABELS[operation.kind];
}

export interface OpenOptions extends LoadOptions {
  readonly classCount: number;
  /** Decodes the label file and stored maps, encodes backup patches (off the extension host's thread). */
  readonly codec: LabelCodec;
}

/** The mask was edited while a reload read the file: the reload changed nothing (the caller asks instead). */
export class EditedDuringReloadError extends Error {
  override readonly name = 'EditedDuringReloadError';
  constructor() {
    super('the mask was edited while the label file was being reloaded');
  }
}

/** The mask changed (an undo, a redo, a reload) while a whole-image edit ran on the codec thread: it was not applied. */
export class ChangedDuringEditError extends Error {
  override readonly name = 'ChangedDuringEditError';
  constructor(label: string) {
    super(`the mask changed while ${label} ran, so it was not applied; run it again`);
  }
}

/** A copy of `source`, made a few MB per event-loop turn so that copying a huge mask never stalls the thread. */
async function copyInChunks(source: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(source.length);
  for (let at = 0; at < source.length; at += SNAPSHOT_CHUNK_BYTES) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    copy.set(source.subarray(at, at + SNAPSHOT_CHUNK_BYTES), at);
  }
  return copy;
}

/** The mask at one moment, for saving: a copy of its pixels and the edits that led to it. */
export class MaskSnapshot {
  constructor(
    readonly width: number,
    readonly height: number,
    /** A copy: later edits do not change it. A save hands it to the encoder, which may take its buffer. */
    readonly data: Uint8Array,
    /** The history that leads to it, compared by identity when the save ends. */
    readonly edits: readonly Edit[],
    /** Which load of the document it belongs to (a reload starts a new history). */
    readonly generation: number,
  ) {}
}

/** The saved state, without its pixels (the document's raster holds those while it is clean). */
type SavedState = Omit<BaseMask, 'raster'>;

function savedStateOf({ raster: _pixels, ...state }: BaseMask): SavedState {
  return state;
}

export class MaskDocument {
  private history: Edit[] = [];
  private position = 0;
  private savedPosition = 0;
  private detour: Edit[] = [];
  /** SHA-256 of a label file changed by someone else that the person chose to save over (see maySaveOver). */
  private overwriteAllowed: string | undefined;
  /**
   * A hot-exit restore that replayed its edits onto a label file (`onto`, its SHA-256) though the backup was made on
   * another base (`from`, kept in later backups): the file counts as changed by another program until a save or
   * reload, so a save asks (Keep Mine / Load Theirs) before replacing it.
   */
  private restoredOver: { readonly onto: string; readonly from: { readonly kind: BaseKind; readonly sha256: string | null } } | undefined;
  /** SHA-256 of what a save that failed after writing left in the label file (see noteOwnWrite). */
  private ownWrite: string | undefined;
  /** The edit that put a model's prediction in as the mask, and that model (see predictionInMask). */
  private predictionUsed: { readonly edit: Edit; readonly model: ModelIdentity; readonly asPredicted: boolean } | undefined;
  /** Counts reloads: a snapshot from before one does not describe this history. */
  private generation = 0;
  /** Told of every change to the mask (its rectangle and the bytes there before it) while snapshots are copied. */
  private readonly changeWatchers = new Set<(rect: Rect, before: PackedBytes) => void>();
  private currentSource: MaskSource;
  private rasterChanges = 0;
  /** The probability map for thresholds and the webview's slider: the stored one, or the last Predict's. */
  probability: StoredProbability | undefined;
  /** The model whose prediction is being reviewed (stored record or the last Predict), for review.tsv. */
  predictionModel: ModelIdentity | undefined;

  private constructor(
    readonly files: MaskFiles,
    readonly classCount: number,
    private readonly codec: LabelCodec,
    private base: SavedState,
    /** The mask being edited; its object and buffer stay the same for the document's life. */
    readonly raster: LabelRaster,
    /** The label file is ground truth (compare mode; LoadOptions.groundTruth). */
    private readonly groundTruth: boolean,
  ) {
    this.currentSource = base.kind;
    this.adoptStoredPrediction(base);
  }

  static async open(files: MaskFiles, options: OpenOptions): Promise<MaskDocument> {
    const size = await readImageSize(files.imagePath);
    const base = await loadBaseMask(files, size, options.classCount, options.codec, options);
    return new MaskDocument(files, options.classCount, options.codec, savedStateOf(base), base.raster, options.groundTruth === true);
  }

  /**
   * Opens from a hot-exit backup: the saved state from disk, then the backup's steps as unsaved edits. When the
   * saved state changed since the backup (someone wrote the label), the steps are replayed on the new one and
   * `warning` says so; a backup that cannot be used at all throws MaskDocumentError.
   */
  static async restore(files: MaskFiles, backupText: string, where: string, options: OpenOptions & { readonly anyLabel?: boolean }): Promise<{ document: MaskDocument; warning?: string }> {
    const document = await MaskDocument.open(files, options);
    const backup = parseBackup(backupText, where, document.raster, document.classCount);
    // `anyLabel`: the person chose to apply edits of another label file (a kept copy, after the labels folder moved).
    if (!options.anyLabel && !samePlace(backup.labelPath, files.labelPath)) {
      // The labels folder setting changed, or Restricted Mode ignores the workspace's: these edits are another file's.
      throw new MaskDocumentError(`${where} holds unsaved edits of the label ${backup.labelPath}, but this editor's label is ${files.labelPath}`);
    }
    for (const [i, step] of backup.steps.entries()) await document.replayStep(step, `${where}, step ${i}`);
    document.currentSource = 'backup';
    // Edits that change nothing on the file as it is now (it holds them already) need no warning and no question.
    const changed = (backup.base.kind !== document.base.kind || backup.base.sha256 !== document.base.sha256) && document.isDirty;
    const onto = document.base.kind === 'label' ? document.base.sha256 : null;
    if (changed && onto !== null) document.restoredOver = { onto, from: backup.base };
    const warning = changed
      ? document.base.kind === 'label'
        ? `${files.labelPath} changed since your unsaved edits were backed up; they were re-applied on top of the file as it is now. Check them: saving asks before it replaces the file.`
        : `${files.labelPath} changed since your unsaved edits were backed up; they were re-applied on top of the current ${document.base.kind} mask. Check before saving.`
      : undefined;
    return warning === undefined ? { document } : { document, warning };
  }

  get isDirty(): boolean {
    return this.position !== this.savedPosition || this.detour.length > 0;
  }

  /** Where the mask came from when the document was opened or last reloaded. */
  get source(): MaskSource {
    return this.currentSource;
  }

  /** Counts every change of the raster (edits, undos, redos): a reload can be told to stop if one comes meanwhile. */
  get changeCount(): number {
    return this.rasterChanges;
  }

  get baseKind(): BaseKind {
    return this.base.kind;
  }

  get baseSha256(): string | null {
    return this.base.sha256;
  }

  /** Why the mask on disk must not be saved over from this document (see BaseMask.readOnly); undefined: it may. */
  get readOnlyReason(): string | undefined {
    return this.base.readOnly;
  }

  /**
   * The format the label file on disk stores its classes in, when it shows (a 0/255 mask, or indices above 0):
   * saving writes it again in that format, so editing a label never converts a person's 0/255 masks to 0/1.
   */
  get labelFileFormat(): LabelFormat | undefined {
    return this.base.kind === 'label' ? this.base.storedAs : undefined;
  }

  /** Whether the probability map the threshold slider needs came from the pre-label job's files. */
  get hasStoredProbability(): boolean {
    return this.base.prediction !== undefined && !this.groundTruth;
  }

  /** The stored prediction's threshold (probability 0..1, null for softmax), when there is a stored prediction. */
  get storedThreshold(): number | null | undefined {
    return this.groundTruth ? undefined : this.base.prediction?.record.threshold;
  }

  /**
   * Applies a validated operation; undefined when it changed nothing. Throws for a 'threshold' without a
   * probability map (the caller checks first).
   */
  apply(operation: MaskOperation): DocumentEdit | undefined {
    const probability = this.probability;
    const patch = applyOperation(this.raster, operation, probability ? { probability: probability.probability, predictedClasses: probability.classes } : {});
    if (!patch) return undefined;
    return this.push(this.editOf(operation, packPatch(patch)));
  }

  /**
   * Applies a validated whole-image operation (a clean-up, a threshold) on the codec thread, so that it does not
   * stop the extension host on a large mask; the mask and the probability map are copied to it a few MB per
   * event-loop turn. Undefined when it changed nothing. Throws ChangedDuringEditError, changing nothing, when the
   * mask changed meanwhile: callers queue their own edits behind this one, so only an undo, a redo or a reload can.
   */
  async applyWholeImage(operation: MaskOperation): Promise<DocumentEdit | undefined> {
    const probability = operation.kind === 'threshold' ? this.probability : undefined;
    if (operation.kind === 'threshold' && !probability) throw new Error('a threshold edit needs the probability map, and this document has none');
    const outcome = await this.onCodec(async (mask) => {
      const context = {
        probability: probability ? await copyInChunks(probability.probability) : null,
        predictedClasses: probability?.classes ? await copyInChunks(probability.classes) : null,
      };
      return this.codec.applyWholeImage(mask, operation, context);
    });
    if (outcome === 'changed') throw new ChangedDuringEditError(operationLabel(operation));
    return outcome && this.land(this.editOf(operation, outcome));
  }

  /**
   * Runs `compute` on the codec thread with a copy of the mask (made a few MB per event-loop turn); 'changed' when
   * the mask changed meanwhile (an undo, a reload), so the patch no longer fits it.
   */
  private async onCodec(compute: (mask: CodecPixels) => Promise<PackedPatch | undefined>): Promise<PackedPatch | undefined | 'changed'> {
    const [changes, generation] = [this.rasterChanges, this.generation];
    const { width, height } = this.raster;
    const patch = await compute({ width, height, data: await copyInChunks(this.raster.data) });
    return this.rasterChanges !== changes || this.generation !== generation ? 'changed' : patch;
  }

  /** Writes an edit computed on a copy of the current mask into the mask, and records it. */
  private land(edit: Edit): DocumentEdit {
    writePackedRect(this.raster, edit.patch.rect, edit.patch.after);
    return this.push(edit);
  }

  /** The history entry of an applied operation; replayable ones keep the operation for backups. */
  private editOf(operation: MaskOperation, patch: PackedPatch): Edit {
    const replayable = operation.kind !== 'threshold';
    return { label: operationLabel(operation), patch, ...(replayable ? { operation } : {}) };
  }

  /** Replaces the whole mask (a Predict result) as one edit; undefined when nothing changed. */
  replaceMask(data: Uint8Array, label: string): DocumentEdit | undefined {
    const patch = replaceMaskPatch(this.raster, data);
    return patch ? this.push({ label, patch: packPatch(patch) }) : undefined;
  }

  /**
   * replaceMask, with the comparing and packing (a few hundred ms at 8000 x 6000) on the codec thread. Should the
   * mask change meanwhile (an undo), the replacement is made again here, on this thread: it must not be lost.
   */
  /**
   * `prediction`: the mask is a model's prediction (Predict, Use Prediction as Label), for the review decision a save
   * records; `asPredicted` when it is the prediction as the model made it (not re-thresholded by a person), so that
   * a save of it unchanged may say so (predictionWritten).
   */
  async replaceMaskOffThread(data: Uint8Array, label: string, prediction?: { readonly model: ModelIdentity; readonly asPredicted: boolean }): Promise<DocumentEdit | undefined> {
    if (data.length !== this.raster.data.length) throw new RangeError(`new mask has ${data.length} pixels, expected ${this.raster.width} x ${this.raster.height}`);
    const outcome = await this.onCodec(async (mask) => this.codec.replaceMask(mask, await copyInChunks(data)));
    const edit = outcome === 'changed' ? this.replaceMask(data, label) : outcome && this.land({ label, patch: outcome });
    if (edit && prediction) this.predictionUsed = { edit: this.history[this.position - 1]!, ...prediction };
    return edit;
  }

  /**
   * The model whose prediction replaceMaskOffThread put in as the mask (Predict, compare mode's "Use Prediction as
   * Label"), while the mask holds that edit (not undone, reloaded or cut off), edits after it or not: for the review
   * decision a save records.
   */
  get predictionInMask(): ModelIdentity | undefined {
    const used = this.predictionUsed;
    const at = used === undefined ? -1 : this.history.indexOf(used.edit);
    return used !== undefined && at >= 0 && at < this.position ? used.model : undefined;
  }

  /**
   * The model whose prediction `snapshot` is, pixel for pixel: its newest edit put it in (edits after it undone),
   * as the model made it, and the model is known (not a prediction file). A save of such a snapshot leaves a note.
   */
  predictionWritten(snapshot: MaskSnapshot): ModelIdentity | undefined {
    const used = this.predictionUsed;
    if (used === undefined || !used.asPredicted || used.model.sha256 === '-' || snapshot.edits.at(-1) !== used.edit) return undefined;
    return used.model;
  }

  /**
   * The mask to save, as it is now without its newest `unannounced` edits (edits VS Code has not been told about
   * yet; see DocumentFileQueue): a copy, so editing on while it is encoded and written does not change it. Copied
   * a few MB per event-loop turn; edits made meanwhile are applied to the document as usual and left out here.
   */
  async snapshot(unannounced = 0): Promise<MaskSnapshot> {
    const end = this.position - unannounced;
    if (unannounced < 0 || end < 0) throw new Error(`cannot leave out ${unannounced} of ${this.position} edits`);
    const edits = this.history.slice(0, end);
    const leftOut = this.history.slice(end, this.position);
    const generation = this.generation;
    const { width, height } = this.raster;
    const changes: { rect: Rect; before: PackedBytes }[] = [];
    const watch = (rect: Rect, before: PackedBytes): void => void changes.push({ rect, before });
    this.changeWatchers.add(watch);
    let copy: LabelRaster;
    try {
      copy = { width, height, data: await copyInChunks(this.raster.data) };
    } finally {
      this.changeWatchers.delete(watch);
    }
    if (this.generation !== generation) throw new MaskDocumentError(`${this.files.labelPath} was reloaded while the mask was being saved; save again.`);
    // Newest first, each change's "before" restores the pixels it touched to what they were when the copy began.
    for (let i = changes.length - 1; i >= 0; i--) writePackedRect(copy, changes[i]!.rect, changes[i]!.before);
    for (let i = leftOut.length - 1; i >= 0; i--) writePackedRect(copy, leftOut[i]!.patch.rect, leftOut[i]!.patch.before);
    return new MaskSnapshot(width, height, copy.data, edits, generation);
  }

  /** Whether the mask without its newest `unannounced` edits is still `snapshot`'s state (nothing undone, redone or reloaded since). */
  isAt(snapshot: MaskSnapshot, unannounced = 0): boolean {
    const end = this.position - unannounced;
    return snapshot.generation === this.generation && snapshot.edits.length === end && snapshot.edits.every((edit, i) => this.history[i] === edit);
  }

  /**
   * After `snapshot` was written to the label file as `bytes`: its state is now the saved state. Edits made since
   * stay unsaved, whether on top of it or after undoing part of it (then the way back is the detour). Returns
   * false, changing nothing, when the document was reloaded from disk since the snapshot.
   */
  markSaved(snapshot: MaskSnapshot, bytes: Uint8Array, format: LabelFormat): boolean {
    if (snapshot.generation !== this.generation) return false;
    let shared = 0;
    while (shared < snapshot.edits.length && this.history[shared] === snapshot.edits[shared]) shared++;
    this.savedPosition = shared;
    this.detour = snapshot.edits.slice(shared);
    const prediction = this.base.prediction;
    this.base = { kind: 'label', sha256: sha256Of(bytes), storedAs: format, ...(prediction ? { prediction } : {}) };
    this.forgetFileMarks();
    this.overwriteAllowed = undefined;
    return true;
  }

  /**
   * `restored` (a document restored from a kept copy, whose pixels this one takes as an edit) was restored onto
   * this document's label file though its edits were made on another: this document's saves ask first too.
   */
  takeRestoreMarker(restored: MaskDocument): void {
    if (restored.restoredOver === undefined || this.base.kind !== 'label' || this.base.sha256 !== restored.restoredOver.onto) return;
    this.restoredOver = restored.restoredOver;
  }

  /** A save or a reload makes the file on disk the saved state: what was noted about other files goes. */
  private forgetFileMarks(): void {
    this.restoredOver = undefined;
    this.ownWrite = undefined;
  }

  /** A save wrote `sha256` to the label file but did not become the saved state (it failed after the write). */
  noteOwnWrite(sha256: string): void {
    this.ownWrite = sha256;
  }

  /** Whether the label file with this SHA-256 is what the document's saved state came from, or its own failed save's. */
  isOwnFile(sha256: string | undefined): boolean {
    return this.isSavedFile(sha256) || (sha256 !== undefined && sha256 === this.ownWrite);
  }

  /**
   * Whether a save may replace the label file, whose SHA-256 is now `sha256` (undefined: there is none): the file
   * is what the saved state came from, or the person chose to keep their edits over this very file (Keep Mine).
   */
  maySaveOver(sha256: string | undefined): boolean {
    return sha256 === undefined || this.isOwnFile(sha256) || this.overwriteAllowed === sha256;
  }

  /** The person chose to keep their edits over the label file whose SHA-256 is `sha256`; a save may replace it. */
  allowSavingOver(sha256: string): void {
    this.overwriteAllowed = sha256;
  }

  /** Whether the label file with this SHA-256 (undefined: none) is what the document's saved state came from. */
  isSavedFile(sha256: string | undefined): boolean {
    if (sha256 !== undefined && sha256 === this.restoredOver?.onto) return false;
    return sha256 === undefined ? this.base.kind !== 'label' : this.base.kind === 'label' && this.base.sha256 === sha256;
  }

  /** Whether `bytes` (the label file now) is what the document's saved state came from: e.g. our own save. */
  isSavedState(bytes: Uint8Array | undefined): boolean {
    return this.isSavedFile(bytes === undefined ? undefined : sha256Of(bytes));
  }

  /**
   * Reloads the saved state from disk (Revert, or the label changed on disk). The history before the save point
   * stays usable when the file is still what was saved (VS Code keeps those undo entries after a revert);
   * otherwise every earlier undo entry goes stale. Returns the whole mask.
   */
  async reload(options: { labelBytes?: Buffer | null; log?: (line: string) => void; unlessChangedSince?: number } = {}): Promise<Uint8Array> {
    const labelBytes = options.labelBytes === undefined ? ((await readLabelBytes(this.files, this.raster)) ?? null) : options.labelBytes;
    const unchanged = this.isSavedState(labelBytes ?? undefined) && this.detour.length === 0;
    const base = await loadBaseMask(this.files, this.raster, this.classCount, this.codec, { labelBytes, groundTruth: this.groundTruth, ...(options.log ? { log: options.log } : {}) });
    // A reload chosen because the mask had no unsaved edits must not wipe a stroke painted while the file loaded.
    if (options.unlessChangedSince !== undefined && this.rasterChanges !== options.unlessChangedSince) throw new EditedDuringReloadError();
    this.generation++;
    this.base = savedStateOf(base);
    this.forgetFileMarks();
    this.overwriteAllowed = undefined;
    this.raster.data.set(base.raster.data);
    if (unchanged) {
      this.history.length = Math.min(this.history.length, this.savedPosition);
    } else {
      this.history = [];
      this.savedPosition = 0;
    }
    this.position = this.savedPosition;
    this.detour = [];
    this.currentSource = base.kind;
    this.adoptStoredPrediction(base);
    return this.raster.data;
  }

  /**
   * The backup: the steps from the saved state to the current mask (see the file comment). The steps are chosen
   * at the call; the pixels of those stored as PNGs are encoded off the extension host's thread (once per edit).
   */
  async backup(): Promise<string> {
    const codec = this.codec;
    const back = async (edit: Edit): Promise<BackupStep> => ({ rect: edit.patch.rect, png: (edit.encodedBefore ??= await encodeRectBytes(codec, edit.patch.rect, unpackBytes(edit.patch.before))) });
    const forward = async (edit: Edit): Promise<BackupStep> =>
      edit.operation ? { op: edit.operation } : { rect: edit.patch.rect, png: (edit.encodedAfter ??= await encodeRectBytes(codec, edit.patch.rect, unpackBytes(edit.patch.after))) };
    const plan: (() => Promise<BackupStep>)[] = [];
    for (let i = this.detour.length - 1; i >= 0; i--) plan.push(back.bind(undefined, this.detour[i]!));
    for (let i = this.savedPosition - 1; i >= this.position; i--) plan.push(back.bind(undefined, this.history[i]!));
    for (let i = this.savedPosition; i < this.position; i++) plan.push(forward.bind(undefined, this.history[i]!));
    const header = {
      imagePath: this.files.imagePath,
      labelPath: this.files.labelPath,
      width: this.raster.width,
      height: this.raster.height,
      // A document restored onto a changed file keeps the base its edits were made on: restored again, it asks again.
      base: this.restoredOver?.from ?? { kind: this.base.kind, sha256: this.base.sha256 },
    };
    const steps: BackupStep[] = [];
    for (const step of plan) steps.push(await step());
    return serializeBackup({ ...header, steps });
  }

  /** The current bytes of a rectangle (to tell webviews the truth after undo/redo). */
  read(rect: Rect): Uint8Array {
    return readRect(this.raster, rect);
  }

  /** Bytes the undo history holds for its edits' pixels (both sides, packed). */
  get historyBytes(): number {
    let total = 0;
    for (const edit of [...this.history, ...this.detour]) total += packedByteLength(edit.patch.before) + packedByteLength(edit.patch.after);
    return total;
  }

  private changed(rect: Rect, before: PackedBytes): void {
    this.rasterChanges++;
    for (const watch of this.changeWatchers) watch(rect, before);
  }

  /** Records an edit already applied to the raster. */
  private push(edit: Edit): DocumentEdit {
    this.changed(edit.patch.rect, edit.patch.before);
    if (this.savedPosition > this.position) {
      // The saved state is on the branch being cut off: keep the way back to it.
      this.detour = [...this.history.slice(this.position, this.savedPosition), ...this.detour];
      this.savedPosition = this.position;
    }
    this.history.length = this.position;
    this.history.push(edit);
    this.position++;
    return {
      label: edit.label,
      rect: edit.patch.rect,
      undo: () => {
        if (this.history[this.position - 1] !== edit) return undefined;
        this.changed(edit.patch.rect, edit.patch.after);
        writePackedRect(this.raster, edit.patch.rect, edit.patch.before);
        this.position--;
        return edit.patch.rect;
      },
      redo: () => {
        if (this.history[this.position] !== edit) return undefined;
        this.changed(edit.patch.rect, edit.patch.before);
        writePackedRect(this.raster, edit.patch.rect, edit.patch.after);
        this.position++;
        return edit.patch.rect;
      },
    };
  }

  private async replayStep(step: BackupStep, where: string): Promise<void> {
    if ('op' in step) {
      if (step.op.kind === 'threshold') throw new MaskDocumentError(`${where}: a threshold step must be stored as pixels.`);
      // The provider's rule for the thread: whole-image edits, fills of large masks and strokes of much work are not the host's.
      if (runsOnCodecThread(step.op, this.raster.width, this.raster.height)) await this.applyWholeImage(step.op);
      else this.apply(step.op);
      return;
    }
    const data = await decodeRectBytes(this.codec, step, where);
    for (let i = 0; i < data.length; i++) {
      if (data[i]! >= this.classCount) throw new MaskDocumentError(`${where}: pixel value ${data[i]} is not one of the ${this.classCount} classes.`);
    }
    const before = readRect(this.raster, step.rect);
    const patch: RasterPatch = { rect: step.rect, before, after: data };
    writeRect(this.raster, step.rect, data);
    this.push({ label: 'Restored Edit', patch: packPatch(patch) });
  }

  private adoptStoredPrediction(base: SavedState): void {
    // A ground-truth document (compare mode) shows the compare case's prediction; a pre-label job's record in the
    // ground-truth folder is another prediction, and a revert must not bring it back in its place.
    if (!base.prediction || this.groundTruth) return;
    this.probability = base.prediction.maps;
    this.predictionModel = base.prediction.record.model;
  }
}
