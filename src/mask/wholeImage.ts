// The editing operations the extension host hands to the label codec thread instead of running them on its own
// thread (MaskDocument.applyWholeImage), getting back a packed patch: those that read and may change every pixel
// (the clean-ups and the threshold: seconds on a large image), and strokes and polygons large enough to stall it
// (a huge brush dragged far, or a hostile page message at the validation limit: tens of seconds).
import { type OperationContext, applyOperation } from './operations';
import { type PackedPatch, packPatch } from './packedBytes';
import type { LabelRaster, MaskOperation } from './types';
import { operationRowWork } from './validate';

export type WholeImageOperation = Extract<MaskOperation, { readonly kind: 'fillHoles' | 'removeIslands' | 'keepLargest' | 'threshold' }>;

/**
 * Stroke and polygon work (operationRowWork) above which they run on the codec thread: about 0.1 s of the host's
 * time on these machines (MAX_ROW_WORK = 2^27 took 17-19 s).
 */
export const CODEC_THREAD_ROW_WORK = 2 ** 20;

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

/** Whether the host runs `operation` on a mask `height` rows tall on the codec thread (the page then waits for it). */
export function runsOnCodecThread(operation: MaskOperation, height: number): boolean {
  return isWholeImageOperation(operation) || operationRowWork(operation, height) > CODEC_THREAD_ROW_WORK;
}

/** Applies `operation` to `raster` (mutating it) and returns what changed, packed; undefined when nothing did. */
export function applyWholeImage(raster: LabelRaster, operation: MaskOperation, context: OperationContext): PackedPatch | undefined {
  const patch = applyOperation(raster, operation, context);
  return patch && packPatch(patch);
}
