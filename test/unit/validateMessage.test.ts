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
import { randomSource } from './maskGrid';
import { pngHeaderOnly } from './pngBytes';
import { useTempDir } from './tempDir';

const WIDTH = 64;
const HEIGHT = 48;
const CLASSES = 3;
const LIMITS = { width: WIDTH, height: HEIGHT, classCount: CLASSES, maxPoints: DEFAULT_MAX_POINTS };

/** Values that are never a valid number for any field. */
const BAD_NUMBERS: readonly unknown[] = [NaN, Infinity, -Infinity, '3', null, undefined, {}, [], true, 1e308, -1e308, 2 ** 53 + 2];

function hostileMessages(count: number): unknown[] {
  const random = randomSource(8);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const badNumber = (): unknown => pick(BAD_NUMBERS);
  const outside = (): number => pick([-WIDTH * 3, WIDTH * 3, -1e9, 1e9]);
  const makers: (() => unknown)[] = [
    () => pick([null, undefined, 42, 'edit', [], true, () => 1]),
    () => ({ type: pick(['', 'Edit', 'save', 'eval', '__proto__', 'constructor', 7, null]) }),
    () => ({ type: 'edit', id: badNumber(), operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', id: -1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: pick([999, -1, 3, 1.5, 256, badNumber()]) } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'fill', x: pick([WIDTH, -1, 1e9, 0.5]), y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: [1, 1, outside(), 2], radius: 3, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: [1, 1, badNumber(), 2], radius: 3, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: [1, 1], radius: pick([0, -2, 1e9, 5000, badNumber()]), classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: [1, 1, 2], radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: new Array(2 * (DEFAULT_MAX_POINTS + 1)).fill(1), radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'stroke', points: 'all of them', radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'polygon', points: [0, 0, 10, 0], classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'polygon', points: [0, 0, outside(), 0, 5, 5], classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'removeIslands', minArea: pick([0, -5, WIDTH * HEIGHT + 1, 1e12, badNumber()]) } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'fillHoles', classIndex: pick([0, 999, badNumber()]) } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'keepLargest', classIndex: pick([0, 999, badNumber()]) } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'threshold', threshold: pick([-1, 256, 12.5, badNumber()]) } }),
    () => ({ type: 'edit', id: 1, operation: { kind: pick(['erase', 'rect', '', 'toString']), x: 0, y: 0 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1, evil: 'extra field' } }),
    () => ({ type: 'edit', id: 1, operation: pick([null, [], 'fill', 5]) }),
    () => ({ type: 'edit', id: 1 }),
    () => ({ type: 'review', decision: pick(['approve', 'ACCEPT', '', null, 1]) }),
    () => ({ type: 'navigate', direction: pick(['up', 'back', '', 0]) }),
    () => ({ type: 'loadFailed', what: pick(['label', 'mask', null]), detail: 'x' }),
    () => ({ type: 'loadFailed', what: 'image', detail: pick([null, 5, {}]) }),
    () => ({ type: 'ready', extra: 1 }),
    () => ({ type: 'predict', imagePath: '/etc/passwd' }),
    () => JSON.parse('{"type":"edit","id":1,"operation":{"kind":"fill","x":1,"y":1,"classIndex":1,"__proto__":{"polluted":true}}}') as unknown,
    () => {
      const trap: Record<string, unknown> = { type: 'edit', id: 1 };
      Object.defineProperty(trap, 'operation', { enumerable: true, get: () => { throw new Error('getter trap'); } });
      return trap;
    },
    () => new Proxy({}, { get: () => { throw new Error('proxy trap'); }, ownKeys: () => { throw new Error('proxy trap'); } }),
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]!());
}

describe('webview messages are validated before they touch the document', () => {
  const tmp = useTempDir('hostile');

  it('accepts each well-formed message as a fresh copy of its known fields', () => {
    const fill = { type: 'edit', id: 3, operation: { kind: 'fill', x: 2, y: 1, classIndex: 2 } };
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
    const doc = await MaskDocument.open({ imagePath, labelPath: path.join(labelsDir, 'x.png'), labelsDir }, { classCount: CLASSES });
    doc.apply({ kind: 'stroke', points: [10, 10, 40, 30], radius: 4, classIndex: 1 }); // a mask worth protecting
    const hash = (): string => createHash('sha256').update(doc.raster.data).digest('hex');
    const before = hash();
    const dirtyBefore = doc.isDirty;

    const messages = hostileMessages(1000);
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
