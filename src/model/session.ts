// The only module that imports onnxruntime-node. Loaded lazily so that the CLI's --help, the planner and the
// pure modules never pay for (or depend on) the native addon. Checks the graph against the model card before
// the first image so a mismatched export fails with one clear message instead of a runtime shape error.
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError, messageOf } from './errors';
import type { LoadedModel } from './modelFiles';

type OrtModule = typeof import('onnxruntime-node');

let ortModule: OrtModule | undefined;

/**
 * `require`, not `import()`: the bundles are CommonJS, and a dynamic import of a bare name is resolved the ESM
 * way (no NODE_PATH, no CommonJS fallbacks), which fails where require finds the package.
 */
function loadOrt(): OrtModule {
  // onnxruntime 1.30 keeps a device id and a usage database under ~/.cache/Microsoft/DeveloperTools and reports
  // usage to Microsoft unless told not to. People label medical images with this: it is off unless they turn it
  // on themselves (ORT_DISABLE_TELEMETRY=0 in the environment).
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  try {
    ortModule ??= require('onnxruntime-node') as OrtModule;
  } catch (error) {
    throw new ModelError(`onnxruntime-node could not be loaded: ${messageOf(error)}`);
  }
  return ortModule;
}

/** Logits for a batch: count x channels x height x width floats. */
export interface BatchLogits {
  readonly data: Float32Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export class ModelSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    readonly model: LoadedModel,
    readonly threads: number,
  ) {}

  /** `threads` as resolved by core/defaults' inferenceThreadCount (a whole number >= 1). */
  static async open(model: LoadedModel, threads: number): Promise<ModelSession> {
    const ort = loadOrt();
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.onnxPath, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        executionProviders: ['cpu'],
      });
    } catch (error) {
      throw new ModelError(`onnxruntime cannot load ${model.onnxPath}: ${messageOf(error)}`);
    }
    const checked = new ModelSession(ort, session, model, threads);
    try {
      checked.checkGraphAgainstCard();
    } catch (error) {
      await session.release();
      throw error;
    }
    return checked;
  }

  /** Runs `count` images laid out as count x 3 x H x W (H, W from the card). */
  async run(batch: Float32Array, count: number): Promise<BatchLogits> {
    const { card } = this.model;
    const { inputName, outputName } = card.onnx;
    const input = new this.ort.Tensor('float32', batch, [count, 3, card.input.height, card.input.width]);
    let result: InferenceSession.ReturnType;
    try {
      result = await this.session.run({ [inputName]: input }, [outputName]);
    } catch (error) {
      throw new ModelError(`onnxruntime failed running ${this.model.onnxPath}: ${messageOf(error)}`);
    }
    const output: Tensor | undefined = result[outputName];
    if (!output) throw new ModelError(`Model ${this.model.onnxPath} produced no output named "${outputName}".`);
    const dims = output.dims;
    if (output.type !== 'float32' || dims.length !== 4 || dims[0] !== count || dims[1] !== card.output.channels) {
      throw new ModelError(
        `Model ${this.model.onnxPath} output "${outputName}" is ${output.type} [${dims.join(', ')}]; the card ${this.model.cardPath} ` +
          `expects float32 [${count}, ${card.output.channels}, H, W].`,
      );
    }
    return { data: output.data as Float32Array, count, channels: dims[1]!, height: dims[2]!, width: dims[3]! };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private checkGraphAgainstCard(): void {
    const { card, onnxPath, cardPath } = this.model;
    const where = `Model ${onnxPath} does not match its card ${cardPath}:`;
    const input = this.session.inputMetadata.find((m) => m.name === card.onnx.inputName);
    if (!input) {
      throw new ModelError(`${where} the card's onnx.inputName is "${card.onnx.inputName}", the graph's inputs are ${quoteAll(this.session.inputNames)}.`);
    }
    const output = this.session.outputMetadata.find((m) => m.name === card.onnx.outputName);
    if (!output) {
      throw new ModelError(`${where} the card's onnx.outputName is "${card.onnx.outputName}", the graph's outputs are ${quoteAll(this.session.outputNames)}.`);
    }
    if (!input.isTensor || input.type !== 'float32' || !shapeFits(input.shape, [undefined, 3, card.input.height, card.input.width])) {
      throw new ModelError(`${where} input "${input.name}" is ${describe(input)}, expected float32 [N, 3, ${card.input.height}, ${card.input.width}].`);
    }
    if (!output.isTensor || output.type !== 'float32' || !shapeFits(output.shape, [undefined, card.output.channels, undefined, undefined])) {
      throw new ModelError(
        `${where} output "${output.name}" is ${describe(output)}, expected float32 [N, ${card.output.channels}, H, W] ` +
          `(output.channels = ${card.output.channels}).`,
      );
    }
  }
}

/** A graph dimension fits when it is symbolic (dynamic) or equals the expected size; undefined expects anything. */
function shapeFits(shape: ReadonlyArray<number | string>, expected: ReadonlyArray<number | undefined>): boolean {
  if (shape.length === 0) return true; // shape unknown to the runtime: checked on the first run instead
  if (shape.length !== expected.length) return false;
  return shape.every((dim, i) => typeof dim === 'string' || dim < 0 || expected[i] === undefined || dim === expected[i]);
}

function describe(meta: InferenceSession.ValueMetadata): string {
  return meta.isTensor ? `${meta.type} [${meta.shape.join(', ')}]` : 'not a tensor';
}

function quoteAll(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
