import * as assert from 'node:assert/strict';
import { fillPolygon } from '../../src/mask/polygon';
import { createRaster } from '../../src/mask/raster';
import { assertGrid } from './maskGrid';

describe('mask: polygon fill', () => {
  it('a triangle takes the pixels whose centres are inside; the closing edge is implied', () => {
    const r = createRaster(9, 9);
    // Inside: x + y < 9 at the centre, i.e. column <= 7 - row (the hypotenuse is a right edge: centres on it are out).
    assert.deepEqual(fillPolygon(r, [0, 0, 9, 0, 0, 9], 1), { x: 0, y: 0, width: 8, height: 8 });
    assertGrid(r, [
      '11111111.',
      '1111111..',
      '111111...',
      '11111....',
      '1111.....',
      '111......',
      '11.......',
      '1........',
      '.........',
    ]);
  });

  it('centres exactly on the boundary: in on left and top edges, out on right and bottom ones', () => {
    const r = createRaster(5, 5);
    fillPolygon(r, [0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5], 2);
    assertGrid(r, ['222..', '222..', '222..', '.....', '.....']);
  });

  it('even-odd: an outer square and an inner one in the same outline leave a hole', () => {
    const r = createRaster(9, 9);
    fillPolygon(r, [0, 0, 8, 0, 8, 8, 0, 8, 0, 0, 2, 2, 6, 2, 6, 6, 2, 6, 2, 2], 1);
    assertGrid(r, [
      '11111111.',
      '11111111.',
      '11....11.',
      '11....11.',
      '11....11.',
      '11....11.',
      '11111111.',
      '11111111.',
      '.........',
    ]);
  });

  it('a self-crossing outline (bow tie) fills both lobes', () => {
    const r = createRaster(6, 4);
    fillPolygon(r, [0, 0, 6, 4, 6, 0, 0, 4], 1);
    // Two triangles meeting at (3, 2); the crossings per row are x = 1.5 (row + 0.5) and 6 minus that.
    assertGrid(r, [
      '1....1',
      '11..11',
      '11..11',
      '1....1',
    ]);
  });

  it('clips a polygon reaching outside the image and ignores one with fewer than 3 points', () => {
    const r = createRaster(4, 3);
    fillPolygon(r, [-10, -10, 2, -10, 2, 10, -10, 10], 1);
    assertGrid(r, ['11..', '11..', '11..']);
    assert.equal(fillPolygon(r, [0, 0, 4, 3], 2), undefined);
    assert.equal(fillPolygon(r, [-9, -9, -5, -9, -5, -5], 2), undefined);
    assertGrid(r, ['11..', '11..', '11..']);
  });

  it('returns only the changed part and undefined when nothing changes', () => {
    const r = createRaster(4, 2);
    r.data.fill(1, 0, 2);
    assert.deepEqual(fillPolygon(r, [0, 0, 4, 0, 4, 1, 0, 1], 1), { x: 2, y: 0, width: 2, height: 1 });
    assert.equal(fillPolygon(r, [0, 0, 4, 0, 4, 1, 0, 1], 1), undefined);
  });
});
