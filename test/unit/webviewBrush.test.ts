import * as assert from 'node:assert/strict';
import { paintSegment, snapBrushPoint } from '../../src/mask/brush';
import { applyOperation } from '../../src/mask/operations';
import { createRaster } from '../../src/mask/raster';
import { brushRadius, footprintOutline, stepBrushSize } from '../../src/webview/brushFootprint';
import { PolygonDraft } from '../../src/webview/polygonDraft';
import { isParseError, parseMaskOperation } from '../../src/mask/validate';
import { StrokeSession } from '../../src/webview/strokeSession';
import { assertGrid, randomSource } from './maskGrid';

/** Area of a closed polygon (shoelace). */
function area(points: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < points.length; i += 2) {
    const j = (i + 2) % points.length;
    sum += points[i]! * points[j + 1]! - points[j]! * points[i + 1]!;
  }
  return Math.abs(sum) / 2;
}

describe('webview: brush outline', () => {
  it('size 1 is the one pixel around its centre', () => {
    assert.deepEqual(Array.from(footprintOutline(1)), [0.5, -0.5, 0.5, 0.5, -0.5, 0.5, -0.5, -0.5]);
  });

  it('size 4 (corner-centred, radius 2) is a 4 x 4 block without its corners: a staircase of 4 rows', () => {
    // Rows of pixel centres at dy = -1.5, -0.5, 0.5, 1.5 reach |dx| <= 0.5, 1.5, 1.5, 0.5.
    assert.deepEqual(Array.from(footprintOutline(4)), [
      1, -2, 1, -1, 2, -1, 2, 0, 2, 0, 2, 1, 1, 1, 1, 2,
      -1, 2, -1, 1, -2, 1, -2, 0, -2, 0, -2, -1, -1, -1, -1, -2,
    ]);
    assert.equal(area(footprintOutline(4)), 12);
  });

  it('encloses exactly the pixels the mask module paints, for every size up to 40', () => {
    for (let size = 1; size <= 40; size++) {
      const r = createRaster(64, 64);
      const radius = brushRadius(size);
      const c = snapBrushPoint(32.3, radius);
      paintSegment(r, c, c, c, c, radius, 1);
      const painted = r.data.reduce((n, v) => n + v, 0);
      assert.equal(area(footprintOutline(size)), painted, `size ${size}`);
    }
  });

  it('steps through the size table in both directions and stops at the ends', () => {
    assert.equal(stepBrushSize(16, 1), 20);
    assert.equal(stepBrushSize(16, -1), 12);
    assert.equal(stepBrushSize(17, -1), 16);
    assert.equal(stepBrushSize(1, -1), 1);
    assert.equal(stepBrushSize(2048, 1), 2048);
  });
});

describe('webview: stroke session', () => {
  it('a 1 px stroke paints the snapped pixels and reports one operation with the painted points', () => {
    const r = createRaster(6, 3);
    const changes: number[][] = [];
    const stroke = new StrokeSession((...rect) => changes.push(rect));
    stroke.begin(r, 0.9, 1.2, 0.5, 2);
    stroke.moveTo(r, 2.2, 1.7);
    stroke.moveTo(r, 4.6, 1.1); // coalesced: only the latest position is painted at the next frame
    stroke.flush(r);
    assertGrid(r, ['......', '22222.', '......']);
    assert.deepEqual(changes, [[0, 1, 1, 2], [1, 1, 5, 2]]);
    const op = stroke.finish(r);
    assert.deepEqual(op, { kind: 'stroke', points: [0.5, 1.5, 4.5, 1.5], radius: 0.5, classIndex: 2 });
    assert.equal(stroke.active, false);
  });

  it('a stroke that changes nothing is not sent', () => {
    const r = createRaster(4, 4, 1);
    const stroke = new StrokeSession(() => {});
    stroke.begin(r, 1, 1, 1.5, 1);
    stroke.moveTo(r, 3, 3);
    assert.equal(stroke.finish(r), undefined);
  });

  it('painting incrementally gives exactly what the host gets from applying the sent operation', () => {
    const random = randomSource(7);
    for (let trial = 0; trial < 20; trial++) {
      const here = createRaster(80, 60);
      const stroke = new StrokeSession(() => {});
      const radius = brushRadius(1 + Math.floor(random() * 12));
      stroke.begin(here, random() * 80, random() * 60, radius, 1);
      for (let i = 0; i < 15; i++) {
        stroke.moveTo(here, random() * 100 - 10, random() * 80 - 10);
        if (random() < 0.7) stroke.flush(here);
      }
      const op = stroke.finish(here)!;
      const host = createRaster(80, 60);
      applyOperation(host, op);
      assert.deepEqual(here.data, host.data, `trial ${trial}`);
    }
  });

  it('replay repaints the stroke so far after a host patch replaced pixels under it', () => {
    const r = createRaster(5, 1);
    const stroke = new StrokeSession(() => {});
    stroke.begin(r, 0.5, 0.5, 0.5, 1);
    stroke.moveTo(r, 2.5, 0.5);
    stroke.flush(r);
    r.data.fill(3);
    stroke.replay(r);
    assert.deepEqual(Array.from(r.data), [1, 1, 1, 3, 3]);
  });
});

describe('webview: polygon draft', () => {
  it('closes into a polygon operation without repeated vertices, kept where clicked up to the host\'s margin', () => {
    const draft = new PolygonDraft();
    draft.start(2);
    draft.add(-5, 1, 10, 10);
    draft.add(4, 1, 10, 10);
    draft.add(4, 1, 10, 10);
    draft.add(4, 12, 10, 10);
    draft.add(35, -40, 10, 10); // beyond the margin (one image size): clamped to it
    draft.add(-5, 1, 10, 10);
    assert.equal(draft.closable, true);
    const polygon = draft.close();
    assert.deepEqual(polygon, { kind: 'polygon', points: [-5, 1, 4, 1, 4, 12, 20, -10], classIndex: 2 });
    assert.equal(draft.active, false);
    // The host accepts what the draft sends, and fills the pixels of the polygon as clicked.
    assert.ok(!isParseError(parseMaskOperation(polygon, { width: 10, height: 10, classCount: 3, maxPoints: 100 })));
  });

  it('fewer than three distinct vertices give nothing', () => {
    const draft = new PolygonDraft();
    draft.start(1);
    draft.add(1, 1, 10, 10);
    draft.add(1, 1, 10, 10);
    draft.add(2, 2, 10, 10);
    assert.equal(draft.close(), undefined);
  });
});
