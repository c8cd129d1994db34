// Messages between the label preview editor (extension host) and its webview.
// Environment-neutral: imported by both sides, imports neither `vscode` nor the DOM.

export interface ClassStyle {
  readonly index: number;
  readonly name: string;
  /** CSS hex colour, #rrggbb. */
  readonly color: string;
}

export interface LabelView {
  /** Webview URL of the label PNG, with a cache-busting query so a rewritten file reloads. */
  readonly url: string;
  /** Workspace-relative or absolute path, shown to the user. */
  readonly displayPath: string;
  readonly classes: readonly ClassStyle[];
}

export type HostToPreviewMessage =
  | { readonly type: 'init'; readonly imageUrl: string; readonly imageName: string; readonly label: LabelView | null; readonly expectedLabelPath: string }
  | { readonly type: 'label'; readonly label: LabelView | null };

export type PreviewToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'loadFailed'; readonly what: 'image' | 'label'; readonly url: string };

/** Exhaustiveness guard for switches over message unions. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
