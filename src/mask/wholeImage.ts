// The editing operations that read and may change every pixel of the mask (the clean-ups and the threshold):
// on a large image they take seconds, so the extension host hands them to the label codec thread
// (MaskDocument.applyWholeImage) instead of running them on its own thread, and gets back a packed patch.
import { type OperationContext, applyOperation } from './operations';
import { type PackedPatch, packPatch } from './packedBytes';
import type { LabelRaster, MaskOperation } from './types';

export type WholeImageOperation = Extract<MaskOperation, { readonly kind: 'fillHoles' | 'removeIslands' | 'keepLargest' | 'threshold' }>;

export function isWholeImageOperation(operation: MaskOperation): operation is WholeImageOperation {
  switch (operation.kind) {
    case 'fillHoles':
    case 'removeIslands':
    case 'keepLargest':
    case 'threshold':
      return true;
    case 'stroke':
    case 'fill':
    case 'polygon':
      return false;
    default: {
      const unhandled: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Applies `operation` to `raster` (mutating it) and returns what changed, packed; undefined when nothing did. */
export function applyWholeImage(raster: LabelRaster, operation: WholeImageOperation, context: OperationContext): PackedPatch | undefined {
  const patch = applyOperation(raster, operation, context);
  return patch && packPatch(patch);
}
