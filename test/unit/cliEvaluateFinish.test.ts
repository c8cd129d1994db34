// What `segnetr evaluate` writes once the job ends: after an interrupt, nothing (a partial report must not replace
// a complete one); otherwise the files asked for.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { finishEvaluate } from '../../src/cli/evaluate';
import type { EvaluateCommand } from '../../src/cli/evaluateArgs';
import { writeEvaluationReports } from '../../src/core/evaluationReport';
import { image, report } from './evaluationFixtures';
import { useTempDir } from './tempDir';

/** Runs `body` with stdout and stderr captured (the CLI prints the summary and what it wrote). */
async function captured<T>(body: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [writeOut, writeErr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    return { result: await body(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

describe('segnetr evaluate: the files written at the end', () => {
  const tmp = useTempDir('cli-evaluate-finish');
  const complete = report([image('a.png', [1, 1, 0, 0], [1, 1, 0, 0]), image('b.png', [0, 1, 1, 0], [0, 1, 1, 0])]);
  const command = (reportDir: string, csv: string): EvaluateCommand => ({
    kind: 'evaluate', imagesDir: '/data/images', gtDir: '/data/masks', predDir: undefined, modelPath: undefined, json: undefined, csv, reportDir, threads: 1,
  });

  it('after an interrupt, prints the summary so far and leaves an earlier complete report as it was', async () => {
    const dir = path.join(tmp.path, 'report');
    const csv = path.join(tmp.path, 'all.csv');
    await writeEvaluationReports(complete, { dir, csv });
    const before = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)));
    const partial = { ...report([image('a.png', [1, 1, 0, 0], [1, 1, 0, 0])]), cancelled: true };
    const { result, stdout, stderr } = await captured(() => finishEvaluate(command(dir, csv), partial));
    assert.equal(result, 130);
    assert.match(stdout, /Scored 1 image\(s\), 1 failed \(interrupted\)/);
    assert.match(stderr, /interrupted after 2 image\(s\); no report was written/);
    assert.deepEqual(readdirSync(dir).map((f) => readFileSync(path.join(dir, f))), before);
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 4, 'the complete CSV: header, 2 images, 1 failed');
  });

  it('a report file that cannot be written after all still leaves the results on stdout (exit 2)', async () => {
    const blocker = path.join(tmp.path, 'a-file');
    writeFileSync(blocker, 'in the way');
    const { result, stdout, stderr } = await captured(() => finishEvaluate(command(path.join(tmp.path, 'r0'), path.join(blocker, 'all.csv')), complete));
    assert.equal(result, 2);
    assert.match(stdout, /Scored 2 image\(s\), 1 failed/);
    assert.match(stderr, /Cannot write .*a-file\/all\.csv: a file is where a folder of that path should be\./);
  });

  it('a complete run writes every file asked for and exits 1 when an image failed', async () => {
    const dir = path.join(tmp.path, 'report');
    const csv = path.join(tmp.path, 'all.csv');
    const { result, stderr } = await captured(() => finishEvaluate(command(dir, csv), complete));
    assert.equal(result, 1);
    assert.deepEqual(readdirSync(dir).sort(), ['dice-histogram.png', 'evaluation.csv', 'evaluation.json', 'evaluation.md']);
    assert.match(stderr, /\/data\/images\/broken\.png: empty file \(0 bytes\)/);
    assert.match(stderr, new RegExp(`wrote ${csv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('prints file names in the summary with control characters escaped, and no table of zeros when nothing was scored', async () => {
    const hostile = report([image('nl\nname\u001b[31m.png', [1, 0], [1, 0])]);
    const { stdout } = await captured(() => finishEvaluate(command(path.join(tmp.path, 'r1'), path.join(tmp.path, 'r1.csv')), hostile));
    assert.match(stdout, /worst by Dice: nl\\nname\\x1b\[31m\.png 1\.0000\n/);
    assert.ok(!stdout.includes('\u001b'));
    const none = report([]);
    const { stdout: empty } = await captured(() => finishEvaluate(command(path.join(tmp.path, 'r2'), path.join(tmp.path, 'r2.csv')), none));
    assert.equal(empty, 'Scored 0 image(s), 1 failed.\n  No image was scored, so there are no means or medians to show.\n');
    assert.match(readFileSync(path.join(tmp.path, 'r2', 'evaluation.md'), 'utf8'), /## Summary \(over images\)\n\nNo image was scored/);
  });
});
