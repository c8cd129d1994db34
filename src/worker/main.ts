// Entry point of the inference worker process (dist/worker.js, started by WorkerClient with child_process.fork).
// Owns onnxruntime-node and all pixel work; runs folder jobs (pre-label, evaluate, uncertainty pass) one at a time in arrival order
// and the editor's single-image predictions one at a time in their own queue (with their own session), so a
// Predict does not wait for a whole folder; keeps the models loaded between jobs. If the host goes away, so does
// the worker, without leaving a temp file behind.
import {
  type HostToWorkerMessage,
  type JobFailureKind,
  type PredictImageRequest,
  type WorkerToHostMessage,
  isHostToWorkerMessage,
} from '../common/workerProtocol';
import { exitAfterWritesSettle } from '../core/atomicWrite';
import { ImageError, ModelError, RequestError, messageOf } from '../model/errors';
import { loadModel } from '../model/modelFiles';
import { runEvaluateJob } from '../core/evaluateJob';
import { readImageFile } from '../core/readImageFile';
import { runPrelabelJob } from '../core/prelabelJob';
import { predictImage } from '../core/predictImage';
import { modelThreshold } from '../core/predictionRecord';
import { SessionCache } from '../core/sessionCache';
import { runUncertaintyJob } from '../core/uncertaintyJob';

const sessions = new SessionCache();
const editorSessions = new SessionCache();
const cancelledJobs = new Set<number>();
let queue: Promise<void> = Promise.resolve();
let predictQueue: Promise<void> = Promise.resolve();

function send(message: WorkerToHostMessage): void {
  // After the host went away a send would raise an 'error' event and crash the worker mid-write.
  if (process.connected) process.send?.(message);
}

function log(line: string): void {
  send({ type: 'log', line });
}

function handle(message: HostToWorkerMessage): void {
  switch (message.type) {
    case 'prelabel': {
      const { jobId, request } = message;
      queue = queue.then(() =>
        runJob(jobId, async () => {
          const summary = await runPrelabelJob(request, {
            sessions,
            log,
            isCancelled: () => cancelledJobs.has(jobId),
            onStart: (planned) => send({ type: 'prelabelStarted', jobId, planned }),
            onProgress: (progress) => send({ type: 'progress', jobId, progress }),
          });
          return { type: 'done', jobId, summary };
        }),
      );
      return;
    }
    case 'evaluate': {
      const { jobId, request } = message;
      queue = queue.then(() =>
        runJob(jobId, async () => {
          const report = await runEvaluateJob(request, {
            sessions,
            isCancelled: () => cancelledJobs.has(jobId),
            onStart: (header) => send({ type: 'evaluateStarted', jobId, header }),
            onProgress: (progress) => send({ type: 'evaluateProgress', jobId, progress }),
          });
          return { type: 'evaluateDone', jobId, report };
        }),
      );
      return;
    }
    case 'rankUncertainty': {
      const { jobId, request } = message;
      queue = queue.then(() =>
        runJob(jobId, async () => {
          const ranking = await runUncertaintyJob(request, {
            sessions,
            isCancelled: () => cancelledJobs.has(jobId),
            onStart: (header) => send({ type: 'uncertaintyStarted', jobId, header }),
            onProgress: (progress) => send({ type: 'uncertaintyProgress', jobId, progress }),
          });
          return { type: 'uncertaintyDone', jobId, ranking };
        }),
      );
      return;
    }
    case 'predict': {
      const { jobId, request } = message;
      predictQueue = predictQueue.then(() => runJob(jobId, () => predict(jobId, request)));
      return;
    }
    case 'cancel':
      cancelledJobs.add(message.jobId);
      return;
    default: {
      const unhandled: never = message;
      log(`ignored unknown message ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Runs one job; its result message, or a `failed` message saying why the whole job could not run. */
async function runJob(jobId: number, job: () => Promise<WorkerToHostMessage>): Promise<void> {
  send({ type: 'started', jobId });
  try {
    send(await job());
  } catch (error) {
    send({ type: 'failed', jobId, kind: failureKind(error), message: messageOf(error) });
    if (failureKind(error) === 'internal' && error instanceof Error && error.stack) log(error.stack);
  } finally {
    cancelledJobs.delete(jobId);
  }
}

async function predict(jobId: number, request: PredictImageRequest): Promise<WorkerToHostMessage> {
  if (cancelledJobs.has(jobId)) throw new RequestError('cancelled');
  const model = await loadModel(request.modelPath);
  const session = await editorSessions.open(model, request.threads);
  const bytes = await readImageFile(request.imagePath).catch((error: unknown) => {
    throw new ImageError(`${request.imagePath}: ${messageOf(error)}`);
  });
  const { width, height, mask, probability } = await predictImage(bytes, session);
  const { output, name } = model.card;
  const classes = output.activation === 'softmax' ? mask : null;
  return { type: 'prediction', jobId, prediction: { width, height, mask, probability, classes, model: { id: name, sha256: model.sha256 }, threshold: modelThreshold(output) } };
}

function failureKind(error: unknown): JobFailureKind {
  if (error instanceof ModelError) return 'model';
  if (error instanceof RequestError) return 'request';
  if (error instanceof ImageError) return 'image';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // The images folder missing or unreadable is the request's fault, not a bug.
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return 'request';
  return 'internal';
}

if (!process.send) {
  console.error('dist/worker.js is the SegNetr inference worker; it is started by the extension, not by hand.');
  process.exit(2);
}
process.on('message', (message: unknown) => {
  if (isHostToWorkerMessage(message)) handle(message);
  else log(`ignored malformed message ${JSON.stringify(message)}`);
});
// The host is gone (closed, crashed or killed): leave as soon as the label being written is complete (or gone).
// Nothing is left to report to, and the OS frees the models.
process.on('disconnect', () => exitAfterWritesSettle(0));
