import * as assert from 'node:assert/strict';
import { paintSegment, paintStroke, segmentBounds, snapBrushPoint, strokeBounds } from '../../src/mask/brush';
import { createRaster } from '../../src/mask/raster';
import { assertGrid, grid, randomSource } from './maskGrid';

describe('mask: round brush (paintSegment)', () => {
  it('a disc of radius 3.5 at a pixel centre is the 7 x 7 digital disc', () => {
    const r = createRaster(7, 7);
    const changed = paintSegment(r, 3.5, 3.5, 3.5, 3.5, 3.5, 1);
    // (dx, dy) from the centre pixel with dx^2 + dy^2 <= 12.25: corners (+-2, +-3) are 13, outside.
    assertGrid(r, [
      '..111..',
      '.11111.',
      '1111111',
      '1111111',
      '1111111',
      '.11111.',
      '..111..',
    ]);
    assert.deepEqual(changed, { x: 0, y: 0, width: 7, height: 7 });
  });

  it('a 1 px brush (radius 0.5) paints exactly the one pixel under the snapped pointer', () => {
    const r = createRaster(5, 4);
    const x = snapBrushPoint(2.93, 0.5);
    const y = snapBrushPoint(1.02, 0.5);
    assert.deepEqual([x, y], [2.5, 1.5]);
    assert.deepEqual(paintSegment(r, x, y, x, y, 0.5, 1), { x: 2, y: 1, width: 1, height: 1 });
    assertGrid(r, ['.....', '..1..', '.....', '.....']);
  });

  it('even diameters centre on a pixel corner: a 2 px brush is 2 x 2, a 3 px brush 3 x 3', () => {
    const r = createRaster(6, 6);
    const c = snapBrushPoint(2.4, 1); // diameter 2: nearest corner
    assert.equal(c, 2);
    paintSegment(r, c, c, c, c, 1, 1);
    paintSegment(r, 4.5, 4.5, 4.5, 4.5, 1.5, 2);
    assertGrid(r, [
      '......',
      '.11...',
      '.11...',
      '...222',
      '...222',
      '...222',
    ]);
  });

  it('a horizontal segment is a capsule: flat sides, rounded ends, pixels at exactly the radius included', () => {
    const r = createRaster(7, 5);
    paintSegment(r, 1.5, 2.5, 5.5, 2.5, 1, 1);
    assertGrid(r, [
      '.......',
      '.11111.',
      '1111111',
      '.11111.',
      '.......',
    ]);
  });

  it('a 1 px diagonal segment is a one-pixel-wide diagonal line', () => {
    const r = createRaster(5, 5);
    paintSegment(r, 0.5, 0.5, 4.5, 4.5, 0.5, 3);
    assertGrid(r, ['3....', '.3...', '..3..', '...3.', '....3']);
  });

  it('clips at the image border and returns only what changed', () => {
    const r = createRaster(4, 4);
    assert.deepEqual(paintSegment(r, 0.5, 0.5, 0.5, 0.5, 2, 1), { x: 0, y: 0, width: 3, height: 3 });
    assertGrid(r, ['111.', '11..', '1...', '....']);
    // Painting the same again changes nothing.
    assert.equal(paintSegment(r, 0.5, 0.5, 0.5, 0.5, 2, 1), undefined);
  });

  it('the returned rectangle covers the changed pixels only, not the pixels already of the class', () => {
    const r = grid(['111...']);
    assert.deepEqual(paintSegment(r, 0.5, 0.5, 4.5, 0.5, 0.5, 1), { x: 3, y: 0, width: 2, height: 1 });
    assertGrid(r, ['11111.']);
  });

  it('paints nothing (and returns undefined) for a segment entirely outside the image', () => {
    const r = createRaster(4, 4);
    assert.equal(paintSegment(r, -10, -10, -5, 20, 3, 1), undefined);
    assert.equal(paintSegment(r, 5.5, 0.5, 5.5, 0.5, 1, 1), undefined); // centres at distance 2
    assertGrid(r, ['....', '....', '....', '....']);
    assert.equal(segmentBounds(-10, -10, -5, 20, 3, 4, 4), undefined);
  });

  it('a stroke is the union of its segments; one point is a disc', () => {
    const r = createRaster(7, 5);
    paintStroke(r, [0.5, 0.5, 3.5, 0.5, 3.5, 3.5], 0.5, 1);
    paintStroke(r, [5.5, 3.5], 1, 2);
    assertGrid(r, [
      '1111...',
      '...1...',
      '...1.2.',
      '...1222',
      '.....2.',
    ]);
  });

  it('bounds hold every painted pixel (random segments)', () => {
    const random = randomSource(7);
    for (let n = 0; n < 200; n++) {
      const r = createRaster(40, 30);
      const pts = [random() * 50 - 5, random() * 40 - 5, random() * 50 - 5, random() * 40 - 5];
      const radius = 0.5 + random() * 6;
      const bounds = strokeBounds(pts, radius, 40, 30);
      const changed = paintStroke(r, pts, radius, 1);
      for (let k = 0; k < r.data.length; k++) {
        if (r.data[k] === 0) continue;
        const x = k % 40;
        const y = Math.floor(k / 40);
        assert.ok(bounds && x >= bounds.x && x < bounds.x + bounds.width && y >= bounds.y && y < bounds.y + bounds.height);
        assert.ok(changed && x >= changed.x && x < changed.x + changed.width && y >= changed.y && y < changed.y + changed.height);
      }
    }
  });

  it('agrees with the definition (centre distance to the segment <= radius) for random segments, away from exact ties', () => {
    const random = randomSource(42);
    const distance = (px: number, py: number, x0: number, y0: number, x1: number, y1: number): number => {
      const dx = x1 - x0;
      const dy = y1 - y0;
      const l2 = dx * dx + dy * dy;
      const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / l2));
      return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
    };
    let painted = 0;
    for (let n = 0; n < 300; n++) {
      const w = 24;
      const h = 20;
      const r = createRaster(w, h);
      const x0 = random() * 30 - 3;
      const y0 = random() * 26 - 3;
      const same = random() < 0.2;
      const x1 = same ? x0 : random() * 30 - 3;
      const y1 = same ? y0 : random() * 26 - 3;
      const radius = 0.3 + random() * 5;
      paintSegment(r, x0, y0, x1, y1, radius, 1);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const d = distance(x + 0.5, y + 0.5, x0, y0, x1, y1);
          if (Math.abs(d - radius) < 1e-9) continue;
          assert.equal(r.data[y * w + x], d <= radius ? 1 : 0, `pixel (${x}, ${y}), segment ${[x0, y0, x1, y1]} radius ${radius}`);
          painted += r.data[y * w + x]!;
        }
      }
    }
    assert.ok(painted > 1000, 'the random cases paint something');
  });
});
