// Messages from the mask editor's webview are untrusted. 1,000 malformed or hostile ones (wrong types, class 999,
// rectangles and points outside the image, NaN, huge sizes, extra fields, prototype tricks, throwing getters)
// are all refused without an exception, and the document they were aimed at, and the disk, stay as they were.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MaskDocument } from '../../src/editor/maskDocument';
import { isMessageError, parseWebviewMessage } from '../../src/editor/validateMessage';
import { DEFAULT_MAX_POINTS } from '../../src/mask/validate';
import { hostileMessages } from './hostileMessages';
import { inPlaceCodec } from './inPlaceCodec';
import { pngHeaderOnly } from './pngBytes';
import { useTempDir } from './tempDir';

const WIDTH = 64;
const HEIGHT = 48;
const CLASSES = 3;
const LIMITS = { width: WIDTH, height: HEIGHT, classCount: CLASSES, maxPoints: DEFAULT_MAX_POINTS };

describe('webview messages are validated before they touch the document', () => {
  const tmp = useTempDir('hostile');

  it('accepts each well-formed message as a fresh copy of its known fields', () => {
    const fill = { type: 'edit', id: 3, operation: { kind: 'fill', x: 2, y: 1, classIndex: 2 }, seen: 7 };
    const parsed = parseWebviewMessage(fill, LIMITS);
    assert.deepEqual(parsed, fill);
    assert.notEqual((parsed as { operation: unknown }).operation, fill.operation, 'a copy, not the page\'s object');
    for (const m of [{ type: 'ready' }, { type: 'predict' }, { type: 'loadProbability' }, { type: 'review', decision: 'reject' }, { type: 'navigate', direction: 'previous' }]) {
      assert.deepEqual(parseWebviewMessage(m, LIMITS), m);
    }
    assert.deepEqual(parseWebviewMessage({ type: 'loadFailed', what: 'image', detail: 'x'.repeat(2000) }, LIMITS), { type: 'loadFailed', what: 'image', detail: 'x'.repeat(500) });
  });

  it('refuses 1,000 malformed or hostile messages: no exception, no change to the document, nothing written', async () => {
    const images = path.join(tmp.path, 'images');
    const labelsDir = path.join(tmp.path, 'masks');
    mkdirSync(images);
    mkdirSync(labelsDir);
    const imagePath = path.join(images, 'x.png');
    writeFileSync(imagePath, pngHeaderOnly(WIDTH, HEIGHT));
    const doc = await MaskDocument.open({ imagePath, labelPath: path.join(labelsDir, 'x.png'), labelsDir }, { classCount: CLASSES, codec: inPlaceCodec() });
    doc.apply({ kind: 'stroke', points: [10, 10, 40, 30], radius: 4, classIndex: 1 }); // a mask worth protecting
    const hash = (): string => createHash('sha256').update(doc.raster.data).digest('hex');
    const before = hash();
    const dirtyBefore = doc.isDirty;

    const messages = hostileMessages(1000, LIMITS);
    let refused = 0;
    for (const [i, message] of messages.entries()) {
      const result = parseWebviewMessage(message, LIMITS); // throwing fails the test
      if (isMessageError(result)) {
        refused++;
        assert.equal(typeof result.error, 'string');
        continue;
      }
      // Anything that got through must be an edit the document can apply safely; none of these should get through.
      assert.fail(`message ${i} was accepted: ${JSON.stringify(result)}`);
    }
    assert.equal(refused, 1000);
    assert.equal(hash(), before, 'the document is unchanged');
    assert.equal(doc.isDirty, dirtyBefore);
    assert.deepEqual(readdirSync(labelsDir), [], 'nothing was written');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
  });
});
