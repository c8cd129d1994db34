import * as vscode from 'vscode';
import { messageOf } from '../model/errors';
import type { FailureViews } from '../views/failureView';

/** `segnetr.openEvaluationReport`: an evaluation.json (the Explorer's, or picked) in the failure view. */
export async function openEvaluationReport(views: FailureViews, resource?: unknown): Promise<void> {
  let file = resource instanceof vscode.Uri ? resource : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectMany: false,
      filters: { 'SegNetr evaluation report': ['json'] },
      openLabel: 'Open Report',
      title: 'Choose an evaluation.json (written by Evaluate Folder or segnetr evaluate --report DIR)',
    });
    file = picked?.[0];
  }
  if (!file) return;
  try {
    if (file.scheme !== 'file') throw new Error(`only reports on disk can be opened, not ${file.toString()}`);
    await views.showFile(file.fsPath);
  } catch (error) {
    void vscode.window.showErrorMessage(`SegNetr: ${messageOf(error)}`);
  }
}
