import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPageParts {
  readonly title: string;
  /** dist/<script>: the page's only script, which builds every element itself. */
  readonly script: string;
  /** media/<style>. */
  readonly style: string;
  /** CSP directives beyond the common ones (default-src 'none', styles and fonts from the extension, the script by nonce). */
  readonly extraCsp?: readonly string[];
  /** Inline CSS, allowed by the page's nonce. */
  readonly inlineStyle?: string;
}

/** A webview page of ours: a strict CSP, the stylesheet, the title and the script (by nonce). */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, parts: WebviewPageParts): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', parts.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', parts.style));
  const csp = [
    "default-src 'none'",
    ...(parts.extraCsp ?? []),
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const inline = parts.inlineStyle === undefined ? '' : `\n  <style nonce="${nonce}">${parts.inlineStyle}</style>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">${inline}
  <title>${escapeHtml(parts.title)}</title>
</head>
<body>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
