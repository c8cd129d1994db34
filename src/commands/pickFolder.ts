import * as vscode from 'vscode';

/** One folder from the folder picker, starting at `defaultUri` (the first workspace folder when absent). */
export async function pickFolder(openLabel: string, title: string, defaultUri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const start = defaultUri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel, title, ...(start ? { defaultUri: start } : {}) });
  return picked?.[0];
}
