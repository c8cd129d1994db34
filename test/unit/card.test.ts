import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { numberOfClasses, parseModelCard } from '../../src/model/card';
import { ModelError } from '../../src/model/errors';
import { cardPathFor, loadModel } from '../../src/model/modelFiles';
import { fixturesDir, useTempDir } from './tempDir';

const sigmoidCardPath = path.join(fixturesDir, 'tiny-segnetr.json');
const softmaxCardPath = path.join(fixturesDir, 'tiny-segnetr-softmax3.json');

function readCard(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function errorOf(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('model card', () => {
  it('accepts the sigmoid and softmax fixture cards', () => {
    const sigmoid = parseModelCard(readCard(sigmoidCardPath), sigmoidCardPath);
    assert.equal(sigmoid.output.activation, 'sigmoid');
    assert.equal(numberOfClasses(sigmoid.output), 2);
    const softmax = parseModelCard(readCard(softmaxCardPath), softmaxCardPath);
    assert.equal(numberOfClasses(softmax.output), 3);
  });

  it('accepts the schema agreed with training, without the optional training and metrics', () => {
    const card = readCard(sigmoidCardPath);
    card['training'] = { data: 'isic2017/train', split: 'train', command: 'python -m training.train' };
    card['metrics'] = { split: 'val', images: 150, dice: 0.86, iou: 0.77, precision: 0.9, recall: 0.88 };
    assert.doesNotThrow(() => parseModelCard(card, 'with-extras.json'));
    delete card['training'];
    delete card['metrics'];
    assert.doesNotThrow(() => parseModelCard(card, 'without-extras.json'));
  });

  it('names the file and the missing field', () => {
    const card = readCard(sigmoidCardPath);
    const input = card['input'] as Record<string, unknown>;
    delete input['mean'];
    const error = errorOf(() => parseModelCard(card, '/models/m.json'));
    assert.match(error.message, /\/models\/m\.json/);
    assert.match(error.message, /field "input\.mean": missing/);
  });

  it('explains an inconsistent output and class list', () => {
    const card = readCard(sigmoidCardPath);
    card['output'] = { activation: 'sigmoid', channels: 2, threshold: 0.5 };
    assert.match(errorOf(() => parseModelCard(card, 'm.json')).message, /field "output\.channels": a sigmoid model has exactly 1 output channel/);

    const softmax = readCard(softmaxCardPath);
    softmax['classes'] = (softmax['classes'] as unknown[]).slice(0, 2);
    assert.match(errorOf(() => parseModelCard(softmax, 'm.json')).message, /field "classes": expected 3 entries for a softmax model/);
  });

  it('rejects bad colours, class order and checksum format, listing each field', () => {
    const card = readCard(sigmoidCardPath);
    const classes = card['classes'] as Array<Record<string, unknown>>;
    classes[1]!['color'] = 'red';
    (card['onnx'] as Record<string, unknown>)['sha256'] = 'abc';
    const message = errorOf(() => parseModelCard(card, 'm.json')).message;
    assert.match(message, /field "classes\[1\]\.color": expected a colour like "#ff4d4d"/);
    assert.match(message, /field "onnx\.sha256": expected 64 hex digits/);

    const swapped = readCard(sigmoidCardPath);
    const list = swapped['classes'] as Array<Record<string, unknown>>;
    swapped['classes'] = [list[1], list[0]];
    assert.match(errorOf(() => parseModelCard(swapped, 'm.json')).message, /field "classes\[0\]\.index": expected 0/);
  });

  it('accepts the metrics training/export.py writes (size groups nested in bySize), and refuses deeper nesting', () => {
    const card = readCard(sigmoidCardPath);
    card['metrics'] = {
      split: 'val',
      images: 150,
      dice: 0.82,
      threshold: 0.45,
      bySize: { note: "Dice by the true lesion's share of the image", atMost40Percent: { images: 131, dice: 0.83 }, over40Percent: { images: 19, dice: 0.75 } },
      areaRatio: 0.86,
      evaluatedWith: 'python3 -m training.evaluate ...',
    };
    assert.doesNotThrow(() => parseModelCard(card, 'exported.json'));
    card['metrics'] = { a: { b: { c: { d: 1 } } } };
    assert.match(errorOf(() => parseModelCard(card, 'deep.json')).message, /field "metrics\.a/);
  });

  it('accepts null for the informational training and metrics fields', () => {
    const card = readCard(sigmoidCardPath);
    card['training'] = { data: 'isic2017', split: 'train', command: null };
    card['metrics'] = null;
    assert.doesNotThrow(() => parseModelCard(card, 'm.json'));
  });

  it('says "missing" for an absent schemaVersion and output.channels', () => {
    const card = readCard(sigmoidCardPath);
    delete card['schemaVersion'];
    delete (card['output'] as Record<string, unknown>)['channels'];
    const message = errorOf(() => parseModelCard(card, 'm.json')).message;
    assert.match(message, /field "schemaVersion": missing/);
    assert.match(message, /field "output\.channels": missing/);
  });

  it('rejects a newer schema version', () => {
    const card = readCard(sigmoidCardPath);
    card['schemaVersion'] = 2;
    assert.match(errorOf(() => parseModelCard(card, 'm.json')).message, /field "schemaVersion": only schemaVersion 1 is supported/);
  });
});

describe('model files on disk', () => {
  const tmp = useTempDir('model');

  function copyFixtureModel(): string {
    const onnx = path.join(tmp.path, 'm.onnx');
    copyFileSync(path.join(fixturesDir, 'tiny-segnetr.onnx'), onnx);
    copyFileSync(sigmoidCardPath, cardPathFor(onnx));
    return onnx;
  }

  it('finds the card beside the model and checks the checksum', async () => {
    const onnx = copyFixtureModel();
    const model = await loadModel(onnx);
    assert.equal(model.cardPath, path.join(tmp.path, 'm.json'));
    assert.equal(model.card.name, 'tiny-segnetr');
    assert.match(model.sha256, /^[0-9a-f]{64}$/);
  });

  it('refuses a model whose bytes differ from the card, naming both files', async () => {
    const onnx = copyFixtureModel();
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(onnx, bytes);
    await assert.rejects(loadModel(onnx), (error: Error) => {
      assert.ok(error instanceof ModelError);
      assert.match(error.message, /does not match its card .*m\.json: the card's onnx\.sha256 is [0-9a-f]{64}, the file's is [0-9a-f]{64}/);
      return true;
    });
  });

  it('says when the card is missing or not JSON', async () => {
    const onnx = path.join(tmp.path, 'lonely.onnx');
    copyFileSync(path.join(fixturesDir, 'tiny-segnetr.onnx'), onnx);
    await assert.rejects(loadModel(onnx), /Cannot read the model card .*lonely\.json .*no such file/);
    writeFileSync(path.join(tmp.path, 'lonely.json'), '{ not json');
    await assert.rejects(loadModel(onnx), /Invalid model card .*lonely\.json: not valid JSON/);
    await assert.rejects(loadModel(path.join(tmp.path, 'missing.onnx')), /Cannot read model .*missing\.onnx: no such file/);
  });

  it('refuses at once a model or card that is a named pipe or a device, instead of waiting or reading forever', async () => {
    const pipe = path.join(tmp.path, 'pipe.onnx');
    execFileSync('mkfifo', [pipe]);
    copyFileSync(sigmoidCardPath, cardPathFor(pipe));
    await assert.rejects(loadModel(pipe), /^ModelError: Cannot read model .*pipe\.onnx: not a regular file \(a named pipe\)$/);
    const zeros = path.join(tmp.path, 'zeros.onnx');
    symlinkSync('/dev/zero', zeros);
    copyFileSync(sigmoidCardPath, cardPathFor(zeros));
    await assert.rejects(loadModel(zeros), /Cannot read model .*zeros\.onnx: not a regular file \(a character device/);
    const onnx = copyFixtureModel();
    rmSync(cardPathFor(onnx));
    execFileSync('mkfifo', [cardPathFor(onnx)]);
    await assert.rejects(loadModel(onnx), /Cannot read the model card .*m\.json .*: not a regular file \(a named pipe\)/);
  });
});
