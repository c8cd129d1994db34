import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelError } from '../../src/model/errors';
import { loadModel } from '../../src/model/modelFiles';
import { ModelSession } from '../../src/model/session';
import { useTempDir } from '../unit/tempDir';
import { fixtures, sigmoidModel } from './workerSetup';

describe('model session (onnxruntime-node in this process)', function () {
  this.timeout(30_000);
  const tmp = useTempDir('session');

  /** The sigmoid fixture model with its card edited by `edit` (the .onnx, hence the checksum, unchanged). */
  function modelWithCard(edit: (card: Record<string, Record<string, unknown>>) => void): string {
    const onnx = path.join(tmp.path, 'edited.onnx');
    copyFileSync(sigmoidModel, onnx);
    const card = JSON.parse(readFileSync(path.join(fixtures, 'tiny-segnetr.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    edit(card);
    writeFileSync(path.join(tmp.path, 'edited.json'), JSON.stringify(card));
    return onnx;
  }

  it('runs a batch: each image gives the same logits as when run alone', async () => {
    const session = await ModelSession.open(await loadModel(sigmoidModel), 1);
    try {
      const size = 3 * 64 * 64;
      const batch = new Float32Array(2 * size);
      for (let i = 0; i < batch.length; i++) batch[i] = Math.sin(i * 0.37) * 2;
      const both = await session.run(batch, 2);
      assert.deepEqual([both.count, both.channels, both.height, both.width], [2, 1, 64, 64]);
      const second = await session.run(batch.slice(size), 1);
      const plane = 64 * 64;
      for (let i = 0; i < plane; i += 97) assert.ok(Math.abs(both.data[plane + i]! - second.data[i]!) < 1e-5);
    } finally {
      await session.release();
    }
  });

  it('refuses a card whose input or output name is not in the graph, listing the graph names', async () => {
    const wrongInput = modelWithCard((c) => (c['onnx']!['inputName'] = 'pixels'));
    await assert.rejects(ModelSession.open(await loadModel(wrongInput), 1), (e: Error) => {
      assert.ok(e instanceof ModelError);
      assert.match(e.message, /edited\.onnx does not match its card .*edited\.json: the card's onnx\.inputName is "pixels", the graph's inputs are "image"/);
      return true;
    });
    const wrongOutput = modelWithCard((c) => (c['onnx']!['outputName'] = 'probabilities'));
    await assert.rejects(ModelSession.open(await loadModel(wrongOutput), 1), /the card's onnx\.outputName is "probabilities", the graph's outputs are "logits"/);
  });

  it('refuses a card whose channel count disagrees with the graph output', async () => {
    const softmaxCard = modelWithCard((c) => {
      c['output'] = { activation: 'softmax', channels: 3 };
      (c as Record<string, unknown>)['classes'] = [
        { index: 0, name: 'a', color: '#000000' },
        { index: 1, name: 'b', color: '#111111' },
        { index: 2, name: 'c', color: '#222222' },
      ];
    });
    await assert.rejects(ModelSession.open(await loadModel(softmaxCard), 1), /output "logits" is float32 \[N, 1, H, W\], expected float32 \[N, 3, H, W\]/);
  });
});

describe('the bundled model (media/models)', function () {
  this.timeout(30_000);

  it('passes its card check (checksum, names, shapes) and runs on a 256 x 256 input', async function () {
    const bundled = path.join(process.cwd(), 'media', 'models', 'segnetr-isic2017.onnx');
    assert.ok(existsSync(bundled), `the bundled model ${bundled} is missing (the extension and CLI default to it)`);
    const model = await loadModel(bundled);
    const session = await ModelSession.open(model, 1);
    try {
      const { height, width } = model.card.input;
      const logits = await session.run(new Float32Array(3 * height * width), 1);
      assert.deepEqual([logits.count, logits.channels, logits.height, logits.width], [1, model.card.output.channels, height, width]);
      assert.ok(logits.data.every(Number.isFinite));
    } finally {
      await session.release();
    }
  });
});
