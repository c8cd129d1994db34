// What the UI layer shows above image and mask: the brush footprint under the cursor (its exact pixel outline
// when pixels are large enough to see, else a circle) and the polygon being drawn. Device pixels, identity
// transform; drawn once per frame in which the cursor or the draft changed. Allocates nothing.
import type { PolygonDraft } from './polygonDraft';
import type { ViewTransform } from './viewTransform';

/** Below this many device pixels per image pixel the staircase outline is drawn as a circle. */
const STAIRCASE_MIN_SCALE = 3;
/** Largest brush drawn as a staircase (rows of the outline). */
const STAIRCASE_MAX_SIZE = 256;

/** Outline of the brush centred on the snapped image point (cx, cy). */
export function drawBrushOutline(
  context: CanvasRenderingContext2D, view: ViewTransform, dpr: number, cx: number, cy: number, size: number, outline: Float64Array,
): void {
  const scale = view.zoom * dpr;
  const sx = deviceX(view, dpr, cx);
  const sy = deviceY(view, dpr, cy);
  context.beginPath();
  if (scale >= STAIRCASE_MIN_SCALE && size <= STAIRCASE_MAX_SIZE) {
    for (let i = 0; i < outline.length; i += 2) {
      const x = Math.round(sx + outline[i]! * scale) + 0.5;
      const y = Math.round(sy + outline[i + 1]! * scale) + 0.5;
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    context.closePath();
  } else {
    context.arc(sx, sy, Math.max(1, (size / 2) * scale), 0, Math.PI * 2);
  }
  strokeContrasting(context, dpr);
}

/** The draft's edges, a rubber band to the cursor, and a ring on the first vertex (click it to close). */
export function drawPolygonDraft(
  context: CanvasRenderingContext2D, view: ViewTransform, dpr: number, draft: PolygonDraft, cursorX: number, cursorY: number, showCursor: boolean,
): void {
  const points = draft.points;
  if (points.length === 0) return;
  context.beginPath();
  context.moveTo(deviceX(view, dpr, points.x(0)), deviceY(view, dpr, points.y(0)));
  for (let i = 1; i < points.length; i++) context.lineTo(deviceX(view, dpr, points.x(i)), deviceY(view, dpr, points.y(i)));
  if (showCursor) context.lineTo(cursorX * dpr, cursorY * dpr);
  strokeContrasting(context, dpr);
  context.beginPath();
  context.arc(deviceX(view, dpr, points.x(0)), deviceY(view, dpr, points.y(0)), 5 * dpr, 0, Math.PI * 2);
  strokeContrasting(context, dpr);
}

function deviceX(view: ViewTransform, dpr: number, x: number): number {
  return (view.panX + x * view.zoom) * dpr;
}

function deviceY(view: ViewTransform, dpr: number, y: number): number {
  return (view.panY + y * view.zoom) * dpr;
}

/** A dark line under a light one: visible on any image. */
function strokeContrasting(context: CanvasRenderingContext2D, dpr: number): void {
  context.lineJoin = 'miter';
  context.strokeStyle = 'rgba(0, 0, 0, 0.8)';
  context.lineWidth = 3 * dpr;
  context.stroke();
  context.strokeStyle = 'rgba(255, 255, 255, 0.95)';
  context.lineWidth = 1 * dpr;
  context.stroke();
}
