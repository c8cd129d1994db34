// The webview side of VS Code: acquireVsCodeApi() is injected by VS Code into every webview (the webview never
// imports 'vscode'). Typed here to the editor's messages and its persisted view state.
import type { WebviewToHostMessage } from '../common/editorProtocol';
import type { ViewState } from './viewState';

export interface EditorVsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  /** Whatever setState stored last (possibly by an older version): sanitize before use. */
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): EditorVsCodeApi;

/** Can be called only once per page load, so main.ts calls it once and passes the result on. */
export function vscodeApi(): EditorVsCodeApi {
  return acquireVsCodeApi();
}
