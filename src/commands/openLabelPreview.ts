import * as vscode from 'vscode';
import { LABEL_PREVIEW_VIEW_TYPE } from '../editor/labelPreviewProvider';

/** `segnetr.openLabelPreview`: opens the explorer's (or the active tab's) image in the label preview. */
export async function openLabelPreview(resource?: unknown): Promise<void> {
  const target = resource instanceof vscode.Uri ? resource : activeTabUri();
  if (!target) {
    void vscode.window.showInformationMessage('Select an image in the Explorer to preview it with its label.');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, LABEL_PREVIEW_VIEW_TYPE);
}

/** The resource of the active tab (image previews are not text editors, so activeTextEditor misses them). */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}
