// One pre-label job: every image of a folder (or of one shard) through decode -> model -> label PNG.
// Runs in the worker process for the extension and in-process for the CLI. A broken model or request stops
// the job (the promise rejects); a bad image is recorded as `file: reason` and the job moves on.
import { lstat, stat } from 'node:fs/promises';
import type { FileError, FileOutcome, PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import { numberOfClasses } from '../model/card';
import { ImageError, ModelError, RequestError, describeFsError, messageOf } from '../model/errors';
import { checkLabelFormat, encodeLabelPng } from '../mask/labelPng';
import { loadModel } from '../model/modelFiles';
import type { Prediction } from '../model/postprocess';
import type { ModelSession } from '../model/session';
import { removeTempFiles, writeFileAtomic } from './atomicWrite';
import { IMAGE_EXTENSIONS } from './labelPaths';
import { prepareLabelsFolder } from './labelsFolder';
import { type PlannedImage, leavingOut, planPrelabel, sameBaseNameAs } from './plan';
import { predictImageFile } from './predictImage';
import { type ModelIdentity, writePredictionRecord } from './predictionRecord';
import { ProtectingDecisions, type ReviewRecord, ReviewStateError, forgetReviews, reviewFilePath, whileNoDecisionIsRecorded } from './reviewState';
import { type SessionCache, withSessions } from './sessionCache';

export interface JobHooks {
  /** Called once, before the first image, with the images in the order they are labelled. */
  readonly onStart?: (planned: readonly string[]) => void;
  readonly onProgress?: (progress: PrelabelProgress) => void;
  /** Polled before each image: true stops the job after the image in hand. */
  readonly isCancelled?: () => boolean;
  readonly log?: (line: string) => void;
  /** Lets a long-lived worker keep the model loaded between jobs. */
  readonly sessions?: SessionCache;
}

export async function runPrelabelJob(request: PrelabelFolderRequest, hooks: JobHooks = {}): Promise<PrelabelSummary> {
  const started = Date.now();
  const log = hooks.log ?? (() => undefined);
  const model = await loadModel(request.modelPath);
  checkLabelFormat(request.format, numberOfClasses(model.card.output));
  const plan = await planPrelabel(request);
  // A mistyped folder must not pass as done (a CI step would go green); a shard whose share is empty is fine.
  if (plan.folderTotal === 0) {
    throw new RequestError(`No images in ${request.imagesDir}: pre-labeling reads the ${IMAGE_EXTENSIONS.join(' ')} files directly in it, not in its subfolders.`);
  }

  return withSessions(hooks.sessions, async (sessions) => {
    // The session checks the graph against the card: a mismatched model fails here, before the labels folder
    // is created and even when every label already exists (nothing would be written, but it is still wrong).
    const session = await sessions.open(model, request.threads);
    await prepareLabelsFolder(request.labelsDir);
    const removed = await removeTempFiles(request.labelsDir, { abandoned: true });
    if (removed > 0) log(`removed ${removed} temp file(s) left in ${request.labelsDir} by an interrupted job`);
    const items = leavingOut(plan.items, request.exclude, (item) => item.imagePath);
    hooks.onStart?.(items.map((item) => item.imagePath));
    return labelAll(items, session, request, hooks, started);
  });
}

async function labelAll(
  items: readonly PlannedImage[],
  session: ModelSession,
  request: PrelabelFolderRequest,
  hooks: JobHooks,
  started: number,
): Promise<PrelabelSummary> {
  const decisions = new ProtectingDecisions(request.labelsDir);
  // A review.tsv that cannot be read stops an overwrite before any label is written, not at the first label
  // that exists (the summary would be lost with labels already replaced).
  if (request.overwrite && !request.overwriteReviewed) await askingReviewState(() => decisions.load());
  const failed: FileError[] = [];
  let written = 0;
  let skipped = 0;
  let keptReviewed = 0;
  const stale = new StaleReviews(request.labelsDir, hooks.log ?? (() => undefined));
  let done = 0;
  let cancelled = false;
  const total = items.length;
  // However the loop ends (a model failure too), the decisions about the labels it replaced go.
  try {
  for (const item of items) {
    if (hooks.isCancelled?.()) {
      cancelled = true;
      break;
    }
    let outcome: FileOutcome;
    let reason: string | undefined;
    let replaced: ReviewRecord | undefined;
    // A first look, to skip a reviewed label without running the model; labelOneImage looks again under the lock
    // (and fails this image alone if review.tsv cannot be read by then).
    const reviewed = item.labelExists && request.overwrite ? await keptBecauseReviewed(item, request, decisions).catch(() => undefined) : undefined;
    if (item.labelClashesWith !== undefined) {
      // Before the skip: the label that exists is the other image's, and a rerun must still say so.
      outcome = 'failed';
      reason = `${sameBaseNameAs(item.labelClashesWith, item.imagePath)}; both would write ${item.labelPath}`;
    } else if (item.labelExists && !request.overwrite) {
      outcome = 'skipped';
    } else if (reviewed !== undefined) {
      outcome = 'skipped';
      reason = reviewed;
    } else {
      const result = await labelOneImage(item, session, request, decisions, hooks.log ?? (() => undefined));
      outcome = result.outcome;
      reason = result.reason;
      replaced = result.replaced;
    }
    if (outcome === 'skipped' && reason !== undefined) keptReviewed++;
    if (outcome === 'written') {
      written++;
      if (replaced) await stale.add(replaced);
    } else if (outcome === 'skipped') skipped++;
    else failed.push({ file: item.imagePath, reason: reason ?? 'failed' });
    done++;
    hooks.onProgress?.({ done, total, file: item.imagePath, outcome, ...(reason === undefined ? {} : { reason }) });
  }
  } finally {
    await stale.flush();
  }
  return { total, written, skipped, keptReviewed, failed, cancelled, elapsedMs: Date.now() - started, labelsDir: request.labelsDir, threads: session.threads };
}

/** A skipped result with a reason is a label kept because a person reviewed it. */
type ImageResult =
  | { readonly outcome: 'written'; readonly reason?: undefined; readonly replaced?: ReviewRecord }
  | { readonly outcome: 'skipped'; readonly reason?: string; readonly replaced?: undefined }
  | { readonly outcome: 'failed'; readonly reason: string; readonly replaced?: undefined };

/** Labels one image; per-image problems become a failed result, model failures propagate. */
async function labelOneImage(
  item: PlannedImage,
  session: ModelSession,
  request: PrelabelFolderRequest,
  decisions: ProtectingDecisions,
  log: (line: string) => void,
): Promise<ImageResult> {
  let label: Buffer;
  let prediction: Prediction;
  try {
    prediction = await predictImageFile(item.imagePath, session);
    label = encodeLabelPng(prediction.mask, prediction.width, prediction.height, request.format);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    if (error instanceof ImageError) return failedBecause(error.message);
    return failedBecause(`cannot label the image: ${messageOf(error)}`);
  }
  /** The write, and with `note` (under review.tsv's lock) the decision it made stale: none can be recorded meanwhile. */
  const write = async (note: boolean): Promise<ImageResult> => {
    // With overwrite, look again just before writing: a person may have saved or accepted this label in the mask
    // editor while the job ran (also one that did not exist when the job was planned). Only a label file that is
    // there is kept: a reviewed label someone deleted is made again, as it would be without overwrite.
    const reviewed = request.overwrite && (await fileExists(item.labelPath)) ? await keptBecauseReviewed(item, request, decisions) : undefined;
    if (reviewed !== undefined) return { outcome: 'skipped', reason: reviewed };
    // A label file marked read-only (by hand, or git-annex's locked files) means "do not change", as in the editor.
    if (request.overwrite && (await markedReadOnly(item.labelPath))) {
      return failedBecause(`the label file ${item.labelPath} is marked read-only, so it was left as it is; make it writable to replace it`);
    }
    try {
      // Without overwrite, a label that appeared since the plan (saved by a person meanwhile) is kept.
      const written = await writeFileAtomic(item.labelPath, label, { replace: request.overwrite });
      if (written === 'exists') return { outcome: 'skipped' };
    } catch (error) {
      return failedBecause(describeFileError(`cannot write ${item.labelPath}`, error));
    }
    if (!note) return { outcome: 'written' };
    const replaced = await decisions.rowOf(item.imagePath).catch((error: unknown) => {
      log(`${item.imagePath}: label written, but its review decision could not be looked at: ${messageOf(error)}`);
      return undefined;
    });
    return { outcome: 'written', ...(replaced === undefined ? {} : { replaced }) };
  };
  // The editor records a person's decision and saves under review.tsv's lock: holding it from the look to the write
  // means a save cannot land between them and be replaced, and the decision noted after the write is the one the
  // write made stale. Without a review.tsv there is nothing to note (one made meanwhile is about the new label).
  const decides = request.overwrite && !request.overwriteReviewed;
  let result: ImageResult;
  if (decides || (await fileExists(reviewFilePath(request.labelsDir)))) {
    try {
      result = await whileNoDecisionIsRecorded(request.labelsDir, () => write(true));
    } catch (error) {
      if (!(error instanceof ReviewStateError)) throw error;
      // This image only: the rest of the job goes on (a lock held too long by another window, a review.tsv broken
      // meanwhile). Without `decides` only the lock can fail here, before the body ran: the body looks at no
      // decision before the write and catches its own failure to note one.
      if (decides) return failedBecause(`review.tsv could not be used to tell whether a person reviewed its label, so no label was written for it: ${error.message}`);
      log(`${item.imagePath}: review.tsv's lock could not be had, so a decision about the label this replaces may stay: ${error.message}`);
      result = await write(false);
    }
  } else {
    result = await write(false);
  }
  if (result.outcome !== 'written') return result;
  // The label is complete either way; without its record the editor just cannot re-threshold it.
  const model: ModelIdentity = { id: session.model.card.name, sha256: session.model.sha256 };
  await writePredictionRecord(request.labelsDir, item.imagePath, prediction, model, session.model.card.output).catch((error: unknown) =>
    log(`${item.imagePath}: label written, but its prediction record was not: ${describeFileError('cannot write it', error)}`),
  );
  return result;
}

/**
 * A decision about a label this job replaced was about the old label (a rejected prediction, or an accepted one
 * replaced by "overwrite reviewed"): it goes, so the editor and the review queue show the image as predicted. The
 * row standing at the replacement is noted (under the lock, with the write) and dropped only if it is still the
 * image's row, so a decision made since (a person editing the new label while the job goes on) stays. Dropped in
 * batches (review.tsv is rewritten for each), and at the latest when the job ends, however it ends; a process
 * killed outright leaves at most one batch. The labels are written either way; a review.tsv that cannot be changed
 * is logged, not a job failure.
 */
class StaleReviews {
  private pending: ReviewRecord[] = [];
  private lastFlush = Date.now();

  constructor(
    private readonly labelsDir: string,
    private readonly log: (line: string) => void,
  ) {}

  async add(row: ReviewRecord): Promise<void> {
    this.pending.push(row);
    if (this.pending.length >= FORGET_BATCH || Date.now() - this.lastFlush >= FORGET_EVERY_MS) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = Date.now();
    try {
      const dropped = await forgetReviews(this.labelsDir, batch);
      if (dropped > 0) this.log(`${dropped} review decision(s) about labels this job replaced were removed from ${reviewFilePath(this.labelsDir)}`);
    } catch (error) {
      this.log(`the labels are written, but the review decisions about the ones replaced are still in ${reviewFilePath(this.labelsDir)}: ${messageOf(error)}`);
    }
  }
}

const FORGET_BATCH = 64;
const FORGET_EVERY_MS = 2000;

/** Even with overwrite, a label a person edited or accepted is kept unless overwriteReviewed says otherwise. */
async function keptBecauseReviewed(item: PlannedImage, request: PrelabelFolderRequest, decisions: ProtectingDecisions): Promise<string | undefined> {
  if (request.overwriteReviewed) return undefined;
  const decision = await decisions.of(item.imagePath);
  return decision && `kept: a person ${decision.status} this label (${decision.time}); overwriting it needs the explicit "overwrite reviewed" choice`;
}

async function askingReviewState<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    throw new RequestError(`Cannot tell which labels a person reviewed, so none is overwritten: ${messageOf(error)}`);
  }
}

async function markedReadOnly(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && (info.mode & 0o222) === 0;
}

async function fileExists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

function failedBecause(reason: string): ImageResult {
  return { outcome: 'failed', reason };
}

function describeFileError(what: string, error: unknown): string {
  return `${what}: ${describeFsError(error, { ENOENT: 'the file disappeared', EISDIR: 'it is a folder' })}`;
}
