// The SegNetr mask editor (custom editor `segnetr.maskEditor`): an image and its label, edited in a webview,
// with VS Code's own undo/redo, dirty state, Save, Save As, Revert and hot exit. The document (MaskDocument)
// lives here in the extension host and is the truth: the webview paints optimistically and sends each finished
// operation, which is validated and applied here; saving and backing up never ask the webview. Label PNGs are
// encoded and decoded by the label codec thread (deps.codec), never on the extension host's thread; a document's
// saves, reverts and reloads run one at a time (DocumentFileQueue).
import { access, constants, mkdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabelFormat } from '../common/prelabel';
import type { EditOutcome, EditorInit, HostToWebviewMessage, ReviewStatus, WebviewToHostMessage } from '../common/editorProtocol';
import { assertNeverMessage } from '../common/editorProtocol';
import { MASK_EDITOR_VIEW_TYPE } from '../common/editorActions';
import type { LabelCodec } from '../common/labelCodecProtocol';
import { writeFileAtomic } from '../core/atomicWrite';
import { writeEditedLabel } from '../core/editedLabelWrite';
import { findImageForLabel } from '../core/imageForLabel';
import { labelPathFor } from '../core/labelPaths';
import { checkLabelsOutsideImages, earlierImageWithLabel } from '../core/plan';
import { formatBytes } from '../core/readRegularFile';
import { samePlace } from '../core/realPath';
import { thresholdByte } from '../core/predictionRecord';
import { writeSavedPredictionNote } from '../core/savedPrediction';
import { type Direction, type QueueOrder, neighbourImage } from '../core/reviewQueue';
import { type HumanDecision, type ReviewRecord, ReviewStateError, effectiveReviewStatus, readReviewState, recordReviewIf } from '../core/reviewState';
import type { Log } from '../host/log';
import { inferenceThreads, labelFormat, labelsDirFor } from '../host/settings';
import { workbenchCaughtUp } from '../host/workbenchCaughtUp';
import { checkLabelFormat } from '../mask/labelPng';
import { DEFAULT_MAX_POINTS, type MaskOperationLimits } from '../mask/validate';
import type { Rect } from '../mask/types';
import { pagePaintsFirst, runsOnCodecThread } from '../mask/wholeImage';
import { messageOf } from '../model/errors';
import type { WorkerClient } from '../worker/client';
import { type MaskFiles, labelFileSha256, readLabelBytes, sha256Of } from './baseMask';
import { compareQueue } from './compareQueue';
import { renderedImageFor } from './renderedImage';
import { CompareSession } from './compareSession';
import { type CompareTarget, compareTargetOf, compareUri } from './compareTarget';
import { DocumentFileQueue, type HeldAnnouncements } from './documentFileQueue';
import { editorHtml } from './editorHtml';
import { type EditorModelInfo, editorModelInfo } from './editorModel';
import { keptBackupsOf, readKeptBackup } from './keptBackups';
import { keepUnrestoredBackup } from './maskBackup';
import { ChangedDuringEditError, type DocumentEdit, EditedDuringReloadError, MaskDocument, type OpenOptions, operationLabel } from './maskDocument';
import type { ReviewOrders } from './reviewOrders';
import { LabelChangedOnDiskError, type SaveTarget, type VsCodeSave, type WrittenMask, fileTarget, saveMask, writeMaskSnapshot } from './saveMask';
import { literalGlob } from './literalGlob';
import { isMessageError, parseWebviewMessage } from './validateMessage';

/** Rejected webview messages logged per document; a hostile page must not flood the log. */
const MAX_LOGGED_REJECTIONS = 20;

/** One open image: its mask document, or (for a label file opened directly) the image to open instead. */
export class MaskEditorDocument implements vscode.CustomDocument {
  readonly panels = new Set<vscode.WebviewPanel>();
  readonly disposables: vscode.Disposable[] = [];
  rejectedMessages = 0;
  busy = false;
  askingAboutDiskChange = false;
  /** Hot-exit backups written so far. */
  backups = 0;
  /** Hot-exit backups begun so far: one that a newer one began after does not finish (backupCustomDocument). */
  backupsStarted = 0;
  /** Why VS Code's backup of unsaved edits could not be restored when the document opened, if it could not. */
  restoreProblem: string | undefined;
  /** Saves, reverts and reloads after label file events (a save fires several), one at a time. */
  readonly fileWork = new DocumentFileQueue();
  /** The page's edits, applied in the order it sent them: a whole-image edit runs on the codec thread and later ones wait. */
  edits: Promise<void> = Promise.resolve();
  /** How many pieces of work `edits` holds (for the host tests' state). */
  pendingEdits = 0;
  /** Edits VS Code has heard of that are still running on the codec thread: a save waits for them to land. */
  unlanded = 0;
  /** Compare mode: the document's label is a ground-truth file, shown against this prediction. */
  compare: CompareSession | undefined;
  /** The image as its page shows it when the page cannot decode the file (renderedImage.ts), when kept. */
  rendered: { readonly png: Uint8Array; readonly note: string } | undefined;

  constructor(
    readonly uri: vscode.Uri,
    readonly opened:
      | { readonly kind: 'redirect'; readonly image: vscode.Uri }
      | { readonly kind: 'mask'; readonly model: MaskDocument; readonly info: EditorModelInfo; readonly readOnlyReason: string | undefined },
  ) {}

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A rendered image (TIFF, 16-bit PNG) up to this size is kept for the next page of its document; larger ones are rendered again. */
const MAX_KEPT_RENDERING_BYTES = 32 * 2 ** 20;

type OpenMask = MaskEditorDocument & { readonly opened: { readonly kind: 'mask' } };

/** What host tests read about an open document (never used by the editor itself). */
export interface MaskEditorState {
  readonly dirty: boolean;
  readonly source: string;
  readonly readOnly: boolean;
  /** SHA-256 of the current mask's class indices (width * height bytes). */
  readonly maskSha256: string;
  /** Hot-exit backups VS Code asked for and that were written. */
  readonly backups: number;
  /** Messages from the webview refused by validation. */
  readonly rejectedMessages: number;
  /** Why a hot-exit backup could not be restored on open, if one could not. */
  readonly restoreProblem: string | undefined;
  /** Edits the page sent that are queued or running (a whole-image edit on the codec thread). */
  readonly pendingEdits: number;
}

export interface MaskEditorDeps {
  readonly extensionUri: vscode.Uri;
  readonly worker: WorkerClient;
  /** Encodes and decodes label PNGs off the extension host's thread. */
  readonly codec: LabelCodec;
  readonly log: Log;
  /** Explicit orders for Next/Previous/Accept/Reject (most uncertain first, a failure view's worst first). */
  readonly orders: ReviewOrders;
  /** Where copies of hot-exit backups that could not be restored are kept (the extension's global storage). */
  readonly keptBackupsDir: string;
}

export class MaskEditorProvider implements vscode.CustomEditorProvider<MaskEditorDocument> {
  private readonly changes = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<MaskEditorDocument>>();
  private readonly labelSaves = new vscode.EventEmitter<string>();
  /** Fires with a label file's path each time the editor has saved it (the failure view marks edited ground truth). */
  readonly onDidSaveLabel = this.labelSaves.event;
  /** Per page, the pixel messages sent to it so far (see the 'patch' message's `seq`). */
  private readonly pixelsSent = new WeakMap<vscode.WebviewPanel, number>();
  readonly onDidChangeCustomDocument = this.changes.event;
  private readonly documents = new Set<OpenMask>();
  private active: { document: OpenMask; panel: vscode.WebviewPanel } | undefined;

  constructor(private readonly deps: MaskEditorDeps) {}

  // ---- opening ----

  async openCustomDocument(uri: vscode.Uri, context: vscode.CustomDocumentOpenContext): Promise<MaskEditorDocument> {
    if (uri.scheme !== 'file') throw new Error(`The SegNetr mask editor opens images on disk, not ${uri.toString()}.`);
    const imagePath = uri.fsPath;
    const compare = compareTargetOf(uri);
    if (compare === undefined && path.extname(imagePath).toLowerCase() === '.png') {
      const image = await imageOfLabel(imagePath);
      if (image) return new MaskEditorDocument(uri, { kind: 'redirect', image: vscode.Uri.file(image) });
    }
    const files = compare === undefined ? await labelFilesOf(uri) : await groundTruthFilesOf(compare);
    const info = await editorModelInfo(this.deps.extensionUri.fsPath, uri, this.deps.log);
    const options = this.openOptions(info, compare !== undefined);
    let model: MaskDocument | undefined;
    let restoreProblem: string | undefined;
    if (context.backupId) {
      const backupUri = vscode.Uri.parse(context.backupId);
      let text: string | undefined;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(backupUri));
        const restored = await MaskDocument.restore(files, text, `The backup ${backupUri.fsPath}`, options);
        model = restored.document;
        this.deps.log.info(`Restored the unsaved edits of ${imagePath} from ${backupUri.fsPath}.`);
        if (restored.warning) void vscode.window.showWarningMessage(`SegNetr: ${restored.warning}`);
      } catch (error) {
        restoreProblem = messageOf(error);
        const kept = text === undefined ? undefined : await keepUnrestoredBackup(this.deps.keptBackupsDir, imagePath, text).catch((e: unknown) => void this.deps.log.error(`Mask editor: could not keep a copy of ${backupUri.fsPath}: ${messageOf(e)}`));
        const where = kept === undefined ? '' : ` A copy of the backup is kept in ${kept}: once the cause is fixed, reopen the image and run "SegNetr: Restore Unsaved Edits from a Kept Copy…".`;
        const message = `SegNetr could not restore the unsaved edits of ${path.basename(imagePath)}: ${restoreProblem} The mask is opened from disk.${where}`;
        this.deps.log.error(message);
        void vscode.window.showErrorMessage(message);
      }
    }
    model ??= await MaskDocument.open(files, options);
    const document = new MaskEditorDocument(uri, { kind: 'mask', model, info, readOnlyReason: model.readOnlyReason ?? (await readOnlyReason(files)) }) as OpenMask;
    document.restoreProblem = restoreProblem;
    if (compare !== undefined) document.compare = new CompareSession(compare);
    this.watchLabel(document);
    this.documents.add(document);
    document.disposables.push({ dispose: () => this.documents.delete(document) });
    return document;
  }

  async resolveCustomEditor(document: MaskEditorDocument, panel: vscode.WebviewPanel): Promise<void> {
    if (document.opened.kind === 'redirect') {
      // A label file: its image is the document to edit.
      await vscode.commands.executeCommand('vscode.openWith', document.opened.image, MASK_EDITOR_VIEW_TYPE, panel.viewColumn);
      panel.dispose();
      return;
    }
    const doc = document as OpenMask;
    const { imagePath } = doc.opened.model.files;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.deps.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.deps.extensionUri, 'media'),
        vscode.Uri.file(path.dirname(imagePath)),
      ],
    };
    panel.webview.html = editorHtml(panel.webview, this.deps.extensionUri, path.basename(imagePath));
    doc.panels.add(panel);
    if (panel.active) this.active = { document: doc, panel };
    panel.onDidChangeViewState(() => {
      if (panel.active) this.active = { document: doc, panel };
    });
    panel.onDidDispose(() => {
      doc.panels.delete(panel);
      if (this.active?.panel === panel) this.active = undefined;
    });
    panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(doc, panel, message));
  }

  // ---- saving, reverting, backing up (VS Code calls these) ----

  async saveCustomDocument(document: MaskEditorDocument): Promise<void> {
    const doc = asMask(document);
    await doc.edits; // an edit the page sent before the save (a clean-up on the codec thread) belongs in it
    await doc.fileWork.runSave((held) => this.saveLabel(doc, held), workbenchCaughtUp);
  }

  async saveCustomDocumentAs(document: MaskEditorDocument, destination: vscode.Uri): Promise<void> {
    const doc = asMask(document);
    const { model } = doc.opened;
    if (destination.scheme === 'file' && samePlace(destination.fsPath, model.files.imagePath)) {
      throw new Error(`Saving the mask as ${path.basename(model.files.imagePath)} would replace the image with its mask; choose another file name.`);
    }
    if (destination.scheme === 'file' && samePlace(destination.fsPath, model.files.labelPath)) {
      // Its own label: an ordinary save, with its checks (a label changed on disk) and its review decision.
      return this.saveCustomDocument(document);
    }
    const owner = destination.scheme === 'file' ? await imageOfLabel(destination.fsPath) : undefined;
    if (owner !== undefined) {
      // Another image's label would change without its editor's checks, under a review decision about another mask.
      throw new Error(`${path.basename(destination.fsPath)} is the label of ${path.basename(owner)}; open that image to change its label, or choose another file name.`);
    }
    const format = saveFormat(doc);
    checkLabelFormat(format, model.classCount);
    await doc.edits;
    // Files on disk are written atomically, like labels; other file systems through VS Code.
    const target: SaveTarget =
      destination.scheme === 'file'
        ? fileTarget(destination.fsPath)
        : { name: destination.toString(), write: (bytes) => Promise.resolve(vscode.workspace.fs.writeFile(destination, bytes)) };
    await doc.fileWork.runSave((held) => writeMaskSnapshot(model, this.deps.codec, format, target, { vsCode: this.vsCodeSave(doc, held) }), workbenchCaughtUp);
  }

  async revertCustomDocument(document: MaskEditorDocument): Promise<void> {
    const doc = asMask(document);
    const { model } = doc.opened;
    await doc.edits; // reverting drops them too, rather than having them land on the reloaded mask
    const data = await doc.fileWork.run(() => model.reload({ log: (line) => this.deps.log.warn(line) }));
    this.deps.log.info(`Reverted ${model.files.imagePath} to its ${model.source === 'label' ? 'label file' : `${model.source} mask`}.`);
    this.postMaskToAll(doc, data);
    this.postAll(doc, { type: 'review', review: await this.reviewStatus(doc) });
  }

  async backupCustomDocument(document: MaskEditorDocument, context: vscode.CustomDocumentBackupContext, cancellation: vscode.CancellationToken): Promise<vscode.CustomDocumentBackup> {
    const doc = asMask(document);
    const started = ++doc.backupsStarted;
    // A backup overtaken by a newer one must not finish: the extension host deletes the backup before each one
    // that finishes, so a slow older one (encoding a Predict step) finishing last would delete the newer backup,
    // the one VS Code keeps the id of, and hot exit would have nothing to restore. (Each backup has a file of its
    // own: the extension host numbers them.)
    const overtaken = (): boolean => cancellation.isCancellationRequested || doc.backupsStarted !== started;
    await doc.edits; // VS Code counts an edit still running as made (see applyEdit): the backup must hold it
    const text = await doc.opened.model.backup();
    if (overtaken()) throw new vscode.CancellationError();
    const { destination } = context;
    if (destination.scheme === 'file') {
      await mkdir(path.dirname(destination.fsPath), { recursive: true });
      await writeFileAtomic(destination.fsPath, Buffer.from(text, 'utf8'));
    } else {
      await vscode.workspace.fs.writeFile(destination, Buffer.from(text, 'utf8'));
    }
    if (overtaken()) {
      await vscode.workspace.fs.delete(destination).then(undefined, () => undefined);
      throw new vscode.CancellationError();
    }
    doc.backups++;
    return {
      id: destination.toString(),
      delete: () => void vscode.workspace.fs.delete(destination).then(undefined, () => undefined),
    };
  }

  // ---- commands on the active editor ----

  /** Forwards a keyboard action to the active mask editor's webview. */
  postToActive(message: HostToWebviewMessage): void {
    if (this.active) void this.active.panel.webview.postMessage(message);
  }

  /**
   * "Restore Unsaved Edits from a Kept Copy…": re-applies a backup that hot exit could not restore (kept by
   * keepUnrestoredBackup) onto the active editor's mask, as one edit that Undo takes back. `file`: that copy
   * (a test, or another extension); otherwise the person picks one of the copies kept for this image.
   */
  async restoreKeptEditsActive(file?: string): Promise<void> {
    const doc = this.active?.document;
    if (!doc) {
      void vscode.window.showInformationMessage('Open the image in the SegNetr Mask Editor first: kept copies are restored into its editor.');
      return;
    }
    const { model, info, readOnlyReason } = doc.opened;
    const image = path.basename(model.files.imagePath);
    try {
      if (readOnlyReason !== undefined) throw new Error(`this mask is read-only (${readOnlyReason})`);
      const chosen = file ?? (await this.pickKeptBackup(model.files.imagePath));
      if (chosen === undefined) return;
      const copy = await readKeptBackup(chosen);
      if (!samePlace(copy.imagePath, model.files.imagePath)) throw new Error(`${chosen} holds edits of ${copy.imagePath}, not of ${model.files.imagePath}`);
      // Edits of another label file (the labels folder moved since, or the other of a compare-mode and an
      // ordinary document): the person decides, seeing both names.
      const otherLabel = copy.labelPath !== undefined && !samePlace(copy.labelPath, model.files.labelPath);
      if (otherLabel) {
        const apply = 'Apply Them Here';
        const choice = await vscode.window.showWarningMessage(
          `The kept edits were made on the label ${copy.labelPath}, not on this editor's label ${model.files.labelPath}.`,
          { modal: true, detail: 'Apply them here only if that file moved, or the labels folder setting changed, since.' },
          apply,
        );
        if (choice !== apply) return;
      }
      const restored = await MaskDocument.restore(model.files, copy.text, `The kept copy ${chosen}`, { ...this.openOptions(info, doc.compare !== undefined), anyLabel: otherLabel });
      let edit: DocumentEdit | undefined;
      await this.inOrder(doc, async () => {
        edit = await model.replaceMaskOffThread(restored.document.raster.data, 'Restore Kept Edits');
        if (edit) {
          model.takeRestoreMarker(restored.document); // a label changed since the copy: saving asks first
          this.announceEdit(doc, edit);
        }
      });
      this.deps.log.info(`Restored the kept unsaved edits of ${model.files.imagePath} from ${chosen}${edit ? '' : ' (the mask already held them)'}.`);
      const done = `SegNetr: ${edit ? 'Restored' : 'The mask already holds'} the kept edits of ${image} (${chosen} stays; delete it once you no longer need it). Undo takes them back.`;
      void (restored.warning ? vscode.window.showWarningMessage(`SegNetr: ${restored.warning}`) : vscode.window.showInformationMessage(done));
    } catch (error) {
      const message = `SegNetr could not restore kept edits of ${image}: ${messageOf(error)}`;
      this.deps.log.error(message);
      void vscode.window.showErrorMessage(message);
    }
  }

  /** How the documents of this editor open: `groundTruth` for compare mode (LoadOptions.groundTruth). */
  private openOptions(info: EditorModelInfo, groundTruth: boolean): OpenOptions {
    return { classCount: info.classCount, codec: this.deps.codec, log: (line: string) => this.deps.log.warn(line), groundTruth };
  }

  private async pickKeptBackup(imagePath: string): Promise<string | undefined> {
    const copies = await keptBackupsOf(this.deps.keptBackupsDir, imagePath);
    if (copies.length === 0) {
      void vscode.window.showInformationMessage(`SegNetr keeps no copy of unsaved edits of ${path.basename(imagePath)} (${this.deps.keptBackupsDir}).`);
      return undefined;
    }
    const items = copies.map((c) => ({ label: c.kept.toLocaleString(), description: formatBytes(c.bytes), detail: c.file, file: c.file }));
    const pick = await vscode.window.showQuickPick(items, { title: `Kept unsaved edits of ${path.basename(imagePath)}`, placeHolder: 'The copy to re-apply onto the mask (newest first)' });
    return pick?.file;
  }

  /** For host tests: a copy of the current mask of the open document of `uri`, if any. */
  maskOf(uri: vscode.Uri): Uint8Array | undefined {
    for (const doc of this.documents) if (doc.uri.toString() === uri.toString()) return doc.opened.model.raster.data.slice();
    return undefined;
  }

  /** For host tests: the state of the open document of `uri`, if any. */
  stateOf(uri: vscode.Uri): MaskEditorState | undefined {
    for (const doc of this.documents) {
      if (doc.uri.toString() !== uri.toString()) continue;
      const { model, readOnlyReason } = doc.opened;
      return {
        dirty: model.isDirty,
        source: model.source,
        readOnly: readOnlyReason !== undefined,
        maskSha256: sha256Of(model.raster.data),
        backups: doc.backups,
        rejectedMessages: doc.rejectedMessages,
        restoreProblem: doc.restoreProblem,
        pendingEdits: doc.pendingEdits,
      };
    }
    return undefined;
  }

  // ---- messages from the webview ----

  /** Every message is checked before it reaches the document; a bad one changes nothing and is answered with the truth. */
  private async receive(doc: OpenMask, panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw, limitsOf(doc));
    if (isMessageError(message)) {
      if (doc.rejectedMessages++ < MAX_LOGGED_REJECTIONS) this.deps.log.warn(`Mask editor ignored a message from its webview: ${message.error}`);
      this.post(panel, { type: 'error', message: `The editor ignored an invalid message (${message.error}).` });
      // A rejected edit was already painted by the page: give it the document's mask back.
      if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'edit') this.resyncAfterEdits(doc, panel);
      return;
    }
    try {
      await this.handle(doc, panel, message);
    } catch (error) {
      this.deps.log.error(`Mask editor: ${message.type} on ${doc.opened.model.files.imagePath} failed: ${messageOf(error)}`);
      this.post(panel, { type: 'error', message: messageOf(error) });
    }
  }

  private async handle(doc: OpenMask, panel: vscode.WebviewPanel, message: WebviewToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const init = await this.init(doc, panel);
        this.post(panel, { type: 'init', init: { ...init, pixelsSeq: this.nextPixelsSeq(panel) } });
        if (doc.compare) await this.sendComparePrediction(doc, panel);
        return;
      }
      case 'edit':
        await this.inOrder(doc, () => this.applyEdit(doc, panel, message));
        return;
      case 'predict':
        await doc.edits; // Predict after the edits sent before it (a clean-up may still run on the codec thread)
        await this.predict(doc);
        return;
      case 'loadProbability':
        await this.sendProbability(doc, panel);
        return;
      case 'review':
        // Not in the edit queue (an Accept saves through VS Code, whose save waits for that queue), but after it:
        // Accept right after a clean-up or a keyboard threshold decides on the mask with it.
        await doc.edits;
        await this.review(doc, panel, message.decision);
        return;
      case 'navigate':
        await doc.edits; // the tab closes if clean: an edit still running would be lost
        await this.openNeighbour(doc, panel, message.direction, false);
        return;
      case 'loadFailed':
        this.deps.log.warn(`Mask editor could not display ${doc.opened.model.files.imagePath}: ${message.detail}`);
        return;
      case 'usePrediction':
        await this.inOrder(doc, () => this.usePrediction(doc, message.threshold));
        return;
      default:
        assertNeverMessage(message);
    }
  }

  private async init(doc: OpenMask, panel: vscode.WebviewPanel): Promise<Omit<EditorInit, 'pixelsSeq'>> {
    const { model, info, readOnlyReason } = doc.opened;
    const { imagePath, labelPath } = model.files;
    const stored = model.storedThreshold;
    const rendered = await this.renderedImage(doc);
    return {
      imageUrl: panel.webview.asWebviewUri(vscode.Uri.file(imagePath)).toString(),
      ...(rendered ? { renderedImage: rendered } : {}),
      imageName: path.basename(imagePath),
      width: model.raster.width,
      height: model.raster.height,
      mask: model.raster.data,
      classes: info.classes,
      source: model.source,
      labelDisplayPath: vscode.workspace.asRelativePath(labelPath),
      readOnly: readOnlyReason !== undefined,
      ...(readOnlyReason === undefined ? {} : { readOnlyReason }),
      review: await this.reviewStatus(doc),
      threshold: stored === undefined ? info.threshold : thresholdByte(stored),
      hasStoredProbability: model.hasStoredProbability,
      ...(doc.compare ? { compare: this.compareInit(doc, doc.compare) } : {}),
    };
  }

  /**
   * The image rendered for a page that cannot decode its file; a failure is the page's to show. Kept for the
   * document's next page (a tab switch rebuilds it) when small; a failure is tried again next time.
   */
  private async renderedImage(doc: OpenMask): Promise<EditorInit['renderedImage']> {
    const { imagePath } = doc.opened.model.files;
    if (doc.rendered) return doc.rendered;
    try {
      const rendered = await renderedImageFor(imagePath, this.deps.codec);
      if (rendered && rendered.png.byteLength <= MAX_KEPT_RENDERING_BYTES) doc.rendered = rendered;
      return rendered;
    } catch (error) {
      this.deps.log.warn(`Mask editor: cannot render ${imagePath} for display: ${messageOf(error)}`);
      return { failed: messageOf(error) };
    }
  }

  // ---- compare mode ----

  private compareInit(doc: OpenMask, compare: CompareSession): NonNullable<EditorInit['compare']> {
    const { model, info } = doc.opened;
    const { prediction } = compare.target;
    return {
      classCount: model.classCount,
      groundTruthName: vscode.workspace.asRelativePath(compare.target.groundTruth),
      predictionSource: compare.source,
      predictionName: prediction === undefined ? path.basename(info.modelPath) : vscode.workspace.asRelativePath(prediction),
    };
  }

  /** The prediction (the label file, or the model's run: then also its probability map for the heat map and slider). */
  private async sendComparePrediction(doc: OpenMask, panel: vscode.WebviewPanel): Promise<void> {
    const compare = doc.compare!;
    const { model, info } = doc.opened;
    this.post(panel, { type: 'busy', what: compare.source === 'model' ? 'Predicting…' : 'Reading the prediction…' });
    try {
      const loaded = await compare.load(model.raster, model.classCount, {
        predictImage: (request) => this.deps.worker.predictImage(request),
        readMask: (bytes, classCount, role) => this.deps.codec.readMask(bytes, classCount, role),
        modelPath: info.modelPath,
        threads: inferenceThreads(),
      });
      if (loaded.model) {
        // The heat map and the slider show this prediction's own probabilities.
        // Not the document's predictionModel: a save or Accept of the ground truth is a person's, not this model's.
        model.probability = { probability: loaded.model.probability, classes: loaded.model.classes };
        const evaluated = compare.target.prediction === undefined ? this.deps.orders.evaluatedModelFor(compare.target.groundTruth) : undefined;
        if (evaluated !== undefined && evaluated.sha256 !== loaded.model.model.sha256) {
          const now = loaded.model.model;
          this.post(panel, {
            type: 'error',
            message: `This case was evaluated with another model (${evaluated.name}, sha256 ${evaluated.sha256.slice(0, 12)}…) than the one predicting it now (${now.id}, ${now.sha256.slice(0, 12)}…): the prediction and metrics shown are the current model's, not the report's.`,
          });
        }
      }
      this.post(panel, { type: 'comparePrediction', prediction: loaded.mask, source: compare.source });
      if (loaded.model) this.post(panel, { type: 'probability', probability: loaded.model.probability, classes: loaded.model.classes });
    } catch (error) {
      this.deps.log.error(`Compare ${model.files.imagePath}: ${messageOf(error)}`);
      this.post(panel, { type: 'error', message: messageOf(error) });
    } finally {
      this.post(panel, { type: 'busy', what: null });
    }
  }

  /** "Use Prediction as Label": the host's copy of the prediction replaces the ground truth, as one undoable edit. */
  private async usePrediction(doc: OpenMask, threshold: number | null): Promise<void> {
    const { model, readOnlyReason } = doc.opened;
    if (!doc.compare) throw new Error('Use Prediction as Label works in compare mode (open the image from a failure view).');
    if (readOnlyReason !== undefined) throw new Error(`This mask is read-only: ${readOnlyReason}.`);
    // The model is named so that a save records the ground truth as edited from its prediction, and a save of it
    // unchanged leaves a note saying so (an evaluation against this folder then knows); a prediction file's maker
    // is not known here.
    // Re-thresholded with the slider it is the person's choice of threshold, not the model's prediction as it made it.
    const predictedBy = { model: doc.compare.predictedBy?.model ?? { id: '-', sha256: '-' }, asPredicted: threshold === null };
    // Busy while it runs (a large mask is compared on the codec thread): Accept waits, and the page says when it is done.
    this.postAll(doc, { type: 'busy', what: 'Using the prediction as the label…' });
    try {
      const edit = await model.replaceMaskOffThread(doc.compare.maskFor(threshold, model.probability), 'Use Prediction as Label', predictedBy);
      if (edit) this.announceEdit(doc, edit);
    } finally {
      this.postAll(doc, { type: 'busy', what: null });
    }
  }

  /** Runs `work` after the document's earlier edits (see MaskEditorDocument.edits). */
  private inOrder(doc: OpenMask, work: () => Promise<void> | void): Promise<void> {
    doc.pendingEdits++;
    const done = doc.edits.then(work).finally(() => doc.pendingEdits--);
    doc.edits = done.catch(() => undefined);
    return done;
  }

  private async applyEdit(doc: OpenMask, panel: vscode.WebviewPanel, message: Extract<WebviewToHostMessage, { type: 'edit' }>): Promise<void> {
    const { width, height } = doc.opened.model.raster;
    const offThread = runsOnCodecThread(message.operation, width, height);
    let outcome: EditOutcome = 'failed';
    try {
      outcome = await this.applyEditNow(doc, panel, message, offThread);
    } finally {
      // The page waits for this after an edit run on the codec thread, whatever became of it (see 'editDone').
      if (offThread) this.post(panel, { type: 'editDone', id: message.id, outcome });
    }
  }

  private async applyEditNow(doc: OpenMask, panel: vscode.WebviewPanel, message: Extract<WebviewToHostMessage, { type: 'edit' }>, offThread: boolean): Promise<EditOutcome> {
    const { model, readOnlyReason } = doc.opened;
    const { operation } = message;
    const painted = pagePaintsFirst(operation, model.raster.width, model.raster.height);
    let refusal: string | undefined;
    let edit: DocumentEdit | undefined;
    if (readOnlyReason !== undefined) refusal = `This mask is read-only: ${readOnlyReason}.`;
    else if (operation.kind === 'threshold' && !model.probability) refusal = 'There is no probability map to threshold yet; it is loading or the model could not run.';
    else if (offThread) {
      const pending = vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `${operationLabel(operation)}…` }, () => model.applyWholeImage(operation));
      // A page that shows the edit already has VS Code hear of it now: Ctrl+Z right away undoes it (once it has
      // landed), closing the tab meanwhile asks about it, and a save waits for it to land (saveLabel's `landing`).
      // One the page left to the host shows only when it lands: VS Code hears of it then, and only if it changed
      // something (else the tab would look modified, and a save would record an unchanged mask as edited).
      if (painted) this.tellVsCode(doc, operationLabel(operation), Promise.resolve(pending).catch(() => undefined), { running: true });
      try {
        edit = await pending;
      } catch (error) {
        refusal = error instanceof ChangedDuringEditError ? `${operationLabel(operation)} was not applied: the mask changed while it ran (an undo or a reload). Run it again.` : `Edit ${message.id} could not be applied: ${messageOf(error)}`;
      }
    } else {
      try {
        edit = model.apply(operation);
      } catch (error) {
        refusal = `Edit ${message.id} could not be applied: ${messageOf(error)}`;
      }
    }
    if (edit) {
      // One run on the codec thread that the page painted was told of when it started (above).
      if (!(offThread && painted)) this.tellVsCode(doc, edit.label, Promise.resolve(edit));
      this.sendToPages(doc, edit.rect, this.paintedAndCurrent(panel, message, painted));
    }
    if (refusal !== undefined) {
      this.post(panel, { type: 'error', message: refusal });
      this.resyncAfterEdits(doc, panel);
      return 'failed';
    }
    return edit ? 'changed' : 'unchanged';
  }

  /**
   * The page that sent an edit, when it needs no pixels of it back: it painted the edit itself, and no pixels sent
   * to it since it painted (an undo's, another panel's edit's) can have covered what it painted.
   */
  private paintedAndCurrent(panel: vscode.WebviewPanel, message: Extract<WebviewToHostMessage, { type: 'edit' }>, painted: boolean): vscode.WebviewPanel | undefined {
    return painted && (this.pixelsSent.get(panel) ?? 0) <= message.seen ? panel : undefined;
  }

  /** Hands an edit no page painted (Predict, a restore) to VS Code's undo stack, and its pixels to every page. */
  private announceEdit(doc: OpenMask, edit: DocumentEdit): void {
    this.tellVsCode(doc, edit.label, Promise.resolve(edit));
    this.sendToPages(doc, edit.rect, undefined);
  }

  /**
   * Puts an edit on VS Code's undo stack; `edit` may still be running (a whole-image edit on the codec thread):
   * undo and redo then wait for it. One that ends up changing nothing leaves an entry whose undo does nothing.
   */
  private tellVsCode(doc: OpenMask, label: string, edit: Promise<DocumentEdit | undefined>, options: { readonly running?: boolean } = {}): void {
    const step = async (side: 'undo' | 'redo'): Promise<void> => {
      const done = await edit;
      if (done) this.sendToPages(doc, done[side](), undefined);
    };
    doc.fileWork.announce(() => {
      // From the moment VS Code hears of an edit still running, a save waits for it (saveLabel's `landing`); an
      // announcement held back by a save is not counted before it is made.
      if (options.running) {
        doc.unlanded++;
        void edit.finally(() => doc.unlanded--);
      }
      this.changes.fire({ document: doc, label, undo: () => step('undo'), redo: () => step('redo') });
    });
  }

  /** The document's pixels in `rect`, to every page of it but `except` (the page that painted them itself). */
  private sendToPages(doc: OpenMask, rect: Rect | undefined, except: vscode.WebviewPanel | undefined): void {
    if (!rect) return;
    const data = doc.opened.model.read(rect);
    for (const panel of doc.panels) if (panel !== except) this.post(panel, { type: 'patch', rect, data, seq: this.nextPixelsSeq(panel) });
  }

  /** The next number in the count of pixel messages (init, patch, mask) to `panel` (see the 'patch' message). */
  private nextPixelsSeq(panel: vscode.WebviewPanel): number {
    const seq = (this.pixelsSent.get(panel) ?? 0) + 1;
    this.pixelsSent.set(panel, seq);
    return seq;
  }

  private async predict(doc: OpenMask): Promise<void> {
    const { model, info, readOnlyReason } = doc.opened;
    if (readOnlyReason !== undefined) {
      this.postAll(doc, { type: 'error', message: `This mask is read-only: ${readOnlyReason}.` });
      return;
    }
    if (doc.compare) {
      // The mask is the ground truth, and the compared prediction and its probability map must stay as evaluated.
      this.postAll(doc, { type: 'error', message: 'Predict does not run in compare mode: the mask here is the ground truth. Use Prediction as Label copies the prediction shown.' });
      return;
    }
    if (doc.busy) return;
    doc.busy = true;
    this.postAll(doc, { type: 'busy', what: 'Predicting…' });
    try {
      const prediction = await this.deps.worker.predictImage({ imagePath: model.files.imagePath, modelPath: info.modelPath, threads: inferenceThreads() });
      if (prediction.width !== model.raster.width || prediction.height !== model.raster.height) {
        throw new Error(`the model's mask is ${prediction.width} x ${prediction.height}, the image ${model.raster.width} x ${model.raster.height}`);
      }
      model.probability = { probability: prediction.probability, classes: prediction.classes };
      model.predictionModel = prediction.model;
      // In the edit queue: strokes sent while the model ran apply first, then the prediction replaces them all.
      await this.inOrder(doc, async () => {
        const edit = await model.replaceMaskOffThread(prediction.mask, 'Predict', { model: prediction.model, asPredicted: true });
        if (edit) this.announceEdit(doc, edit);
      });
      this.postAll(doc, { type: 'probability', probability: prediction.probability, classes: prediction.classes });
    } catch (error) {
      this.deps.log.error(`Predict ${model.files.imagePath}: ${messageOf(error)}`);
      this.postAll(doc, { type: 'error', message: `Predict failed: ${messageOf(error)}` });
    } finally {
      doc.busy = false;
      this.postAll(doc, { type: 'busy', what: null });
    }
  }

  /** The probability map for the threshold slider: the stored one, else one model run (kept for the document). */
  private async sendProbability(doc: OpenMask, panel: vscode.WebviewPanel): Promise<void> {
    const { model, info } = doc.opened;
    if (!model.probability) {
      this.post(panel, { type: 'busy', what: 'Computing the probability map…' });
      try {
        const p = await this.deps.worker.predictImage({ imagePath: model.files.imagePath, modelPath: info.modelPath, threads: inferenceThreads() });
        if (p.width !== model.raster.width || p.height !== model.raster.height) throw new Error(`the model's map is ${p.width} x ${p.height}, the image ${model.raster.width} x ${model.raster.height}`);
        model.probability ??= { probability: p.probability, classes: p.classes };
      } finally {
        this.post(panel, { type: 'busy', what: null });
      }
    }
    const { probability, classes } = model.probability;
    this.post(panel, { type: 'probability', probability, classes });
  }

  // ---- review ----

  private async review(doc: OpenMask, panel: vscode.WebviewPanel, decision: 'accept' | 'reject'): Promise<void> {
    const { model, readOnlyReason } = doc.opened;
    if (decision === 'accept') {
      if (readOnlyReason !== undefined) {
        this.post(panel, { type: 'error', message: `Cannot accept: this mask is read-only (${readOnlyReason}).` });
        return;
      }
      if (model.isDirty) {
        // Through VS Code, so its dirty state and undo stack know about the save.
        const saved = await vscode.workspace.save(doc.uri);
        if (!saved || model.isDirty) {
          this.post(panel, { type: 'error', message: 'The mask was not saved, so it was not accepted.' });
          return;
        }
      } else if (model.baseKind !== 'label') {
        // A clean prediction or empty mask: accepting makes it the label (no VS Code save: edits meanwhile are announced).
        await doc.fileWork.run(() => this.saveLabel(doc));
      }
    }
    const status: HumanDecision = decision === 'accept' ? 'accepted' : 'rejected';
    // Only about the label shown: when a job or a checkout replaced the file and the file watcher has not said so
    // yet, the decision would be about a mask the person has not seen. Checked under review.tsv's lock, which a
    // pre-label job holds while it replaces a label, so none lands between the check and the record.
    const recorded = await doc.fileWork
      .run(() => recordReviewIf(model.files.labelsDir, reviewRecord(doc, status), async () => model.isSavedFile(await labelFileSha256(model.files))))
      .catch((error: unknown) => Promise.reject(error instanceof ReviewStateError ? new Error(`The image was not marked ${status}: ${error.message}`) : error));
    if (!recorded) {
      await this.labelChangedOnDisk(doc);
      this.post(panel, { type: 'error', message: `${path.basename(model.files.labelPath)} was changed on disk, so it was not ${status}; look at it as it is now and decide again.` });
      return;
    }
    this.postAll(doc, { type: 'review', review: status });
    await this.openNeighbour(doc, panel, 'next', true);
  }

  private async reviewStatus(doc: OpenMask): Promise<ReviewStatus | undefined> {
    const { model } = doc.opened;
    try {
      const decision = (await readReviewState(model.files.labelsDir)).get(path.basename(model.files.imagePath));
      return effectiveReviewStatus(decision?.status, model.hasStoredProbability);
    } catch (error) {
      this.deps.log.warn(`Mask editor: ${messageOf(error)}`);
      return undefined;
    }
  }

  /** Opens the neighbour image in this editor's group; the tab left behind closes unless it has unsaved edits. */
  private async openNeighbour(doc: OpenMask, panel: vscode.WebviewPanel, direction: Direction, undecidedOnly: boolean): Promise<void> {
    const { files } = doc.opened.model;
    let order: QueueOrder | undefined;
    let targetFor: ((image: string) => Promise<CompareTarget>) | undefined;
    if (doc.compare) {
      ({ order, targetFor } = await compareQueue(doc.compare.target, this.deps.orders.compareOrderFor(files.imagePath)));
    } else {
      const images = this.deps.orders.editOrderFor(files.imagePath);
      order = images === undefined ? undefined : { images, only: false };
    }
    const next = await neighbourImage(files.imagePath, files.labelsDir, direction, undecidedOnly, order);
    if (!next) {
      const folder = path.basename(path.dirname(files.imagePath));
      void vscode.window.showInformationMessage(
        undecidedOnly ? `Every image in ${folder} has been reviewed.` : `${path.basename(files.imagePath)} is the ${direction === 'next' ? 'last' : 'first'} image in ${folder}.`,
      );
      return;
    }
    const column = panel.viewColumn;
    const uri = targetFor === undefined ? vscode.Uri.file(next) : compareUri(await targetFor(next));
    await vscode.commands.executeCommand('vscode.openWith', uri, MASK_EDITOR_VIEW_TYPE, { viewColumn: column, preview: false });
    if (doc.opened.model.isDirty) return;
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const mine = tabs.filter((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.viewType === MASK_EDITOR_VIEW_TYPE && tab.input.uri.toString() === doc.uri.toString());
    if (mine.length > 0) await vscode.window.tabGroups.close(mine);
  }

  // ---- the label file ----

  /** What a save VS Code waits for needs: its held announcements, and the edits VS Code heard of that are still running. */
  private vsCodeSave(doc: OpenMask, held: HeldAnnouncements): VsCodeSave {
    return { ...held, landing: () => (doc.unlanded > 0 ? doc.edits : undefined) };
  }

  /** Writes the label file (see saveMask); `vsCode`: for a save VS Code waits for. Runs on the document's file queue. */
  private async saveLabel(doc: OpenMask, held?: HeldAnnouncements): Promise<void> {
    const vsCode = held && this.vsCodeSave(doc, held);
    const { model, readOnlyReason } = doc.opened;
    if (readOnlyReason !== undefined) throw new Error(`${model.files.labelPath} is read-only here: ${readOnlyReason}.`);
    const format = saveFormat(doc);
    checkLabelFormat(format, model.classCount);
    // Edits still running on the codec thread (a fill of a large mask: seconds) land before review.tsv's lock is
    // taken, not while it is held: other windows and pre-label jobs wait at most 10 s for it. One started after this
    // is waited for under the lock, by saveMask.
    for (let waits = 0; waits < 4; waits++) {
      const landing = vsCode?.landing?.();
      if (landing === undefined) break;
      await landing;
    }
    const record = savedRecord(doc);
    let written: WrittenMask | undefined;
    const { recordError } = await writeEditedLabel(model.files.labelsDir, record, async () => {
      try {
        written = await saveMask(model, this.deps.codec, format, vsCode ? { vsCode } : {});
      } catch (error) {
        // Not awaited: the check queues behind this save. It asks Keep Mine / Load Theirs, or reloads a clean mask.
        if (error instanceof LabelChangedOnDiskError) void this.labelChangedOnDisk(doc).catch((e: unknown) => this.deps.log.error(`Mask editor: ${messageOf(e)}`));
        throw error;
      }
    });
    this.deps.log.info(`Saved ${model.files.labelPath}.`);
    if (written) void this.noteSavedPrediction(doc, written); // not awaited: VS Code's save does not wait for the hash
    this.labelSaves.fire(model.files.labelPath);
    if (recordError === undefined) {
      this.postAll(doc, { type: 'review', review: record.status });
      return;
    }
    const text = `Saved ${model.files.labelPath}, but could not record it as ${record.status}, so a pre-label with overwrite would replace it: ${messageOf(recordError)}`;
    this.deps.log.warn(text);
    void vscode.window.showWarningMessage(`SegNetr: ${text}`);
  }

  /**
   * A saved label that is a model's prediction pixel for pixel (Predict, or Use Prediction as Label, with no edit
   * after it) gets a note saying so (src/core/savedPrediction.ts): an evaluation against this folder then knows the
   * model made it. The hash is of the pixels written, decoded on the codec thread. The label is saved either way.
   */
  private async noteSavedPrediction(doc: OpenMask, written: WrittenMask): Promise<void> {
    const { model } = doc.opened;
    const predictedBy = model.predictionWritten(written.snapshot);
    if (predictedBy === undefined) return;
    try {
      const maskSha256 = await this.deps.codec.labelPixelsSha256(written.bytes, model.classCount);
      await writeSavedPredictionNote(model.files.labelsDir, model.files.imagePath, predictedBy, maskSha256);
    } catch (error) {
      const text = `Saved ${model.files.labelPath}, but not the note that it is ${predictedBy.id}'s prediction unchanged, so an evaluation against this folder will take it for a person's mask: ${messageOf(error)}`;
      this.deps.log.warn(text);
      void vscode.window.showWarningMessage(`SegNetr: ${text}`);
    }
  }

  private watchLabel(doc: OpenMask): void {
    const { labelsDir, labelPath } = doc.opened.model.files;
    // Watched from the labels folder's parent, so the folder may be created later. The names are file names, not
    // globs (`scan[1].png`): see literalGlob; an event for another file the pattern also matches is ignored.
    const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(labelsDir)), `${literalGlob(path.basename(labelsDir))}/${literalGlob(path.basename(labelPath))}`);
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const changed = (uri: vscode.Uri): void => {
      if (uri.scheme !== 'file' || !samePlace(uri.fsPath, labelPath)) return;
      this.labelChangedOnDisk(doc).catch((error: unknown) => this.deps.log.error(`Mask editor: ${messageOf(error)}`));
    };
    doc.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  /**
   * Reload when clean; ask when there are unsaved edits; nothing when the file is what we saved. The check and the
   * reload wait for the document's saves (whose own writes are not changes); the question does not hold them up.
   */
  private async labelChangedOnDisk(doc: OpenMask): Promise<void> {
    const { model } = doc.opened;
    await doc.edits; // an edit still running makes the mask dirty: then the person is asked
    // The file is first told apart by its hash alone, so that a file that is no label at all (another size, half
    // written) still gets the question when there are unsaved edits.
    const { outcome, theirs } = await doc.fileWork.run(async (): Promise<{ outcome: 'ours' | 'reloaded' | 'ask'; theirs: string | undefined }> => {
      const theirs = await labelFileSha256(model.files);
      if (model.isOwnFile(theirs)) return { outcome: 'ours', theirs };
      if (model.isDirty) return { outcome: 'ask', theirs };
      const clean = model.changeCount; // in the same turn as the check: an edit from here on stops the reload
      const bytes = (await readLabelBytes(model.files, model.raster)) ?? null;
      let data: Uint8Array;
      try {
        data = await model.reload({ labelBytes: bytes, log: (line) => this.deps.log.warn(line), unlessChangedSince: clean });
      } catch (error) {
        if (error instanceof EditedDuringReloadError) return { outcome: 'ask', theirs };
        throw error;
      }
      this.deps.log.info(`${model.files.labelPath} changed on disk; the editor of ${path.basename(model.files.imagePath)} reloaded it.`);
      this.postMaskToAll(doc, data);
      return { outcome: 'reloaded', theirs };
    });
    if (outcome !== 'ask') return;
    this.deps.log.info(`${model.files.labelPath} changed on disk while ${path.basename(model.files.imagePath)} has unsaved edits; asking.`);
    if (doc.askingAboutDiskChange) return;
    doc.askingAboutDiskChange = true;
    try {
      const keep = 'Keep Mine';
      const load = 'Load Theirs';
      const choice = await vscode.window.showWarningMessage(
        `${path.basename(model.files.labelPath)} was changed on disk by another program, and you have unsaved edits of it.`,
        { detail: 'Keep Mine leaves your edits; saving then replaces the file. Load Theirs discards your edits.' },
        keep,
        load,
      );
      if (choice === load) await this.revertThroughVsCode(doc);
      else if (choice === keep && theirs !== undefined) model.allowSavingOver(theirs);
    } finally {
      doc.askingAboutDiskChange = false;
    }
  }

  /** Revert as VS Code's own command, so its dirty state agrees; it reverts the active editor, so make it ours. */
  private async revertThroughVsCode(doc: OpenMask): Promise<void> {
    const panel = [...doc.panels][0];
    panel?.reveal();
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputCustom && input.uri.toString() === doc.uri.toString()) {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } else {
      await this.revertCustomDocument(doc);
    }
  }

  // ---- posting ----

  /**
   * The page painted an edit the host refused: it gets the document's mask once the edits it sent after that one
   * are applied too (they were painted on the page already, and the host tells the painting page nothing of them).
   */
  private resyncAfterEdits(doc: OpenMask, panel: vscode.WebviewPanel): void {
    void this.inOrder(doc, () => this.resync(doc, panel));
  }

  private resync(doc: OpenMask, panel: vscode.WebviewPanel): void {
    this.postMask(doc, panel, doc.opened.model.raster.data);
  }

  private post(panel: vscode.WebviewPanel, message: HostToWebviewMessage): void {
    void panel.webview.postMessage(message);
  }

  private postAll(doc: OpenMask, message: HostToWebviewMessage): void {
    for (const panel of doc.panels) this.post(panel, message);
  }

  /** The whole mask, to every page of the document. */
  private postMaskToAll(doc: OpenMask, data: Uint8Array): void {
    for (const panel of doc.panels) this.postMask(doc, panel, data);
  }

  private postMask(doc: OpenMask, panel: vscode.WebviewPanel, data: Uint8Array): void {
    this.post(panel, { type: 'mask', data, source: doc.opened.model.source, seq: this.nextPixelsSeq(panel) });
  }
}

function asMask(document: MaskEditorDocument): OpenMask {
  if (document.opened.kind !== 'mask') throw new Error(`${document.uri.fsPath} is a label file; its image is edited instead.`);
  return document as OpenMask;
}

function limitsOf(doc: OpenMask): MaskOperationLimits {
  const { raster, classCount } = doc.opened.model;
  return { width: raster.width, height: raster.height, classCount, maxPoints: DEFAULT_MAX_POINTS };
}

/** The ordinary document's files: the image and its label under the labels-folder rule. */
async function labelFilesOf(uri: vscode.Uri): Promise<MaskFiles> {
  const imagePath = uri.fsPath;
  const labelsDir = labelsDirFor(path.dirname(imagePath), uri);
  // A labels folder setting of "." would make a PNG image its own label; refuse before anything can be saved.
  checkLabelsOutsideImages(path.dirname(imagePath), labelsDir);
  return { imagePath, labelPath: labelPathFor(labelsDir, imagePath), labelsDir };
}

/** Compare mode's files: the label is the ground-truth file, which must exist (there is nothing to compare with otherwise). */
async function groundTruthFilesOf(target: CompareTarget): Promise<MaskFiles> {
  const info = await stat(target.groundTruth).catch(() => undefined);
  if (!info?.isFile()) throw new Error(`The ground-truth mask ${target.groundTruth} does not exist (or is not a file), so ${path.basename(target.image)} cannot be compared.`);
  return { imagePath: target.image, labelPath: target.groundTruth, labelsDir: path.dirname(target.groundTruth) };
}


/** The image whose label `pngPath` is, by each folder's labels-folder setting (undefined: no image's). */
function imageOfLabel(pngPath: string): Promise<string | undefined> {
  return findImageForLabel(pngPath, (dir) => labelsDirFor(dir, vscode.Uri.file(dir)));
}

/** Why this mask cannot be changed here, or undefined when it can. */
async function readOnlyReason(files: MaskFiles): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) return 'the workspace is not trusted (Restricted Mode)';
  // Saving here would change the other image's label, unprotected by the decisions recorded under its name.
  const owner = await earlierImageWithLabel(files.imagePath, files.labelsDir);
  if (owner !== undefined) return `its label ${files.labelPath} is the label of ${path.basename(owner)}, which has the ${path.parse(owner).name === path.parse(files.imagePath).name ? 'same base name' : 'same base name but for letter case, which the labels folder ignores'}; rename one of the two images`;
  try {
    // The mode bits too: for root access() always says writable, but a file marked read-only means "do not change".
    const info = await stat(files.labelPath);
    if ((info.mode & 0o222) === 0) return `the label file ${files.labelPath} is read-only`;
    await access(files.labelPath, constants.W_OK);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `the label file ${files.labelPath} is read-only`;
  }
  // No label yet: the nearest existing folder on its way must be writable.
  for (let dir = files.labelsDir; ; dir = path.dirname(dir)) {
    try {
      await access(dir, constants.W_OK);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `the labels folder ${files.labelsDir} cannot be written`;
    }
    if (path.dirname(dir) === dir) return `the labels folder ${files.labelsDir} cannot be created`;
  }
}

/** The decision `status` on the document's image, naming the model whose prediction it started from. */
function reviewRecord(doc: OpenMask, status: HumanDecision, identity = doc.opened.model.predictionModel ?? { id: '-', sha256: '-' }): ReviewRecord {
  const { model } = doc.opened;
  return { image: path.basename(model.files.imagePath), status, modelId: identity.id, modelSha256: identity.sha256, time: new Date().toISOString() };
}

/**
 * The decision a save records: edited, naming the model whose prediction the mask started from (a compare-mode
 * mask holding "Use Prediction as Label" names the model that predicted it). Never 'accepted': what a save writes
 * is only known once it is written, and whether a mask is a model's output unchanged is for the pixels to prove
 * (src/core/groundTruthOrigin.ts), not for this row.
 */
function savedRecord(doc: OpenMask): ReviewRecord {
  const from = doc.opened.model.predictionInMask;
  return from === undefined ? reviewRecord(doc, 'edited') : reviewRecord(doc, 'edited', from);
}

/** An existing label keeps the format its file has (a 0/255 mask stays 0/255); a new one takes the setting's. */
function saveFormat(doc: OpenMask): LabelFormat {
  return doc.opened.model.labelFileFormat ?? labelFormat(doc.uri);
}
