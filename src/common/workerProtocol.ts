// Messages between the extension host (WorkerClient) and the inference worker process, over Node's IPC
// channel. Only paths, numbers and short strings cross it: pixels stay in the worker.
// Environment-neutral: no `vscode`, no Node built-ins.
import type { PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from './prelabel';

// ---- host -> worker -------------------------------------------------------------------------------------

export interface PrelabelJobMessage {
  readonly type: 'prelabel';
  readonly jobId: number;
  readonly request: PrelabelFolderRequest;
}

/** Stop the job after the image in hand; it then finishes with `cancelled: true`. */
export interface CancelJobMessage {
  readonly type: 'cancel';
  readonly jobId: number;
}

export type HostToWorkerMessage = PrelabelJobMessage | CancelJobMessage;

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

export type WorkerToHostMessage = JobProgressMessage | JobDoneMessage | JobFailedMessage | WorkerLogMessage;

// ---- runtime guards (IPC delivers `unknown`) ----------------------------------------------------------------

function hasType(value: unknown): value is { readonly type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isHostToWorkerMessage(value: unknown): value is HostToWorkerMessage {
  if (!hasType(value) || !('jobId' in value) || typeof value.jobId !== 'number') return false;
  return (value.type === 'prelabel' && 'request' in value) || value.type === 'cancel';
}

export function isWorkerToHostMessage(value: unknown): value is WorkerToHostMessage {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'progress':
    case 'done':
    case 'failed':
      return 'jobId' in value && typeof value.jobId === 'number';
    case 'log':
      return 'line' in value && typeof value.line === 'string';
    default:
      return false;
  }
}
