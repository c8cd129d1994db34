// The mask editor's keyboard actions: one table, used by package.json's contributed keybindings (a unit test
// checks they agree), the host's command registration and the webview's help overlay. Every key is a VS Code
// keybinding (rebindable by the user), active only while the mask editor is the active custom editor and the
// keyboard is not in a text field or list elsewhere (MASK_EDITOR_KEYS_WHEN).
import type { EditorAction, EditorCommand } from './editorProtocol';

export const MASK_EDITOR_VIEW_TYPE = 'segnetr.maskEditor';

/**
 * When the keys act: the mask editor is the active editor, and the keyboard is not in a text field (Quick Open, the
 * Search box, a commit message, the terminal) or a list (the Explorer's type-to-find) elsewhere in VS Code, which
 * `activeCustomEditorId` alone does not tell: it follows the active editor tab, not the focus.
 */
export const MASK_EDITOR_KEYS_WHEN = `activeCustomEditorId == '${MASK_EDITOR_VIEW_TYPE}' && !inputFocus && !listFocus`;

export interface ActionBinding {
  readonly action: EditorAction;
  /** VS Code key chord, as written in package.json. */
  readonly key: string;
  readonly title: string;
}

const CLASS_KEYS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

export const ACTION_BINDINGS: readonly ActionBinding[] = [
  { action: 'tool.brush', key: 'b', title: 'Brush' },
  { action: 'tool.eraser', key: 'e', title: 'Eraser' },
  { action: 'tool.fill', key: 'f', title: 'Flood Fill' },
  { action: 'tool.polygon', key: 'p', title: 'Polygon Fill' },
  { action: 'tool.polygonErase', key: 'shift+p', title: 'Polygon Erase' },
  { action: 'brush.bigger', key: ']', title: 'Bigger Brush' },
  { action: 'brush.smaller', key: '[', title: 'Smaller Brush' },
  { action: 'mask.fillHoles', key: 'h', title: 'Fill Holes' },
  { action: 'mask.removeIslands', key: 'i', title: 'Remove Small Islands' },
  { action: 'mask.keepLargest', key: 'k', title: 'Keep Largest Component' },
  { action: 'view.toggleMask', key: 'm', title: 'Show/Hide Mask' },
  { action: 'view.toggleOutline', key: 'o', title: 'Outline Only' },
  { action: 'view.toggleUncertain', key: 'u', title: 'Show Uncertain Band' },
  { action: 'view.opacityUp', key: '.', title: 'More Opaque Mask' },
  { action: 'view.opacityDown', key: ',', title: 'More Transparent Mask' },
  { action: 'view.zoomFit', key: 'z', title: 'Zoom to Fit' },
  { action: 'view.zoomActual', key: 'shift+z', title: 'Zoom 1:1' },
  { action: 'view.zoomIn', key: '=', title: 'Zoom In' },
  { action: 'view.zoomOut', key: '-', title: 'Zoom Out' },
  { action: 'help.toggle', key: 'shift+/', title: 'Keyboard Help' },
  ...CLASS_KEYS.map((k): ActionBinding => ({ action: `class.${k}`, key: String(k), title: `Class ${k}` })),
];

/** Host commands of the editor that are not webview actions (they change files or the review state). */
export const EDITOR_COMMANDS: Record<EditorCommand, { readonly command: string; readonly key: string; readonly title: string }> = {
  accept: { command: 'segnetr.editor.accept', key: 'ctrl+enter', title: 'Accept Mask and Open Next' },
  reject: { command: 'segnetr.editor.reject', key: 'ctrl+shift+backspace', title: 'Reject Mask and Open Next' },
  next: { command: 'segnetr.editor.next', key: 'n', title: 'Next Image' },
  previous: { command: 'segnetr.editor.previous', key: 'shift+n', title: 'Previous Image' },
  predict: { command: 'segnetr.editor.predict', key: 'r', title: 'Predict Mask with the Model' },
} as const;

/** The VS Code command id that forwards an action to the active mask editor. */
export function actionCommandId(action: EditorAction): string {
  return `segnetr.editor.${action}`;
}
