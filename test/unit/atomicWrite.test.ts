import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { FileSetWriteError, isTempFileName, removeTempFiles, tempFileName, writeFileAtomic, writeFilesAtomically } from '../../src/core/atomicWrite';
import { REPORT_FILES, writeEvaluationReports } from '../../src/core/evaluationReport';
import { recordReview } from '../../src/core/reviewState';
import { labelFileTarget } from '../../src/editor/saveMask';
import { image, report } from './evaluationFixtures';
import { bundleScript } from './bundleScript';
import { useTempDir } from './tempDir';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('atomic label writes', () => {
  const tmp = useTempDir('atomic');

  it('writes the file and leaves no temp file', async () => {
    const target = path.join(tmp.path, 'a.png');
    await writeFileAtomic(target, Buffer.from('one'));
    await writeFileAtomic(target, Buffer.from('two'));
    assert.equal(readFileSync(target, 'utf8'), 'two');
    assert.deepEqual(readdirSync(tmp.path), ['a.png']);
  });

  it('a file replaced keeps its permission bits (a group-writable labels folder stays group-writable)', async () => {
    const target = path.join(tmp.path, 'shared.png');
    writeFileSync(target, 'one');
    chmodSync(target, 0o664);
    const report = path.join(tmp.path, 'report.csv');
    writeFileSync(report, 'one');
    chmodSync(report, 0o640);
    const umask = process.umask(0o077); // a writer whose new files would be private
    try {
      await writeFileAtomic(target, Buffer.from('two'));
      await writeFilesAtomically([{ path: report, data: Buffer.from('two') }]);
    } finally {
      process.umask(umask);
    }
    assert.deepEqual([readFileSync(target, 'utf8'), statSync(target).mode & 0o777], ['two', 0o664]);
    assert.deepEqual([readFileSync(report, 'utf8'), statSync(report).mode & 0o777], ['two', 0o640]);
  });

  it('a durable write syncs the file before it takes the name and the folder after; the editor\'s label and review.tsv writes are durable', async () => {
    const target = path.join(tmp.path, 'durable.png');
    writeFileSync(target, 'old');
    const probe = await open(tmp.path, 'r');
    const handles = Object.getPrototypeOf(probe) as { sync(this: FileHandle): Promise<void> };
    await probe.close();
    const original = handles.sync;
    const events: string[] = [];
    handles.sync = function (this: FileHandle) {
      events.push(`sync while the name holds "${readFileSync(target, 'utf8')}"`);
      return original.call(this);
    };
    try {
      await writeFileAtomic(target, Buffer.from('new'), { replace: true, durable: true });
      events.push('plain');
      await writeFileAtomic(target, Buffer.from('plain'));
      events.push('label');
      await labelFileTarget({ imagePath: path.join(tmp.path, 'durable.jpg'), labelPath: target, labelsDir: tmp.path }).write(Buffer.from('label'));
      events.push('review');
      await recordReview(tmp.path, { image: 'durable.jpg', status: 'accepted', modelId: '-', modelSha256: '-', time: '2026-12-03T00:00:00.000Z' });
    } finally {
      handles.sync = original;
    }
    assert.deepEqual(events.slice(0, 4), ['sync while the name holds "old"', 'sync while the name holds "new"', 'plain', 'label']);
    assert.deepEqual(events.slice(4, 6), ['sync while the name holds "plain"', 'sync while the name holds "label"'], 'the editor\'s label write');
    assert.equal(events.slice(7).length, 2, `review.tsv's write syncs it and its folder: ${JSON.stringify(events)}`);
    assert.equal(readFileSync(target, 'utf8'), 'label');
  });

  it('without replace, keeps a file that exists and reports it', async () => {
    const target = path.join(tmp.path, 'person.png');
    writeFileSync(target, 'drawn by a person');
    assert.equal(await writeFileAtomic(target, Buffer.from('prediction'), { replace: false }), 'exists');
    assert.equal(readFileSync(target, 'utf8'), 'drawn by a person');
    assert.equal(await writeFileAtomic(path.join(tmp.path, 'new.png'), Buffer.from('prediction'), { replace: false }), 'written');
    assert.equal(readFileSync(path.join(tmp.path, 'new.png'), 'utf8'), 'prediction');
    assert.deepEqual(readdirSync(tmp.path).sort(), ['new.png', 'person.png']);
  });

  it('writes a label whose name is as long as the file system allows (255 bytes): the temp name stays short', async () => {
    const target = path.join(tmp.path, `${'n'.repeat(251)}.png`);
    assert.equal(await writeFileAtomic(target, Buffer.from('label')), 'written');
    assert.equal(await writeFileAtomic(path.join(tmp.path, `${'m'.repeat(251)}.png`), Buffer.from('label'), { replace: false }), 'written');
    assert.equal(readFileSync(target, 'utf8'), 'label');
    assert.equal(readdirSync(tmp.path).length, 2);
    assert.ok(Buffer.byteLength(tempFileName(4194304)) <= 40, tempFileName(4194304));
  });

  it('lets the write in progress finish before the process exits, and starts no new one', async () => {
    // Exiting at once raced the write's open in libuv's thread pool against the exit hook's removal of the temp
    // file, so a killed host could leave one behind; now the label is completed and nothing else is left.
    const script = await bundleScript(path.join('test', 'unit', 'exitingWriter.ts'), 'exitingWriter.js');
    const [target, late, size] = [path.join(tmp.path, 'big.png'), path.join(tmp.path, 'late.png'), 16 << 20];
    const run = spawnSync(process.execPath, [script, target, late, String(size)], { encoding: 'utf8' });
    assert.equal(run.status, 3, run.stderr);
    assert.equal(run.stdout, `late write: Not writing ${late}: SegNetr is exiting.\n`);
    assert.equal(statSync(target).size, size);
    assert.deepEqual(readdirSync(tmp.path), ['big.png']);
  });

  it('keeps one exit hook per process however many bundles carry the module, and they share the writes', async () => {
    // Each test file (and, in principle, each of several bundles in one process) carries its own copy: a hook
    // per copy made Node warn of a listener leak, and a copy that did not see another's writes could not wait
    // for them before exiting.
    const copyPath = await bundleScript(path.join('src', 'core', 'atomicWrite.ts'), 'atomicWriteCopy.js');
    const hooks = process.listenerCount('exit');
    const copy = createRequire(__filename)(copyPath) as typeof import('../../src/core/atomicWrite');
    assert.notEqual(copy.writeFileAtomic, writeFileAtomic);
    assert.equal(process.listenerCount('exit'), hooks);
    const target = path.join(tmp.path, 'copy.png');
    const registry = (globalThis as Record<symbol, { inFlight: Map<string, unknown> } | undefined>)[Symbol.for('segnetr.atomicWrite.registry')];
    const write = copy.writeFileAtomic(target, Buffer.from('label'));
    assert.equal(registry?.inFlight.size, 1);
    assert.equal(await write, 'written');
    assert.equal(registry?.inFlight.size, 0);
    assert.deepEqual(readdirSync(tmp.path), ['copy.png']);
  });

  it('cleans up its temp file when the write fails', async () => {
    await assert.rejects(writeFileAtomic(path.join(tmp.path, 'missing-dir', 'a.png'), Buffer.from('x')));
    assert.deepEqual(readdirSync(tmp.path), []);
  });

  it('removes the temp files of one process, or the abandoned ones, and nothing else', async () => {
    const dead = deadPid();
    const names = {
      deadHere: tempFileName(dead, '0a1b'),
      liveHere: tempFileName(process.pid, '0a1c'),
      otherHostFresh: `.segnetr-tmp.0ther0ne.${dead}.0a1d`,
      label: 'x.png',
    };
    for (const n of Object.values(names)) writeFileSync(path.join(tmp.path, n), '');
    assert.ok(isTempFileName(names.deadHere) && !isTempFileName(names.label));

    assert.equal(await removeTempFiles(tmp.path, { abandoned: true }), 1);
    assert.deepEqual(readdirSync(tmp.path).sort(), [names.otherHostFresh, names.liveHere, names.label].sort());

    assert.equal(await removeTempFiles(tmp.path, { pid: process.pid }), 1);
    assert.deepEqual(readdirSync(tmp.path).sort(), [names.otherHostFresh, names.label].sort());
    assert.equal(await removeTempFiles(path.join(tmp.path, 'absent'), { abandoned: true }), 0);
  });
});

describe('writing a set of files that belong together', () => {
  const tmp = useTempDir('atomic-set');

  it('writes every file, or leaves the earlier set as it was; no temp file stays behind', async () => {
    const dir = tmp.path;
    const [a, b] = [path.join(dir, 'evaluation.json'), path.join(dir, 'evaluation.csv')];
    await writeFilesAtomically([{ path: a, data: Buffer.from('new json') }, { path: b, data: Buffer.from('new csv') }]);
    assert.deepEqual([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')], ['new json', 'new csv']);

    // The second file's folder does not exist: its write fails after the first file's temp was written.
    const missing = path.join(dir, 'no-such-folder', 'x.csv');
    await assert.rejects(writeFilesAtomically([{ path: a, data: Buffer.from('newer json') }, { path: missing, data: Buffer.from('x') }]),
      (error: unknown) => error instanceof FileSetWriteError && error.file === missing);
    assert.equal(readFileSync(a, 'utf8'), 'new json', 'the first file was not replaced');

    // A target that is a folder is refused before anything is written.
    const folder = path.join(dir, 'a-folder.csv');
    mkdirSync(folder);
    await assert.rejects(writeFilesAtomically([{ path: a, data: Buffer.from('newer json') }, { path: folder, data: Buffer.from('x') }]),
      (error: unknown) => error instanceof FileSetWriteError && error.file === folder);
    assert.equal(readFileSync(a, 'utf8'), 'new json');
    assert.deepEqual(readdirSync(dir).filter(isTempFileName), [], 'no temp files left');
  });

  it('an evaluation report that cannot be written whole leaves the earlier report whole', async () => {
    const dir = path.join(tmp.path, 'report');
    await writeEvaluationReports(report([image('a.png', [1, 1, 0, 0], [1, 1, 0, 0])]), { dir });
    const before = readFileSync(path.join(dir, REPORT_FILES.json), 'utf8');
    const folder = path.join(tmp.path, 'taken.csv');
    mkdirSync(folder);
    await assert.rejects(writeEvaluationReports(report([image('b.png', [1, 0, 0, 0], [1, 1, 0, 0])]), { dir, csv: folder }), /Cannot write .*taken\.csv: it is a folder/);
    assert.equal(readFileSync(path.join(dir, REPORT_FILES.json), 'utf8'), before, 'the JSON of the earlier run stays');
  });
});
