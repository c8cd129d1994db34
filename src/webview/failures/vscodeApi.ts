// acquireVsCodeApi() for the failure view's page, typed to its messages and its persisted state.
import type { FailureViewState, FailureViewToHostMessage } from '../../common/failureProtocol';

export interface FailureVsCodeApi {
  postMessage(message: FailureViewToHostMessage): void;
  /** Whatever setState stored last (possibly by an older version): sanitize before use. */
  getState(): unknown;
  setState(state: FailureViewState): void;
}

declare function acquireVsCodeApi(): FailureVsCodeApi;

/** Can be called only once per page load. */
export function vscodeApi(): FailureVsCodeApi {
  return acquireVsCodeApi();
}
