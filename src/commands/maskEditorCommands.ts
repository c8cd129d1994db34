// The mask editor's commands: opening an image in it, one command per keyboard action (forwarded to the
// active editor's webview), the host commands (accept, reject, next, previous, predict) and restoring a kept copy
// of unsaved edits. package.json contributes the same ids and keys from the same table (a unit test checks they
// agree).
import * as vscode from 'vscode';
import { ACTION_BINDINGS, EDITOR_COMMANDS, MASK_EDITOR_VIEW_TYPE, actionCommandId } from '../common/editorActions';
import type { EditorCommand } from '../common/editorProtocol';
import type { MaskEditorProvider } from '../editor/maskEditorProvider';

export const OPEN_MASK_EDITOR_COMMAND = 'segnetr.openMaskEditor';
export const RESTORE_KEPT_EDITS_COMMAND = 'segnetr.restoreKeptEdits';

export function registerMaskEditorCommands(provider: MaskEditorProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(OPEN_MASK_EDITOR_COMMAND, openMaskEditor),
    ...ACTION_BINDINGS.map(({ action }) => vscode.commands.registerCommand(actionCommandId(action), () => provider.postToActive({ type: 'action', action }))),
    // Through the page, like its buttons: a key typed into one of its text fields is the field's, not a command.
    ...Object.entries(EDITOR_COMMANDS).map(([name, { command }]) =>
      vscode.commands.registerCommand(command, () => provider.postToActive({ type: 'command', command: name as EditorCommand })),
    ),
    vscode.commands.registerCommand(RESTORE_KEPT_EDITS_COMMAND, (file?: unknown) => provider.restoreKeptEditsActive(typeof file === 'string' ? file : undefined)),
  ];
}

/** `segnetr.openMaskEditor`: the explorer's (or the active tab's) image, or a label file's image, in the mask editor. */
async function openMaskEditor(resource?: unknown): Promise<void> {
  const target = resource instanceof vscode.Uri ? resource : activeTabUri();
  if (!target) {
    void vscode.window.showInformationMessage('Select an image in the Explorer to open it in the SegNetr mask editor.');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, MASK_EDITOR_VIEW_TYPE);
}

/** The resource of the active tab (image previews are not text editors, so activeTextEditor misses them). */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}
