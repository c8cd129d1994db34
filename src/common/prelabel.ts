// Types shared by the extension host, the inference worker and the CLI for folder pre-labeling.
// Environment-neutral: imports neither `vscode`, Node built-ins nor the DOM.

/** Pixel values written into label files: class indices, or 0/255 for binary models. */
export type LabelFormat = 'index' | 'binary255';

/** Which share of a folder one process handles: files whose sorted position p has p % count === index. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface PrelabelFolderRequest {
  readonly imagesDir: string;
  readonly labelsDir: string;
  readonly modelPath: string;
  readonly format: LabelFormat;
  /** Replace label files that already exist. Without it they are skipped and never touched. */
  readonly overwrite: boolean;
  /**
   * With overwrite, also replace labels a person edited or accepted (review.tsv). Without it those are kept
   * even with overwrite: only an explicit, separate choice replaces a person's work.
   */
  readonly overwriteReviewed?: boolean;
  /** onnxruntime intra-op threads; 0 = automatic. Always clamped to the CPUs (core/defaults.ts). */
  readonly threads: number;
  readonly shard?: Shard;
  /** Images (absolute paths) to leave out: those a run cut short by a worker crash had done or had in hand. */
  readonly exclude?: readonly string[];
}

export type FileOutcome = 'written' | 'skipped' | 'failed';

export interface FileError {
  /** Path of the offending image, as given (absolute in the extension, as listed in the CLI). */
  readonly file: string;
  readonly reason: string;
}

export interface PrelabelProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly outcome: FileOutcome;
  readonly reason?: string;
}

export interface PrelabelSummary {
  readonly total: number;
  readonly written: number;
  readonly skipped: number;
  /** Of the skipped: labels kept although overwrite was asked for, because a person edited or accepted them. */
  readonly keptReviewed: number;
  readonly failed: readonly FileError[];
  /** True for a job that did not reach the end (Cancel, or `stopped`). */
  readonly cancelled: boolean;
  /** Why the job ended early when no one cancelled it (its worker process stopped). */
  readonly stopped?: string;
  readonly elapsedMs: number;
  readonly labelsDir: string;
  /** onnxruntime intra-op threads the job ran with: the request, clamped to the CPUs. */
  readonly threads: number;
}
