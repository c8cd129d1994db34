// Composition root: creates the services and registers what the manifest contributes. No logic here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openLabelPreview } from './commands/openLabelPreview';
import { PrelabelFolderCommand, type PrelabelCommandOptions } from './commands/prelabelFolder';
import { LABEL_PREVIEW_VIEW_TYPE, LabelPreviewProvider } from './editor/labelPreviewProvider';
import { Log } from './host/log';
import { JobStatusBar } from './views/statusBar';
import { WorkerClient } from './worker/client';

export function activate(context: vscode.ExtensionContext): void {
  const log = new Log();
  const statusBar = new JobStatusBar();
  const worker = new WorkerClient({
    workerScript: path.join(context.extensionPath, 'dist', 'worker.js'),
    log: (line) => log.info(line),
  });
  const prelabel = new PrelabelFolderCommand({ extensionPath: context.extensionPath, worker, log, statusBar });

  context.subscriptions.push(
    log,
    statusBar,
    { dispose: () => worker.dispose() },
    vscode.window.registerCustomEditorProvider(LABEL_PREVIEW_VIEW_TYPE, new LabelPreviewProvider(context.extensionUri, log)),
    vscode.commands.registerCommand('segnetr.prelabelFolder', (folder?: unknown, options?: PrelabelCommandOptions) =>
      prelabel.run(folder, options),
    ),
    vscode.commands.registerCommand('segnetr.openLabelPreview', openLabelPreview),
    vscode.commands.registerCommand('segnetr.showLog', () => log.show()),
    vscode.commands.registerCommand('segnetr.restartWorker', () => {
      worker.restart();
      log.info('Inference worker restarted; the next job starts a fresh process.');
    }),
  );
}

export function deactivate(): void {
  // Everything is in context.subscriptions; disposing the worker client stops the worker process.
}
