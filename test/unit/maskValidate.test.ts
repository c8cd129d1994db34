import * as assert from 'node:assert/strict';
import { applyOperation, applyPatchSide } from '../../src/mask/operations';
import { cloneRaster, createRaster } from '../../src/mask/raster';
import type { MaskOperation } from '../../src/mask/types';
import { MAX_BRUSH_RADIUS, isParseError, operationRowWork, parseMaskOperation } from '../../src/mask/validate';
import { CODEC_THREAD_ROW_WORK, pagePaintsFirst, runsOnCodecThread } from '../../src/mask/wholeImage';
import { randomSource } from './maskGrid';

const FIELDS: Record<string, readonly string[]> = {
  stroke: ['points', 'radius', 'classIndex'],
  fill: ['x', 'y', 'classIndex'],
  polygon: ['points', 'classIndex'],
  fillHoles: ['classIndex'],
  removeIslands: ['minArea'],
  keepLargest: ['classIndex'],
  threshold: ['threshold'],
};

const limits = { width: 40, height: 30, classCount: 3, maxPoints: 50 };

function errorOf(value: unknown): string {
  const result = parseMaskOperation(value, limits);
  assert.ok(isParseError(result), `expected an error for ${JSON.stringify(value)}, got ${JSON.stringify(result)}`);
  return result.error;
}

const fill: MaskOperation = { kind: 'fill', x: 1, y: 1, classIndex: 1 };

describe('mask: validating operations from the webview', () => {
  it('accepts each well-formed kind and returns a fresh copy with only the known fields', () => {
    const points = [1, 2, 3.5, 4.25];
    const ops: MaskOperation[] = [
      { kind: 'stroke', points, radius: 2.5, classIndex: 0 },
      { kind: 'fill', x: 39, y: 29, classIndex: 2 },
      { kind: 'polygon', points: [0, 0, 40, 0, 40, 30], classIndex: 1 },
      { kind: 'fillHoles', classIndex: 1 },
      { kind: 'removeIslands', minArea: 1200 },
      { kind: 'keepLargest', classIndex: 2 },
      { kind: 'threshold', threshold: 255 },
    ];
    for (const op of ops) assert.deepEqual(parseMaskOperation(op, limits), op);
    const parsed = parseMaskOperation({ kind: 'stroke', points, radius: 1, classIndex: 1 }, limits) as unknown as { points: number[] };
    assert.notEqual(parsed.points, points, 'points are copied, so a later change to the message cannot alter the edit');
  });

  it('names what is wrong', () => {
    assert.match(errorOf(null), /must be an object, got null/);
    assert.match(errorOf([1, 2]), /must be an object, got an array/);
    assert.match(errorOf({ kind: 'spray' }), /unknown operation kind "spray"/);
    assert.match(errorOf({ kind: 'fill', x: 1, y: 1, classIndex: 999 }), /classIndex must be an integer from 0 to 2, got 999/);
    assert.match(errorOf({ kind: 'fill', x: 1, y: 1, classIndex: 1.5 }), /classIndex must be an integer/);
    assert.match(errorOf({ kind: 'fill', x: 40, y: 1, classIndex: 1 }), /x must be an integer from 0 to 39, got 40/);
    assert.match(errorOf({ kind: 'fill', x: 1, y: 1, classIndex: 1, extra: true }), /unexpected field "extra"/);
    assert.match(errorOf({ kind: 'stroke', points: [1, 2], radius: 0, classIndex: 1 }), /radius must be a number above 0/);
    assert.match(errorOf({ kind: 'stroke', points: [1, 2], radius: MAX_BRUSH_RADIUS + 1, classIndex: 1 }), /at most 4096/);
    assert.match(errorOf({ kind: 'stroke', points: [1, 2], radius: Number.NaN, classIndex: 1 }), /radius must be a number/);
    assert.match(errorOf({ kind: 'stroke', points: [1, 2, 3], radius: 1, classIndex: 1 }), /x, y pairs, got 3 numbers/);
    assert.match(errorOf({ kind: 'stroke', points: [], radius: 1, classIndex: 1 }), /at least 1 point/);
    assert.match(errorOf({ kind: 'stroke', points: new Array(102).fill(1), radius: 1, classIndex: 1 }), /at most 50 points, got 51/);
    assert.match(errorOf({ kind: 'stroke', points: [1, Infinity], radius: 1, classIndex: 1 }), /points\[1\] must be a finite number/);
    assert.match(errorOf({ kind: 'stroke', points: [1, '2'], radius: 1, classIndex: 1 }), /points\[1\] must be a finite number, got "2"/);
    assert.match(errorOf({ kind: 'stroke', points: [1e6, 2], radius: 1, classIndex: 1 }), /too far outside the 40 x 30 image/);
    assert.match(errorOf({ kind: 'polygon', points: [1, 2, 3, 4], classIndex: 1 }), /at least 3 point/);
    assert.match(errorOf({ kind: 'fillHoles', classIndex: 0 }), /from 1 to 2, got 0/);
    assert.match(errorOf({ kind: 'keepLargest', classIndex: 3 }), /from 1 to 2, got 3/);
    assert.match(errorOf({ kind: 'removeIslands', minArea: 0 }), /minArea must be an integer from 1 to 1200/);
    assert.match(errorOf({ kind: 'removeIslands', minArea: 1201 }), /minArea/);
    assert.match(errorOf({ kind: 'threshold', threshold: 256 }), /threshold must be an integer from 0 to 255/);
    assert.match(errorOf({ kind: 'threshold', threshold: 0.5 }), /threshold must be an integer/);
  });

  it('refuses a stroke or polygon asking for more work than MAX_ROW_WORK (rows spanned, summed over segments)', () => {
    const tall = { width: 16384, height: 8192, classCount: 2, maxPoints: 100_000 };
    // 20,000 segments from top to bottom, each spanning all 8192 rows: 163,840,000 > 2^27.
    const zigzag = Array.from({ length: 20_001 }, (_, i) => [i % 2 === 0 ? 10 : 20, i % 2 === 0 ? 0 : 8192]).flat();
    const stroke = parseMaskOperation({ kind: 'stroke', points: zigzag, radius: 5, classIndex: 1 }, tall);
    assert.ok(isParseError(stroke) && /stroke too large: its segments span 16384\d* image rows in all, over the limit of 134217728/.test(stroke.error), JSON.stringify(stroke));
    const polygon = parseMaskOperation({ kind: 'polygon', points: zigzag.slice(0, 2 * 20_000), classIndex: 1 }, tall);
    assert.ok(isParseError(polygon) && /polygon too large/.test(polygon.error));
    // The same drag with a tenth of the points is fine.
    assert.ok(!isParseError(parseMaskOperation({ kind: 'stroke', points: zigzag.slice(0, 4002), radius: 5, classIndex: 1 }, tall)));
  });

  it('sends the whole-image edits, fills of large masks, and strokes and polygons of much work, to the codec thread; the rest stays on the host', () => {
    const [width, height] = [16384, 8192];
    const small: MaskOperation = { kind: 'stroke', points: [10, 10, 200, 300], radius: 20, classIndex: 1 };
    const huge: MaskOperation = { kind: 'stroke', points: Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? i : (i % 4 === 1 ? 0 : height))), radius: 2048, classIndex: 1 };
    const tallPolygon: MaskOperation = { kind: 'polygon', points: Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? i : (i % 4 === 1 ? 0 : height))), classIndex: 1 };
    assert.ok(operationRowWork(huge, height) > CODEC_THREAD_ROW_WORK && operationRowWork(small, height) < 400);
    assert.deepEqual(
      [small, huge, tallPolygon, fill, { kind: 'fillHoles', classIndex: 1 }, { kind: 'threshold', threshold: 9 }]
        .map((op) => runsOnCodecThread(op as MaskOperation, width, height)),
      [false, true, true, true, true, true],
    );
    // A small mask: a fill is the host's (at most a few ms); whole-image operations still go to the codec thread.
    assert.deepEqual([fill, { kind: 'keepLargest', classIndex: 1 }].map((op) => runsOnCodecThread(op as MaskOperation, 1024, 1024)), [false, true]);
  });

  it('the page paints first only what is quick; whatever it leaves to the host runs on the codec thread', () => {
    const tallPolygon: MaskOperation = { kind: 'polygon', points: Array.from({ length: 8000 }, (_, i) => (i % 2 === 0 ? i : (i % 4 === 1 ? 0 : 8192))), classIndex: 1 };
    const hugeStroke: MaskOperation = { kind: 'stroke', points: tallPolygon.points, radius: 4, classIndex: 1 };
    const operations: readonly MaskOperation[] = [
      { kind: 'stroke', points: [1, 1, 5, 5], radius: 2, classIndex: 1 }, hugeStroke,
      { kind: 'polygon', points: [1, 1, 50, 1, 50, 50], classIndex: 1 }, tallPolygon, fill,
      { kind: 'fillHoles', classIndex: 1 }, { kind: 'removeIslands', minArea: 5 }, { kind: 'keepLargest', classIndex: 1 }, { kind: 'threshold', threshold: 9 },
    ];
    const large = operations.map((op) => pagePaintsFirst(op, 16384, 8192));
    // Strokes are painted as they are drawn, whatever their size; a polygon of much work and every
    // whole-mask operation on a large mask wait for the host.
    assert.deepEqual(large, [true, true, true, false, false, false, false, false, false]);
    const small = operations.map((op) => pagePaintsFirst(op, 1024, 1024));
    assert.deepEqual(small, [true, true, true, false, true, true, true, true, true]);
    for (const [width, height] of [[16384, 8192], [1024, 1024], [1025, 1024]] as const) {
      for (const op of operations) {
        if (!pagePaintsFirst(op, width, height)) assert.ok(runsOnCodecThread(op, width, height), `${op.kind} at ${width} x ${height}`);
      }
    }
    assert.deepEqual([fill].map((op) => [pagePaintsFirst(op, 1025, 1024), runsOnCodecThread(op, 1025, 1024)]), [[false, true]]);
  });

  it('allows stroke points a little outside the image (a stroke dragged past the edge)', () => {
    assert.ok(!isParseError(parseMaskOperation({ kind: 'stroke', points: [-20, -10, 60, 35], radius: 3, classIndex: 1 }, limits)));
  });

  it('1,000 hostile values: never throws; each result is an error or an operation that applies and undoes cleanly', () => {
    const random = randomSource(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const weird: unknown[] = [
      Number.NaN, Infinity, -Infinity, -1, 0, 0.5, 1, 2, 3, 39, 40, 999, 1e308, -1e308, 2 ** 53, -0, '1', '', null, undefined,
      true, [], {}, [1, 2], { length: 2 }, Symbol('s'), () => 1, 10n, new Uint8Array(4), Object.create(null),
    ];
    const numberish = (): unknown => (random() < 0.5 ? random() * 80 - 20 : pick(weird));
    const pointsish = (): unknown => {
      const r = random();
      if (r < 0.1) return pick(weird);
      if (r < 0.15) return new Array(2 * 51).fill(1);
      if (r < 0.2) return [1, 2, 3];
      if (r < 0.25) return new Float64Array([1, 2, 3, 4, 5, 6]);
      const n = 2 * (1 + Math.floor(random() * 8));
      return Array.from({ length: n }, () => (random() < 0.05 ? pick(weird) : random() * 120 - 40));
    };
    const kinds = ['stroke', 'fill', 'polygon', 'fillHoles', 'removeIslands', 'keepLargest', 'threshold', 'erase', '', 'STROKE', '__proto__', 'constructor', 'toString'];
    const probability = Uint8Array.from({ length: 40 * 30 }, () => Math.floor(random() * 256));
    const base = createRaster(40, 30);
    for (let k = 0; k < base.data.length; k++) base.data[k] = random() < 0.4 ? 1 + Math.floor(random() * 2) : 0;
    let accepted = 0;
    const acceptedKinds = new Set<string>();
    for (let n = 0; n < 1000; n++) {
      let value: unknown;
      if (random() < 0.08) {
        value = pick(weird);
      } else {
        const kind = random() < 0.9 ? pick(kinds) : pick(weird);
        const record: Record<string, unknown> = { kind };
        const own = typeof kind === 'string' && Object.hasOwn(FIELDS, kind) ? FIELDS[kind]! : [];
        for (const field of ['points', 'radius', 'classIndex', 'x', 'y', 'minArea', 'threshold']) {
          if (random() >= (own.includes(field) ? 0.95 : 0.03)) continue;
          record[field] = field === 'points' ? pointsish() : random() < 0.4 ? Math.floor(random() * 5) - 1 : random() < 0.5 ? Math.floor(random() * 45) - 2 : numberish();
        }
        if (random() < 0.05) record.extra = 1;
        if (random() < 0.05) Object.defineProperty(record, 'classIndex', { enumerable: true, get: () => { throw new Error('getter'); } });
        value = random() < 0.05 ? JSON.parse(`{"__proto__": {"kind": "fill"}, "x": 1}`) : record;
      }
      let result;
      assert.doesNotThrow(() => { result = parseMaskOperation(value, limits); }, `value ${n}`);
      if (isParseError(result!)) {
        assert.equal(typeof result.error, 'string');
        continue;
      }
      accepted++;
      acceptedKinds.add(result!.kind);
      const raster = cloneRaster(base);
      const patch = applyOperation(raster, result!, { probability, predictedClasses: null });
      if (patch) applyPatchSide(raster, patch, 'before');
      assert.deepEqual(raster.data, base.data, `value ${n}: undo restores`);
    }
    assert.ok(accepted > 50 && accepted < 900, `a mix of accepted (${accepted}) and refused values`);
    assert.equal(acceptedKinds.size, 7, `every kind was accepted at least once: ${[...acceptedKinds].join(', ')}`);
  });
});
