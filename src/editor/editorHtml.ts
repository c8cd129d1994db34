import type * as vscode from 'vscode';
import { webviewPage } from '../host/webviewPage';

/**
 * The mask editor's page: a CSP, the stylesheet and the script (dist/webview.js builds every element itself).
 * Strict CSP: nothing by default; our script only by nonce; styles, images, fonts and fetches only from the
 * webview's own resource origin, which serves only what localResourceRoots allow (the extension's dist/ and
 * media/, and the image's folder). connect-src lets the script fetch the image's bytes to decode it in its stored
 * pixel grid; `image-orientation: none` keeps any <img> fallback in that grid too (labels never follow EXIF).
 */
export function editorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewPage(webview, extensionUri, {
    title,
    script: 'webview.js',
    style: 'editor.css',
    extraCsp: [`img-src ${webview.cspSource} blob: data:`, `connect-src ${webview.cspSource}`],
    inlineStyle: 'img, canvas { image-orientation: none; }',
  });
}
