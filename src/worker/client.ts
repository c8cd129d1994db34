// Used by the extension host: starts the inference worker (dist/worker.js) on demand, sends it jobs (folder
// pre-labels, evaluations and uncertainty passes, single-image predictions for the editor), relays
// progress, turns an AbortSignal into a cancel message, and survives the worker dying. When the worker dies
// mid-job the pending calls reject with WorkerCrashedError (after its temp files are removed) and the next
// call forks a fresh worker. A worker that does not honour a cancel within a grace period (stuck in a read
// on a hung network share, say) is killed, and the cancelled call resolves with what was done until then. An
// folder job's first message lists its images and each progress message says how one went (an evaluation's
// carries its scores), so a failure after the start leaves what the run had done in the error (JobCutShortError)
// and a killed cancelled evaluation resolves with a report of the images scored.
import { type ChildProcess, fork } from 'node:child_process';
import * as os from 'node:os';
import type { EvaluateProgress, EvaluateRequest, EvaluationHeader, EvaluationReport, ImageEvaluation } from '../common/evaluation';
import type { FileError, PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import { type RankUncertaintyRequest, type RankingHeader, type UncertaintyProgress, type UncertaintyRanking, rankScored } from '../common/uncertainty';
import {
  type EvaluateDoneMessage,
  type EvaluateProgressMessage,
  type EvaluateStartedMessage,
  type HostToWorkerMessage,
  type ImagePrediction,
  type JobDoneMessage,
  type JobFailureKind,
  type JobProgressMessage,
  type PredictImageRequest,
  type PredictionMessage,
  type PrelabelStartedMessage,
  type UncertaintyDoneMessage,
  type UncertaintyProgressMessage,
  type UncertaintyStartedMessage,
  type WorkerToHostMessage,
  isWorkerToHostMessage,
} from '../common/workerProtocol';
import { assembleReport } from '../eval/evaluationReport';
import { messageOf } from '../model/errors';
import { removeTempFiles } from '../core/atomicWrite';
import { inferenceThreadCount } from '../core/defaults';

/** How much nicer (lower CPU priority) the worker is than its parent; niceness tops out at 19. */
const WORKER_NICENESS_INCREMENT = 10;
const LOWEST_PRIORITY = 19;

export interface WorkerClientOptions {
  /** Absolute path of dist/worker.js. */
  readonly workerScript: string;
  /** Receives the worker's log lines and its stderr. */
  readonly log?: (line: string) => void;
  /** Node flags for the worker, e.g. ['--max-old-space-size=4096']. */
  readonly execArgv?: string[];
  /** How long a cancelled job may take to stop before the worker is killed (default 5 s). */
  readonly cancelGraceMs?: number;
}

const DEFAULT_CANCEL_GRACE_MS = 5000;

export interface JobCallOptions<Progress> {
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting stops the job after the image in hand; the call then resolves with `cancelled: true`. */
  readonly signal?: AbortSignal;
}

export type PrelabelCallOptions = JobCallOptions<PrelabelProgress>;
/** Aborting before the worker starts the prediction drops it; the call then rejects with a WorkerJobError. */
export type PredictCallOptions = Pick<JobCallOptions<never>, 'signal'>;
export type EvaluateCallOptions = JobCallOptions<EvaluateProgress>;
export type UncertaintyCallOptions = JobCallOptions<UncertaintyProgress>;

/** What a job is doing, for the crash message. */
type JobActivity = 'pre-labeling' | 'evaluating' | 'ranking by uncertainty' | 'predicting an image';

/** The worker process exited while a job was running. No partial label file is left behind. */
export class WorkerCrashedError extends Error {
  override readonly name: string = 'WorkerCrashedError';
  /** How it stopped and the likely cause, without the advice about the restart. */
  readonly description: string;
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly detail?: string,
    readonly activity: JobActivity = 'pre-labeling',
    /** Killed on purpose (Restart Inference Worker), not by anything its job did. */
    readonly requested = false,
  ) {
    const description = describeExit(exitCode, signal, activity, detail);
    super(`${description} It restarts on the next request.`);
    this.description = description;
  }
}

/** What a folder job's run had done when it failed after it had started. */
export interface RunSoFar<Part> {
  /** The job's own account of it: the images scored, or the labels written. */
  readonly part: Part;
  /** The images it finished (whatever the outcome). */
  readonly done: readonly string[];
  /** The image it had in hand (undefined when it had finished them all). */
  readonly inHand: string | undefined;
  /** How many images the run set out to do. */
  readonly planned: number;
}

/** An evaluation's account of a run cut short: what its report would say so far. */
export interface EvaluationPart {
  readonly header: EvaluationHeader;
  readonly images: readonly ImageEvaluation[];
  readonly failed: readonly FileError[];
}

/** An uncertainty pass's account of a run cut short: the images scored, in folder order, and those that failed. */
export interface RankingPart {
  readonly header: RankingHeader;
  readonly scored: readonly { readonly image: string; readonly uncertainty: number }[];
  readonly failed: readonly FileError[];
}

/**
 * A folder job that had started failed (its worker died, or the model failed on an image): the error, with what
 * the run had done until then.
 */
export class JobCutShortError<Part> extends Error {
  override readonly name = 'JobCutShortError';
  constructor(
    readonly reason: Error,
    readonly soFar: RunSoFar<Part>,
  ) {
    super(reason.message);
  }
}

/** The worker ran and refused the job as a whole (bad model, card or request); the message says why. */
export class WorkerJobError extends Error {
  override readonly name = 'WorkerJobError';
  constructor(
    readonly kind: JobFailureKind,
    message: string,
  ) {
    super(message);
  }
}

interface PendingJob {
  /** The worker process running it: when that process dies, only its own jobs fail. */
  readonly child: ChildProcess;
  readonly activity: JobActivity;
  /** Where the job writes files, so a dead worker's temp files there can be removed (pre-label jobs). */
  readonly writesInto?: string;
  readonly onProgress: (
    message: JobProgressMessage | PrelabelStartedMessage | EvaluateStartedMessage | EvaluateProgressMessage | UncertaintyStartedMessage | UncertaintyProgressMessage,
  ) => void;
  readonly resolve: (message: JobDoneMessage | EvaluateDoneMessage | UncertaintyDoneMessage | PredictionMessage) => void;
  readonly reject: (error: Error) => void;
  /** Settles the call of a cancelled job whose worker had to be killed, from what its progress reported. */
  readonly resolveAbandoned: () => void;
  readonly detachSignal: () => void;
  cancelTimer?: NodeJS.Timeout;
  /** The worker has begun it (JobStartedMessage); a job still queued behind another cannot act on Cancel yet. */
  started?: boolean;
  /** Cancel was asked for: the grace period runs from then, or from the start of a job that was still queued. */
  cancelled?: boolean;
  /** Cancelled but not stopping: its worker is being killed, and the call settles as cancelled. */
  abandoned?: boolean;
}

/** What a pre-label job's progress messages have reported, to summarise it if its worker has to be killed. */
interface ProgressTally {
  readonly started: number;
  /** The images in the job's order (its first message), and those finished. */
  planned?: readonly string[];
  readonly done: string[];
  total: number;
  written: number;
  skipped: number;
  /** Skipped with a reason: a label a person reviewed, kept (the only skip that carries a reason). */
  keptReviewed: number;
  readonly failed: FileError[];
}

export class WorkerClient {
  private child: ChildProcess | undefined;
  private readonly jobs = new Map<number, PendingJob>();
  private nextJobId = 1;
  private disposed = false;
  private stderrTail = '';
  /** Workers killed by restart(): their jobs' errors say so, and no image is blamed for the crash. */
  private readonly restartedOnRequest = new WeakSet<ChildProcess>();

  constructor(private readonly options: WorkerClientOptions) {}

  /** The running worker's process id, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  prelabelFolder(request: PrelabelFolderRequest, options: PrelabelCallOptions = {}): Promise<PrelabelSummary> {
    const tally: ProgressTally = { started: Date.now(), done: [], total: 0, written: 0, skipped: 0, keptReviewed: 0, failed: [] };
    return this.startJob(options.signal, (jobId, child, resolve, reject) => ({
      message: { type: 'prelabel', jobId, request },
      job: {
        child,
        activity: 'pre-labeling',
        writesInto: request.labelsDir,
        onProgress: (m) => {
          if (m.type === 'prelabelStarted') tally.planned = m.planned;
          if (m.type !== 'progress') return;
          tallyProgress(tally, m.progress);
          options.onProgress?.(m.progress);
        },
        resolve: (m) => (m.type === 'done' ? resolve(m.summary) : reject(new Error(`the worker answered a pre-label job with ${m.type}`))),
        reject: (error) => {
          if (tally.planned === undefined) return reject(error);
          const { planned, done } = tally;
          // A pre-label's account of a run cut short is its summary so far.
          reject(new JobCutShortError<PrelabelSummary>(error, { part: { ...cancelledSummary(tally, request), total: planned.length }, done, inHand: planned[done.length], planned: planned.length }));
        },
        resolveAbandoned: () => resolve(cancelledSummary(tally, request)),
      },
    }));
  }

  /**
   * Scores predictions against ground-truth masks in the worker; see src/core/evaluateJob.ts. A failure once the job
   * has started (a crash) rejects with JobCutShortError (what was scored); a cancelled job whose worker had to be
   * killed resolves as cancelled with the images scored until then.
   */
  evaluate(request: EvaluateRequest, options: EvaluateCallOptions = {}): Promise<EvaluationReport> {
    const started = Date.now();
    let header: EvaluationHeader | undefined;
    const images: ImageEvaluation[] = [];
    const failed: FileError[] = [];
    const done: string[] = [];
    return this.startJob(options.signal, (jobId, child, resolve, reject) => ({
      message: { type: 'evaluate', jobId, request },
      job: {
        child,
        activity: 'evaluating',
        onProgress: (m) => {
          if (m.type === 'evaluateStarted') header = m.header;
          if (m.type !== 'evaluateProgress') return;
          const p = m.progress;
          done.push(p.file);
          if (p.outcome === 'scored') images.push(p.evaluation);
          else failed.push({ file: p.file, reason: p.reason });
          options.onProgress?.(p);
        },
        resolve: (m) => (m.type === 'evaluateDone' ? resolve(m.report) : reject(new Error(`the worker answered an evaluation with ${m.type}`))),
        reject: (error) => {
          if (header === undefined) return reject(error);
          reject(new JobCutShortError<EvaluationPart>(error, { part: { header, images, failed }, done, inHand: header.planned[done.length], planned: header.planned.length }));
        },
        resolveAbandoned: () => {
          if (header !== undefined) return resolve(assembleReport(header, { images, failed, cancelled: true, elapsedMs: Date.now() - started }));
          reject(new WorkerJobError('request', 'The evaluation was cancelled; its worker was restarted because it did not stop in time.'));
        },
      },
    }));
  }

  /**
   * Predicts every image of a folder and ranks them most uncertain first; see src/core/uncertaintyJob.ts. Failures
   * after the start and a killed cancelled job settle as evaluate's do.
   */
  rankUncertainty(request: RankUncertaintyRequest, options: UncertaintyCallOptions = {}): Promise<UncertaintyRanking> {
    const started = Date.now();
    let header: RankingHeader | undefined;
    const scored: { image: string; uncertainty: number }[] = [];
    const failed: FileError[] = [];
    const done: string[] = [];
    return this.startJob(options.signal, (jobId, child, resolve, reject) => ({
      message: { type: 'rankUncertainty', jobId, request },
      job: {
        child,
        activity: 'ranking by uncertainty',
        onProgress: (m) => {
          if (m.type === 'uncertaintyStarted') header = m.header;
          if (m.type !== 'uncertaintyProgress') return;
          const p = m.progress;
          done.push(p.file);
          if (p.outcome === 'scored') scored.push({ image: p.file, uncertainty: p.uncertainty });
          else failed.push({ file: p.file, reason: p.reason });
          options.onProgress?.(p);
        },
        resolve: (m) => (m.type === 'uncertaintyDone' ? resolve(m.ranking) : reject(new Error(`the worker answered an uncertainty pass with ${m.type}`))),
        reject: (error) => {
          if (header === undefined) return reject(error);
          reject(new JobCutShortError<RankingPart>(error, { part: { header, scored, failed }, done, inHand: header.planned[done.length], planned: header.planned.length }));
        },
        resolveAbandoned: () => {
          if (header === undefined) return reject(new WorkerJobError('request', 'The uncertainty pass was cancelled; its worker was restarted because it did not stop in time.'));
          resolve({ imagesDir: header.imagesDir, model: header.model, images: rankScored(scored), failed, cancelled: true, elapsedMs: Date.now() - started });
        },
      },
    }));
  }

  /** One image through the model for the mask editor: mask, probability map (and classes) back as bytes. */
  predictImage(request: PredictImageRequest, options: PredictCallOptions = {}): Promise<ImagePrediction> {
    return this.startJob(options.signal, (jobId, child, resolve, reject) => ({
      message: { type: 'predict', jobId, request },
      job: {
        child,
        activity: 'predicting an image',
        onProgress: () => undefined,
        resolve: (m) => (m.type === 'prediction' ? resolve(m.prediction) : reject(new Error(`the worker answered a prediction with ${m.type}`))),
        reject,
        resolveAbandoned: () => reject(new WorkerJobError('request', 'The prediction was cancelled; its worker was restarted because it did not stop in time.')),
      },
    }));
  }

  /** Registers a job, sends its message, and turns `signal` into a cancel message. */
  private startJob<T>(
    signal: AbortSignal | undefined,
    build: (
      jobId: number,
      child: ChildProcess,
      resolve: (value: T) => void,
      reject: (error: Error) => void,
    ) => { message: HostToWorkerMessage; job: Omit<PendingJob, 'detachSignal' | 'cancelTimer' | 'abandoned'> },
  ): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The SegNetr worker client has been disposed.'));
    const child = this.ensureWorker();
    const jobId = this.nextJobId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        this.post(child, { type: 'cancel', jobId });
        const job = this.jobs.get(jobId);
        if (!job) return;
        job.cancelled = true;
        // A job queued behind another's cannot stop before its turn: killing the worker then would take the
        // running job (another command's pre-label) down with it.
        if (job.started) this.startCancelGrace(jobId, job);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const { message, job } = build(jobId, child, resolve, reject);
      this.jobs.set(jobId, { ...job, detachSignal: () => signal?.removeEventListener('abort', onAbort) });
      this.updateRef(child);
      this.post(child, message);
      if (signal?.aborted) onAbort();
    });
  }

  private startCancelGrace(jobId: number, job: PendingJob): void {
    if (job.cancelTimer) return;
    job.cancelTimer = setTimeout(() => this.abandon(jobId), this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
    job.cancelTimer.unref();
  }

  /** Kills the worker if running; the next request starts a fresh one. */
  restart(): void {
    if (this.child) this.restartedOnRequest.add(this.child);
    this.stopWorker();
  }

  dispose(): void {
    this.disposed = true;
    this.stopWorker();
  }

  private ensureWorker(): ChildProcess {
    if (this.child) return this.child;
    this.stderrTail = '';
    const child = fork(this.options.workerScript, [], {
      execArgv: this.options.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone: a Predict's mask and probability map cross as bytes, not as JSON number arrays.
      serialization: 'advanced',
    });
    this.child = child;
    lowerPriority(child, this.options.log);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.logLines(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      this.logLines(text);
    });
    child.on('message', (message: unknown) => {
      if (isWorkerToHostMessage(message)) this.receive(message);
      else this.options.log?.(`worker sent an unrecognised message: ${JSON.stringify(message)}`);
    });
    child.on('error', (error) => this.options.log?.(`worker process error: ${error.message}`));
    // 'close' (not 'exit'): by then its stderr has been read, so the crash message can quote the cause.
    child.on('close', (code, signal) => void this.workerExited(child, code, signal));
    this.options.log?.(`inference worker started (pid ${child.pid ?? '?'})`);
    return child;
  }

  private receive(message: WorkerToHostMessage): void {
    switch (message.type) {
      case 'log':
        this.options.log?.(message.line);
        return;
      case 'started': {
        const job = this.jobs.get(message.jobId);
        if (!job) return;
        job.started = true;
        if (job.cancelled) this.startCancelGrace(message.jobId, job);
        return;
      }
      case 'progress':
      case 'prelabelStarted':
      case 'evaluateStarted':
      case 'evaluateProgress':
      case 'uncertaintyStarted':
      case 'uncertaintyProgress':
        this.jobs.get(message.jobId)?.onProgress(message);
        return;
      case 'done':
      case 'evaluateDone':
      case 'uncertaintyDone':
      case 'prediction':
        this.settle(message.jobId, (job) => job.resolve(message));
        return;
      case 'failed':
        this.settle(message.jobId, (job) => job.reject(new WorkerJobError(message.kind, message.message)));
        return;
      default: {
        const unhandled: never = message;
        this.options.log?.(`worker sent an unknown message type: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private settle(jobId: number, finish: (job: PendingJob) => void): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.jobs.delete(jobId);
    clearTimeout(job.cancelTimer);
    job.detachSignal();
    finish(job);
    if (this.child) this.updateRef(this.child);
  }

  /** A cancelled job that did not stop in time: kill its worker; workerExited settles it as cancelled. */
  private abandon(jobId: number): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    job.abandoned = true;
    const seconds = (this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS) / 1000;
    this.options.log?.(`the inference worker did not stop within ${seconds} s of Cancel (stuck reading a file?); restarting it.`);
    if (this.child === job.child) this.stopWorker();
    else job.child.kill('SIGKILL');
  }

  private async workerExited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.child === child) this.child = undefined;
    const orphans = [...this.jobs.entries()].filter(([, job]) => job.child === child);
    for (const [jobId] of orphans) this.jobs.delete(jobId);
    if (orphans.length === 0) return;
    this.options.log?.(`inference worker (pid ${child.pid ?? '?'}) exited with ${signal ?? `code ${code}`} during a job`);
    const restartedForCancel = orphans.some(([, job]) => job.abandoned);
    const requested = this.restartedOnRequest.has(child);
    const detail = restartedForCancel
      ? 'It was restarted because a cancelled job did not stop in time.'
      : requested
      ? 'It was restarted on request (SegNetr: Restart Inference Worker).'
      : /heap out of memory|Reached heap limit|allocation failed/i.test(this.stderrTail)
      ? 'It ran out of JavaScript heap memory (an image too large for the worker?).'
      : /Cannot find module/.test(this.stderrTail)
        ? `It could not start: ${this.options.workerScript} or a module it needs is missing (is the extension built?).`
        : undefined;
    // Its half-written labels (temp files) go before anyone is told, so a caller that looks finds none.
    const folders = new Set(orphans.flatMap(([, job]) => (job.writesInto === undefined ? [] : [job.writesInto])));
    if (child.pid !== undefined) {
      for (const dir of folders) await removeTempFiles(dir, { pid: child.pid }).catch(() => 0);
    }
    for (const [, job] of orphans) {
      clearTimeout(job.cancelTimer);
      job.detachSignal();
      if (job.abandoned) job.resolveAbandoned();
      else job.reject(new WorkerCrashedError(code, signal, detail, job.activity, requested));
    }
  }

  private stopWorker(): void {
    const child = this.child;
    if (!child) return;
    // The exit handler rejects pending jobs and clears temp files; a fresh worker starts on the next call.
    child.kill('SIGKILL');
    this.child = undefined;
  }

  private post(child: ChildProcess, message: HostToWorkerMessage): void {
    if (child.connected) child.send(message);
  }

  /** An idle worker must not keep the host process (a test, a script) alive. */
  private updateRef(child: ChildProcess): void {
    const busy = [...this.jobs.values()].some((job) => job.child === child);
    if (busy) child.ref();
    else child.unref();
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (busy) channel?.ref?.();
    else channel?.unref?.();
  }

  private logLines(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.options.log?.(`[worker] ${line}`);
  }
}

function tallyProgress(tally: ProgressTally, progress: PrelabelProgress): void {
  tally.total = progress.total;
  tally.done.push(progress.file);
  if (progress.outcome === 'written') tally.written++;
  else if (progress.outcome === 'skipped') {
    tally.skipped++;
    if (progress.reason !== undefined) tally.keptReviewed++;
  } else tally.failed.push({ file: progress.file, reason: progress.reason ?? 'failed' });
}

/** The summary of a job cut short by killing its worker: what its progress messages reported. */
function cancelledSummary(tally: ProgressTally, request: PrelabelFolderRequest): PrelabelSummary {
  return {
    total: tally.total,
    written: tally.written,
    skipped: tally.skipped,
    keptReviewed: tally.keptReviewed,
    failed: tally.failed,
    cancelled: true,
    elapsedMs: Date.now() - tally.started,
    labelsDir: request.labelsDir,
    threads: inferenceThreadCount(request.threads), // what the worker computed from the same request on this machine
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, activity: JobActivity, detail?: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  let cause: string;
  if (detail) cause = detail;
  else if (signal === 'SIGKILL') cause = 'SIGKILL usually means the system ran out of memory and killed it, or it was stopped by hand or by a restart.';
  else if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL' || signal === 'SIGABRT') cause = 'This is a native crash (onnxruntime or an image decoder).';
  else if (code === 134) cause = 'Exit code 134 is an abort, usually running out of memory.';
  else cause = 'See the SegNetr log for its last output.';
  return `The SegNetr inference worker ${how} while ${activity}. ${cause}`;
}

/**
 * The worker runs at a lower CPU priority (10 nicer than the host) so that, with every core busy inferring, the extension host and
 * the editor UI still get the CPU at once: measured on 2 cores, the host's worst timer lateness during a 150-image
 * job fell from up to 57 ms to at most 31 ms, at the same throughput. onnxruntime's threads are created later by the
 * worker's main thread and inherit the value.
 */
function lowerPriority(child: ChildProcess, log: ((line: string) => void) | undefined): void {
  if (child.pid === undefined) return;
  try {
    os.setPriority(child.pid, Math.min(LOWEST_PRIORITY, os.getPriority() + WORKER_NICENESS_INCREMENT));
  } catch (error) {
    log?.(`could not lower the inference worker's priority: ${messageOf(error)}`);
  }
}
