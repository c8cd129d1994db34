// The mask editor host tests' hands and eyes: requests to the harness's webview driver (scripts/host/editorDriver.mjs),
// which moves the real pointer and presses real keys inside the editor's webview, plus polling helpers.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { SegnetrApi } from '../../../src/extension';
import type { MaskEditorState } from '../../../src/editor/maskEditorProvider';
import { config } from './context';
import { EXTENSION_ID } from './helpers';

async function drive<T>(op: string, args: Record<string, unknown>): Promise<T> {
  const response = await fetch(config().driverUrl, { method: 'POST', body: JSON.stringify({ op, ...args }) });
  const answer = (await response.json()) as { ok: boolean; result?: T; error?: string };
  if (!answer.ok) throw new Error(`webview driver, ${op}: ${answer.error}`);
  return answer.result as T;
}

/** Acts inside the mask editor webview showing `image` (a file name: the page's title). */
export class EditorHands {
  constructor(readonly image: string) {}

  waitUntilShown(timeoutMs = 60_000): Promise<{ status: string }> {
    return drive('wait', { image: this.image, timeoutMs });
  }

  /** Presses at pixel `from`, drags along the row to pixel `to`, releases; with `hold` (a key, e.g. ' ') held throughout. */
  drag(from: readonly [number, number], to: readonly [number, number], hold?: string): Promise<{ status: string }> {
    return drive('drag', { image: this.image, from, to, steps: 16, ...(hold === undefined ? {} : { hold }) });
  }

  /** Starts recording the page's long tasks (its main thread busy over 50 ms at a stretch). */
  recordLongTasks(): Promise<unknown> {
    return drive('longTasks', { image: this.image, start: true });
  }

  /** The durations (ms) of the page's long tasks since recordLongTasks. */
  longTasks(): Promise<readonly number[]> {
    return drive<{ durations: number[] }>('longTasks', { image: this.image }).then((r) => r.durations);
  }

  /** Puts the pointer over image pixel (px, py); the status line then names that pixel's class. */
  hover(px: number, py: number): Promise<{ status: string }> {
    return drive('hover', { image: this.image, px, py });
  }

  /** A key chord with the focus inside the webview (playwright names: 'b', 'Control+z', 'Control+Shift+z'), on the canvas or `selector`. */
  press(key: string, selector?: string): Promise<void> {
    return drive('press', { image: this.image, key, ...(selector === undefined ? {} : { selector }) });
  }

  fill(selector: string, value: string | number): Promise<void> {
    return drive('fill', { image: this.image, selector, value });
  }

  click(selector: string): Promise<void> {
    return drive('click', { image: this.image, selector });
  }

  text(selector: string): Promise<string> {
    return drive<{ text: string }>('text', { image: this.image, selector }).then((r) => r.text);
  }

  /** Posts raw messages from the page, through the channel acquireVsCodeApi().postMessage uses. */
  post(messages: readonly unknown[]): Promise<{ posted: number }> {
    return drive('post', { image: this.image, messages });
  }
}

/** Clicks a button of the workbench itself (e.g. a notification's action), found by its accessible name. */
export function clickWorkbenchButton(name: string): Promise<void> {
  return drive('button', { name });
}

/** Types into the workbench's focused text field (Quick Open) as key presses; resolves with the field's value. */
export function typeInWorkbench(text: string): Promise<string> {
  return drive<{ value: string }>('workbenchType', { text }).then((r) => r.value);
}

/** Acts inside another webview (the failure view), found by its page title. */
export class ViewHands {
  constructor(readonly title: string) {}

  waitFor(selector: string, timeoutMs = 60_000): Promise<void> {
    return drive('viewWait', { title: this.title, selector, timeoutMs });
  }

  click(selector: string): Promise<void> {
    return drive('viewClick', { title: this.title, selector });
  }

  /** Focuses `selector`, then presses a key chord (playwright names). */
  press(selector: string, key: string): Promise<void> {
    return drive('viewPress', { title: this.title, selector, key });
  }

  text(selector: string): Promise<string> {
    return drive<{ text: string }>('viewText', { title: this.title, selector }).then((r) => r.text);
  }
}

/** A screenshot of the whole workbench into `file` (for the README: run.mjs --screenshots DIR). */
export function screenshot(file: string): Promise<void> {
  return drive('screenshot', { path: file });
}

export async function segnetrApi(): Promise<SegnetrApi> {
  const extension = vscode.extensions.getExtension<SegnetrApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Polls `read` until `done` holds (then returns the value) or fails with `what` and the last value. */
export async function waitFor<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

export async function editorState(uri: vscode.Uri): Promise<MaskEditorState | undefined> {
  return (await segnetrApi()).maskEditorState(uri);
}

/**
 * Whether VS Code's workbench shows the mask editor of `uri` as dirty (undefined when no tab shows it). The
 * document's own dirty flag changes in the extension host at once; the workbench learns of an edit by a message,
 * and its tab state comes back by another: once the tab says dirty, VS Code's undo stack holds the edit, so a
 * Ctrl+Z sent through the page (another channel than the extension host's) reaches that edit.
 */
export function workbenchDirty(uri: vscode.Uri): boolean | undefined {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (input instanceof vscode.TabInputCustom && input.viewType === 'segnetr.maskEditor' && input.uri.fsPath === uri.fsPath) return tab.isDirty;
    }
  }
  return undefined;
}

/** The active tab's resource when it is a mask editor. */
export function activeMaskEditorUri(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === 'segnetr.maskEditor' ? input.uri.fsPath : undefined;
}
