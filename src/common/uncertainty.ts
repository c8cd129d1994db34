// Types of the uncertainty pass: every image of a folder predicted (no ground truth needed) and scored by how
// unsure the model was (src/eval/uncertainty.ts), so a person can review the likely failures first.
// Environment-neutral: imports neither `vscode`, Node built-ins nor the DOM.
import type { FileError } from './prelabel';

export interface RankUncertaintyRequest {
  readonly imagesDir: string;
  readonly modelPath: string;
  /** onnxruntime intra-op threads; 0 = automatic. */
  readonly threads: number;
  /** Images (absolute paths) to leave out: those a run cut short by a worker crash had done or had in hand. */
  readonly exclude?: readonly string[];
}

/** One image done: its score travels with the progress, so a run cut short still has the images it scored. */
export type UncertaintyProgress = {
  readonly done: number;
  readonly total: number;
  readonly file: string;
} & ({ readonly outcome: 'scored'; readonly uncertainty: number } | { readonly outcome: 'failed'; readonly reason: string });

/** What a ranking knows before its first image: sent first, so that a run cut short can still be ranked. */
export interface RankingHeader {
  readonly imagesDir: string;
  readonly model: { readonly path: string; readonly name: string; readonly sha256: string };
  /** The images this run scores, in folder order. */
  readonly planned: readonly string[];
}

/** A ranking from scored images in folder order: most uncertain first, ties in folder order (a stable sort). */
export function rankScored<T extends { readonly uncertainty: number }>(scored: readonly T[]): T[] {
  return [...scored].sort((a, b) => b.uncertainty - a.uncertainty);
}

export interface UncertaintyRanking {
  readonly imagesDir: string;
  readonly model: { readonly path: string; readonly name: string; readonly sha256: string };
  /** Every image scored, most uncertain first (ties in folder order). */
  readonly images: readonly { readonly image: string; readonly uncertainty: number }[];
  readonly failed: readonly FileError[];
  /** True for a pass that did not reach the end (Cancel, or `stopped`). */
  readonly cancelled: boolean;
  /** Why the pass ended early when no one cancelled it (its worker process stopped). */
  readonly stopped?: string;
  readonly elapsedMs: number;
}
