import * as assert from 'node:assert/strict';
import { paintSegment, snapBrushPoint } from '../../src/mask/brush';
import { applyOperation, applyPatchSide, replaceMaskPatch } from '../../src/mask/operations';
import { cloneRaster, createRaster, clampRect, readRect, unionRect, writeRect } from '../../src/mask/raster';
import { thresholdMask, uncertainBand } from '../../src/mask/threshold';
import type { LabelRaster, MaskOperation } from '../../src/mask/types';
import { assertGrid, grid, randomSource, rows } from './maskGrid';

describe('mask: rasters and rectangles', () => {
  it('reads and writes a rectangle row by row', () => {
    const r = grid(['123', '456', '789']);
    assert.deepEqual(Array.from(readRect(r, { x: 1, y: 1, width: 2, height: 2 })), [5, 6, 8, 9]);
    writeRect(r, { x: 0, y: 1, width: 2, height: 1 }, Uint8Array.of(0, 0));
    assertGrid(r, ['123', '..6', '789']);
    assert.throws(() => readRect(r, { x: 2, y: 0, width: 2, height: 1 }), /not inside the 3 x 3 raster/);
    assert.throws(() => writeRect(r, { x: 0, y: 0, width: 2, height: 1 }, Uint8Array.of(1)), /needs 2 bytes, got 1/);
  });

  it('clamps and unites rectangles', () => {
    assert.deepEqual(clampRect({ x: -2, y: 1, width: 5, height: 10 }, 4, 4), { x: 0, y: 1, width: 3, height: 3 });
    assert.equal(clampRect({ x: 4, y: 0, width: 2, height: 2 }, 4, 4), undefined);
    assert.deepEqual(unionRect({ x: 1, y: 1, width: 1, height: 1 }, { x: 3, y: 0, width: 2, height: 1 }), { x: 1, y: 0, width: 4, height: 2 });
    assert.deepEqual(unionRect(undefined, { x: 3, y: 0, width: 2, height: 1 }), { x: 3, y: 0, width: 2, height: 1 });
  });
});

describe('mask: threshold', () => {
  it('above the threshold takes the predicted class (class 1 without a class map), the rest background', () => {
    const p = Uint8Array.of(0, 127, 128, 255);
    assert.deepEqual(Array.from(thresholdMask(p, null, 127)), [0, 0, 1, 1]);
    assert.deepEqual(Array.from(thresholdMask(p, Uint8Array.of(2, 3, 0, 2), 127)), [0, 0, 0, 2]);
    assert.deepEqual(Array.from(thresholdMask(p, null, 0)), [0, 1, 1, 1]);
    assert.deepEqual(Array.from(thresholdMask(p, null, 255)), [0, 0, 0, 0]);
  });

  it('the uncertain band is strictly between low and high', () => {
    assert.deepEqual(Array.from(uncertainBand(Uint8Array.of(0, 64, 65, 128, 191, 192, 255), 64, 192)), [0, 0, 1, 1, 1, 0, 0]);
  });
});

describe('mask: applyOperation and patches', () => {
  function check(r: LabelRaster, op: MaskOperation, expected: readonly string[], rect: { x: number; y: number; width: number; height: number }): void {
    const original = cloneRaster(r);
    const patch = applyOperation(r, op, {});
    assertGrid(r, expected);
    assert.ok(patch);
    assert.deepEqual(patch.rect, rect);
    applyPatchSide(r, patch, 'before');
    assert.deepEqual(rows(r), rows(original), 'undo restores every pixel');
    applyPatchSide(r, patch, 'after');
    assertGrid(r, expected, 'redo gives the result again');
  }

  it('stroke: patch over the changed pixels, undo and redo exact', () => {
    const r = grid(['......', '..11..', '......']);
    check(r, { kind: 'stroke', points: [0.5, 1.5, 5.5, 1.5], radius: 0.5, classIndex: 1 }, ['......', '111111', '......'], { x: 0, y: 1, width: 6, height: 1 });
    const patch = applyOperation(grid(['......', '..11..', '......']), { kind: 'stroke', points: [0.5, 1.5, 5.5, 1.5], radius: 0.5, classIndex: 1 });
    assert.deepEqual(Array.from(patch!.before), [0, 0, 1, 1, 0, 0]);
  });

  it('fill: the patch before holds the old class only where the fill went', () => {
    const r = grid(['..1..', '.1.1.', '..1..', '.....']);
    check(r, { kind: 'fill', x: 2, y: 1, classIndex: 2 }, ['..1..', '.121.', '..1..', '.....'], { x: 2, y: 1, width: 1, height: 1 });
    // The class-3 pixel inside the filled rectangle was already 3: undo must keep it 3, not the seed's 0.
    const around = grid(['.3..', '.11.', '....']);
    check(around, { kind: 'fill', x: 0, y: 0, classIndex: 3 }, ['3333', '3113', '3333'], { x: 0, y: 0, width: 4, height: 3 });
  });

  it('polygon, fillHoles, removeIslands, keepLargest', () => {
    check(createRaster(4, 3), { kind: 'polygon', points: [1, 0, 3, 0, 3, 2, 1, 2], classIndex: 1 }, ['.11.', '.11.', '....'], { x: 1, y: 0, width: 2, height: 2 });
    check(grid(['111.', '1.1.', '111.']), { kind: 'fillHoles', classIndex: 1 }, ['111.', '111.', '111.'], { x: 1, y: 1, width: 1, height: 1 });
    check(grid(['1..2', '....', '.11.']), { kind: 'removeIslands', minArea: 2 }, ['....', '....', '.11.'], { x: 0, y: 0, width: 4, height: 1 });
    check(grid(['1..1', '...1', '1...']), { kind: 'keepLargest', classIndex: 1 }, ['...1', '...1', '....'], { x: 0, y: 0, width: 1, height: 3 });
  });

  it('threshold replaces the whole mask from the probability map', () => {
    const r = grid(['1...', '....']);
    const probability = Uint8Array.of(0, 200, 0, 0, 0, 0, 99, 101);
    const patch = applyOperation(r, { kind: 'threshold', threshold: 100 }, { probability });
    assertGrid(r, ['.1..', '...1']);
    assert.deepEqual(patch!.rect, { x: 0, y: 0, width: 4, height: 2 });
    applyPatchSide(r, patch!, 'before');
    assertGrid(r, ['1...', '....']);
    applyOperation(r, { kind: 'threshold', threshold: 100 }, { probability, predictedClasses: Uint8Array.of(0, 3, 0, 0, 0, 0, 2, 2) });
    assertGrid(r, ['.3..', '...2']);
    assert.throws(() => applyOperation(r, { kind: 'threshold', threshold: 1 }), /needs the probability map/);
  });

  it('returns undefined and leaves the raster alone when nothing changes', () => {
    const r = grid(['11', '..']);
    assert.equal(applyOperation(r, { kind: 'stroke', points: [0.5, 0.5, 1.5, 0.5], radius: 0.5, classIndex: 1 }), undefined);
    assert.equal(applyOperation(r, { kind: 'fill', x: 0, y: 0, classIndex: 1 }), undefined);
    assert.equal(applyOperation(r, { kind: 'stroke', points: [-50, -50], radius: 2, classIndex: 1 }), undefined);
    assert.equal(applyOperation(r, { kind: 'threshold', threshold: 0 }, { probability: Uint8Array.of(9, 9, 0, 0) }), undefined);
    assertGrid(r, ['11', '..']);
  });

  it('replaceMaskPatch covers only the rows and columns that differ', () => {
    const r = grid(['....', '....', '....']);
    const patch = replaceMaskPatch(r, grid(['....', '.1..', '..2.']).data);
    assert.deepEqual(patch!.rect, { x: 1, y: 1, width: 2, height: 2 });
    assert.deepEqual(Array.from(patch!.after), [1, 0, 0, 2]);
    assertGrid(r, ['....', '.1..', '..2.']);
    assert.equal(replaceMaskPatch(r, r.data.slice()), undefined);
    assert.throws(() => replaceMaskPatch(r, new Uint8Array(3)), /new mask has 3 pixels, expected 4 x 3/);
  });

  it('painting a stroke move by move (as the webview does) gives exactly the host\'s stroke', () => {
    const random = randomSource(2024);
    for (let n = 0; n < 150; n++) {
      const width = 20 + Math.floor(random() * 60);
      const height = 20 + Math.floor(random() * 60);
      const start = createRaster(width, height);
      for (let k = 0; k < start.data.length; k++) start.data[k] = random() < 0.3 ? 1 + Math.floor(random() * 2) : 0;
      const radius = [0.5, 1, 1.5, 2.5, 7, 0.5 + random() * 10][n % 6]!;
      const classIndex = Math.floor(random() * 3);
      const points: number[] = [];
      let x = random() * width;
      let y = random() * height;
      // Every fifth stroke is long with small steps: many overlapping capsules per row, as a wide brush makes.
      const long = n % 5 === 4;
      const count = long ? 200 : 1 + Math.floor(random() * 12);
      const step = long ? 4 : 30;
      for (let i = 0; i < count; i++) {
        points.push(snapBrushPoint(x, radius), snapBrushPoint(y, radius));
        x += (random() - 0.5) * step;
        y += (random() - 0.5) * step;
      }
      const incremental = cloneRaster(start);
      for (let i = 0; i < points.length; i += 2) {
        const from = i === 0 ? 0 : i - 2;
        paintSegment(incremental, points[from]!, points[from + 1]!, points[i]!, points[i + 1]!, radius, classIndex);
      }
      const host = cloneRaster(start);
      const patch = applyOperation(host, { kind: 'stroke', points, radius, classIndex });
      assert.deepEqual(host.data, incremental.data, `stroke ${n}: ${points.length / 2} points, radius ${radius}`);
      if (patch) {
        applyPatchSide(host, patch, 'before');
        assert.deepEqual(host.data, start.data, `stroke ${n}: undo`);
        // Pixels outside the patch rectangle did not change.
        for (let k = 0; k < start.data.length; k++) {
          const px = k % width;
          const py = Math.floor(k / width);
          const inside = px >= patch.rect.x && px < patch.rect.x + patch.rect.width && py >= patch.rect.y && py < patch.rect.y + patch.rect.height;
          if (!inside) assert.equal(incremental.data[k], start.data[k]);
        }
      } else {
        assert.deepEqual(incremental.data, start.data);
      }
    }
  });
});
