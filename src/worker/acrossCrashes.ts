// Folder jobs that go on when their worker dies. The images a run finished before the crash are kept and a fresh
// worker does the rest, starting with the image the dead one had in hand: the crash may not have been that image's
// doing (the system's out-of-memory killer picks the largest process, whatever made memory run short). An image
// in hand at two crashes in a row is recorded as failed (an image the worker cannot survive) and the job goes on
// without it. Without this, such an image would stop every run of the folder at the same place: the folder could
// never be finished. Three images failed that way with none finished between them point at something other than
// the images, as do a restart asked for by the user and any other failure after the start (the model failing):
// the job then stops, and its result keeps what was done and says why.
import * as path from 'node:path';
import type { EvaluateProgress, EvaluateRequest, EvaluationReport } from '../common/evaluation';
import type { FileError, PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import { type RankUncertaintyRequest, type UncertaintyProgress, type UncertaintyRanking, rankScored } from '../common/uncertainty';
import { assembleReport } from '../eval/evaluationReport';
import {
  type EvaluateCallOptions,
  type EvaluationPart,
  JobCutShortError,
  type PrelabelCallOptions,
  type RankingPart,
  type RunSoFar,
  type UncertaintyCallOptions,
  WorkerCrashedError,
  type WorkerClient,
} from './client';

interface CrashOptions {
  readonly signal?: AbortSignal;
  /**
   * Told each time the job goes on after a crash: the image in hand, how the worker stopped, and whether the image
   * is tried again (its first crash) or left out (its second).
   */
  readonly onCrash?: (image: string, description: string, next: 'retry' | 'leave out') => void;
}

export type EvaluateAcrossCrashesOptions = EvaluateCallOptions & CrashOptions;
export type PrelabelAcrossCrashesOptions = PrelabelCallOptions & CrashOptions;
export type RankAcrossCrashesOptions = UncertaintyCallOptions & CrashOptions;

/** How every folder job ended, whatever its kind: what the loop puts into the job's result. */
interface JobEnd {
  /** The runs' failed images and the images left out after crashing the worker twice. */
  readonly failed: FileError[];
  readonly cancelled: boolean;
  readonly stopped?: string;
  readonly elapsedMs: number;
}

/**
 * How the loop drives one kind of job: `run` is one WorkerClient call, `Part` what a cut-short run leaves, `Result`
 * what the job gives; `combine` adds the parts kept and the last run's result (if it ended) to the loop's `end`.
 */
interface FolderJob<Request, Progress, Part, Result> {
  run(request: Request, onProgress: (progress: Progress) => void): Promise<Result>;
  combine(parts: readonly Part[], last: Result | undefined, end: JobEnd): Result;
}

/** This many images failed by crashes in a row, none finished between them, stop the job: they are not the cause. */
const FAILED_IN_A_ROW = 3;

async function runAcrossCrashes<
  Request extends { readonly exclude?: readonly string[] },
  Progress extends { readonly done: number; readonly total: number },
  Part extends { readonly failed: readonly FileError[] },
  Result extends { readonly failed: readonly FileError[]; readonly cancelled: boolean },
>(job: FolderJob<Request, Progress, Part, Result>, request: Request, options: CrashOptions & { readonly onProgress?: (progress: Progress) => void }): Promise<Result> {
  const started = Date.now();
  const parts: Part[] = [];
  const skipped: FileError[] = [];
  const exclude = [...(request.exclude ?? [])];
  let finished = 0;
  /** The first run's image count: progress counts against the whole job. */
  let total: number | undefined;
  /** The image in hand at the last crash, being tried again. */
  let retrying: string | undefined;
  let failedInARow: string[] = [];
  const end = (last: Result | undefined, how: { cancelled: boolean; stopped?: string }): Result =>
    job.combine(parts, last, {
      failed: [...parts.flatMap((p) => p.failed), ...skipped, ...(last?.failed ?? [])],
      cancelled: how.cancelled || (last?.cancelled ?? false),
      ...(how.stopped === undefined ? {} : { stopped: how.stopped }),
      elapsedMs: Date.now() - started,
    });
  for (;;) {
    const offset = finished;
    const onProgress = (p: Progress): void => {
      total ??= p.total;
      options.onProgress?.({ ...p, done: offset + p.done, total });
    };
    let soFar: RunSoFar<Part> | undefined;
    let reason: Error;
    try {
      // After a crash, the run leaves out what was done (and an image left out).
      const result = await job.run(parts.length === 0 ? request : { ...request, exclude: [...exclude] }, onProgress);
      return parts.length === 0 ? result : end(result, { cancelled: false });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error instanceof JobCutShortError) ({ soFar, reason } = error as JobCutShortError<Part>);
      else reason = error;
    }
    const aborted = options.signal?.aborted === true;
    // A run after a crash that fails before its first image (the fresh worker dies too, or cannot load the model).
    if (soFar === undefined) {
      if (parts.length === 0) throw reason;
      return end(undefined, aborted ? { cancelled: true } : { cancelled: true, stopped: `after a crash, the inference worker could not go on: ${describe(reason)}` });
    }
    // Nothing done at all and no crash (the model failing on the first image): an error, not a report of nothing.
    if (parts.length === 0 && soFar.done.length === 0 && !(reason instanceof WorkerCrashedError)) throw reason;
    parts.push(soFar.part);
    total ??= soFar.planned;
    const { inHand } = soFar;
    if (inHand === undefined) return end(undefined, { cancelled: false }); // it died after its last image
    if (!(reason instanceof WorkerCrashedError)) return end(undefined, { cancelled: true, stopped: reason.message });
    if (reason.requested) return end(undefined, { cancelled: true, stopped: reason.description }); // no image is to blame
    if (soFar.done.length > 0) failedInARow = [];
    const secondCrash = retrying === inHand && soFar.done.length === 0;
    retrying = secondCrash ? undefined : inHand;
    if (secondCrash) {
      skipped.push({ file: inHand, reason: `the inference worker stopped twice while working on it: ${reason.description}` });
      failedInARow.push(inHand);
      if (failedInARow.length >= FAILED_IN_A_ROW) {
        const names = failedInARow.map((file) => path.basename(file)).join(', ');
        return end(undefined, { cancelled: true, stopped: `the inference worker stopped on ${failedInARow.length} images in a row (${names}), so the images are unlikely to be the cause: ${reason.description}` });
      }
    }
    if (aborted) return end(undefined, { cancelled: true });
    options.onCrash?.(inHand, reason.description, secondCrash ? 'leave out' : 'retry');
    exclude.push(...soFar.done, ...(secondCrash ? [inHand] : []));
    finished += soFar.done.length + (secondCrash ? 1 : 0);
  }
}

function describe(error: Error): string {
  return error instanceof WorkerCrashedError ? error.description : error.message;
}

/** WorkerClient.evaluate, going on after crashes; one report of every run. */
export function evaluateAcrossCrashes(worker: Pick<WorkerClient, 'evaluate'>, request: EvaluateRequest, options: EvaluateAcrossCrashesOptions = {}): Promise<EvaluationReport> {
  return runAcrossCrashes<EvaluateRequest, EvaluateProgress, EvaluationPart, EvaluationReport>(
    {
      run: (r, onProgress) => worker.evaluate(r, { signal: options.signal, onProgress }),
      combine: (parts, last, end) => assembleReport(parts[0]!.header, { images: [...parts.flatMap((p) => p.images), ...(last?.images ?? [])], ...end }),
    },
    request,
    options,
  );
}

/** WorkerClient.prelabelFolder, going on after crashes; one summary of every run. */
export function prelabelAcrossCrashes(worker: Pick<WorkerClient, 'prelabelFolder'>, request: PrelabelFolderRequest, options: PrelabelAcrossCrashesOptions = {}): Promise<PrelabelSummary> {
  return runAcrossCrashes<PrelabelFolderRequest, PrelabelProgress, PrelabelSummary, PrelabelSummary>(
    {
      run: (r, onProgress) => worker.prelabelFolder(r, { signal: options.signal, onProgress }),
      combine: (parts, last, end) => {
        const all = [...parts, ...(last ? [last] : [])];
        const sum = (key: 'written' | 'skipped' | 'keptReviewed'): number => all.reduce((n, p) => n + p[key], 0);
        const { total, threads } = all[0]!;
        return { total, written: sum('written'), skipped: sum('skipped'), keptReviewed: sum('keptReviewed'), ...end, labelsDir: request.labelsDir, threads };
      },
    },
    request,
    options,
  );
}

/** WorkerClient.rankUncertainty, going on after crashes; one ranking of every run. */
export function rankAcrossCrashes(worker: Pick<WorkerClient, 'rankUncertainty'>, request: RankUncertaintyRequest, options: RankAcrossCrashesOptions = {}): Promise<UncertaintyRanking> {
  return runAcrossCrashes<RankUncertaintyRequest, UncertaintyProgress, RankingPart, UncertaintyRanking>(
    {
      run: (r, onProgress) => worker.rankUncertainty(r, { signal: options.signal, onProgress }),
      // Runs go through the folder in order, each after the last one's images: their scores in that order keep
      // ties in folder order once ranked (last.images is ranked already, a stable sort keeps its ties' order).
      combine: (parts, last, end) => {
        const { imagesDir, model } = parts[0]!.header;
        return { imagesDir, model, images: rankScored([...parts.flatMap((p) => p.scored), ...(last?.images ?? [])]), ...end };
      },
    },
    request,
    options,
  );
}
