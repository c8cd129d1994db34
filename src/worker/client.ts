// Used by the extension host: starts the inference worker (dist/worker.js) on demand, sends it jobs (folder
// pre-labels, single-image predictions), relays progress, turns an AbortSignal into a cancel message, and survives
// the worker dying. When the worker dies mid-job the pending calls reject with WorkerCrashedError (after its temp
// files are removed) and the next call forks a fresh worker.
import { type ChildProcess, fork } from 'node:child_process';
import * as os from 'node:os';
import type { PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from '../common/prelabel';
import {
  type HostToWorkerMessage,
  type ImagePrediction,
  type JobDoneMessage,
  type JobFailureKind,
  type PredictImageRequest,
  type PredictionMessage,
  type WorkerToHostMessage,
  isWorkerToHostMessage,
} from '../common/workerProtocol';
import { messageOf } from '../model/errors';
import { removeTempFiles } from '../core/atomicWrite';

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
}

export interface PredictCallOptions {
  /** Aborting before the worker starts the prediction drops it; the call then rejects with a WorkerJobError. */
  readonly signal?: AbortSignal;
}

export interface PrelabelCallOptions {
  readonly onProgress?: (progress: PrelabelProgress) => void;
  /** Aborting stops the job after the image in hand; the call then resolves with `cancelled: true`. */
  readonly signal?: AbortSignal;
}

/** The worker process exited while a job was running. No partial label file is left behind. */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    detail?: string,
    activity = 'pre-labeling',
  ) {
    super(describeExit(exitCode, signal, detail, activity));
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
  /** What it is doing, for the crash message. */
  readonly activity: string;
  /** A pre-label job's labels folder: its temp files are removed if the worker dies. */
  readonly labelsDir?: string;
  readonly onProgress?: (progress: PrelabelProgress) => void;
  /** The job's final answer ('done' or 'prediction'). */
  readonly finish: (message: JobDoneMessage | PredictionMessage) => void;
  readonly reject: (error: Error) => void;
  readonly detachSignal: () => void;
}

export class WorkerClient {
  private child: ChildProcess | undefined;
  private readonly jobs = new Map<number, PendingJob>();
  private nextJobId = 1;
  private disposed = false;
  private stderrTail = '';

  constructor(private readonly options: WorkerClientOptions) {}

  /** The running worker's process id, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  prelabelFolder(request: PrelabelFolderRequest, options: PrelabelCallOptions = {}): Promise<PrelabelSummary> {
    return this.start<PrelabelSummary>(
      { activity: 'pre-labeling', labelsDir: request.labelsDir, onProgress: options.onProgress, signal: options.signal },
      (jobId) => ({ type: 'prelabel', jobId, request }),
      (message) => (message.type === 'done' ? message.summary : undefined),
    );
  }

  /** Runs the model on one image; the mask and probability map come back as bytes (not number arrays). */
  predictImage(request: PredictImageRequest, options: PredictCallOptions = {}): Promise<ImagePrediction> {
    return this.start<ImagePrediction>(
      { activity: 'predicting an image', signal: options.signal },
      (jobId) => ({ type: 'predict', jobId, request }),
      (message) => (message.type === 'prediction' ? message.prediction : undefined),
    );
  }

  private start<T>(
    job: { activity: string; labelsDir?: string; onProgress?: (progress: PrelabelProgress) => void; signal?: AbortSignal },
    message: (jobId: number) => HostToWorkerMessage,
    answer: (message: JobDoneMessage | PredictionMessage) => T | undefined,
  ): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The SegNetr worker client has been disposed.'));
    const child = this.ensureWorker();
    const jobId = this.nextJobId++;
    return new Promise<T>((resolve, reject) => {
      const { signal } = job;
      const onAbort = (): void => this.post(child, { type: 'cancel', jobId });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.jobs.set(jobId, {
        child,
        activity: job.activity,
        labelsDir: job.labelsDir,
        onProgress: job.onProgress,
        finish: (reply) => {
          const value = answer(reply);
          if (value === undefined) reject(new WorkerJobError('internal', `the worker answered ${job.activity} with a '${reply.type}' message`));
          else resolve(value);
        },
        reject,
        detachSignal: () => signal?.removeEventListener('abort', onAbort),
      });
      this.updateRef(child);
      this.post(child, message(jobId));
      if (signal?.aborted) onAbort();
    });
  }

  /** Kills the worker if running; the next request starts a fresh one. */
  restart(): void {
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
      case 'progress':
        this.jobs.get(message.jobId)?.onProgress?.(message.progress);
        return;
      case 'done':
      case 'prediction':
        this.settle(message.jobId, (job) => job.finish(message));
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
    job.detachSignal();
    finish(job);
    if (this.child) this.updateRef(this.child);
  }

  private async workerExited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.child === child) this.child = undefined;
    const orphans = [...this.jobs.entries()].filter(([, job]) => job.child === child);
    for (const [jobId] of orphans) this.jobs.delete(jobId);
    if (orphans.length === 0) return;
    this.options.log?.(`inference worker (pid ${child.pid ?? '?'}) exited with ${signal ?? `code ${code}`} during a job`);
    const detail = /heap out of memory|Reached heap limit|allocation failed/i.test(this.stderrTail)
      ? 'It ran out of JavaScript heap memory (an image too large for the worker?).'
      : /Cannot find module/.test(this.stderrTail)
        ? `It could not start: ${this.options.workerScript} or a module it needs is missing (is the extension built?).`
        : undefined;
    // Its half-written labels (temp files) go before anyone is told, so a caller that looks finds none.
    const folders = new Set(orphans.flatMap(([, job]) => (job.labelsDir === undefined ? [] : [job.labelsDir])));
    if (child.pid !== undefined) {
      for (const dir of folders) await removeTempFiles(dir, { pid: child.pid }).catch(() => 0);
    }
    for (const [, job] of orphans) {
      job.detachSignal();
      job.reject(new WorkerCrashedError(code, signal, detail, job.activity));
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

function describeExit(code: number | null, signal: NodeJS.Signals | null, detail: string | undefined, activity: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  let cause: string;
  if (detail) cause = detail;
  else if (signal === 'SIGKILL') cause = 'SIGKILL usually means the system ran out of memory and killed it, or it was stopped by hand or by a restart.';
  else if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL' || signal === 'SIGABRT') cause = 'This is a native crash (onnxruntime or an image decoder).';
  else if (code === 134) cause = 'Exit code 134 is an abort, usually running out of memory.';
  else cause = 'See the SegNetr log for its last output.';
  return `The SegNetr inference worker ${how} while ${activity}. ${cause} It restarts on the next request.`;
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
