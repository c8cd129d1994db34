import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The preview page. Strict CSP: nothing by default, our script only by nonce, styles and images only from the
 * webview's own resource origin (the extension's dist/media and the image/label folders it was allowed).
 */
export function previewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'preview.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <header class="toolbar" role="toolbar" aria-label="Label preview">
    <vscode-checkbox id="show-label" checked title="Show the label overlay (L)">Label</vscode-checkbox>
    <label class="opacity">Opacity
      <input id="opacity" type="range" min="0" max="100" step="5" value="50" title="Overlay opacity ([ and ])">
    </label>
    <span id="status" class="status" role="status" aria-live="polite"></span>
  </header>
  <main class="stage">
    <div class="frame">
      <img id="image" alt="" crossorigin="anonymous">
      <img id="label" alt="" aria-hidden="true" crossorigin="anonymous" hidden>
    </div>
  </main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
