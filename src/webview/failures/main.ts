// Entry of the failure view's page (bundled to dist/failures.js). Never imports 'vscode'. The page keeps its
// filters and sort order, and the report it shows, in webview state, so a reload or a restored window shows the
// same view (the host re-reads the report from disk).
import type { FailureViewState, HostToFailureViewMessage } from '../../common/failureProtocol';
import { FailurePage, type ListPlace } from './page';
import { type TableQuery, sanitizeQuery } from './table';
import { vscodeApi } from './vscodeApi';

const api = vscodeApi();
const saved = (api.getState() ?? {}) as { reportPath?: unknown; query?: unknown; place?: unknown };
let reportPath = typeof saved.reportPath === 'string' ? saved.reportPath : undefined;
let query: unknown = saved.query;
let place: ListPlace | undefined = placeOf(saved.place);
/** The version of the report shown (the host's count, see the 'show' message). */
let version = 0;

/** A stored place, if it is one (the state may come from an older version). */
function placeOf(value: unknown): ListPlace | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { current, scrollTop } = value as Record<string, unknown>;
  if (typeof scrollTop !== 'number' || !Number.isFinite(scrollTop) || scrollTop < 0) return undefined;
  return { current: Number.isInteger(current) && (current as number) >= 0 ? (current as number) : undefined, scrollTop };
}

function persist(): void {
  const state: FailureViewState = { ...(reportPath === undefined ? {} : { reportPath }), query, ...(place ? { place } : {}) };
  api.setState(state);
}

const page = new FailurePage(document.body.appendChild(document.createElement('main')), sanitizeQuery(query, 256), {
  onQuery: (q: TableQuery) => {
    query = q;
    persist();
  },
  onOpen: (index, order) => api.postMessage({ type: 'openCase', index, order, version }),
  onOpenReport: (file) => api.postMessage({ type: 'openReport', file }),
  onPlace: (p: ListPlace) => {
    place = p;
    persist();
  },
});

window.addEventListener('message', (event: MessageEvent<HostToFailureViewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'show': {
      const sameReport = reportPath === message.data.reportPath;
      reportPath = message.data.reportPath;
      version = message.version;
      page.show(message.data, sanitizeQuery(query, message.data.classNames.length));
      if (place && sameReport) page.restorePlace(place);
      persist();
      return;
    }
    case 'opened':
      page.markOpened(message.index);
      return;
    case 'groundTruthChanged':
      page.markGroundTruthChanged(message.indices);
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
