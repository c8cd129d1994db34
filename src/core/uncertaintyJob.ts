// The uncertainty pass: predicts every image of a folder (no ground truth, nothing written) and ranks them by
// the uncertainty score of their probability maps, most uncertain first. Runs in the worker; a broken model
// stops the job, a bad image is listed with its reason and the job moves on.
import type { FileError } from '../common/prelabel';
import type { RankUncertaintyRequest, UncertaintyProgress, UncertaintyRanking } from '../common/uncertainty';
import { uncertaintyScore } from '../eval/uncertainty';
import { ImageError, ModelError, messageOf } from '../model/errors';
import { loadModel } from '../model/modelFiles';
import { listImages } from './plan';
import { predictImageFile } from './predictImage';
import { type SessionCache, withSessions } from './sessionCache';

export interface UncertaintyHooks {
  readonly onProgress?: (progress: UncertaintyProgress) => void;
  /** Polled before each image: true stops the job after the image in hand (the ranking covers those done). */
  readonly isCancelled?: () => boolean;
  readonly sessions?: SessionCache;
}

export async function runUncertaintyJob(request: RankUncertaintyRequest, hooks: UncertaintyHooks = {}): Promise<UncertaintyRanking> {
  const started = Date.now();
  const model = await loadModel(request.modelPath);
  const images = await listImages(request.imagesDir, 'every');
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
      let reason: string | undefined;
      try {
        const prediction = await predictImageFile(image, session);
        scored.push({ image, uncertainty: uncertaintyScore(prediction, model.card.output.activation) });
      } catch (error) {
        if (error instanceof ModelError) throw error;
        reason = error instanceof ImageError ? error.message : `cannot predict the image: ${messageOf(error)}`;
        failed.push({ file: image, reason });
      }
      hooks.onProgress?.({ done: scored.length + failed.length, total: images.length, file: image, outcome: reason === undefined ? 'scored' : 'failed', ...(reason === undefined ? {} : { reason }) });
    }
  });
  return {
    imagesDir: request.imagesDir,
    model: { path: model.onnxPath, name: model.card.name, sha256: model.sha256 },
    // A stable sort: equal scores keep the folder's order.
    images: scored.sort((a, b) => b.uncertainty - a.uncertainty),
    failed,
    cancelled,
    elapsedMs: Date.now() - started,
  };
}
