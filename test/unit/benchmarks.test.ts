// The benchmarks the README quotes must still run: each once, on a tiny input (their numbers are not checked
// here, only that they print them). A change that breaks one (saveBlocking did, when saves began refusing a label
// another program wrote) fails here instead of when someone next measures.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from './tempDir';

const ROOT = path.resolve(__dirname, '..', '..');
const VAL = path.resolve(ROOT, '..', 'shared', 'datasets', 'isic2017', 'val');

function bench(name: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench.mjs'), name, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `node scripts/bench.mjs ${name} ${args.join(' ')} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe('the README\'s benchmarks run', function () {
  this.timeout(240_000);
  const tmp = useTempDir('benchmarks');

  /** Three ISIC 2017 val images with their masks: a split the evaluation benchmarks read. */
  function smallSplit(): string {
    const split = path.join(tmp.path, 'val');
    for (const sub of ['images', 'masks']) mkdirSync(path.join(split, sub), { recursive: true });
    for (const n of ['0001', '0002', '0003']) {
      copyFileSync(path.join(VAL, 'images', `isic17_val_${n}.jpg`), path.join(split, 'images', `isic17_val_${n}.jpg`));
      copyFileSync(path.join(VAL, 'masks', `isic17_val_${n}.png`), path.join(split, 'masks', `isic17_val_${n}.png`));
    }
    return split;
  }

  it('saveBlocking prints a row for each way of saving and opening', () => {
    const out = bench('saveBlocking', '--sizes', '96x64', '--rounds', '1');
    for (const way of ['save, before (in place)', 'save, after (codec thread)', 'open, before (in place)', 'open, after (codec thread)', 'fill holes, before (in place)', 'fill holes, after (codec thread)', 'threshold, before (in place)', 'threshold, after (codec thread)', 'predict, before (in place)', 'predict, after (codec thread)']) {
      assert.equal(out.split('\n').filter((line) => line.startsWith('96x64') && line.includes(way)).length, 2, `${way} in\n${out}`);
    }
  });

  it('undoMemory prints the raw and packed history for each size', () => {
    assert.match(bench('undoMemory', '--sizes', '120x90', '--commits', '2'), /^120x90 +\| +[\d.]+ \| +[\d.]+ \| +\d+ \|/m);
  });

  it('evaluateSpeed and uncertainty run on a split', () => {
    const split = smallSplit();
    assert.match(bench('evaluateSpeed', '--data', split, '--rounds', '1'), /evaluation job \/ prediction only = \d/);
    assert.match(bench('uncertainty', '--data', split, '--top', '1'), /Dice < 0\.7: \d+ of 3 images/);
  });
});
