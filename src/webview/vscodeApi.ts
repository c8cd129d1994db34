// The webview side of VS Code: acquireVsCodeApi() is injected by VS Code into every webview (the webview never
// imports 'vscode'). Typed per page to the messages it sends and the view state it persists.
import type { WebviewToHostMessage } from '../common/editorProtocol';
import type { ViewState } from './viewState';

export interface WebviewApi<Message, State> {
  postMessage(message: Message): void;
  /** Whatever setState stored last (possibly by an older version): sanitize before use. */
  getState(): unknown;
  setState(state: State): void;
}

export type EditorVsCodeApi = WebviewApi<WebviewToHostMessage, ViewState>;

declare function acquireVsCodeApi(): WebviewApi<unknown, unknown>;

/** Can be called only once per page load, so each page's main.ts calls it once and passes the result on. */
export function vscodeApi<Message = WebviewToHostMessage, State = ViewState>(): WebviewApi<Message, State> {
  return acquireVsCodeApi() as WebviewApi<Message, State>;
}
