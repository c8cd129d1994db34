// Where an edit's pixels are computed. The extension host hands to the label codec thread, instead of running them
// on its own thread (MaskDocument.applyWholeImage), getting back a packed patch: the operations that read and may
// change every pixel (the clean-ups and the threshold: seconds on a large image), a flood fill on a large mask (it
// may reach every pixel: 0.94 s for most of a 16384 x 8192 mask, scripts/bench.mjs saveBlocking), and strokes and
// polygons large enough to stall it (a huge brush dragged far, or a hostile page message at the validation limit:
// tens of seconds). The page paints an edit itself before the host has it only when that is quick; otherwise it
// waits for the host's pixels, so that its own thread (input, drawing) never stalls either.
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

/**
 * Masks above this many pixels get flood fills and whole-image operations only off the host's and the page's
 * threads: at most about 25 ms of either's time below it (Keep Largest, the slowest, took 3.3 s at 16384 x 8192).
 */
export const THREAD_WORK_PIXELS = 2 ** 20;

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

/**
 * Whether the host runs `operation` on a `width` x `height` mask on the codec thread. The page sends no other edit
 * until the host says it is done ('editDone'), so that VS Code's undo stack, told of it at once, keeps their order.
 */
export function runsOnCodecThread(operation: MaskOperation, width: number, height: number): boolean {
  if (isWholeImageOperation(operation)) return true;
  if (operation.kind === 'fill') return width * height > THREAD_WORK_PIXELS;
  return operationRowWork(operation, height) > CODEC_THREAD_ROW_WORK;
}

/**
 * Whether the page applies `operation` to its own copy of the mask before sending it (at once, on its own thread),
 * rather than waiting for the host's pixels: strokes always (painted segment by segment as they are drawn), the
 * rest only when that is quick. Those it does not paint the host always runs on the codec thread.
 */
export function pagePaintsFirst(operation: MaskOperation, width: number, height: number): boolean {
  if (operation.kind === 'stroke') return true;
  if (operation.kind === 'polygon') return operationRowWork(operation, height) <= CODEC_THREAD_ROW_WORK;
  return width * height <= THREAD_WORK_PIXELS;
}

/** Applies `operation` to `raster` (mutating it) and returns what changed, packed; undefined when nothing did. */
export function applyWholeImage(raster: LabelRaster, operation: MaskOperation, context: OperationContext): PackedPatch | undefined {
  const patch = applyOperation(raster, operation, context);
  return patch && packPatch(patch);
}
