import * as assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import * as path from 'node:path';
import type { PrelabelProgress, PrelabelSummary } from '../../src/common/prelabel';
import { tempFileName } from '../../src/core/atomicWrite';
import { prelabelAcrossCrashes } from '../../src/worker/acrossCrashes';
import { JobCutShortError, WorkerClient, WorkerCrashedError, WorkerJobError } from '../../src/worker/client';
import { pngHeaderOnly } from '../unit/pngBytes';
import { useTempDir } from '../unit/tempDir';
import { labelFolderEntries, readLabel, writeBadFiles, writeDiscImages } from './testImages';
import { copyModelWithWrongChecksum, request, requireBuild, sigmoidModel, softmaxModel, waitUntil, workerScript } from './workerSetup';

const tempName = /^\.segnetr-tmp\./;

describe('inference worker (real onnxruntime-node in a child process)', function () {
  this.timeout(60_000);
  const tmp = useTempDir('worker');
  let client: WorkerClient;
  const logLines: string[] = [];

  before(requireBuild);
  beforeEach(() => {
    logLines.length = 0;
    client = new WorkerClient({ workerScript, log: (line) => logLines.push(line) });
  });
  afterEach(() => client.dispose());

  function dirs(): { images: string; masks: string } {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    return { images, masks };
  }

  it('writes one single-channel PNG of the image size per image, with the dark disc labelled', async () => {
    const { images, masks } = dirs();
    const written = await writeDiscImages(images, 6);
    const progress: PrelabelProgress[] = [];
    const summary = await client.prelabelFolder(request(images, masks), { onProgress: (p) => progress.push(p) });
    assert.deepEqual([summary.total, summary.written, summary.skipped, summary.failed, summary.cancelled], [6, 6, 0, [], false]);
    assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4, 5, 6]);
    assert.ok(progress.every((p) => p.total === 6 && p.outcome === 'written'));
    assert.deepEqual(labelFolderEntries(masks).sort(), written.map((w) => `${path.parse(w.file).name}.png`).sort());
    for (const image of written) {
      const label = readLabel(path.join(masks, `${path.parse(image.file).name}.png`));
      assert.deepEqual([label.width, label.height, label.bitDepth, label.colorType], [image.width, image.height, 8, 0]);
      const [cx, cy] = image.discCenter;
      assert.equal(label.values[cy * image.width + cx], 1, `${image.file}: disc centre`);
      assert.equal(label.values[0], 0, `${image.file}: corner`);
      assert.ok(label.values.every((v) => v === 0 || v === 1));
    }
  });

  it('skips existing labels unless asked to overwrite', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 3);
    mkdirSync(masks);
    writeFileSync(path.join(masks, 'img_001.png'), 'hand-made label');
    const first = await client.prelabelFolder(request(images, masks));
    assert.deepEqual([first.written, first.skipped], [2, 1]);
    const again = await client.prelabelFolder(request(images, masks, { overwrite: true }));
    assert.deepEqual([again.written, again.skipped], [3, 0]);
    assert.equal(readLabel(path.join(masks, 'img_001.png')).colorType, 0);
  });

  it('reports each bad file with a reason and labels every good one', async () => {
    const { images, masks } = dirs();
    const good = await writeDiscImages(images, 3);
    const badNames = writeBadFiles(images, good[0]!.file, pngHeaderOnly(30000, 30000));
    const summary = await client.prelabelFolder(request(images, masks));
    assert.equal(summary.total, 7);
    assert.equal(summary.written, 3);
    const reasons = Object.fromEntries(summary.failed.map((f) => [path.basename(f.file), f.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), [...badNames].sort());
    assert.equal(reasons['bad_empty.png'], 'empty file (0 bytes)');
    assert.match(reasons['bad_truncated.png']!, /^the PNG file is truncated/);
    assert.equal(reasons['bad_text.jpg'], 'not an image: the file contains text');
    assert.match(reasons['bad_huge.png']!, /30000 x 30000 .* over the 100-megapixel limit/);
    for (const image of good) assert.equal(readLabel(path.join(masks, `${path.parse(image.file).name}.png`)).colorType, 0);
    assert.deepEqual(labelFolderEntries(masks).sort(), ['img_000.png', 'img_001.png', 'img_002.png']);
  });

  it('refuses a symlink to /dev/zero, a FIFO (itself or through a link) and a folder named like an image at once, labelling the rest', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 2);
    symlinkSync('/dev/zero', path.join(images, 'zero.jpg'));
    execFileSync('mkfifo', [path.join(tmp.path, 'fifo')]);
    symlinkSync(path.join(tmp.path, 'fifo'), path.join(images, 'fifo.png'));
    execFileSync('mkfifo', [path.join(images, 'pipe.png')]);
    mkdirSync(path.join(images, 'folder.jpg'));
    // A name that is not valid UTF-8 (bytes 'bad', 0xff, '.jpg'): a real image that no string path can open.
    copyFileSync(path.join(images, readdirSync(images).find((n) => n.startsWith('img_'))!), Buffer.concat([Buffer.from(`${images}/bad`), Buffer.from([0xff]), Buffer.from('.jpg')]));
    const summary = await client.prelabelFolder(request(images, masks));
    assert.deepEqual([summary.total, summary.written], [7, 2]);
    assert.deepEqual(Object.fromEntries(summary.failed.map((f) => [path.basename(f.file), f.reason])), {
      'bad\uFFFD.jpg': 'cannot open the image: its name is not valid UTF-8 (shown with \uFFFD), so it cannot be opened by name; rename it',
      'fifo.png': 'not a regular file (a named pipe); only image files are read',
      'folder.jpg': 'not a regular file (a folder); only image files are read',
      'pipe.png': 'not a regular file (a named pipe); only image files are read',
      'zero.jpg': 'not a regular file (a character device such as /dev/zero); only image files are read',
    });
  });

  it('kills a worker that does not honour Cancel within the grace period, and resolves the call as cancelled', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 20);
    const stuck = new WorkerClient({ workerScript, cancelGraceMs: 500, log: (line) => logLines.push(line) });
    try {
      const abort = new AbortController();
      let stoppedPid: number | undefined;
      const summary = await stuck.prelabelFolder(request(images, masks), {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.done === 2 && stoppedPid === undefined) {
            // A worker stuck in a system call (a read on a hung network share) cannot act on messages: SIGSTOP
            // makes this one just as deaf.
            stoppedPid = stuck.pid;
            process.kill(stoppedPid!, 'SIGSTOP');
            abort.abort();
          }
        },
      });
      assert.equal(summary.cancelled, true);
      assert.equal(summary.written, 2);
      assert.equal(summary.labelsDir, masks);
      assert.ok(logLines.some((l) => /did not stop within 0\.5 s of Cancel .*restarting it/.test(l)), logLines.join('\n'));
      assert.deepEqual(readdirSync(masks).filter((n) => tempName.test(n)), []);
      const rest = await stuck.prelabelFolder(request(images, masks));
      assert.notEqual(stuck.pid, stoppedPid);
      assert.deepEqual([rest.written + rest.skipped, rest.cancelled], [20, false]);
    } finally {
      stuck.dispose();
    }
  });

  it('a job cancelled while it waits behind another does not kill the running one: it settles as cancelled once its turn comes', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 24, { width: 480, height: 360 });
    const queued = path.join(tmp.path, 'queued');
    mkdirSync(queued);
    await writeDiscImages(queued, 2);
    const patient = new WorkerClient({ workerScript, cancelGraceMs: 300, log: (line) => logLines.push(line) });
    try {
      let ranking: Promise<{ cancelled: boolean }> | undefined;
      const abort = new AbortController();
      const running = patient.prelabelFolder(request(images, masks, { threads: 1 }), {
        onProgress: (p) => {
          if (p.done !== 2 || ranking) return;
          // Another command's folder job queues behind this pre-label, and the person cancels it at once.
          ranking = patient.rankUncertainty({ imagesDir: queued, modelPath: sigmoidModel, threads: 1 }, { signal: abort.signal });
          abort.abort();
        },
      });
      const summary = await running;
      assert.deepEqual([summary.written, summary.cancelled], [24, false], 'the running pre-label went on to the end');
      assert.equal((await ranking!).cancelled, true);
      assert.ok(!logLines.some((l) => /did not stop within/.test(l)), logLines.join('\n'));
    } finally {
      patient.dispose();
    }
  });

  it('leaves no temp file when the host process is killed mid-job: the worker finishes the label in hand, then exits', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 24, { width: 480, height: 360 });
    // A stand-in for the extension host: forks the worker, starts a job, reports progress; the test kills it.
    const host = `
      const { fork } = require('node:child_process');
      const worker = fork(${JSON.stringify(workerScript)}, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      worker.on('message', (m) => { if (m.type === 'progress') console.log(JSON.stringify({ pid: worker.pid, done: m.progress.done })); });
      worker.send({ type: 'prelabel', jobId: 1, request: ${JSON.stringify(request(images, masks))} });`;
    const child = spawn(process.execPath, ['-e', host], { stdio: ['ignore', 'pipe', 'inherit'] });
    const workerPid = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        const last = JSON.parse(text.trim().split('\n').pop()!) as { pid: number; done: number };
        if (last.done >= 3) resolve(last.pid);
      });
      child.on('exit', () => reject(new Error('the host stand-in exited early')));
    });
    child.kill('SIGKILL');
    await waitUntil(() => !isAlive(workerPid));
    const left = labelFolderEntries(masks);
    const records = path.join(masks, '.segnetr', 'predictions');
    const leftRecords = existsSync(records) ? readdirSync(records) : [];
    assert.deepEqual([...left, ...leftRecords].filter((n) => tempName.test(n)), [], 'no temp file left behind');
    for (const name of left) assert.equal(readLabel(path.join(masks, name)).colorType, 0, `${name} is complete`);
  });

  it('runs softmax models and writes class indices', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 2);
    const summary = await client.prelabelFolder(request(images, masks, { modelPath: softmaxModel }));
    assert.equal(summary.written, 2);
    const label = readLabel(path.join(masks, 'img_000.png'));
    assert.ok(label.values.every((v) => v <= 2));
    assert.ok(label.values.some((v) => v === 1), 'the dark disc is class 1');
  });

  it('rejects the whole job with a WorkerJobError for a model problem, and keeps serving', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 1);
    await assert.rejects(client.prelabelFolder(request(images, masks, { modelPath: softmaxModel, format: 'binary255' })), (e: Error) => {
      assert.ok(e instanceof WorkerJobError && e.kind === 'model');
      assert.match(e.message, /binary255 .* needs a two-class model/);
      return true;
    });
    await assert.rejects(client.prelabelFolder(request(images, masks, { modelPath: copyModelWithWrongChecksum(tmp.path) })), /does not match its card/);
    await assert.rejects(client.prelabelFolder(request(path.join(tmp.path, 'nowhere'), masks)), (e: Error) => e instanceof WorkerJobError && e.kind === 'request');
    const summary = await client.prelabelFolder(request(images, masks));
    assert.equal(summary.written, 1);
  });

  it('stops after the current image when cancelled and resolves with cancelled: true', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 30);
    const abort = new AbortController();
    let seen = 0;
    const summary = await client.prelabelFolder(request(images, masks), {
      signal: abort.signal,
      onProgress: () => {
        seen++;
        if (seen === 2) abort.abort();
      },
    });
    assert.equal(summary.cancelled, true);
    assert.ok(summary.written >= 2 && summary.written < 30, `written ${summary.written}`);
    assert.equal(labelFolderEntries(masks).length, summary.written);
    // Cancelling does not break the worker: the next job finishes the folder.
    const rest = await client.prelabelFolder(request(images, masks));
    assert.deepEqual([rest.written + rest.skipped, rest.cancelled], [30, false]);
  });

  it('survives SIGKILL mid-batch: the crash with what was done, no temp or partial label, and the next run completes', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 40, { width: 320, height: 240 });
    let killedPid: number | undefined;
    const call = client.prelabelFolder(request(images, masks), {
      onProgress: (p) => {
        if (p.done === 3 && killedPid === undefined) {
          killedPid = client.pid;
          // What a write cut short by the kill leaves: a temp file of that process (the client must remove it).
          writeFileSync(path.join(masks, tempFileName(killedPid!, '00ff')), 'partial');
          process.kill(killedPid!, 'SIGKILL');
        }
      },
    });
    await assert.rejects(call, (e: Error) => {
      assert.ok(e instanceof JobCutShortError, String(e));
      const crash = (e as JobCutShortError<PrelabelSummary>).reason;
      assert.ok(crash instanceof WorkerCrashedError, String(crash));
      assert.equal(crash.signal, 'SIGKILL');
      assert.match(e.message, /killed by SIGKILL.*out of memory.*restarts on the next request/);
      const { soFar } = e as JobCutShortError<PrelabelSummary>;
      assert.ok(soFar.done.length >= 3 && soFar.part.written === soFar.done.length, `done ${soFar.done.length}, written ${soFar.part.written}`);
      assert.ok(soFar.inHand !== undefined && !soFar.done.includes(soFar.inHand));
      return true;
    });
    const after = labelFolderEntries(masks);
    assert.deepEqual(after.filter((n) => tempName.test(n)), []);
    assert.ok(after.length >= 3 && after.length < 40, `labels after the kill: ${after.length}`);
    for (const name of after) {
      const label = readLabel(path.join(masks, name)); // every label present is complete
      assert.equal(label.colorType, 0);
    }
    assert.equal(client.pid, undefined);

    const rerun = await client.prelabelFolder(request(images, masks));
    assert.notEqual(client.pid, killedPid);
    assert.deepEqual([rerun.written + rerun.skipped, rerun.failed.length], [40, 0]);
    assert.equal(rerun.skipped, after.length);
    assert.equal(labelFolderEntries(masks).length, 40);
  });

  it('goes on after SIGKILL mid-batch: a fresh worker labels the image in hand again and the rest', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 40, { width: 320, height: 240 });
    let killedPid: number | undefined;
    const done: number[] = [];
    const summary = await prelabelAcrossCrashes(client, request(images, masks), {
      onProgress: (p) => {
        done.push(p.done);
        assert.equal(p.total, 40);
        if (p.done === 3 && killedPid === undefined) {
          killedPid = client.pid;
          process.kill(killedPid!, 'SIGKILL');
        }
      },
    });
    assert.notEqual(client.pid, killedPid);
    // The image in hand is labelled by the fresh worker, or found labelled (and skipped) when the worker had
    // finished it just before the kill landed (its label is then complete: writes are atomic).
    assert.deepEqual([summary.total, summary.written + summary.skipped, summary.failed.length, summary.cancelled, summary.stopped], [40, 40, 0, false, undefined]);
    assert.ok(summary.skipped <= 1, `skipped ${summary.skipped}`);
    const labels = labelFolderEntries(masks);
    assert.equal(labels.length, 40);
    for (const name of labels) assert.equal(readLabel(path.join(masks, name)).colorType, 0);
    assert.ok(done.every((d, i) => i === 0 || d > done[i - 1]!), `done ${done.join(',')}`);
    assert.equal(done.at(-1), 40);
  });

  it('rejects with WorkerCrashedError saying why when the worker cannot start', async () => {
    const { images, masks } = dirs();
    const broken = new WorkerClient({ workerScript: path.join(tmp.path, 'no-worker.js') });
    try {
      await assert.rejects(broken.prelabelFolder(request(images, masks)), (e: Error) => {
        assert.ok(e instanceof WorkerCrashedError);
        assert.match(e.message, /exited with code 1.*could not start: .*no-worker\.js or a module it needs is missing/);
        return true;
      });
    } finally {
      broken.dispose();
    }
  });

  it('restart() kills the worker; the next request starts a fresh one', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 1);
    await client.prelabelFolder(request(images, masks));
    const first = client.pid;
    assert.ok(first);
    client.restart();
    assert.equal(client.pid, undefined);
    const summary = await client.prelabelFolder(request(images, masks, { overwrite: true }));
    assert.equal(summary.written, 1);
    assert.ok(client.pid !== undefined && client.pid !== first);
  });

  it('runs the worker at a lower CPU priority than the host, so inference never starves the editor', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 1);
    await client.prelabelFolder(request(images, masks));
    assert.ok(client.pid);
    assert.equal(getPriority(client.pid), Math.min(19, getPriority() + 10));
  });

  it('predicts one image for the editor: mask and probability map come back as bytes at the image size', async () => {
    const { images } = dirs();
    const [image] = await writeDiscImages(images, 1);
    const prediction = await client.predictImage({ imagePath: image!.file, modelPath: sigmoidModel, threads: 1 });
    assert.ok(prediction.mask instanceof Uint8Array && prediction.probability instanceof Uint8Array);
    assert.deepEqual([prediction.width, prediction.height, prediction.mask.length, prediction.probability.length], [
      image!.width, image!.height, image!.width * image!.height, image!.width * image!.height,
    ]);
    const [cx, cy] = image!.discCenter;
    assert.equal(prediction.mask[cy * image!.width + cx], 1, 'disc centre');
    assert.equal(prediction.mask[0], 0, 'corner');
    assert.ok(prediction.probability[cy * image!.width + cx]! > 128 && prediction.probability[0]! < 128);
    assert.equal(prediction.classes, null, 'a sigmoid model has no class map');
    assert.equal(typeof prediction.threshold, 'number');
    assert.match(prediction.model.sha256, /^[0-9a-f]{64}$/);

    const softmax = await client.predictImage({ imagePath: image!.file, modelPath: softmaxModel, threads: 1 });
    assert.ok(softmax.classes instanceof Uint8Array);
    assert.deepEqual(softmax.classes, softmax.mask);
    assert.equal(softmax.threshold, null);
  });

  it('a Predict of an unreadable image fails with kind "image" and the worker keeps serving', async () => {
    const { images } = dirs();
    const bad = path.join(images, 'broken.png');
    writeFileSync(bad, 'not a png');
    await assert.rejects(client.predictImage({ imagePath: bad, modelPath: sigmoidModel, threads: 1 }), (e: Error) => e instanceof WorkerJobError && e.kind === 'image');
    await assert.rejects(client.predictImage({ imagePath: path.join(images, 'missing.png'), modelPath: sigmoidModel, threads: 1 }), (e: Error) => {
      assert.ok(e instanceof WorkerJobError && e.kind === 'image', String(e));
      assert.match(e.message, /missing\.png/);
      return true;
    });
    const [image] = await writeDiscImages(images, 1);
    assert.equal((await client.predictImage({ imagePath: image!.file, modelPath: sigmoidModel, threads: 1 })).width, image!.width);
  });

  it('writes a prediction record and probability map per labelled image, none for a skipped one', async () => {
    const { images, masks } = dirs();
    const written = await writeDiscImages(images, 3);
    mkdirSync(masks);
    writeFileSync(path.join(masks, 'img_001.png'), 'hand-made label');
    await client.prelabelFolder(request(images, masks));
    const predictions = path.join(masks, '.segnetr', 'predictions');
    assert.deepEqual(readdirSync(predictions).sort(), ['img_000.json', 'img_000.prob.png', 'img_002.json', 'img_002.prob.png']);
    const record = JSON.parse(readFileSync(path.join(predictions, 'img_000.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(record['image'], path.basename(written[0]!.file));
    assert.deepEqual([record['width'], record['height'], record['hasClasses']], [written[0]!.width, written[0]!.height, false]);
    assert.match((record['model'] as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
    const prob = readLabel(path.join(predictions, 'img_000.prob.png'));
    assert.deepEqual([prob.width, prob.height, prob.colorType], [written[0]!.width, written[0]!.height, 0]);
    const [cx, cy] = written[0]!.discCenter;
    assert.ok(prob.values[cy * written[0]!.width + cx]! > 128, 'the disc is likely foreground');
  });

  it('with overwrite, keeps labels a person edited or accepted unless overwriteReviewed', async () => {
    const { images, masks } = dirs();
    await writeDiscImages(images, 3);
    await client.prelabelFolder(request(images, masks));
    writeFileSync(path.join(masks, 'img_000.png'), 'accepted by a person');
    writeFileSync(path.join(masks, 'img_001.png'), 'rejected: may be replaced');
    mkdirSync(path.join(masks, '.segnetr'), { recursive: true });
    writeFileSync(
      path.join(masks, '.segnetr', 'review.tsv'),
      'image\tstatus\tmodel\tmodel_sha256\ttime\nimg_000.png\taccepted\tm\t-\t2024-01-01T00:00:00.000Z\nimg_001.jpg\trejected\tm\t-\t2024-01-01T00:00:00.000Z\n',
    );
    const progress: PrelabelProgress[] = [];
    const again = await client.prelabelFolder(request(images, masks, { overwrite: true }), { onProgress: (p) => progress.push(p) });
    assert.deepEqual([again.written, again.skipped, again.keptReviewed], [2, 1, 1]);
    assert.match(progress.find((p) => p.file.endsWith('img_000.png'))!.reason!, /a person accepted this label/);
    assert.equal(readFileSync(path.join(masks, 'img_000.png'), 'utf8'), 'accepted by a person');
    assert.equal(readLabel(path.join(masks, 'img_001.png')).colorType, 0, 'the rejected label was replaced');

    const forced = await client.prelabelFolder(request(images, masks, { overwrite: true, overwriteReviewed: true }));
    assert.deepEqual([forced.written, forced.skipped, forced.keptReviewed], [3, 0, 0]);
    assert.equal(readLabel(path.join(masks, 'img_000.png')).colorType, 0);
  });
});

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function isAlive(pid: number): boolean {
  try {
    if (readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z')) return false;
  } catch {
    // no /proc entry: gone, or not Linux (then ask the kernel below)
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
