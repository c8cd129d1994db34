import * as vscode from 'vscode';

/** One status bar item that is visible only while a job runs; clicking it shows the log. */
export class JobStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('segnetr.job', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'SegNetr';
    this.item.command = 'segnetr.showLog';
  }

  update(done: number, total: number, folderName: string, activity = 'Pre-labeling'): void {
    this.item.text = `$(sync~spin) SegNetr ${done}/${total}`;
    this.item.tooltip = `${activity} ${folderName}: ${done} of ${total} images. Click to show the log.`;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
