import * as vscode from 'vscode';

/** One folder from the folder picker, starting at `defaultUri` (the first workspace folder when absent). */
export async function pickFolder(openLabel: string, title: string, defaultUri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const start = defaultUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel, title, ...(start ? { defaultUri: start } : {}) });
  return picked?.[0];
}

/**
 * The arguments of a folder command: VS Code calls an Explorer context command with (clicked folder, every
 * selected one), and a second argument that is that array is not the command's options. Several folders selected
 * are refused with a message (undefined), not all but the clicked one silently left out. `verb` as for
 * commandFolder.
 */
export function folderCommandArgs<O>(first: unknown, second: unknown, verb: string): { folder: unknown; options: O | undefined } | undefined {
  if (!Array.isArray(second)) return { folder: first, options: second as O | undefined };
  if (second.length > 1) {
    void vscode.window.showErrorMessage(`SegNetr can ${verb} one folder at a time, and ${second.length} are selected: run it on each of them.`);
    return undefined;
  }
  return { folder: first, options: undefined };
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
