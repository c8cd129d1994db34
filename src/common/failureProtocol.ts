// Messages between the failure view (a webview panel listing an evaluation's images worst-first) and the
// extension host. Environment-neutral: imports neither `vscode` nor the DOM nor Node. Every message from the
// webview is untrusted: the host checks it (src/views/validateFailureMessage.ts) before acting on it.
import type { EmptyCase, EvaluationSummary, GroundTruthMadeBy, MetricValues, PredictionSource } from './evaluation';

/** One foreground class of one image, as the table shows it. */
export interface FailureClassRow extends MetricValues {
  readonly classIndex: number;
  readonly empty: EmptyCase;
  readonly predictedArea: number;
  readonly groundTruthArea: number;
}

/** One scored image. Paths stay in the host: the page names an image by `index` only. */
export interface FailureRow extends MetricValues {
  /** Position in the report's `images`: what 'openCase' names. */
  readonly index: number;
  /** The image's file name. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly predictedArea: number;
  readonly groundTruthArea: number;
  /** Present when the model predicted the image (a label file's prediction has none). */
  readonly uncertainty?: number;
  readonly prediction: PredictionSource;
  /** Classes 1..K-1, in order. */
  readonly classes: readonly FailureClassRow[];
  /**
   * Set when the ground-truth folder's records prove the mask is a model's pre-label (or one a person edited);
   * `own`: the evaluated model's, on a row that model predicted (not a prediction file).
   */
  readonly groundTruthFromModel?: { readonly status: GroundTruthMadeBy; readonly own: boolean };
}

export interface FailureViewData {
  /** The evaluation.json the view shows, when it was written (kept by the page so the view survives a reload). */
  readonly reportPath?: string;
  /** Folders as the user knows them (workspace-relative where possible). */
  readonly imagesDir: string;
  readonly gtDir: string;
  readonly predDir?: string;
  readonly modelName: string;
  /** Class names by index (0 = background). */
  readonly classNames: readonly string[];
  readonly rows: readonly FailureRow[];
  /** Images that could not be scored: file name and reason. */
  readonly failed: readonly { readonly name: string; readonly reason: string }[];
  readonly summary: EvaluationSummary;
  /** What the report says about ground truth a model made, and problems that made it say less: sentences. */
  readonly groundTruthNotes: readonly string[];
  readonly cancelled: boolean;
  /** Why the run ended early when no one cancelled it. */
  readonly stopped?: string;
}

/** The report files the page can ask the host to open. */
export const REPORT_FILE_KINDS = ['markdown', 'csv', 'json'] as const;
export type ReportFileKind = (typeof REPORT_FILE_KINDS)[number];

export type HostToFailureViewMessage =
  /** `version` counts the reports this panel has shown: the page sends it back with 'openCase'. */
  | { readonly type: 'show'; readonly data: FailureViewData; readonly version: number }
  /**
   * The ground-truth files of these cases changed since the evaluation (saved in the mask editor, or changed by
   * any program: their bytes are not the ones scored): their scores are the report's, not the files' now. Adds to
   * what was said before for the same report.
   */
  | { readonly type: 'groundTruthChanged'; readonly indices: readonly number[] }
  /** The case `index` was opened (the page marks the row). */
  | { readonly type: 'opened'; readonly index: number }
  | { readonly type: 'error'; readonly message: string };

export type FailureViewToHostMessage =
  | { readonly type: 'ready' }
  /**
   * Open the image `index` of the report in the mask editor's compare mode. `order`: the cases the view shows, in
   * its order (filtered, sorted): Next and Previous in compare mode follow it. `version`: of the report the page
   * showed (see 'show'): a click that crossed a new report must not open whichever image now has that index.
   */
  | { readonly type: 'openCase'; readonly index: number; readonly order?: readonly number[]; readonly version: number }
  | { readonly type: 'openReport'; readonly file: ReportFileKind };

/** What the page keeps across reloads (webview state); untrusted when it comes back. */
export interface FailureViewState {
  readonly reportPath?: string;
  readonly query?: unknown;
  /** Where the list was (focused case, scroll): checked by the page before use. */
  readonly place?: unknown;
}
