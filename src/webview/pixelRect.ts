// A rectangle that collects changes until they are drawn: [x0, x1) x [y0, y1), mutated in place, empty when
// x0 >= x1 (emptied by setting x1 = x0). Image pixels for the overlay tiles and the frame, device pixels for clips.
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Grows `rect` to cover [x0, x1) x [y0, y1) as well; an empty `rect` becomes exactly that. */
export function coverRect(rect: PixelRect, x0: number, y0: number, x1: number, y1: number): void {
  if (rect.x0 >= rect.x1) {
    rect.x0 = x0;
    rect.y0 = y0;
    rect.x1 = x1;
    rect.y1 = y1;
  } else {
    rect.x0 = Math.min(rect.x0, x0);
    rect.y0 = Math.min(rect.y0, y0);
    rect.x1 = Math.max(rect.x1, x1);
    rect.y1 = Math.max(rect.y1, y1);
  }
}
