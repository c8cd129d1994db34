// Where the image sits on screen: screen = image * zoom + pan, in CSS pixels of the stage. Pure math (no DOM),
// mutated in place so pointer and wheel handlers allocate nothing.

export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
}

/** Most magnified view: one image pixel covers 64 x 64 CSS pixels. */
export const MAX_ZOOM = 64;
/** Fraction of the stage the image fills when fitted, leaving a small margin around it. */
const FIT_MARGIN = 0.96;

export function imageX(view: ViewTransform, screenX: number): number {
  return (screenX - view.panX) / view.zoom;
}

export function imageY(view: ViewTransform, screenY: number): number {
  return (screenY - view.panY) / view.zoom;
}

export function screenX(view: ViewTransform, x: number): number {
  return view.panX + x * view.zoom;
}

export function screenY(view: ViewTransform, y: number): number {
  return view.panY + y * view.zoom;
}

/** The smallest zoom allowed: a quarter of the fitted size, but never below what shows 1 px per 2048 image px. */
export function minZoom(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): number {
  const fit = fitZoom(imageWidth, imageHeight, viewWidth, viewHeight);
  return Math.max(Math.min(fit / 4, 1), 1 / 2048);
}

function fitZoom(imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): number {
  if (imageWidth <= 0 || imageHeight <= 0 || viewWidth <= 0 || viewHeight <= 0) return 1;
  return Math.min(MAX_ZOOM, (FIT_MARGIN * viewWidth) / imageWidth, (FIT_MARGIN * viewHeight) / imageHeight);
}

/** The whole image, centred, as large as fits. */
export function fitView(view: ViewTransform, imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): void {
  view.zoom = fitZoom(imageWidth, imageHeight, viewWidth, viewHeight);
  centre(view, imageWidth, imageHeight, viewWidth, viewHeight);
}

function centre(view: ViewTransform, imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number): void {
  view.panX = (viewWidth - imageWidth * view.zoom) / 2;
  view.panY = (viewHeight - imageHeight * view.zoom) / 2;
}

/** Changes the zoom (clamped to [minimum, MAX_ZOOM]) keeping the image point under (screenX, screenY) in place. */
export function zoomAround(view: ViewTransform, zoom: number, minimum: number, screenX: number, screenY: number): void {
  const next = Math.min(MAX_ZOOM, Math.max(minimum, zoom));
  const ix = imageX(view, screenX);
  const iy = imageY(view, screenY);
  view.zoom = next;
  view.panX = screenX - ix * next;
  view.panY = screenY - iy * next;
}

/**
 * Keeps part of the image on screen after a pan or a resize: at least `keep` CSS pixels of it (or all of it when it
 * is smaller) stay inside the stage, so the image can never be lost off-screen.
 */
export function clampPan(view: ViewTransform, imageWidth: number, imageHeight: number, viewWidth: number, viewHeight: number, keep = 48): void {
  view.panX = clampAxis(view.panX, imageWidth * view.zoom, viewWidth, keep);
  view.panY = clampAxis(view.panY, imageHeight * view.zoom, viewHeight, keep);
}

function clampAxis(pan: number, extent: number, view: number, keep: number): number {
  const visible = Math.min(keep, extent);
  return Math.min(view - visible, Math.max(visible - extent, pan));
}

/**
 * Overlay detail level for a zoom: level L samples every 2^L-th image pixel, the coarsest level whose pixels are
 * still at most one device pixel on screen (level 0 = full resolution, used whenever zoomed in).
 */
export function overlayLevel(zoom: number, devicePixelRatio: number): number {
  const devicePerImagePixel = zoom * devicePixelRatio;
  if (!(devicePerImagePixel > 0) || devicePerImagePixel >= 1) return 0;
  return Math.min(12, Math.floor(Math.log2(1 / devicePerImagePixel) + 1e-9));
}

/** Steps of the zoom in / zoom out actions and of one wheel notch. */
export const ZOOM_STEP = 1.25;
