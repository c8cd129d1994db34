// One evaluation job: every image of a folder scored against its ground-truth mask. The prediction is a label
// file from `predDir` when there is one, otherwise the model's (src/core/predictImage.ts), which also gives
// the image's uncertainty score. Runs in the worker process for the extension and in-process for the CLI. A
// broken model or request stops the job (the promise rejects); a bad image or mask is recorded as
// `file: reason` and the job moves on. Nothing is written: reports are src/core/evaluationReport.ts.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { EvaluateRequest, EvaluationHeader, EvaluationReport, EvaluateProgress, ImageEvaluation } from '../common/evaluation';
import type { FileError } from '../common/prelabel';
import { assembleReport } from '../eval/evaluationReport';
import { scoreImage } from '../eval/metrics';
import { uncertaintyScore } from '../eval/uncertainty';
import type { LabelRaster } from '../mask/types';
import { numberOfClasses } from '../model/card';
import { ImageError, ModelError, RequestError, describeFsError, messageOf } from '../model/errors';
import { type LoadedModel, loadModel } from '../model/modelFiles';
import type { ModelSession } from '../model/session';
import { IMAGE_EXTENSIONS, labelPathFor } from './labelPaths';
import { type PlannedImage, leavingOut, planPrelabel, sameBaseNameAs } from './plan';
import { predictImage } from './predictImage';
import { groundTruthOrigin } from './groundTruthOrigin';
import { readMaskPng } from './readMask';
import { type ReviewRecord, readReviewState } from './reviewState';
import { samePlace } from './realPath';
import { type SessionCache, withSessions } from './sessionCache';
import { readImageFile, readImageFileHeader } from './readImageFile';

export interface EvaluateHooks {
  /** Called once, before the first image, with what the report will say about the run. */
  readonly onStart?: (header: EvaluationHeader) => void;
  readonly onProgress?: (progress: EvaluateProgress) => void;
  /** Polled before each image: true stops the job after the image in hand (the report covers those done). */
  readonly isCancelled?: () => boolean;
  /** Lets a long-lived worker keep the model loaded between jobs. */
  readonly sessions?: SessionCache;
}

export async function runEvaluateJob(asked: EvaluateRequest, hooks: EvaluateHooks = {}): Promise<EvaluationReport> {
  const started = Date.now();
  // Absolute paths in the report: the extension opens its cases from any working directory (a CLI report too).
  const request: EvaluateRequest = {
    ...asked,
    imagesDir: path.resolve(asked.imagesDir),
    gtDir: path.resolve(asked.gtDir),
    ...(asked.predDir === undefined ? {} : { predDir: path.resolve(asked.predDir) }),
  };
  const model = await loadModel(request.modelPath);
  const classes = numberOfClasses(model.card.output);
  for (const [dir, what] of [[request.gtDir, 'ground-truth'], [request.predDir, 'predictions']] as const) {
    if (dir !== undefined && samePlace(dir, request.imagesDir)) {
      throw new RequestError(`The ${what} folder ${dir} is the images folder: its PNG images would be read as masks. Keep masks in their own folder.`);
    }
  }
  // The ground truth follows the label path rule: `<gtDir>/<image base name>.png`.
  const plan = await planPrelabel({ imagesDir: request.imagesDir, labelsDir: request.gtDir }, 'ground-truth');
  if (plan.items.length === 0) {
    // Means and medians of nothing would read like a score.
    throw new RequestError(`No images in ${request.imagesDir}: the evaluation reads the ${IMAGE_EXTENSIONS.join(' ')} files directly in it, not in its subfolders.`);
  }
  if (!plan.items.some((item) => item.labelExists)) {
    throw new RequestError(`No ground-truth masks in ${request.gtDir}: expected <image name>.png for the ${plan.items.length} image(s) of ${request.imagesDir}.`);
  }
  const predFiles = request.predDir === undefined ? undefined : await filesIn(request.predDir, 'predictions');
  const notes: string[] = [];
  // The ground-truth folder's review decisions, to tell a person's masks from a model's (groundTruthOrigin).
  const decisions = await readReviewState(request.gtDir).catch((error: unknown) => {
    notes.push(`${messageOf(error)} Ground-truth masks accepted or edited from a model's prediction are not told apart from a person's own.`);
    return new Map<string, ReviewRecord>();
  });
  const items = leavingOut(plan.items, request.exclude, (item) => item.imagePath);
  const header: EvaluationHeader = {
    imagesDir: request.imagesDir,
    gtDir: request.gtDir,
    ...(request.predDir === undefined ? {} : { predDir: request.predDir }),
    model: { path: model.onnxPath, name: model.card.name, sha256: model.sha256 },
    classNames: model.card.classes.map((c) => c.name),
    ...(notes.length === 0 ? {} : { notes }),
    planned: items.map((item) => item.imagePath),
  };
  hooks.onStart?.(header);

  const images: ImageEvaluation[] = [];
  const failed: FileError[] = [];
  let cancelled = false;
  const total = items.length;
  await withSessions(hooks.sessions, async (sessions) => {
    let session: ModelSession | undefined;
    const openSession = async (): Promise<ModelSession> => (session ??= await sessions.open(model, request.threads));
    for (const item of items) {
      if (hooks.isCancelled?.()) {
        cancelled = true;
        break;
      }
      const predictionFile = request.predDir === undefined ? undefined : labelPathFor(request.predDir, item.imagePath);
      const fromFile = predictionFile !== undefined && predFiles!.has(path.basename(predictionFile)) ? predictionFile : undefined;
      let progress: EvaluateProgress;
      try {
        const evaluation = await evaluateOne(item, fromFile, classes, model, openSession, decisions.get(path.basename(item.imagePath)));
        images.push(evaluation);
        progress = { done: images.length + failed.length, total, file: item.imagePath, outcome: 'scored', evaluation };
      } catch (error) {
        if (error instanceof ModelError) throw error;
        const reason = error instanceof ImageError ? error.message : `cannot evaluate the image: ${messageOf(error)}`;
        failed.push({ file: item.imagePath, reason });
        progress = { done: images.length + failed.length, total, file: item.imagePath, outcome: 'failed', reason };
      }
      hooks.onProgress?.(progress);
    }
  });
  return assembleReport(header, { images, failed, cancelled, elapsedMs: Date.now() - started });
}

/** Scores one image; per-image problems throw ImageError, model failures ModelError. */
async function evaluateOne(
  item: PlannedImage,
  predictionFile: string | undefined,
  classes: number,
  model: LoadedModel,
  openSession: () => Promise<ModelSession>,
  decision: ReviewRecord | undefined,
): Promise<ImageEvaluation> {
  if (item.labelClashesWith !== undefined) {
    throw new ImageError(`${sameBaseNameAs(item.labelClashesWith, item.imagePath)}; both would be scored against ${item.labelPath}`);
  }
  if (!item.labelExists) throw new ImageError(`no ground-truth mask ${item.labelPath}`);
  const groundTruthBytes = await readBytes(item.labelPath, 'the ground-truth mask');
  const groundTruthSha256 = createHash('sha256').update(groundTruthBytes).digest('hex');
  const groundTruth = readMask(groundTruthBytes, classes, 'ground truth', item.labelPath);
  let prediction: LabelRaster;
  let uncertainty: number | undefined;
  if (predictionFile !== undefined) {
    prediction = readMask(await readBytes(predictionFile, 'the prediction'), classes, 'prediction', predictionFile);
    // The image is not decoded here, but its masks must fit it (as a label must, to open in compare mode).
    const image = await imageHeader(item.imagePath);
    if (image.width !== groundTruth.width || image.height !== groundTruth.height) {
      throw new ImageError(`the ground-truth mask ${item.labelPath} is ${groundTruth.width} x ${groundTruth.height}, the image ${image.width} x ${image.height}`);
    }
  } else {
    const bytes = await readBytes(item.imagePath, IMAGE_ITSELF);
    const predicted = await predictImage(bytes, await openSession());
    prediction = { width: predicted.width, height: predicted.height, data: predicted.mask };
    uncertainty = uncertaintyScore(predicted, model.card.output.activation);
  }
  if (prediction.width !== groundTruth.width || prediction.height !== groundTruth.height) {
    const what = predictionFile === undefined ? 'the image' : `the prediction ${predictionFile}`;
    throw new ImageError(`the ground-truth mask ${item.labelPath} is ${groundTruth.width} x ${groundTruth.height}, ${what} ${prediction.width} x ${prediction.height}`);
  }
  const metrics = scoreImage(prediction, groundTruth, classes);
  const origin = await groundTruthOrigin(path.dirname(item.labelPath), item.imagePath, groundTruth.data, decision);
  return {
    image: item.imagePath,
    groundTruth: item.labelPath,
    prediction: predictionFile === undefined ? 'model' : 'file',
    ...(predictionFile === undefined ? {} : { predictionFile }),
    ...(uncertainty === undefined ? {} : { uncertainty }),
    ...(origin === undefined ? {} : { groundTruthOrigin: origin }),
    groundTruthSha256,
    ...metrics,
  };
}

function readMask(bytes: Buffer, classes: number, role: 'ground truth' | 'prediction', file: string): LabelRaster {
  try {
    return readMaskPng(bytes, classes, role);
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(`${role === 'prediction' ? 'the prediction' : 'the ground-truth mask'} ${file}: ${error.message}`);
    throw error;
  }
}

/** `what` for the evaluated image itself: its failure line starts with its path already, so it is not repeated. */
const IMAGE_ITSELF = '';

/** Reads an image or mask defensively (regular files only, header first, size capped): see readImageFile. */
async function readBytes(file: string, what: string): Promise<Buffer> {
  return readImageFile(file).catch((error: unknown) => Promise.reject(fileImageError(error, what, file)));
}

/** The image's stored size, from its header alone. */
async function imageHeader(file: string): Promise<{ width: number; height: number }> {
  return readImageFileHeader(file).catch((error: unknown) => Promise.reject(fileImageError(error, IMAGE_ITSELF, file)));
}

function fileImageError(error: unknown, what: string, file: string): ImageError {
  const subject = what === IMAGE_ITSELF ? undefined : `${what} ${file}`;
  if (error instanceof ImageError) return new ImageError(subject === undefined ? error.message : `${subject}: ${error.message}`);
  return new ImageError(`cannot read ${subject ?? 'it'}: ${describeFsError(error, { ENOENT: 'the file disappeared', EISDIR: 'it is a folder' })}`);
}

async function filesIn(dir: string, what: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (error) {
    throw new RequestError(`Cannot read the ${what} folder ${dir}: ${describeFsError(error, { ENOENT: 'no such folder' })}.`);
  }
}
