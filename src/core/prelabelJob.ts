// One pre-label job: every image of a folder (or of one shard) through decode -> model -> label PNG.
// Runs in the worker process for the extension and in-process for the CLI. A broken model or request stops
// the job (the promise rejects); a bad image is recorded as `file: reason` and the job moves on.
import { mkdir, readFile } from 'node:fs/promises';
import type { FileError, FileOutcome, PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import { numberOfClasses } from '../model/card';
import { ImageError, ModelError, describeFsError, messageOf } from '../model/errors';
import { checkLabelFormat, encodeLabelPng } from '../mask/labelPng';
import { loadModel } from '../model/modelFiles';
import type { ModelSession } from '../model/session';
import { removeTempFiles, writeFileAtomic } from './atomicWrite';
import { type PlannedImage, planPrelabel } from './plan';
import { predictImage } from './predictImage';
import { SessionCache } from './sessionCache';

export interface JobHooks {
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
  await mkdir(request.labelsDir, { recursive: true });
  const removed = await removeTempFiles(request.labelsDir, { abandoned: true });
  if (removed > 0) log(`removed ${removed} temp file(s) left in ${request.labelsDir} by an interrupted job`);

  const ownSessions = hooks.sessions ? undefined : new SessionCache();
  const sessions = hooks.sessions ?? ownSessions!;
  let session: ModelSession | undefined;
  const failed: FileError[] = [];
  let written = 0;
  let skipped = 0;
  let done = 0;
  let cancelled = false;
  const total = plan.items.length;
  try {
    for (const item of plan.items) {
      if (hooks.isCancelled?.()) {
        cancelled = true;
        break;
      }
      let outcome: FileOutcome;
      let reason: string | undefined;
      if (item.labelExists && !request.overwrite) {
        outcome = 'skipped';
      } else if (item.labelClashesWith !== undefined) {
        outcome = 'failed';
        reason = `same base name as ${item.labelClashesWith}; both would write ${item.labelPath}`;
      } else {
        session ??= await sessions.open(model, request.threads);
        const result = await labelOneImage(item, session, request);
        outcome = result.outcome;
        reason = result.reason;
      }
      if (outcome === 'written') written++;
      else if (outcome === 'skipped') skipped++;
      else failed.push({ file: item.imagePath, reason: reason ?? 'failed' });
      done++;
      hooks.onProgress?.({ done, total, file: item.imagePath, outcome, ...(reason === undefined ? {} : { reason }) });
    }
  } finally {
    await ownSessions?.dispose();
  }
  return { total, written, skipped, failed, cancelled, elapsedMs: Date.now() - started, labelsDir: request.labelsDir };
}

type ImageResult = { readonly outcome: 'written' | 'skipped'; readonly reason?: undefined } | { readonly outcome: 'failed'; readonly reason: string };

/** Labels one image; per-image problems become a failed result, model failures propagate. */
async function labelOneImage(item: PlannedImage, session: ModelSession, request: PrelabelFolderRequest): Promise<ImageResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(item.imagePath);
  } catch (error) {
    return failedBecause(describeFileError('cannot read the image', error));
  }
  let label: Buffer;
  try {
    const prediction = await predictImage(bytes, session);
    label = encodeLabelPng(prediction.mask, prediction.width, prediction.height, request.format);
  } catch (error) {
    if (error instanceof ModelError) throw error;
    if (error instanceof ImageError) return failedBecause(error.message);
    return failedBecause(`cannot label the image: ${messageOf(error)}`);
  }
  try {
    // Without overwrite, a label that appeared since the plan (saved by a person meanwhile) is kept.
    const written = await writeFileAtomic(item.labelPath, label, { replace: request.overwrite });
    return { outcome: written === 'written' ? 'written' : 'skipped' };
  } catch (error) {
    return failedBecause(describeFileError(`cannot write ${item.labelPath}`, error));
  }
}

function failedBecause(reason: string): ImageResult {
  return { outcome: 'failed', reason };
}

function describeFileError(what: string, error: unknown): string {
  return `${what}: ${describeFsError(error, { ENOENT: 'the file disappeared', EISDIR: 'it is a folder' })}`;
}
