// Entry of the mask editor's webview (bundled to dist/webview.js). The host's page needs only a CSP, the
// stylesheet media/editor.css and this script: the page builds its own elements (page.ts). The CSP must allow
// fetching the image URL (connect-src for the webview's resource origin), because the image is read as bytes to
// show it in its stored pixel grid (imageLoader.ts). Never imports 'vscode'.
import type { HostToWebviewMessage } from '../common/editorProtocol';
import { MaskEditor } from './editor';
import { buildPage } from './page';
import { registerToolkit } from './toolkit';
import { vscodeApi } from './vscodeApi';

const api = vscodeApi();
registerToolkit();
const editor = new MaskEditor(buildPage(), api);
// Listen before saying 'ready': the host answers with 'init' at once.
window.addEventListener('message', (event: MessageEvent<HostToWebviewMessage>) => editor.handleMessage(event.data));
api.postMessage({ type: 'ready' });
