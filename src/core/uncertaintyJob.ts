// The uncertainty pass: predicts every image of a folder (no ground truth, nothing written) and ranks them by
// the uncertainty score of their probability maps, most uncertain first. Runs in the worker; a broken model
// stops the job, a bad image is listed with its reason and the job moves on.
import type { FileError } from '../common/prelabel';
import { type RankUncertaintyRequest, type RankingHeader, type UncertaintyProgress, type UncertaintyRanking, rankScored } from '../common/uncertainty';
import { uncertaintyScore } from '../eval/uncertainty';
import { ImageError, ModelError, messageOf } from '../model/errors';
import { loadModel } from '../model/modelFiles';
import { leavingOut, listImages } from './plan';
import { predictImageFile } from './predictImage';
import { type SessionCache, withSessions } from './sessionCache';

export interface UncertaintyHooks {
  /** Called once, before the first image, with what the ranking will say about the run. */
  readonly onStart?: (header: RankingHeader) => void;
  readonly onProgress?: (progress: UncertaintyProgress) => void;
  /** Polled before each image: true stops the job after the image in hand (the ranking covers those done). */
  readonly isCancelled?: () => boolean;
  readonly sessions?: SessionCache;
}

export async function runUncertaintyJob(request: RankUncertaintyRequest, hooks: UncertaintyHooks = {}): Promise<UncertaintyRanking> {
  const started = Date.now();
  const model = await loadModel(request.modelPath);
  const images = leavingOut(await listImages(request.imagesDir, 'every'), request.exclude, (image) => image);
  const identity = { path: model.onnxPath, name: model.card.name, sha256: model.sha256 };
  hooks.onStart?.({ imagesDir: request.imagesDir, model: identity, planned: images });
  const scored: { image: string; uncertainty: number }[] = [];
  const failed: FileError[] = [];
  let cancelled = false;
  await withSessions(hooks.sessions, async (sessions) => {
    const session = await sessions.open(model, request.threads);
    for (const image of images) {
      if (hooks.isCancelled?.()) {
        cancelled = true;
        break;
      }
      const where = { total: images.length, file: image };
      let progress: UncertaintyProgress;
      try {
        const prediction = await predictImageFile(image, session);
        const uncertainty = uncertaintyScore(prediction, model.card.output.activation);
        scored.push({ image, uncertainty });
        progress = { ...where, done: scored.length + failed.length, outcome: 'scored', uncertainty };
      } catch (error) {
        if (error instanceof ModelError) throw error;
        const reason = error instanceof ImageError ? error.message : `cannot predict the image: ${messageOf(error)}`;
        failed.push({ file: image, reason });
        progress = { ...where, done: scored.length + failed.length, outcome: 'failed', reason };
      }
      hooks.onProgress?.(progress);
    }
  });
  return {
    imagesDir: request.imagesDir,
    model: identity,
    images: rankScored(scored),
    failed,
    cancelled,
    elapsedMs: Date.now() - started,
  };
}
