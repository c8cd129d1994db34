// Small evaluation reports built from one-row masks, scored by src/eval (for tests of what consumes reports:
// report text, the failure view, reading reports back). Binary unless `classes` says otherwise.
import type { EvaluationReport, ImageEvaluation } from '../../src/common/evaluation';
import { labelPathFor } from '../../src/core/labelPaths';
import { diceHistogram, scoreImage, summarize } from '../../src/eval/metrics';

export function image(name: string, pred: number[], gt: number[], uncertainty?: number, classes = 2): ImageEvaluation {
  const raster = (data: number[]) => ({ width: data.length, height: 1, data: Uint8Array.from(data) });
  const metrics = scoreImage(raster(pred), raster(gt), classes);
  return { image: `/data/images/${name}`, groundTruth: labelPathFor('/data/masks', name), prediction: 'model', ...(uncertainty === undefined ? {} : { uncertainty }), ...metrics };
}

export function report(images: ImageEvaluation[], classNames: string[] = ['background', 'lesion']): EvaluationReport {
  const classes = classNames.slice(1).map((name, k) => {
    const rows = images.map((i) => i.classes[k]!);
    const empty = { neither: 0, both: 0, prediction: 0, groundTruth: 0 };
    for (const c of rows) empty[c.empty]++;
    return { classIndex: k + 1, name, metrics: summarize(rows), empty };
  });
  return {
    imagesDir: '/data/images',
    gtDir: '/data/masks',
    model: { path: '/m/model.onnx', name: 'model', sha256: 'a'.repeat(64) },
    classNames,
    images,
    failed: [{ file: '/data/images/broken.png', reason: 'empty file (0 bytes)' }],
    summary: { images: images.length, metrics: summarize(images), classes, diceHistogram: diceHistogram(images.map((i) => i.dice)) },
    cancelled: false,
    elapsedMs: 10,
  };
}
