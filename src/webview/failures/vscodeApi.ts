// acquireVsCodeApi() for the failure view's page, typed to its messages and its persisted state.
import type { FailureViewState, FailureViewToHostMessage } from '../../common/failureProtocol';
import { type WebviewApi, vscodeApi as acquireApi } from '../vscodeApi';

export type FailureVsCodeApi = WebviewApi<FailureViewToHostMessage, FailureViewState>;

/** Can be called only once per page load. */
export function vscodeApi(): FailureVsCodeApi {
  return acquireApi<FailureViewToHostMessage, FailureViewState>();
}
