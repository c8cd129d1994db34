// The prediction side of a compare-mode document: the label file that was evaluated, read by the evaluation's
// own rules (src/core/readMask.ts), or the model's prediction from the worker. Kept here so "Use Prediction as
// Label" applies the host's copy, never pixels from the webview.
import * as path from 'node:path';
import type { PredictionOrigin } from '../common/editorProtocol';
import type { LabelCodec } from '../common/labelCodecProtocol';
import type { ImagePrediction, PredictImageRequest } from '../common/workerProtocol';
import type { StoredProbability } from '../core/predictionRecord';
import { readImageFile } from '../core/readImageFile';
import { thresholdMask } from '../mask/threshold';
import type { LabelRaster } from '../mask/types';
import { messageOf } from '../model/errors';
import type { CompareTarget } from './compareTarget';

export interface LoadedPrediction {
  readonly mask: Uint8Array;
  /** The model's maps when the model predicted (a file prediction has none). */
  readonly model?: Pick<ImagePrediction, 'probability' | 'classes' | 'model'>;
}

export interface PredictionSources {
  readonly predictImage: (request: PredictImageRequest) => Promise<ImagePrediction>;
  /** Reads a prediction file by the evaluation's rules (off the extension host's thread). */
  readonly readMask: LabelCodec['readMask'];
  readonly modelPath: string;
  readonly threads: number;
}

export class CompareSession {
  /** The prediction as evaluated, once loaded. */
  prediction: Uint8Array | undefined;
  /** The model's prediction, when the model predicted (a prediction file's maker is not known here). */
  predictedBy: NonNullable<LoadedPrediction['model']> | undefined;
  private loading: Promise<LoadedPrediction> | undefined;

  constructor(readonly target: CompareTarget) {}

  get source(): PredictionOrigin {
    return this.target.prediction === undefined ? 'model' : 'file';
  }

  /** Loads the prediction once (concurrent callers share the load; a failed load is tried again next time). */
  load(size: LabelRaster, classCount: number, sources: PredictionSources): Promise<LoadedPrediction> {
    this.loading ??= loadPrediction(this.target, size, classCount, sources).then(
      (loaded) => {
        this.prediction = loaded.mask;
        this.predictedBy = loaded.model;
        return loaded;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /**
   * The mask "Use Prediction as Label" writes: the prediction as evaluated (threshold null), or the probability
   * map above `threshold` (the model's map: a prediction file has none).
   */
  maskFor(threshold: number | null, probability: StoredProbability | undefined): Uint8Array {
    if (threshold === null) {
      if (!this.prediction) throw new Error('The prediction has not been loaded yet.');
      return this.prediction.slice();
    }
    if (!probability) throw new Error('There is no probability map to threshold; it is loading or the model could not run.');
    return thresholdMask(probability.probability, probability.classes, threshold);
  }
}

async function loadPrediction(target: CompareTarget, size: LabelRaster, classCount: number, sources: PredictionSources): Promise<LoadedPrediction> {
  if (target.prediction !== undefined) {
    let raster: LabelRaster;
    try {
      raster = await sources.readMask(await readImageFile(target.prediction), classCount, 'prediction');
    } catch (error) {
      throw new Error(`Cannot read the prediction ${target.prediction}: ${messageOf(error)}`);
    }
    checkSize(raster, size, `The prediction ${target.prediction}`);
    return { mask: raster.data };
  }
  const predicted = await sources.predictImage({ imagePath: target.image, modelPath: sources.modelPath, threads: sources.threads });
  checkSize(predicted, size, `The model's prediction of ${path.basename(target.image)}`);
  return { mask: predicted.mask, model: { probability: predicted.probability, classes: predicted.classes, model: predicted.model } };
}

function checkSize(got: { width: number; height: number }, want: { width: number; height: number }, what: string): void {
  if (got.width !== want.width || got.height !== want.height) {
    throw new Error(`${what} is ${got.width} x ${got.height}, the ground truth ${want.width} x ${want.height}.`);
  }
}
