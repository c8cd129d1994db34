// Messages between the SegNetr mask editor (extension host) and its webview, in both directions.
// Environment-neutral: imported by both sides; imports neither `vscode` nor the DOM nor Node.
// Every message from the webview is untrusted input: the host validates it (parseWebviewMessage) before it
// touches the document. Binary data travels as Uint8Array (transferred), never as arrays of numbers.
import type { MaskOperation, Rect } from '../mask/types';

/** The host commands the page's buttons also give (src/common/editorActions.ts EDITOR_COMMANDS). */
export type EditorCommand = 'accept' | 'reject' | 'next' | 'previous' | 'predict';

/** A class of the model card, as the overlay and the class picker show it. */
export interface ClassStyle {
  readonly index: number;
  readonly name: string;
  /** CSS hex colour, #rrggbb. */
  readonly color: string;
}

/** Review decision recorded for an image (absent: never reviewed). */
export type ReviewStatus = 'predicted' | 'edited' | 'accepted' | 'rejected';

/** Keyboard-driven actions: each is a contributed, rebindable VS Code command forwarded to the active editor. */
export type EditorAction =
  | 'tool.brush'
  | 'tool.eraser'
  | 'tool.fill'
  | 'tool.polygon'
  | 'tool.polygonErase'
  | 'brush.bigger'
  | 'brush.smaller'
  | 'mask.fillHoles'
  | 'mask.removeIslands'
  | 'mask.keepLargest'
  | 'view.toggleMask'
  | 'view.toggleOutline'
  | 'view.toggleUncertain'
  | 'view.opacityUp'
  | 'view.opacityDown'
  | 'view.zoomFit'
  | 'view.zoomActual'
  | 'view.zoomIn'
  | 'view.zoomOut'
  | 'help.toggle'
  | `class.${number}`;

export interface EditorInit {
  /** The init's place in the count of pixel messages to this page (see 'patch'). */
  readonly pixelsSeq: number;
  /** Webview URL of the image (loaded by URL, shown in its stored pixel grid: CSS image-orientation: none). */
  readonly imageUrl: string;
  /**
   * Present when the page cannot show the file itself (TIFF, 16-bit PNG): the image as the model sees it, as a
   * PNG, shown instead of the URL's, and a note saying how it was rendered; or why it could not be rendered.
   */
  readonly renderedImage?: { readonly png: Uint8Array; readonly note: string } | { readonly failed: string };
  readonly imageName: string;
  readonly width: number;
  readonly height: number;
  /** Current mask (the document's truth), width * height class indices. */
  readonly mask: Uint8Array;
  readonly classes: readonly ClassStyle[];
  /** Where the mask came from when the editor opened. */
  readonly source: 'label' | 'prediction' | 'empty' | 'backup';
  readonly labelDisplayPath: string;
  readonly readOnly: boolean;
  /** Why it is read-only (untrusted workspace, read-only label file), shown to the user. */
  readonly readOnlyReason?: string;
  readonly review: ReviewStatus | undefined;
  /** The model's default threshold, 0..255 (probability x 255). */
  readonly threshold: number;
  /** Whether a probability map is stored for this image (sent on request: 'probability'). */
  readonly hasStoredProbability: boolean;
  /** Present in compare mode: the document's mask is a ground-truth file, compared with a prediction. */
  readonly compare?: CompareInit;
}

/**
 * Compare mode (opened from the failure view): the document is the ground-truth label, edited in place as usual;
 * the prediction arrives in a 'comparePrediction' message (from a label file, or the model's run in the worker).
 */
export interface CompareInit {
  /** Label values the model can produce (background included): what the metrics are computed over. */
  readonly classCount: number;
  readonly groundTruthName: string;
  /** Where the prediction comes from: a label file (its display path) or the model (its name). */
  readonly predictionSource: PredictionOrigin;
  readonly predictionName: string;
}

export type PredictionOrigin = 'file' | 'model';

/** What became of an edit the host ran on its codec thread (see 'editDone'). */
export type EditOutcome = 'changed' | 'unchanged' | 'failed';

export type HostToWebviewMessage =
  | { readonly type: 'init'; readonly init: EditorInit }
  /**
   * The host's truth for a rectangle (undo, redo, a Predict result, an edit the page left to the host or painted
   * before it had this page's earlier patches). `seq` counts the pixel messages to this page (init, patch, mask):
   * the page sends the last it has with each edit, so the host knows whether pixels it sent may have covered what
   * the page painted (and sends that edit's pixels back too).
   */
  | { readonly type: 'patch'; readonly rect: Rect; readonly data: Uint8Array; readonly seq: number }
  /** The whole mask replaced (revert, reload from disk, backup restore). */
  | { readonly type: 'mask'; readonly data: Uint8Array; readonly source: EditorInit['source']; readonly seq: number }
  /** Probability map (8-bit, p x 255) and, for multi-class models, the predicted class per pixel. */
  | { readonly type: 'probability'; readonly probability: Uint8Array; readonly classes: Uint8Array | null }
  | { readonly type: 'review'; readonly review: ReviewStatus | undefined }
  | { readonly type: 'busy'; readonly what: string | null }
  /**
   * An edit the host ran on its codec thread (wholeImage.ts runsOnCodecThread) is done: it changed pixels, it
   * changed none, or it failed (an 'error' said why). Until then the page sends no other edit, so that VS Code's
   * undo stack stays in the order of the edits. Its pixels came just before, as a 'patch', to the page that sent
   * it too when that page left them to the host (pagePaintsFirst).
   */
  | { readonly type: 'editDone'; readonly id: number; readonly outcome: EditOutcome }
  | { readonly type: 'action'; readonly action: EditorAction }
  /**
   * A host command's key (accept, reject, next, previous, predict): the page sends what its button sends, unless
   * the key was typed into one of its text fields (VS Code sees those keys too).
   */
  | { readonly type: 'command'; readonly command: EditorCommand }
  /** Compare mode: the prediction as evaluated (width * height class indices). */
  | { readonly type: 'comparePrediction'; readonly prediction: Uint8Array; readonly source: PredictionOrigin }
  | { readonly type: 'error'; readonly message: string };

export type WebviewToHostMessage =
  | { readonly type: 'ready' }
  /**
   * One finished operation; `id` lets the host name it in an error reply; `seen`: the `seq` of the last pixel
   * message the page had when it painted it (0 for none).
   */
  | { readonly type: 'edit'; readonly id: number; readonly operation: MaskOperation; readonly seen: number }
  /** Run the model on this image and apply its mask as one undoable edit. */
  | { readonly type: 'predict' }
  /** Send the probability map (stored, or from one model run). */
  | { readonly type: 'loadProbability' }
  | { readonly type: 'review'; readonly decision: 'accept' | 'reject' }
  | { readonly type: 'navigate'; readonly direction: 'next' | 'previous' }
  | { readonly type: 'loadFailed'; readonly what: 'image'; readonly detail: string }
  /**
   * Compare mode: replace the ground truth by the prediction, as one undoable edit. threshold null: the
   * prediction as evaluated; 0..255: the probability map above that threshold (the rule of thresholdMask).
   */
  | { readonly type: 'usePrediction'; readonly threshold: number | null };

/** Exhaustiveness guard for switches over message unions. */
export function assertNeverMessage(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
