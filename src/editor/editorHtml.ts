import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The mask editor's page: a CSP, the stylesheet and the script (dist/webview.js builds every element itself).
 * Strict CSP: nothing by default; our script only by nonce; styles, images, fonts and fetches only from the
 * webview's own resource origin, which serves only what localResourceRoots allow (the extension's dist/ and
 * media/, and the image's folder). connect-src lets the script fetch the image's bytes to decode it in its stored
 * pixel grid; `image-orientation: none` keeps any <img> fallback in that grid too (labels never follow EXIF).
 */
export function editorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'editor.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} blob: data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `connect-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <style nonce="${nonce}">img, canvas { image-orientation: none; }</style>
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
