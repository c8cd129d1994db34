// The rectangle that collects overlay changes until a frame draws them (src/webview/pixelRect.ts).
import * as assert from 'node:assert/strict';
import { type PixelRect, coverRect } from '../../src/webview/pixelRect';

describe('webview: pending change rectangle', () => {
  it('an empty rectangle becomes exactly the first change; later changes grow it to cover both', () => {
    const rect: PixelRect = { x0: 7, y0: 7, x1: 7, y1: 9 }; // empty: x0 >= x1, whatever the rest holds
    coverRect(rect, 10, 20, 15, 25);
    assert.deepEqual(rect, { x0: 10, y0: 20, x1: 15, y1: 25 });
    coverRect(rect, 2, 22, 12, 40);
    assert.deepEqual(rect, { x0: 2, y0: 20, x1: 15, y1: 40 });
    coverRect(rect, 3, 21, 4, 22); // inside: no change
    assert.deepEqual(rect, { x0: 2, y0: 20, x1: 15, y1: 40 });
  });

  it('once drawn (x1 = x0) it starts again from the next change, not from the old corners', () => {
    const rect: PixelRect = { x0: 0, y0: 0, x1: 100, y1: 100 };
    rect.x1 = rect.x0;
    coverRect(rect, 50, 60, 51, 61);
    assert.deepEqual(rect, { x0: 50, y0: 60, x1: 51, y1: 61 });
  });
});
