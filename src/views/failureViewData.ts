// What the failure view's page receives for a report: the numbers and file names, never paths (the host keeps
// the report and opens images by index). `display` shows a folder the way the user knows it.
import type { EvaluationReport } from '../common/evaluation';
import { groundTruthOriginLines } from '../eval/reportText';
import type { FailureViewData } from '../common/failureProtocol';

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export function failureViewData(report: EvaluationReport, reportPath: string | undefined, display: (folder: string) => string): FailureViewData {
  return {
    ...(reportPath === undefined ? {} : { reportPath }),
    imagesDir: display(report.imagesDir),
    gtDir: display(report.gtDir),
    ...(report.predDir === undefined ? {} : { predDir: display(report.predDir) }),
    modelName: report.model.name,
    classNames: report.classNames,
    rows: report.images.map((image, index) => ({
      index,
      name: baseName(image.image),
      width: image.width,
      height: image.height,
      dice: image.dice,
      iou: image.iou,
      precision: image.precision,
      recall: image.recall,
      hd95: image.hd95,
      predictedArea: image.predictedArea,
      groundTruthArea: image.groundTruthArea,
      ...(image.uncertainty === undefined ? {} : { uncertainty: image.uncertainty }),
      prediction: image.prediction,
      ...(image.groundTruthOrigin === undefined
        ? {}
        : { groundTruthFromModel: { status: image.groundTruthOrigin.status, own: image.prediction === 'model' && image.groundTruthOrigin.model.sha256 === report.model.sha256 } }),
      classes: image.classes.map((c) => ({
        classIndex: c.classIndex,
        dice: c.dice,
        iou: c.iou,
        precision: c.precision,
        recall: c.recall,
        hd95: c.hd95,
        empty: c.empty,
        predictedArea: c.predictedArea,
        groundTruthArea: c.groundTruthArea,
      })),
    })),
    failed: report.failed.map((f) => ({ name: baseName(f.file), reason: f.reason })),
    summary: report.summary,
    groundTruthNotes: [...groundTruthOriginLines(report), ...(report.notes ?? [])],
    cancelled: report.cancelled,
    ...(report.stopped === undefined ? {} : { stopped: report.stopped }),
  };
}
