// The mask overlay as a cache of small canvases ("tiles"), created lazily for what is on screen and updated by
// dirty rectangle. Why tiles: a full-resolution RGBA overlay of a 16384 x 8192 image would be 512 MB; the visible
// tiles at the level of detail the zoom needs are bounded by the screen size (about 4 MB per 1000 x 1000 device
// pixels on screen), whatever the image size. Level L samples every 2^L-th image pixel (overlayLevel), so a
// zoomed-out view renders a downsampled overlay. Tiles off screen are kept up to a budget (least recently drawn
// go first) and only marked dirty when the mask changes under them; they are re-rendered when seen again.
import { type PixelRect, coverRect } from './pixelRect';
import { renderOverlayPixels, type OverlaySource } from './overlayPixels';
import type { ViewTransform } from './viewTransform';

/** Tile edge in overlay pixels (1 MB of RGBA per tile). */
export const TILE_SIZE = 512;
/** Tiles kept beyond those on screen; about this many MB. */
const SPARE_TILES = 96;

interface Tile {
  readonly key: number;
  readonly level: number;
  /** Image pixel of the tile's top-left overlay pixel. */
  readonly originX: number;
  readonly originY: number;
  /** Size in overlay pixels (smaller than TILE_SIZE at the image's right and bottom edges). */
  readonly width: number;
  readonly height: number;
  readonly canvas: HTMLCanvasElement;
  readonly context: CanvasRenderingContext2D;
  /** Image pixels still to re-render. */
  readonly dirty: PixelRect;
  lastDrawn: number;
}

/** Device-pixel rectangle to redraw; mutated in place. */
export type DeviceRect = PixelRect;

export class OverlayTiles {
  private readonly tiles: Tile[] = [];
  private readonly byKey = new Map<number, Tile>();
  private readonly scratch: ImageData;
  private readonly scratchPixels: Uint32Array;
  private drawCount = 0;
  private lastFullDraw = 0;

  constructor(readonly source: OverlaySource) {
    this.scratch = new ImageData(TILE_SIZE, TILE_SIZE);
    this.scratchPixels = new Uint32Array(this.scratch.data.buffer);
  }

  /** Forget every tile (a new image, or a new size). */
  clear(): void {
    // Release the backing stores now rather than at garbage collection.
    for (const tile of this.tiles) tile.canvas.width = tile.canvas.height = 0;
    this.tiles.length = 0;
    this.byKey.clear();
  }

  /** Every tile must be re-rendered (mask replaced, colours, outline, preview or band changed). */
  invalidateAll(): void {
    for (let i = 0; i < this.tiles.length; i++) {
      const tile = this.tiles[i]!;
      coverRect(tile.dirty, tile.originX, tile.originY, tile.originX + tile.width * (1 << tile.level), tile.originY + tile.height * (1 << tile.level));
    }
  }

  /** The mask changed in image pixels [x0, x1) x [y0, y1). Cost: one check per cached tile; rendering waits. */
  markDirty(x0: number, y0: number, x1: number, y1: number): void {
    for (let i = 0; i < this.tiles.length; i++) {
      const tile = this.tiles[i]!;
      const step = 1 << tile.level;
      // One sampling step of margin: a change there moves the outline of the neighbouring sample.
      const ax0 = Math.max(x0 - step, tile.originX);
      const ay0 = Math.max(y0 - step, tile.originY);
      const ax1 = Math.min(x1 + step, tile.originX + tile.width * step);
      const ay1 = Math.min(y1 + step, tile.originY + tile.height * step);
      if (ax0 >= ax1 || ay0 >= ay1) continue;
      coverRect(tile.dirty, ax0, ay0, ax1, ay1);
    }
  }

  /**
   * Draws the overlay tiles of `level` that meet the device rectangle `clip` into `context` (identity transform,
   * device pixels), rendering new and dirty tiles first. `full` marks a redraw of the whole screen: only then are
   * tiles not drawn evicted beyond the budget.
   */
  draw(context: CanvasRenderingContext2D, view: ViewTransform, dpr: number, level: number, clip: DeviceRect, full: boolean): void {
    const { width, height } = this.source;
    const drawId = ++this.drawCount;
    if (full) this.lastFullDraw = drawId;
    const step = 1 << level;
    const span = TILE_SIZE * step;
    const scale = view.zoom * dpr;
    // Image pixels under the clip rectangle.
    const ix0 = Math.max(0, Math.floor((clip.x0 / dpr - view.panX) / view.zoom));
    const iy0 = Math.max(0, Math.floor((clip.y0 / dpr - view.panY) / view.zoom));
    const ix1 = Math.min(width, Math.ceil((clip.x1 / dpr - view.panX) / view.zoom));
    const iy1 = Math.min(height, Math.ceil((clip.y1 / dpr - view.panY) / view.zoom));
    if (ix0 >= ix1 || iy0 >= iy1) return;
    let onScreen = 0;
    for (let row = Math.floor(iy0 / span); row * span < iy1; row++) {
      for (let col = Math.floor(ix0 / span); col * span < ix1; col++) {
        const tile = this.tileAt(level, col, row);
        if (tile.dirty.x0 < tile.dirty.x1) this.render(tile);
        tile.lastDrawn = drawId;
        onScreen++;
        const left = Math.round(view.panX * dpr + tile.originX * scale);
        const top = Math.round(view.panY * dpr + tile.originY * scale);
        const right = Math.round(view.panX * dpr + (tile.originX + tile.width * step) * scale);
        const bottom = Math.round(view.panY * dpr + (tile.originY + tile.height * step) * scale);
        context.drawImage(tile.canvas, 0, 0, tile.width, tile.height, left, top, right - left, bottom - top);
      }
    }
    if (full) this.evict(onScreen + SPARE_TILES);
  }

  /** Number of tiles held (for the status of memory use). */
  get size(): number {
    return this.tiles.length;
  }

  private tileAt(level: number, col: number, row: number): Tile {
    const key = (level * 65536 + row) * 65536 + col;
    const found = this.byKey.get(key);
    if (found) return found;
    const step = 1 << level;
    const originX = col * TILE_SIZE * step;
    const originY = row * TILE_SIZE * step;
    const width = Math.min(TILE_SIZE, Math.ceil((this.source.width - originX) / step));
    const height = Math.min(TILE_SIZE, Math.ceil((this.source.height - originY) / step));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('the browser refused a 2D canvas for the mask overlay');
    const tile: Tile = {
      key, level, originX, originY, width, height, canvas, context,
      dirty: { x0: originX, y0: originY, x1: originX + width * step, y1: originY + height * step },
      lastDrawn: 0,
    };
    this.tiles.push(tile);
    this.byKey.set(key, tile);
    return tile;
  }

  /** Re-renders the tile's dirty rectangle through the scratch ImageData and uploads only that rectangle. */
  private render(tile: Tile): void {
    const step = 1 << tile.level;
    const { dirty } = tile;
    const tx0 = Math.max(0, Math.floor((dirty.x0 - tile.originX) / step));
    const ty0 = Math.max(0, Math.floor((dirty.y0 - tile.originY) / step));
    const tx1 = Math.min(tile.width, Math.ceil((dirty.x1 - tile.originX) / step));
    const ty1 = Math.min(tile.height, Math.ceil((dirty.y1 - tile.originY) / step));
    dirty.x1 = dirty.x0;
    if (tx0 >= tx1 || ty0 >= ty1) return;
    renderOverlayPixels(this.source, step, tile.originX, tile.originY, this.scratchPixels, TILE_SIZE, tx0, ty0, tx1, ty1);
    tile.context.putImageData(this.scratch, 0, 0, tx0, ty0, tx1 - tx0, ty1 - ty0);
  }

  /** Drops the least recently drawn tiles not on screen until at most `budget` remain. */
  private evict(budget: number): void {
    while (this.tiles.length > budget) {
      let oldest = -1;
      for (let i = 0; i < this.tiles.length; i++) {
        const tile = this.tiles[i]!;
        if (tile.lastDrawn >= this.lastFullDraw) continue;
        if (oldest < 0 || tile.lastDrawn < this.tiles[oldest]!.lastDrawn) oldest = i;
      }
      if (oldest < 0) return;
      const [gone] = this.tiles.splice(oldest, 1);
      this.byKey.delete(gone!.key);
      // Release the backing store now rather than at garbage collection.
      gone!.canvas.width = 0;
      gone!.canvas.height = 0;
    }
  }
}
