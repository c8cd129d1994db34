import type * as vscode from 'vscode';
import { webviewPage } from '../host/webviewPage';

/**
 * The failure view's page: a CSP, the stylesheet and the script (dist/failures.js builds every element). Strict
 * CSP: nothing by default; our script only by nonce; styles and fonts only from the extension's resources. The
 * page shows no image and fetches nothing (the histogram is inline SVG built by the script).
 */
export function failureViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewPage(webview, extensionUri, { title, script: 'failures.js', style: 'failures.css' });
}
