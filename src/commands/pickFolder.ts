import * as vscode from 'vscode';

/** One folder from the folder picker, starting at `defaultUri` (the first workspace folder when absent). */
export async function pickFolder(openLabel: string, title: string, defaultUri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const start = defaultUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel, title, ...(start ? { defaultUri: start } : {}) });
  return picked?.[0];
}

/**
 * The folder a folder command works on: the one it was invoked on (Explorer context menu), else one picked; a
 * folder that is not on disk is refused with a message. `verb` completes "SegNetr can only ... folders on disk".
 */
export async function commandFolder(folderArg: unknown, verb: string, openLabel: string, title: string): Promise<vscode.Uri | undefined> {
  const folder = folderArg instanceof vscode.Uri ? folderArg : await pickFolder(openLabel, title);
  if (!folder) return undefined;
  if (folder.scheme !== 'file') {
    void vscode.window.showErrorMessage(`SegNetr can only ${verb} folders on disk, not ${folder.toString()}.`);
    return undefined;
  }
  return folder;
}
