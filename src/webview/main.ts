// Label preview webview: the image with its label mask overlaid. Never imports 'vscode'; talks to the host only
// through the typed messages in src/common/previewProtocol.ts.
import { assertNever, type HostToPreviewMessage, type LabelView, type PreviewToHostMessage } from '../common/previewProtocol';
import { buildLabelFilter } from './labelFilter';
import { CHECKBOX_TAG, registerToolkit } from './toolkit';

interface VsCodeApi {
  postMessage(message: PreviewToHostMessage): void;
  getState(): PreviewState | undefined;
  setState(state: PreviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface PreviewState {
  readonly showLabel: boolean;
  readonly opacity: number;
}

const vscode = acquireVsCodeApi();
let state: PreviewState = vscode.getState() ?? { showLabel: true, opacity: 0.5 };
let filterCount = 0;

registerToolkit();

const image = element<HTMLImageElement>('image');
const label = element<HTMLImageElement>('label');
const showLabel = element<HTMLElement & { checked: boolean }>('show-label');
const opacity = element<HTMLInputElement>('opacity');
const status = element<HTMLElement>('status');

if (showLabel.tagName.toLowerCase() !== CHECKBOX_TAG) throw new Error('toolkit checkbox missing');

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the preview page`);
  return found as T;
}

function saveState(next: PreviewState): void {
  state = next;
  vscode.setState(state);
  applyState();
}

function applyState(): void {
  showLabel.checked = state.showLabel;
  opacity.value = String(Math.round(state.opacity * 100));
  label.style.opacity = String(state.opacity);
  label.hidden = !state.showLabel || !label.getAttribute('src');
}

function showLabelView(view: LabelView | null, expectedPath?: string): void {
  document.querySelectorAll('svg[data-label-filter]').forEach((n) => n.remove());
  if (!view) {
    label.removeAttribute('src');
    status.textContent = expectedPath ? `No label file yet (${expectedPath})` : 'No label file';
    applyState();
    return;
  }
  const id = `label-filter-${++filterCount}`;
  const svg = buildLabelFilter(id, view.classes);
  svg.dataset.labelFilter = '';
  document.body.appendChild(svg);
  label.style.filter = `url(#${id})`;
  label.src = view.url;
  status.textContent = `Label: ${view.displayPath}`;
  applyState();
}

window.addEventListener('message', (event: MessageEvent<HostToPreviewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      image.src = message.imageUrl;
      image.alt = message.imageName;
      showLabelView(message.label, message.expectedLabelPath);
      break;
    case 'label':
      showLabelView(message.label);
      break;
    default:
      assertNever(message);
  }
});

image.addEventListener('error', () => vscode.postMessage({ type: 'loadFailed', what: 'image', url: image.src }));
label.addEventListener('error', () => {
  if (label.getAttribute('src')) vscode.postMessage({ type: 'loadFailed', what: 'label', url: label.src });
});
showLabel.addEventListener('change', () => saveState({ ...state, showLabel: showLabel.checked }));
opacity.addEventListener('input', () => saveState({ ...state, opacity: Number(opacity.value) / 100 }));
window.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === 'l' || event.key === 'L') saveState({ ...state, showLabel: !state.showLabel });
  else if (event.key === '[') saveState({ ...state, opacity: Math.max(0, state.opacity - 0.1) });
  else if (event.key === ']') saveState({ ...state, opacity: Math.min(1, state.opacity + 0.1) });
});

applyState();
vscode.postMessage({ type: 'ready' });
