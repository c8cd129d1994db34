// Entry of the failure view's page (bundled to dist/failures.js). Never imports 'vscode'. The page keeps its
// filters and sort order, and the report it shows, in webview state, so a reload or a restored window shows the
// same view (the host re-reads the report from disk).
import type { FailureViewState, HostToFailureViewMessage } from '../../common/failureProtocol';
import { FailurePage } from './page';
import { type TableQuery, sanitizeQuery } from './table';
import { vscodeApi } from './vscodeApi';

const api = vscodeApi();
const saved = (api.getState() ?? {}) as { reportPath?: unknown; query?: unknown };
let reportPath = typeof saved.reportPath === 'string' ? saved.reportPath : undefined;
let query: unknown = saved.query;

function persist(): void {
  const state: FailureViewState = { ...(reportPath === undefined ? {} : { reportPath }), query };
  api.setState(state);
}

const page = new FailurePage(document.body.appendChild(document.createElement('main')), sanitizeQuery(query, 256), {
  onQuery: (q: TableQuery) => {
    query = q;
    persist();
  },
  onOpen: (index) => api.postMessage({ type: 'openCase', index }),
  onOpenReport: (file) => api.postMessage({ type: 'openReport', file }),
});

window.addEventListener('message', (event: MessageEvent<HostToFailureViewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'show':
      reportPath = message.data.reportPath;
      page.show(message.data, sanitizeQuery(query, message.data.classNames.length));
      persist();
      return;
    case 'opened':
      page.markOpened(message.index);
      return;
    case 'error':
      page.showError(message.message);
      return;
    default: {
      const never: never = message;
      throw new Error(`Unhandled message: ${JSON.stringify(never)}`);
    }
  }
});
api.postMessage({ type: 'ready' });
