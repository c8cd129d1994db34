// Types of the uncertainty pass: every image of a folder predicted (no ground truth needed) and scored by how
// unsure the model was (src/eval/uncertainty.ts), so a person can review the likely failures first.
// Environment-neutral: imports neither `vscode`, Node built-ins nor the DOM.
import type { FileError } from './prelabel';

export interface RankUncertaintyRequest {
  readonly imagesDir: string;
  readonly modelPath: string;
  /** onnxruntime intra-op threads; 0 = automatic. */
  readonly threads: number;
}

export interface UncertaintyProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly outcome: 'scored' | 'failed';
  readonly reason?: string;
}

export interface UncertaintyRanking {
  readonly imagesDir: string;
  readonly model: { readonly path: string; readonly name: string; readonly sha256: string };
  /** Every image scored, most uncertain first (ties in folder order). */
  readonly images: readonly { readonly image: string; readonly uncertainty: number }[];
  readonly failed: readonly FileError[];
  readonly cancelled: boolean;
  readonly elapsedMs: number;
}
