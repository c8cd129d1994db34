import * as assert from 'node:assert/strict';
import { floodFill } from '../../src/mask/fill';
import { assertGrid, grid } from './maskGrid';

describe('mask: flood fill', () => {
  it('fills the 4-connected region of the seed class; diagonal gaps do not leak', () => {
    const r = grid([
      '..1..',
      '.1.1.',
      '1...1',
      '.1.1.',
      '..1..',
    ]);
    assert.deepEqual(floodFill(r, 2, 2, 2), { x: 1, y: 1, width: 3, height: 3 });
    assertGrid(r, [
      '..1..',
      '.121.',
      '12221',
      '.121.',
      '..1..',
    ]);
    floodFill(r, 0, 0, 3);
    assertGrid(r, [
      '331..',
      '3121.',
      '12221',
      '.121.',
      '..1..',
    ]);
  });

  it('follows a winding region up and down (no recursion) and leaves a walled-in pocket', () => {
    const r = grid([
      '.......',
      '111111.',
      '.....1.',
      '.111.1.',
      '.1.1.1.',
      '.11111.',
      '.......',
    ]);
    floodFill(r, 0, 0, 2);
    assertGrid(r, [
      '2222222',
      '1111112',
      '2222212',
      '2111212',
      '21.1212',
      '2111112',
      '2222222',
    ]);
  });

  it('fills a region of a non-zero class (erasing to background)', () => {
    const r = grid(['11.', '1.1', '.11']);
    floodFill(r, 0, 0, 0);
    assertGrid(r, ['...', '..1', '.11']);
  });

  it('does nothing when the seed already has the class or lies outside the image', () => {
    const r = grid(['1.', '.1']);
    assert.equal(floodFill(r, 0, 0, 1), undefined);
    assert.equal(floodFill(r, 2, 0, 1), undefined);
    assert.equal(floodFill(r, -1, 0, 1), undefined);
    assertGrid(r, ['1.', '.1']);
  });
});
