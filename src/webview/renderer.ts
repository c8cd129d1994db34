// Three stacked canvases the size of the stage: the image (redrawn only when the view moves), the mask overlay
// (redrawn for the dirty rectangle only while painting) and a UI layer on top (brush outline, polygon being drawn;
// it also receives the pointer events). All drawing happens in one requestAnimationFrame callback, so any number of
// pointer events between two frames cost one redraw.
import { type PixelRect, coverRect } from './pixelRect';
import { OverlayTiles, type DeviceRect } from './overlayTiles';
import { overlayLevel, type ViewTransform } from './viewTransform';

export interface RendererLayers {
  readonly stage: HTMLElement;
  readonly image: HTMLCanvasElement;
  readonly overlay: HTMLCanvasElement;
  readonly ui: HTMLCanvasElement;
}

export interface OverlayStyle {
  visible: boolean;
  /** 0..1 */
  opacity: number;
}

export class Renderer {
  bitmap: ImageBitmap | null = null;
  /** Called at the start of each frame (painting coalesced pointer samples marks overlay regions dirty). */
  beforeFrame: () => void = () => {};
  /** Draws the UI layer (device pixels, identity transform, already cleared). */
  drawUi: (context: CanvasRenderingContext2D, dpr: number) => void = () => {};
  /** Called after a frame that moved the view or resized the stage. */
  afterViewChange: () => void = () => {};

  private readonly imageContext: CanvasRenderingContext2D;
  private readonly overlayContext: CanvasRenderingContext2D;
  private readonly uiContext: CanvasRenderingContext2D;
  private frameRequested = false;
  private viewChanged = true;
  private overlayChanged = false;
  private uiChanged = true;
  /** Pending overlay change in image pixels; empty when x0 >= x1. */
  private readonly dirty: PixelRect = { x0: 0, y0: 0, x1: 0, y1: 0 };
  private readonly clip: DeviceRect = { x0: 0, y0: 0, x1: 0, y1: 0 };
  private dpr = 1;
  private cssWidth = 0;
  private cssHeight = 0;

  constructor(
    private readonly layers: RendererLayers,
    readonly tiles: OverlayTiles,
    readonly view: ViewTransform,
    readonly overlayStyle: OverlayStyle,
  ) {
    this.imageContext = context2d(layers.image);
    this.overlayContext = context2d(layers.overlay);
    this.uiContext = context2d(layers.ui);
  }

  get width(): number {
    return this.cssWidth;
  }

  get height(): number {
    return this.cssHeight;
  }

  get devicePixelRatio(): number {
    return this.dpr;
  }

  /** Matches the canvases' backing stores to the stage's size in device pixels. */
  resize(): void {
    const rect = this.layers.stage.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.cssWidth = Math.max(1, rect.width);
    this.cssHeight = Math.max(1, rect.height);
    const w = Math.max(1, Math.round(this.cssWidth * this.dpr));
    const h = Math.max(1, Math.round(this.cssHeight * this.dpr));
    for (const canvas of [this.layers.image, this.layers.overlay, this.layers.ui]) {
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
    }
    this.requestView();
  }

  /** The view moved, zoomed or the stage resized: redraw everything. */
  requestView(): void {
    this.viewChanged = true;
    this.schedule();
  }

  /** The overlay changed in image pixels [x0, x1) x [y0, y1). */
  requestOverlay(x0: number, y0: number, x1: number, y1: number): void {
    this.tiles.markDirty(x0, y0, x1, y1);
    coverRect(this.dirty, x0, y0, x1, y1);
    this.schedule();
  }

  /** The whole overlay changed (mask replaced, colours, preview, band): re-render the tiles and redraw them. */
  requestOverlayAll(): void {
    this.tiles.invalidateAll();
    this.requestOverlayRedraw();
  }

  /** Opacity or visibility changed: redraw the overlay from the tiles as they are. */
  requestOverlayRedraw(): void {
    this.overlayChanged = true;
    this.schedule();
  }

  requestUi(): void {
    this.uiChanged = true;
    this.schedule();
  }

  schedule(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(this.frame);
  }

  private readonly frame = (): void => {
    // frameRequested stays true until the end: what beforeFrame and the drawing request is done in this frame.
    this.beforeFrame();
    const d = this.dirty;
    const viewChanged = this.viewChanged;
    if (viewChanged || this.overlayChanged) {
      this.viewChanged = false;
      this.overlayChanged = false;
      d.x1 = d.x0;
      if (viewChanged) this.drawImage();
      this.clip.x0 = 0;
      this.clip.y0 = 0;
      this.clip.x1 = this.layers.overlay.width;
      this.clip.y1 = this.layers.overlay.height;
      this.drawOverlay(true);
      if (viewChanged) {
        this.uiChanged = true;
        this.afterViewChange();
      }
    } else if (d.x0 < d.x1) {
      const scale = this.view.zoom * this.dpr;
      // Two device pixels of margin for rounding at tile edges.
      this.clip.x0 = Math.max(0, Math.floor(this.view.panX * this.dpr + d.x0 * scale) - 2);
      this.clip.y0 = Math.max(0, Math.floor(this.view.panY * this.dpr + d.y0 * scale) - 2);
      this.clip.x1 = Math.min(this.layers.overlay.width, Math.ceil(this.view.panX * this.dpr + d.x1 * scale) + 2);
      this.clip.y1 = Math.min(this.layers.overlay.height, Math.ceil(this.view.panY * this.dpr + d.y1 * scale) + 2);
      d.x1 = d.x0;
      if (this.clip.x0 < this.clip.x1 && this.clip.y0 < this.clip.y1) this.drawOverlay(false);
    }
    if (this.uiChanged) {
      this.uiChanged = false;
      const ui = this.uiContext;
      ui.setTransform(1, 0, 0, 1, 0, 0);
      ui.clearRect(0, 0, this.layers.ui.width, this.layers.ui.height);
      this.drawUi(ui, this.dpr);
    }
    this.frameRequested = false;
    if (this.viewChanged || this.overlayChanged || this.uiChanged || d.x0 < d.x1) this.schedule();
  };

  private drawImage(): void {
    const context = this.imageContext;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.layers.image.width, this.layers.image.height);
    const bitmap = this.bitmap;
    if (!bitmap) return;
    const scale = this.view.zoom * this.dpr;
    // Only the visible part of the image, aligned to device pixels like the overlay tiles.
    const sx0 = Math.max(0, Math.floor(-this.view.panX / this.view.zoom));
    const sy0 = Math.max(0, Math.floor(-this.view.panY / this.view.zoom));
    const sx1 = Math.min(bitmap.width, Math.ceil((this.cssWidth - this.view.panX) / this.view.zoom));
    const sy1 = Math.min(bitmap.height, Math.ceil((this.cssHeight - this.view.panY) / this.view.zoom));
    if (sx0 >= sx1 || sy0 >= sy1) return;
    const left = Math.round(this.view.panX * this.dpr + sx0 * scale);
    const top = Math.round(this.view.panY * this.dpr + sy0 * scale);
    const right = Math.round(this.view.panX * this.dpr + sx1 * scale);
    const bottom = Math.round(this.view.panY * this.dpr + sy1 * scale);
    // Magnified: hard pixel edges, so every image pixel is visibly one mask pixel. Reduced: smoothed.
    context.imageSmoothingEnabled = scale < 1;
    context.imageSmoothingQuality = 'low';
    context.drawImage(bitmap, sx0, sy0, sx1 - sx0, sy1 - sy0, left, top, right - left, bottom - top);
  }

  private drawOverlay(full: boolean): void {
    const context = this.overlayContext;
    const clip = this.clip;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(clip.x0, clip.y0, clip.x1 - clip.x0, clip.y1 - clip.y0);
    if (!this.overlayStyle.visible || this.tiles.source.width === 0) return;
    context.save();
    context.beginPath();
    context.rect(clip.x0, clip.y0, clip.x1 - clip.x0, clip.y1 - clip.y0);
    context.clip();
    context.imageSmoothingEnabled = false;
    context.globalAlpha = this.overlayStyle.opacity;
    this.tiles.draw(context, this.view, this.dpr, overlayLevel(this.view.zoom, this.dpr), clip, full);
    context.restore();
  }
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('the browser refused a 2D canvas');
  return context;
}
