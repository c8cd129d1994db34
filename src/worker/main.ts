// Entry point of the inference worker process (dist/worker.js, started by WorkerClient with child_process.fork).
// Owns onnxruntime-node and all pixel work; runs one job at a time in arrival order; keeps the model loaded
// between jobs. If the host goes away, so does the worker, without leaving a temp file behind.
import { type HostToWorkerMessage, type JobFailureKind, type WorkerToHostMessage, isHostToWorkerMessage } from '../common/workerProtocol';
import { ModelError, RequestError, messageOf } from '../model/errors';
import { runEvaluateJob } from '../core/evaluateJob';
import { runPrelabelJob } from '../core/prelabelJob';
import { SessionCache } from '../core/sessionCache';

const sessions = new SessionCache();
const cancelledJobs = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function send(message: WorkerToHostMessage): void {
  process.send?.(message);
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
            onProgress: (progress) => send({ type: 'evaluateProgress', jobId, progress }),
          });
          return { type: 'evaluateDone', jobId, report };
        }),
      );
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
  try {
    send(await job());
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
// The host is gone (closed, crashed or killed): leave at once. Nothing is left to report to, the OS frees the
// model, and exiting runs atomicWrite's exit hook, which removes the temp file of a label being written.
process.on('disconnect', () => process.exit(0));
