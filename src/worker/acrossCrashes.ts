// Folder jobs that go on when their worker dies. The images a run finished before the crash are kept and a fresh
// worker does the rest, starting with the image the dead one had in hand: the crash may not have been that image's
// doing (the system's out-of-memory killer picks the largest process, whatever made memory run short). An image
// in hand at two crashes in a row is recorded as failed (an image the worker cannot survive) and the job goes on
// without it. Without this, such an image would stop every run of the folder at the same place: the folder could
// never be finished. Three images failed that way with none finished between them point at something other than
// the images, as do a restart asked for by the user and any other failure after the start (the model failing):
// the job then stops, and its result keeps what was done and says why.
import * as path from 'node:path';
import type { EvaluateProgress, EvaluateRequest, EvaluationHeader, EvaluationReport, ImageEvaluation } from '../common/evaluation';
import type { FileError, PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import { assembleReport } from '../eval/evaluationReport';
import { type RankUncertaintyRequest, type UncertaintyProgress, type UncertaintyRanking, rankScored } from '../common/uncertainty';
import {
  type EvaluateCallOptions,
  type EvaluationPart,
  JobCutShortError,
  type PrelabelCallOptions,
  type PrelabelPart,
  type RankingPart,
  type RunSoFar,
  type UncertaintyCallOptions,
  WorkerCrashedError,
  type WorkerClient,
} from './client';

interface CrashOptions {
  readonly signal?: AbortSignal;
  /** Problems that do not stop the job (a review.tsv that could not be tidied). */
  readonly log?: (line: string) => void;
  /**
   * Told each time the job goes on after a crash: the image in hand, how the worker stopped, and whether the image
   * is tried again (its first crash) or left out (its second).
   */
  readonly onCrash?: (image: string, description: string, next: 'retry' | 'leave out') => void;
}

export type EvaluateAcrossCrashesOptions = EvaluateCallOptions & CrashOptions;
export type PrelabelAcrossCrashesOptions = PrelabelCallOptions & CrashOptions;
export type RankAcrossCrashesOptions = UncertaintyCallOptions & CrashOptions;

/** How the loop drives one kind of job; `Part` is what a cut-short run leaves, `Result` what the job gives. */
interface FolderJob<Part, Result> {
  /** One run leaving out `exclude`; `offset` images were finished by earlier runs. */
  run(exclude: readonly string[] | undefined, offset: number): Promise<Result>;
  /** The result of several runs: the parts kept, the last run's result (if it ended), how the job ended. */
  combine(parts: readonly Part[], skipped: readonly FileError[], last: Result | undefined, end: { cancelled: boolean; stopped?: string }): Result;
}

/** This many images failed by crashes in a row, none finished between them, stop the job: they are not the cause. */
const FAILED_IN_A_ROW = 3;

async function runAcrossCrashes<Part, Result>(job: FolderJob<Part, Result>, initialExclude: readonly string[] | undefined, options: CrashOptions): Promise<Result> {
  const parts: Part[] = [];
  const skipped: FileError[] = [];
  const exclude = [...(initialExclude ?? [])];
  let finished = 0;
  let afterCrash = false;
  /** The image in hand at the last crash, being tried again. */
  let retrying: string | undefined;
  let failedInARow: string[] = [];
  const end = (how: { cancelled: boolean; stopped?: string }): Result => job.combine(parts, skipped, undefined, how);
  for (;;) {
    let soFar: RunSoFar<Part> | undefined;
    let reason: Error;
    try {
      const result = await job.run(afterCrash ? [...exclude] : initialExclude, finished);
      return parts.length === 0 ? result : job.combine(parts, skipped, result, { cancelled: false });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error instanceof JobCutShortError) ({ soFar, reason } = error as JobCutShortError<Part>);
      else reason = error;
    }
    const aborted = options.signal?.aborted === true;
    // A run after a crash that fails before its first image (the fresh worker dies too, or cannot load the model).
    if (soFar === undefined) {
      if (parts.length === 0) throw reason;
      return end(aborted ? { cancelled: true } : { cancelled: true, stopped: `after a crash, the inference worker could not go on: ${describe(reason)}` });
    }
    // Nothing done at all and no crash (the model failing on the first image): an error, not a report of nothing.
    if (parts.length === 0 && soFar.done.length === 0 && !(reason instanceof WorkerCrashedError)) throw reason;
    parts.push(soFar.part);
    const { inHand } = soFar;
    if (inHand === undefined) return end({ cancelled: false }); // it died after its last image
    if (!(reason instanceof WorkerCrashedError)) return end({ cancelled: true, stopped: reason.message });
    if (reason.requested) return end({ cancelled: true, stopped: reason.description }); // no image is to blame
    if (soFar.done.length > 0) failedInARow = [];
    const secondCrash = retrying === inHand && soFar.done.length === 0;
    retrying = secondCrash ? undefined : inHand;
    if (secondCrash) {
      skipped.push({ file: inHand, reason: `the inference worker stopped twice while working on it: ${reason.description}` });
      failedInARow.push(inHand);
      if (failedInARow.length >= FAILED_IN_A_ROW) {
        const names = failedInARow.map((file) => path.basename(file)).join(', ');
        return end({ cancelled: true, stopped: `the inference worker stopped on ${failedInARow.length} images in a row (${names}), so the images are unlikely to be the cause: ${reason.description}` });
      }
    }
    if (aborted) return end({ cancelled: true });
    options.onCrash?.(inHand, reason.description, secondCrash ? 'leave out' : 'retry');
    exclude.push(...soFar.done, ...(secondCrash ? [inHand] : []));
    finished += soFar.done.length + (secondCrash ? 1 : 0);
    afterCrash = true;
  }
}

function describe(error: Error): string {
  return error instanceof WorkerCrashedError ? error.description : error.message;
}

/** WorkerClient.evaluate, going on after crashes; one report of every run. */
export function evaluateAcrossCrashes(worker: Pick<WorkerClient, 'evaluate'>, request: EvaluateRequest, options: EvaluateAcrossCrashesOptions = {}): Promise<EvaluationReport> {
  const started = Date.now();
  let header: EvaluationHeader | undefined;
  return runAcrossCrashes<EvaluationPart, EvaluationReport>(
    {
      run: (exclude, offset) => {
        const total = header?.planned.length;
        const onProgress = (p: EvaluateProgress): void => options.onProgress?.({ ...p, done: offset + p.done, total: total ?? p.total });
        return worker.evaluate(exclude === undefined ? request : { ...request, exclude }, { signal: options.signal, onProgress }).catch((error: unknown) => {
          if (error instanceof JobCutShortError) header ??= (error as JobCutShortError<EvaluationPart>).soFar.part.header;
          throw error;
        });
      },
      combine: (parts, skipped, last, end) => {
        const images: ImageEvaluation[] = parts.flatMap((p) => p.images);
        const failed: FileError[] = [...parts.flatMap((p) => p.failed), ...skipped];
        if (last) {
          images.push(...last.images);
          failed.push(...last.failed);
        }
        const cancelled = end.cancelled || (last?.cancelled ?? false);
        return assembleReport(parts[0]!.header, { images, failed, cancelled, ...(end.stopped === undefined ? {} : { stopped: end.stopped }), elapsedMs: Date.now() - started });
      },
    },
    request.exclude,
    options,
  );
}

/** WorkerClient.prelabelFolder, going on after crashes; one summary of every run. */
export function prelabelAcrossCrashes(worker: Pick<WorkerClient, 'prelabelFolder'>, request: PrelabelFolderRequest, options: PrelabelAcrossCrashesOptions = {}): Promise<PrelabelSummary> {
  const started = Date.now();
  let total: number | undefined;
  return runAcrossCrashes<PrelabelPart, PrelabelSummary>(
    {
      run: (exclude, offset) => {
        const onProgress = (p: PrelabelProgress): void => {
          total ??= p.total;
          options.onProgress?.({ ...p, done: offset + p.done, total });
        };
        return worker.prelabelFolder(exclude === undefined ? request : { ...request, exclude }, { signal: options.signal, onProgress }).catch((error: unknown) => {
          if (error instanceof JobCutShortError) total ??= (error as JobCutShortError<PrelabelPart>).soFar.part.summary.total;
          throw error;
        });
      },
      combine: (parts, skipped, last, end) => {
        const all = [...parts.map((p) => p.summary), ...(last ? [last] : [])];
        const sum = (key: 'written' | 'skipped' | 'keptReviewed'): number => all.reduce((n, p) => n + p[key], 0);
        return {
          total: all[0]!.total,
          written: sum('written'),
          skipped: sum('skipped'),
          keptReviewed: sum('keptReviewed'),
          failed: [...parts.flatMap((p) => p.summary.failed), ...skipped, ...(last?.failed ?? [])],
          cancelled: end.cancelled || (last?.cancelled ?? false),
          ...(end.stopped === undefined ? {} : { stopped: end.stopped }),
          elapsedMs: Date.now() - started,
          labelsDir: request.labelsDir,
          threads: all[0]!.threads,
        };
      },
    },
    request.exclude,
    options,
  );
}

/** WorkerClient.rankUncertainty, going on after crashes; one ranking of every run. */
export function rankAcrossCrashes(worker: Pick<WorkerClient, 'rankUncertainty'>, request: RankUncertaintyRequest, options: RankAcrossCrashesOptions = {}): Promise<UncertaintyRanking> {
  const started = Date.now();
  let total: number | undefined;
  return runAcrossCrashes<RankingPart, UncertaintyRanking>(
    {
      run: (exclude, offset) => {
        const onProgress = (p: UncertaintyProgress): void => options.onProgress?.({ ...p, done: offset + p.done, total: total ?? p.total });
        return worker.rankUncertainty(exclude === undefined ? request : { ...request, exclude }, { signal: options.signal, onProgress }).catch((error: unknown) => {
          if (error instanceof JobCutShortError) total ??= (error as JobCutShortError<RankingPart>).soFar.part.header.planned.length;
          throw error;
        });
      },
      combine: (parts, skipped, last, end) => {
        // Runs go through the folder in order, each after the last one's images: their scores in that order keep
        // ties in folder order once ranked (last.images is ranked already, a stable sort keeps its ties' order).
        const scored = [...parts.flatMap((p) => p.scored), ...(last?.images ?? [])];
        return {
          imagesDir: parts[0]!.header.imagesDir,
          model: parts[0]!.header.model,
          images: rankScored(scored),
          failed: [...parts.flatMap((p) => p.failed), ...skipped, ...(last?.failed ?? [])],
          cancelled: end.cancelled || (last?.cancelled ?? false),
          ...(end.stopped === undefined ? {} : { stopped: end.stopped }),
          elapsedMs: Date.now() - started,
        };
      },
    },
    request.exclude,
    options,
  );
}
