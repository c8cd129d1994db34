// The only module that touches @vscode/webview-ui-toolkit (archived upstream in 2025; @vscode-elements/elements
// is its successor). Swapping toolkits means changing this file: the tags it creates and the properties used.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

/** A toolkit button: click, focus and `disabled` like a <button>. */
export type ToolkitButton = HTMLElement & { disabled: boolean; appearance: string };
/** A toolkit checkbox: `checked` and a `change` event like an <input type="checkbox">. */
export type ToolkitCheckbox = HTMLElement & { checked: boolean; disabled: boolean };

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeBadge(), vsCodeProgressRing());
}

export function createButton(appearance: 'primary' | 'secondary' | 'icon'): ToolkitButton {
  const button = document.createElement('vscode-button') as ToolkitButton;
  button.setAttribute('appearance', appearance);
  return button;
}

export function createCheckbox(): ToolkitCheckbox {
  return document.createElement('vscode-checkbox') as ToolkitCheckbox;
}

export function createBadge(): HTMLElement {
  return document.createElement('vscode-badge');
}

export function createProgressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}
