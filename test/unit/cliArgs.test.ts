import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { UsageError, parseCommandLine, parseShard } from '../../src/cli/args';

describe('segnetr command line', () => {
  it('applies the documented defaults', () => {
    const c = parseCommandLine(['prelabel', 'data/images']);
    assert.deepEqual(c, {
      kind: 'prelabel',
      imagesDir: 'data/images',
      labelsDir: path.join('data', 'masks'),
      modelPath: undefined,
      format: 'index',
      overwrite: false,
      overwriteReviewed: false,
      shard: undefined,
      threads: 0,
      json: false,
    });
  });

  it('reads every option', () => {
    const c = parseCommandLine(['prelabel', 'imgs', '--out', 'o', '--model', 'm.onnx', '--format', 'binary255', '--overwrite', '--shard', '2/5', '--json', '--threads', '3']);
    assert.ok(c.kind === 'prelabel');
    assert.deepEqual([c.labelsDir, c.modelPath, c.format, c.overwrite, c.shard, c.json, c.threads], ['o', 'm.onnx', 'binary255', true, { index: 2, count: 5 }, true, 3]);
  });

  it('--overwrite-reviewed also replaces reviewed labels and implies --overwrite', () => {
    const plain = parseCommandLine(['prelabel', 'imgs', '--overwrite']);
    assert.ok(plain.kind === 'prelabel');
    assert.deepEqual([plain.overwrite, plain.overwriteReviewed], [true, false]);
    const reviewed = parseCommandLine(['prelabel', 'imgs', '--overwrite-reviewed']);
    assert.ok(reviewed.kind === 'prelabel');
    assert.deepEqual([reviewed.overwrite, reviewed.overwriteReviewed], [true, true]);
  });

  it('answers help', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine([]), { kind: 'help' });
  });

  it('rejects bad usage with a UsageError that says what is wrong', () => {
    assert.throws(() => parseCommandLine(['label', 'x']), /Unknown command "label"/);
    assert.throws(() => parseCommandLine(['prelabel']), /Missing <imagesDir>/);
    assert.throws(() => parseCommandLine(['prelabel', 'x', '--format', 'rgb']), /--format must be index or binary255/);
    assert.throws(() => parseCommandLine(['prelabel', 'x', '--threads', 'many']), /--threads expects a whole number/);
    assert.throws(() => parseCommandLine(['prelabel', 'x', '--nope']), UsageError);
    assert.throws(() => parseShard('3/3'), /0 <= I < N/);
    assert.throws(() => parseShard('1-3'), /--shard expects I\/N/);
    assert.deepEqual(parseShard(' 0/1 '), { index: 0, count: 1 });
  });
});
