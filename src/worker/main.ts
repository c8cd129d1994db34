// Entry point of the inference worker process (dist/worker.js, started by WorkerClient with child_process.fork).
// Owns onnxruntime-node and all pixel work; runs pre-label jobs one at a time in arrival order and the editor's
// single-image predictions one at a time in their own queue (with their own session), so a Predict does not wait
// for a whole folder; keeps the models loaded between jobs. If the host goes away, so does the worker.
import { readFile } from 'node:fs/promises';
import type { PrelabelFolderRequest } from '../common/prelabel';
import {
  type HostToWorkerMessage,
  type JobFailureKind,
  type PredictImageRequest,
  type WorkerToHostMessage,
  isHostToWorkerMessage,
} from '../common/workerProtocol';
import { ImageError, ModelError, RequestError, messageOf } from '../model/errors';
import { loadModel } from '../model/modelFiles';
import { runPrelabelJob } from '../core/prelabelJob';
import { predictImage } from '../core/predictImage';
import { modelThreshold } from '../core/predictionRecord';
import { SessionCache } from '../core/sessionCache';

const sessions = new SessionCache();
const editorSessions = new SessionCache();
const cancelledJobs = new Set<number>();
let queue: Promise<void> = Promise.resolve();
let predictQueue: Promise<void> = Promise.resolve();

function send(message: WorkerToHostMessage): void {
  process.send?.(message);
}

function log(line: string): void {
  send({ type: 'log', line });
}

function handle(message: HostToWorkerMessage): void {
  switch (message.type) {
    case 'prelabel':
      queue = queue.then(() => runJob(message.jobId, message.request));
      return;
    case 'predict':
      predictQueue = predictQueue.then(() => runPredict(message.jobId, message.request));
      return;
    case 'cancel':
      cancelledJobs.add(message.jobId);
      return;
    default: {
      const unhandled: never = message;
      log(`ignored unknown message ${JSON.stringify(unhandled)}`);
    }
  }
}

async function runJob(jobId: number, request: PrelabelFolderRequest): Promise<void> {
  try {
    const summary = await runPrelabelJob(request, {
      sessions,
      log,
      isCancelled: () => cancelledJobs.has(jobId),
      onProgress: (progress) => send({ type: 'progress', jobId, progress }),
    });
    send({ type: 'done', jobId, summary });
  } catch (error) {
    send({ type: 'failed', jobId, kind: failureKind(error), message: messageOf(error) });
    if (failureKind(error) === 'internal' && error instanceof Error && error.stack) log(error.stack);
  } finally {
    cancelledJobs.delete(jobId);
  }
}

async function runPredict(jobId: number, request: PredictImageRequest): Promise<void> {
  try {
    if (cancelledJobs.has(jobId)) throw new RequestError('cancelled');
    const model = await loadModel(request.modelPath);
    const session = await editorSessions.open(model, request.threads);
    const bytes = await readFile(request.imagePath).catch((error: unknown) => {
      throw new ImageError(`cannot read ${request.imagePath}: ${messageOf(error)}`);
    });
    const { width, height, mask, probability } = await predictImage(bytes, session);
    const { output, name } = model.card;
    const classes = output.activation === 'softmax' ? mask : null;
    send({ type: 'prediction', jobId, prediction: { width, height, mask, probability, classes, model: { id: name, sha256: model.sha256 }, threshold: modelThreshold(output) } });
  } catch (error) {
    send({ type: 'failed', jobId, kind: failureKind(error), message: messageOf(error) });
    if (failureKind(error) === 'internal' && error instanceof Error && error.stack) log(error.stack);
  } finally {
    cancelledJobs.delete(jobId);
  }
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
process.on('disconnect', () => {
  void Promise.all([sessions.dispose(), editorSessions.dispose()]).finally(() => process.exit(0));
});
