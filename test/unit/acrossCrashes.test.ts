// evaluateAcrossCrashes against a scripted worker: which runs it starts after a crash (what they leave out),
// how it counts progress over them, and when it stops instead of going on.
import * as assert from 'node:assert/strict';
import type { EvaluateProgress, EvaluateRequest, EvaluationHeader, EvaluationReport, ImageEvaluation } from '../../src/common/evaluation';
import { assembleReport } from '../../src/eval/evaluationReport';
import type { PrelabelFolderRequest, PrelabelSummary } from '../../src/common/prelabel';
import { evaluateAcrossCrashes, prelabelAcrossCrashes } from '../../src/worker/acrossCrashes';
import { type EvaluateCallOptions, type EvaluationPart, JobCutShortError, type PrelabelCallOptions, WorkerCrashedError, WorkerJobError } from '../../src/worker/client';
import { image } from './evaluationFixtures';
import { useTempDir } from './tempDir';

const names = ['a', 'b', 'c', 'd', 'e', 'f'];
const files = names.map((n) => `/data/images/${n}`);
const request: EvaluateRequest = { imagesDir: '/data/images', gtDir: '/data/masks', modelPath: '/m/model.onnx', threads: 1 };

function headerFor(planned: readonly string[]): EvaluationHeader {
  return { imagesDir: '/data/images', gtDir: '/data/masks', model: { path: '/m/model.onnx', name: 'model', sha256: 'a'.repeat(64) }, classNames: ['background', 'lesion'], planned };
}

const scored = (file: string): ImageEvaluation => image(file.slice('/data/images/'.length), [1, 1, 0, 0], [1, 1, 1, 0]);
const kill = (): WorkerCrashedError => new WorkerCrashedError(null, 'SIGKILL', undefined, 'evaluating');
const restartAsked = (): WorkerCrashedError => new WorkerCrashedError(null, 'SIGKILL', 'It was restarted on request (SegNetr: Restart Inference Worker).', 'evaluating', true);

/** One scripted run: how many of its planned images it scores, then how it ends. */
type Script = { readonly score: number; readonly end: 'done' | 'crash' | 'restart' | 'modelError' | 'noStart' | 'cancelled' };

/** A stand-in for WorkerClient.evaluate that follows the scripts in turn and records each request. */
function scriptedWorker(scripts: Script[]): { evaluate: (r: EvaluateRequest, o?: EvaluateCallOptions) => Promise<EvaluationReport>; requests: EvaluateRequest[] } {
  const requests: EvaluateRequest[] = [];
  return {
    requests,
    evaluate: async (r, options = {}) => {
      requests.push(r);
      const script = scripts[requests.length - 1]!;
      if (script.end === 'noStart') throw kill();
      const planned = files.filter((f) => !(r.exclude ?? []).includes(f));
      const header = headerFor(planned);
      const images = planned.slice(0, script.score).map(scored);
      images.forEach((evaluation, i) => {
        const p: EvaluateProgress = { done: i + 1, total: planned.length, file: evaluation.image, outcome: 'scored', evaluation };
        options.onProgress?.(p);
      });
      const soFar = { part: { header, images, failed: [] }, done: images.map((i) => i.image), inHand: planned[images.length], planned: planned.length };
      if (script.end === 'crash') throw new JobCutShortError<EvaluationPart>(kill(), soFar);
      if (script.end === 'restart') throw new JobCutShortError<EvaluationPart>(restartAsked(), soFar);
      if (script.end === 'modelError') throw new JobCutShortError<EvaluationPart>(new WorkerJobError('model', 'onnxruntime failed: out of memory'), soFar);
      return assembleReport(header, { images, failed: [], cancelled: script.end === 'cancelled', elapsedMs: 1 });
    },
  };
}

describe('evaluateAcrossCrashes', () => {
  it('returns the report of a run that was not cut short as it is', async () => {
    const worker = scriptedWorker([{ score: 6, end: 'done' }]);
    const report = await evaluateAcrossCrashes(worker, request);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled], [6, 0, false]);
    assert.deepEqual(worker.requests, [request]);
  });

  it('after a crash, tries the image in hand again in a fresh run that leaves out what was done; a second crash on it leaves it out', async () => {
    const worker = scriptedWorker([{ score: 2, end: 'crash' }, { score: 0, end: 'crash' }, { score: 3, end: 'done' }]);
    const progress: EvaluateProgress[] = [];
    const crashes: string[] = [];
    const report = await evaluateAcrossCrashes(worker, request, { onProgress: (p) => progress.push(p), onCrash: (file, _, next) => crashes.push(`${file} ${next}`) });
    assert.deepEqual(worker.requests.map((r) => r.exclude), [undefined, files.slice(0, 2), files.slice(0, 3)]);
    assert.deepEqual(crashes, [`${files[2]} retry`, `${files[2]} leave out`]);
    assert.deepEqual(report.images.map((i) => i.image), [files[0], files[1], files[3], files[4], files[5]]);
    assert.deepEqual(report.failed.map((f) => f.file), [files[2]]);
    assert.match(report.failed[0]!.reason, /stopped twice while working on it: The SegNetr inference worker was killed by SIGKILL while evaluating\. SIGKILL usually means/);
    assert.doesNotMatch(report.failed[0]!.reason, /restarts on the next request/);
    assert.deepEqual([report.cancelled, report.stopped, report.summary.images], [false, undefined, 5]);
    // Progress over the runs: against the whole folder, the image left out counted.
    assert.deepEqual(progress.map((p) => [p.done, p.total]), [[1, 6], [2, 6], [4, 6], [5, 6], [6, 6]]);
  });

  it('an image in hand at one crash that goes through when tried again is scored: the crash was not its doing', async () => {
    const worker = scriptedWorker([{ score: 2, end: 'crash' }, { score: 4, end: 'done' }]);
    const report = await evaluateAcrossCrashes(worker, request);
    assert.deepEqual(worker.requests.map((r) => r.exclude), [undefined, files.slice(0, 2)]);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled, report.stopped], [6, 0, false, undefined]);
  });

  it('steps over separate crashes, each time leaving out everything done before', async () => {
    const worker = scriptedWorker([{ score: 1, end: 'crash' }, { score: 1, end: 'crash' }, { score: 0, end: 'crash' }, { score: 3, end: 'done' }]);
    const report = await evaluateAcrossCrashes(worker, request);
    assert.deepEqual(worker.requests.map((r) => r.exclude), [undefined, files.slice(0, 1), files.slice(0, 2), files.slice(0, 3)]);
    assert.deepEqual(report.failed.map((f) => f.file), [files[2]]);
    assert.equal(report.images.length, 5);
    assert.equal(report.cancelled, false);
  });

  it('stops when three images in a row kill the worker twice each: the report keeps what was scored, names them and says why', async () => {
    const crash = { score: 0, end: 'crash' } as const;
    const worker = scriptedWorker([{ score: 2, end: 'crash' }, crash, crash, crash, crash, crash, { score: 1, end: 'done' }]);
    const report = await evaluateAcrossCrashes(worker, request);
    assert.equal(worker.requests.length, 6);
    assert.deepEqual(report.images.map((i) => i.image), files.slice(0, 2));
    assert.deepEqual(report.failed.map((f) => f.file), files.slice(2, 5));
    assert.equal(report.cancelled, true);
    assert.match(report.stopped ?? '', /^the inference worker stopped on 3 images in a row \(c, d, e\), so the images are unlikely to be the cause: The SegNetr inference worker was killed by SIGKILL/);
  });

  it('two images in a row that kill the worker are both left out, and the rest is done', async () => {
    const crash = { score: 0, end: 'crash' } as const;
    const report = await evaluateAcrossCrashes(scriptedWorker([{ score: 2, end: 'crash' }, crash, crash, crash, { score: 2, end: 'done' }]), request);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled, report.stopped], [4, 2, false, undefined]);
  });

  it('a restart asked for by the user stops the job with what was done, blaming no image', async () => {
    const report = await evaluateAcrossCrashes(scriptedWorker([{ score: 2, end: 'restart' }, { score: 4, end: 'done' }]), request);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled], [2, 0, true]);
    assert.match(report.stopped ?? '', /restarted on request/);
  });

  it('a model failure on the first image is an error, not a report of nothing', async () => {
    await assert.rejects(evaluateAcrossCrashes(scriptedWorker([{ score: 0, end: 'modelError' }]), request), /onnxruntime failed: out of memory/);
  });

  it('Cancel while a fresh worker fails to start is a cancellation, not a stop', async () => {
    const abort = new AbortController();
    const worker = scriptedWorker([{ score: 2, end: 'crash' }, { score: 0, end: 'noStart' }]);
    const report = await evaluateAcrossCrashes(worker, request, { signal: abort.signal, onCrash: () => abort.abort() });
    assert.deepEqual([report.images.length, report.cancelled, report.stopped], [2, true, undefined]);
  });

  it('stops, keeping what was scored, when the fresh worker cannot start or the model fails mid-run', async () => {
    const noStart = await evaluateAcrossCrashes(scriptedWorker([{ score: 3, end: 'crash' }, { score: 0, end: 'noStart' }]), request);
    assert.deepEqual([noStart.images.length, noStart.failed.length, noStart.cancelled], [3, 0, true]);
    assert.match(noStart.stopped ?? '', /^after a crash, the inference worker could not go on: The SegNetr inference worker was killed by SIGKILL/);

    const modelError = await evaluateAcrossCrashes(scriptedWorker([{ score: 4, end: 'modelError' }, { score: 2, end: 'done' }]), request);
    assert.deepEqual([modelError.images.length, modelError.failed.length, modelError.cancelled], [4, 0, true]);
    assert.equal(modelError.stopped, 'onnxruntime failed: out of memory');
  });

  it('passes on a failure before the first run started: there is nothing to report', async () => {
    await assert.rejects(evaluateAcrossCrashes(scriptedWorker([{ score: 0, end: 'noStart' }]), request), WorkerCrashedError);
  });

  it('a cancelled run after a crash is a cancelled report of both runs', async () => {
    const report = await evaluateAcrossCrashes(scriptedWorker([{ score: 1, end: 'crash' }, { score: 1, end: 'cancelled' }]), request);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled, report.stopped], [2, 0, true, undefined]);
  });

  it('does not start another run when Cancel came during the crash', async () => {
    const abort = new AbortController();
    abort.abort();
    const worker = scriptedWorker([{ score: 2, end: 'crash' }, { score: 3, end: 'done' }]);
    const report = await evaluateAcrossCrashes(worker, request, { signal: abort.signal });
    assert.equal(worker.requests.length, 1);
    assert.deepEqual([report.images.length, report.failed.length, report.cancelled], [2, 0, true]);
  });
});

describe('prelabelAcrossCrashes', () => {
  const tmp = useTempDir('across-crashes');
  let labelsRequest: PrelabelFolderRequest;
  beforeEach(() => {
    labelsRequest = { imagesDir: '/data/images', labelsDir: tmp.path, modelPath: '/m/model.onnx', format: 'binary255', overwrite: true, overwriteReviewed: true, threads: 1 };
  });
  const summary = (over: Partial<PrelabelSummary>): PrelabelSummary => ({
    total: 6, written: 0, skipped: 0, keptReviewed: 0, failed: [], cancelled: false, elapsedMs: 1, labelsDir: tmp.path, threads: 1, ...over,
  });

  it('adds up the runs around a crash: counts, failures (the skipped image among them) and progress', async () => {
    const requests: PrelabelFolderRequest[] = [];
    const progress: Array<[number, number]> = [];
    const worker = {
      prelabelFolder: async (r: PrelabelFolderRequest, o: PrelabelCallOptions = {}): Promise<PrelabelSummary> => {
        requests.push(r);
        if (requests.length === 1) {
          o.onProgress?.({ done: 1, total: 6, file: files[0]!, outcome: 'written' });
          o.onProgress?.({ done: 2, total: 6, file: files[1]!, outcome: 'skipped', reason: 'kept: a person accepted this label' });
          const part = summary({ written: 1, skipped: 1, keptReviewed: 1, cancelled: true });
          throw new JobCutShortError<PrelabelSummary>(kill(), { part, done: files.slice(0, 2), inHand: files[2], planned: 6 });
        }
        if (requests.length === 2) throw new JobCutShortError<PrelabelSummary>(kill(), { part: summary({ total: 4, cancelled: true }), done: [], inHand: files[2], planned: 4 });
        o.onProgress?.({ done: 1, total: 3, file: files[3]!, outcome: 'written' });
        o.onProgress?.({ done: 2, total: 3, file: files[4]!, outcome: 'failed', reason: 'empty file (0 bytes)' });
        o.onProgress?.({ done: 3, total: 3, file: files[5]!, outcome: 'written' });
        return summary({ total: 3, written: 2, failed: [{ file: files[4]!, reason: 'empty file (0 bytes)' }] });
      },
    };
    const result = await prelabelAcrossCrashes(worker, labelsRequest, { onProgress: (p) => progress.push([p.done, p.total]) });
    assert.deepEqual(requests.map((r) => r.exclude), [undefined, files.slice(0, 2), files.slice(0, 3)]);
    assert.deepEqual([result.total, result.written, result.skipped, result.keptReviewed, result.cancelled, result.stopped], [6, 3, 1, 1, false, undefined]);
    assert.deepEqual(result.failed.map((f) => f.file), [files[2], files[4]]);
    assert.deepEqual(progress, [[1, 6], [2, 6], [4, 6], [5, 6], [6, 6]]);
  });
});
