import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { inferenceThreadCount } from '../../src/core/defaults';
import { labelsDirFor } from '../../src/core/labelPaths';

describe('core defaults', () => {
  it('threads: 0 is one per CPU, at most 4', () => {
    assert.equal(inferenceThreadCount(0, 2), 2);
    assert.equal(inferenceThreadCount(0, 16), 4);
    assert.equal(inferenceThreadCount(0, 0), 1);
  });

  it('threads: a request is clamped to the CPUs (512 on 2 CPUs runs 2)', () => {
    assert.equal(inferenceThreadCount(512, 2), 2);
    assert.equal(inferenceThreadCount(3, 8), 3);
    assert.equal(inferenceThreadCount(-1, 8), 4);
    assert.equal(inferenceThreadCount(1.5, 8), 4);
  });

  it('labels folder: ../masks beside the images folder unless set; blank means default', () => {
    assert.equal(labelsDirFor('/data/images'), path.join('/data', 'masks'));
    assert.equal(labelsDirFor('/data/images', '  '), path.join('/data', 'masks'));
    assert.equal(labelsDirFor('/data/images', 'labels'), path.join('/data/images', 'labels'));
    assert.equal(labelsDirFor('data/images'), path.join('data', 'masks'));
  });
});
