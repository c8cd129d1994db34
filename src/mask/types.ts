// The label raster and the editing operations on it. Environment-neutral: no `vscode`, no DOM, no Node
// built-ins, so the extension host (source of truth) and the webview (optimistic painting) run the same code.
import type { LabelFormat } from '../common/prelabel';

/** A half-open pixel rectangle: columns x .. x+width-1, rows y .. y+height-1. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One class index per pixel, row-major (0 = background, k = class k). */
export interface LabelRaster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A decoded label file, and how the file stores the classes, so that saving it again keeps that format. */
export interface DecodedLabel extends LabelRaster {
  /**
   * 'binary255' for a 0/255 mask read as classes 0/1, 'index' for class indices with some pixel above class 0;
   * undefined for a mask of class 0 only, which both formats write alike.
   */
  readonly storedAs: LabelFormat | undefined;
}

/**
 * One finished editing operation, as the webview sends it and the host applies it. Coordinates are image
 * pixels (x right, y down, the pixel (i, j) covers [i, i+1) x [j, j+1)); points are flat [x0, y0, x1, y1, ...].
 * classIndex 0 paints background (the eraser, "erase" variants).
 */
export type MaskOperation =
  /** Round brush: every pixel whose centre lies within `radius` of the polyline through `points`. */
  | { readonly kind: 'stroke'; readonly points: readonly number[]; readonly radius: number; readonly classIndex: number }
  /** Flood fill of the 4-connected region holding the seed pixel's class. */
  | { readonly kind: 'fill'; readonly x: number; readonly y: number; readonly classIndex: number }
  /** Polygon / lasso: every pixel whose centre lies inside the closed polygon (even-odd rule). */
  | { readonly kind: 'polygon'; readonly points: readonly number[]; readonly classIndex: number }
  /** Background regions of the class's mask not connected to the image border become that class. */
  | { readonly kind: 'fillHoles'; readonly classIndex: number }
  /** 8-connected foreground components (any class != 0) smaller than `minArea` pixels become background. */
  | { readonly kind: 'removeIslands'; readonly minArea: number }
  /** Only the largest 8-connected component of the class is kept; its other components become background. */
  | { readonly kind: 'keepLargest'; readonly classIndex: number }
  /**
   * Re-threshold the document's probability map (8-bit, p x 255): pixels with probability > threshold take
   * the predicted class (class 1 for a sigmoid model), the rest background. Replaces the whole mask.
   */
  | { readonly kind: 'threshold'; readonly threshold: number };

/** What an applied operation changed: the bounding rectangle of changed pixels, before and after (row-major). */
export interface RasterPatch {
  readonly rect: Rect;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}
