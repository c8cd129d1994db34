// The only module that touches @vscode/webview-ui-toolkit (archived upstream in 2025; @vscode-elements/elements
// is its successor). Swapping toolkits means changing this file and the tag names it exports.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeCheckbox } from '@vscode/webview-ui-toolkit';

export const CHECKBOX_TAG = 'vscode-checkbox';
export const BADGE_TAG = 'vscode-badge';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeBadge());
}
