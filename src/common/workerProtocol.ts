// Messages between the extension host (WorkerClient) and the inference worker process, over Node's IPC
// channel ('advanced' serialization: typed arrays travel as bytes). Pre-label jobs send only paths, numbers and
// short strings; a mask editor's Predict gets its mask and probability map back as Uint8Arrays.
// Environment-neutral: no `vscode`, no Node built-ins.
import type { EvaluateProgress, EvaluateRequest, EvaluationHeader, EvaluationReport } from './evaluation';
import type { PrelabelFolderRequest, PrelabelProgress, PrelabelSummary } from './prelabel';
import type { RankUncertaintyRequest, RankingHeader, UncertaintyProgress, UncertaintyRanking } from './uncertainty';

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

/** Predict every image of a folder and rank them by uncertainty (src/core/uncertaintyJob.ts). */
export interface RankUncertaintyJobMessage {
  readonly type: 'rankUncertainty';
  readonly jobId: number;
  readonly request: RankUncertaintyRequest;
}

/** Stop the job after the image in hand; it then finishes with `cancelled: true`. */
export interface CancelJobMessage {
  readonly type: 'cancel';
  readonly jobId: number;
}

/** Predict one image (the mask editor's Predict action and its probability map); answered by 'prediction'. */
export interface PredictImageRequest {
  readonly imagePath: string;
  readonly modelPath: string;
  /** onnxruntime intra-op threads; 0 = automatic. */
  readonly threads: number;
}

export interface PredictJobMessage {
  readonly type: 'predict';
  readonly jobId: number;
  readonly request: PredictImageRequest;
}

export type HostToWorkerMessage = PrelabelJobMessage | EvaluateJobMessage | RankUncertaintyJobMessage | PredictJobMessage | CancelJobMessage;

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

/**
 * A pre-label job's images, in the order it labels them, sent before the first one: if its worker dies, the host
 * knows which image it had in hand.
 */
export interface PrelabelStartedMessage {
  readonly type: 'prelabelStarted';
  readonly jobId: number;
  readonly planned: readonly string[];
}

/** Sent before the first image's progress: with the progress messages, it is the report of a run cut short. */
export interface EvaluateStartedMessage {
  readonly type: 'evaluateStarted';
  readonly jobId: number;
  readonly header: EvaluationHeader;
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

/** Sent before the first image's progress: with the progress messages, it is the ranking of a run cut short. */
export interface UncertaintyStartedMessage {
  readonly type: 'uncertaintyStarted';
  readonly jobId: number;
  readonly header: RankingHeader;
}

export interface UncertaintyProgressMessage {
  readonly type: 'uncertaintyProgress';
  readonly jobId: number;
  readonly progress: UncertaintyProgress;
}

/** Scores and paths only. */
export interface UncertaintyDoneMessage {
  readonly type: 'uncertaintyDone';
  readonly jobId: number;
  readonly ranking: UncertaintyRanking;
}

export interface ImagePrediction {
  readonly width: number;
  readonly height: number;
  /** width * height class indices. */
  readonly mask: Uint8Array;
  /** width * height probabilities x 255 (foreground for sigmoid, the winning class for softmax). */
  readonly probability: Uint8Array;
  /** The predicted class per pixel for multi-class (softmax) models; null for sigmoid. */
  readonly classes: Uint8Array | null;
  /** The model that made it: card name and .onnx sha256. */
  readonly model: { readonly id: string; readonly sha256: string };
  /** The card's sigmoid threshold (0..1); null for softmax. */
  readonly threshold: number | null;
}

export interface PredictionMessage {
  readonly type: 'prediction';
  readonly jobId: number;
  readonly prediction: ImagePrediction;
}

/**
 * Why a job could not run: `model` (model/card/runtime), `request` (bad request), `image` (the one image of a
 * predict request cannot be read or decoded), `internal` (a bug).
 */
export type JobFailureKind = 'model' | 'request' | 'image' | 'internal';

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

/**
 * A job has begun (folder jobs queue behind each other): from now on a Cancel is the job's to honour, so only now
 * does the host start counting how long it takes to stop.
 */
export interface JobStartedMessage {
  readonly type: 'started';
  readonly jobId: number;
}

export type WorkerToHostMessage =
  | JobProgressMessage
  | PrelabelStartedMessage
  | JobDoneMessage
  | EvaluateStartedMessage
  | EvaluateProgressMessage
  | EvaluateDoneMessage
  | UncertaintyStartedMessage
  | UncertaintyProgressMessage
  | UncertaintyDoneMessage
  | PredictionMessage
  | JobFailedMessage
  | JobStartedMessage
  | WorkerLogMessage;

// ---- runtime guards (IPC delivers `unknown`) ----------------------------------------------------------------

function hasType(value: unknown): value is { readonly type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isHostToWorkerMessage(value: unknown): value is HostToWorkerMessage {
  if (!hasType(value) || !('jobId' in value) || typeof value.jobId !== 'number') return false;
  return ((value.type === 'prelabel' || value.type === 'evaluate' || value.type === 'rankUncertainty' || value.type === 'predict') && 'request' in value) || value.type === 'cancel';
}

export function isWorkerToHostMessage(value: unknown): value is WorkerToHostMessage {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'prelabelStarted':
      return 'jobId' in value && typeof value.jobId === 'number' && 'planned' in value && isStringArray(value.planned);
    case 'evaluateStarted':
    case 'uncertaintyStarted':
      return (
        'jobId' in value && typeof value.jobId === 'number' && 'header' in value && typeof value.header === 'object' && value.header !== null &&
        'planned' in value.header && isStringArray(value.header.planned)
      );
    case 'progress':
    case 'done':
    case 'evaluateProgress':
    case 'evaluateDone':
    case 'uncertaintyProgress':
    case 'uncertaintyDone':
    case 'failed':
    case 'started':
      return 'jobId' in value && typeof value.jobId === 'number';
    case 'prediction':
      return 'jobId' in value && typeof value.jobId === 'number' && 'prediction' in value;
    case 'log':
      return 'line' in value && typeof value.line === 'string';
    default:
      return false;
  }
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
