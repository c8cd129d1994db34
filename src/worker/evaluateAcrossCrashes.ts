// An evaluation that goes on when its worker dies: the images scored before the crash are kept, the image in
// hand is recorded as failed (the likeliest cause: an image the worker cannot survive, such as one that runs it
// out of memory), and a fresh worker scores the rest. Without this, such an image would stop every run of the
// folder at the same place and no report could ever be made. Two crashes in a row, with no image done between
// them, point at something other than one image, and any other failure after the first image is not an image's
// doing either: the run then stops, and its report keeps what was scored and says why.
import type { EvaluateProgress, EvaluateRequest, EvaluationHeader, EvaluationReport, ImageEvaluation } from '../common/evaluation';
import type { FileError } from '../common/prelabel';
import { assembleReport } from '../eval/evaluationReport';
import { type EvaluateCallOptions, EvaluationCutShortError, type EvaluationSoFar, WorkerCrashedError, type WorkerClient } from './client';

export interface AcrossCrashesOptions extends EvaluateCallOptions {
  /** Told each time a crash is stepped over: the image skipped and the crash message. */
  readonly onCrash?: (image: string, message: string) => void;
}

export async function evaluateAcrossCrashes(worker: Pick<WorkerClient, 'evaluate'>, request: EvaluateRequest, options: AcrossCrashesOptions = {}): Promise<EvaluationReport> {
  const started = Date.now();
  let header: EvaluationHeader | undefined;
  const images: ImageEvaluation[] = [];
  const failed: FileError[] = [];
  const exclude: string[] = [...(request.exclude ?? [])];
  let afterCrash = false;
  const reportSoFar = (end: { cancelled: boolean; stopped?: string }): EvaluationReport =>
    assembleReport(header!, { images, failed, ...end, elapsedMs: Date.now() - started });
  for (;;) {
    const offset = images.length + failed.length;
    const total = header?.planned.length;
    const onProgress = (p: EvaluateProgress): void => options.onProgress?.({ ...p, done: offset + p.done, total: total ?? p.total });
    let soFar: EvaluationSoFar | undefined;
    let reason: Error;
    try {
      const report = await worker.evaluate(exclude.length === 0 ? request : { ...request, exclude: [...exclude] }, { signal: options.signal, onProgress });
      if (header === undefined) return report;
      images.push(...report.images);
      failed.push(...report.failed);
      return reportSoFar({ cancelled: report.cancelled });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error instanceof EvaluationCutShortError) ({ soFar, reason } = error);
      else reason = error;
    }
    // A run after a crash that fails before its first image (the fresh worker dies too, or cannot load the model).
    if (soFar === undefined) {
      if (header === undefined) throw reason;
      return reportSoFar({ cancelled: true, stopped: `after a crash, the inference worker could not go on: ${describe(reason)}` });
    }
    header ??= soFar.header;
    images.push(...soFar.images);
    failed.push(...soFar.failed);
    const { inHand } = soFar;
    if (inHand === undefined) return reportSoFar({ cancelled: false }); // it died after its last image: nothing is missing
    if (!(reason instanceof WorkerCrashedError)) return reportSoFar({ cancelled: true, stopped: reason.message });
    failed.push({ file: inHand, reason: `the inference worker stopped while scoring it (it was skipped): ${reason.description}` });
    options.onCrash?.(inHand, reason.message);
    const twoInARow = afterCrash && soFar.images.length + soFar.failed.length === 0;
    if (twoInARow) return reportSoFar({ cancelled: true, stopped: `the inference worker stopped on two images in a row, the last ${inHand}: ${reason.description}` });
    if (options.signal?.aborted) return reportSoFar({ cancelled: true });
    exclude.push(...soFar.images.map((i) => i.image), ...soFar.failed.map((f) => f.file), inHand);
    afterCrash = true;
  }
}

function describe(error: Error): string {
  return error instanceof WorkerCrashedError ? error.description : error.message;
}
