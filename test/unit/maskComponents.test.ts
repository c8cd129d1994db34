import * as assert from 'node:assert/strict';
import { fillHoles, keepLargest, removeIslands } from '../../src/mask/components';
import { assertGrid, grid } from './maskGrid';

describe('mask: fill holes', () => {
  it('fills a ring\'s hole, whatever classes it holds, and leaves the outside', () => {
    const r = grid([
      '.......',
      '.11111.',
      '.1...1.',
      '.1.2.1.',
      '.1...1.',
      '.11111.',
      '.......',
    ]);
    assert.deepEqual(fillHoles(r, 1), { x: 2, y: 2, width: 3, height: 3 });
    assertGrid(r, [
      '.......',
      '.11111.',
      '.11111.',
      '.11111.',
      '.11111.',
      '.11111.',
      '.......',
    ]);
  });

  it('a region open to the border is not a hole; one reaching the outside only diagonally is', () => {
    const r = grid([
      '......',
      '.111..',
      '.1.1..',
      '.11.1.',
      '......',
      '.1.1..',
      '.1.1..',
    ]);
    fillHoles(r, 1);
    // (2, 2) touches (3, 3) only at a corner: 4-connected it is enclosed. (2, 5..6) is open to the bottom border.
    assertGrid(r, [
      '......',
      '.111..',
      '.111..',
      '.11.1.',
      '......',
      '.1.1..',
      '.1.1..',
    ]);
  });

  it('looks only at its own class: another class\'s ring is no wall', () => {
    const r = grid(['.....', '.222.', '.2.2.', '.222.', '.....']);
    assert.equal(fillHoles(r, 1), undefined);
    fillHoles(r, 2);
    assertGrid(r, ['.....', '.222.', '.222.', '.222.', '.....']);
  });

  it('returns undefined when there is no hole', () => {
    assert.equal(fillHoles(grid(['11', '11']), 1), undefined);
    assert.equal(fillHoles(grid(['..', '..']), 1), undefined);
  });
});

describe('mask: remove islands', () => {
  it('8-connected non-zero components (classes mixed) smaller than minArea become background', () => {
    const r = grid([
      '11....1',
      '1....2.',
      '.......',
      '..111..',
      '...2.1.',
      '2......',
    ]);
    // Kept: the 3-pixel corner and the 5-pixel shape (its (5, 4) joins diagonally). Gone: the diagonal pair of
    // two pixels top right and the single pixel bottom left.
    assert.deepEqual(removeIslands(r, 3), { x: 0, y: 0, width: 7, height: 6 });
    assertGrid(r, [
      '11.....',
      '1......',
      '.......',
      '..111..',
      '...2.1.',
      '.......',
    ]);
  });

  it('a diagonal chain is one component', () => {
    const r = grid(['1..', '.1.', '..1']);
    assert.equal(removeIslands(r, 3), undefined);
    removeIslands(r, 4);
    assertGrid(r, ['...', '...', '...']);
  });

  it('minArea 1 removes nothing', () => {
    assert.equal(removeIslands(grid(['1.1', '...', '1.2']), 1), undefined);
  });
});

describe('mask: keep largest', () => {
  it('keeps the largest 8-connected component of the class, clears its others, leaves other classes', () => {
    const r = grid([
      '11.2.11',
      '1....11',
      '.......',
      '.111...',
      '.111..1',
      '.111...',
    ]);
    assert.deepEqual(keepLargest(r, 1), { x: 0, y: 0, width: 7, height: 5 });
    assertGrid(r, [
      '...2...',
      '.......',
      '.......',
      '.111...',
      '.111...',
      '.111...',
    ]);
  });

  it('counts diagonal neighbours, and a tie goes to the component found first in raster order', () => {
    const r = grid([
      '1....',
      '.1...',
      '..1..',
      '.....',
      '111..',
    ]);
    // Both have 3 pixels (4-connected, the diagonal one would be three singles and the row would win).
    keepLargest(r, 1);
    assertGrid(r, ['1....', '.1...', '..1..', '.....', '.....']);
    const tie = grid(['..11', '....', '11..']);
    keepLargest(tie, 1);
    assertGrid(tie, ['..11', '....', '....']);
  });

  it('returns undefined with one component or none', () => {
    assert.equal(keepLargest(grid(['11.', '..2']), 1), undefined);
    assert.equal(keepLargest(grid(['...', '..2']), 1), undefined);
  });
});
