// Messages between the extension host (WorkerClient) and the inference worker process, over Node's IPC
// channel. Only paths, numbers and short strings cross it: pixels stay in the worker.
// Environment-neutral: no `vscode`, no Node built-ins.
import type { EvaluateProgress, EvaluateRequest, EvaluationReport } from './evaluation';
import type { PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from './prelabel';

// ---- host -> worker -------------------------------------------------------------------------------------

export interface PrelabelJobMessage {
  readonly type: 'prelabel';
  readonly jobId: number;
  readonly request: PrelabelFolderRequest;
}

/** Score predictions against ground-truth masks (src/core/evaluateJob.ts). */
export interface EvaluateJobMessage {
  readonly type: 'evaluate';
  readonly jobId: number;
  readonly request: EvaluateRequest;
}

/** Stop the job after the image in hand; it then finishes with `cancelled: true`. */
export interface CancelJobMessage {
  readonly type: 'cancel';
  readonly jobId: number;
}

export type HostToWorkerMessage = PrelabelJobMessage | EvaluateJobMessage | CancelJobMessage;

// ---- worker -> host -------------------------------------------------------------------------------------

export interface JobProgressMessage {
  readonly type: 'progress';
  readonly jobId: number;
  readonly progress: PrelabelProgress;
}

export interface JobDoneMessage {
  readonly type: 'done';
  readonly jobId: number;
  readonly summary: PrelabelSummary;
}

export interface EvaluateProgressMessage {
  readonly type: 'evaluateProgress';
  readonly jobId: number;
  readonly progress: EvaluateProgress;
}

/** The whole report: per-image metrics are numbers and paths, no pixels. */
export interface EvaluateDoneMessage {
  readonly type: 'evaluateDone';
  readonly jobId: number;
  readonly report: EvaluationReport;
}

/** Why a whole job could not run: `model` (model/card/runtime), `request` (bad request), `internal` (a bug). */
export type JobFailureKind = 'model' | 'request' | 'internal';

export interface JobFailedMessage {
  readonly type: 'failed';
  readonly jobId: number;
  readonly kind: JobFailureKind;
  readonly message: string;
}

export interface WorkerLogMessage {
  readonly type: 'log';
  readonly line: string;
}

export type WorkerToHostMessage =
  | JobProgressMessage
  | JobDoneMessage
  | EvaluateProgressMessage
  | EvaluateDoneMessage
  | JobFailedMessage
  | WorkerLogMessage;

// ---- runtime guards (IPC delivers `unknown`) ----------------------------------------------------------------

function hasType(value: unknown): value is { readonly type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isHostToWorkerMessage(value: unknown): value is HostToWorkerMessage {
  if (!hasType(value) || !('jobId' in value) || typeof value.jobId !== 'number') return false;
  return ((value.type === 'prelabel' || value.type === 'evaluate') && 'request' in value) || value.type === 'cancel';
}

export function isWorkerToHostMessage(value: unknown): value is WorkerToHostMessage {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'progress':
    case 'done':
    case 'evaluateProgress':
    case 'evaluateDone':
    case 'failed':
      return 'jobId' in value && typeof value.jobId === 'number';
    case 'log':
      return 'line' in value && typeof value.line === 'string';
    default:
      return false;
  }
}
