// Composition root: creates the services and registers what the manifest contributes. No logic here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EvaluateFolderCommand, type EvaluateCommandOptions } from './commands/evaluateFolder';
import { registerMaskEditorCommands } from './commands/maskEditorCommands';
import { openCompareCase } from './commands/openCompareCase';
import { folderCommandArgs } from './commands/pickFolder';
import { openEvaluationReport } from './commands/openEvaluationReport';
import { PrelabelFolderCommand, type PrelabelCommandOptions } from './commands/prelabelFolder';
import { ReviewUncertainFirstCommand, type ReviewUncertainOptions } from './commands/reviewUncertainFirst';
import { MASK_EDITOR_VIEW_TYPE } from './common/editorActions';
import { type MaskEditorState, MaskEditorProvider } from './editor/maskEditorProvider';
import { ReviewOrders } from './editor/reviewOrders';
import { Log } from './host/log';
import { FAILURE_VIEW_TYPE, type FailureViewInfo, FailureViews } from './views/failureView';
import { JobStatusBar } from './views/statusBar';
import { WorkerClient } from './worker/client';
import { LabelCodecThread } from './worker/labelCodecClient';

/** What activate() returns: read-only state for the host tests (other extensions may read it too). */
export interface SegnetrApi {
  readonly maskEditorState: (uri: vscode.Uri) => MaskEditorState | undefined;
  /** A copy of the mask editor's current mask (class indices) for `uri`. */
  readonly maskEditorMask: (uri: vscode.Uri) => Uint8Array | undefined;
  /** The open failure views. */
  readonly failureViews: () => FailureViewInfo[];
}

export function activate(context: vscode.ExtensionContext): SegnetrApi {
  const log = new Log();
  const statusBar = new JobStatusBar();
  const worker = new WorkerClient({
    workerScript: path.join(context.extensionPath, 'dist', 'worker.js'),
    log: (line) => log.info(line),
  });
  const codec = new LabelCodecThread({ script: path.join(context.extensionPath, 'dist', 'labelCodec.js'), log: (line) => log.warn(line) });
  const jobs = { extensionPath: context.extensionPath, worker, log, statusBar };
  const prelabel = new PrelabelFolderCommand(jobs);
  const orders = new ReviewOrders();
  const maskEditor = new MaskEditorProvider({
    extensionUri: context.extensionUri,
    worker,
    codec,
    log,
    orders,
    keptBackupsDir: path.join(context.globalStorageUri.fsPath, 'unrestored-backups'),
  });
  const failureViews = new FailureViews({ extensionUri: context.extensionUri, log, openCase: (report, index, order) => openCompareCase(orders, report, index, order) });
  // Ground truth saved in compare mode: the failure views listing it mark the case (its scores are the report's).
  context.subscriptions.push(maskEditor.onDidSaveLabel((file) => failureViews.labelSaved(file)));
  const evaluate = new EvaluateFolderCommand({ ...jobs, failureViews });
  const reviewUncertain = new ReviewUncertainFirstCommand({ ...jobs, orders });

  context.subscriptions.push(
    log,
    statusBar,
    { dispose: () => worker.dispose() },
    { dispose: () => codec.dispose() },
    // No retainContextWhenHidden: the host holds the mask, a hidden webview is rebuilt from it.
    vscode.window.registerCustomEditorProvider(MASK_EDITOR_VIEW_TYPE, maskEditor, { supportsMultipleEditorsPerDocument: true }),
    ...registerMaskEditorCommands(maskEditor),
    vscode.commands.registerCommand('segnetr.prelabelFolder', (folder?: unknown, options?: unknown) =>
      withFolderArgs<PrelabelCommandOptions>(folder, options, 'pre-label', (f, o) => prelabel.run(f, o)),
    ),
    failureViews,
    vscode.window.registerWebviewPanelSerializer(FAILURE_VIEW_TYPE, failureViews),
    vscode.commands.registerCommand('segnetr.evaluateFolder', (folder?: unknown, options?: unknown) =>
      withFolderArgs<EvaluateCommandOptions>(folder, options, 'evaluate', (f, o) => evaluate.run(f, o)),
    ),
    vscode.commands.registerCommand('segnetr.openEvaluationReport', (file?: unknown) => openEvaluationReport(failureViews, file)),
    vscode.commands.registerCommand('segnetr.reviewUncertainFirst', (folder?: unknown, options?: unknown) =>
      withFolderArgs<ReviewUncertainOptions>(folder, options, 'review', (f, o) => reviewUncertain.run(f, o)),
    ),
    vscode.commands.registerCommand('segnetr.showLog', () => log.show()),
    vscode.commands.registerCommand('segnetr.restartWorker', () => {
      worker.restart();
      log.info('Inference worker restarted; the next job starts a fresh process.');
    }),
  );
  return { maskEditorState: (uri) => maskEditor.stateOf(uri), maskEditorMask: (uri) => maskEditor.maskOf(uri), failureViews: () => failureViews.info() };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; disposing the worker client stops the worker process, the codec its thread.
}

/** Runs a folder command with its arguments sorted out (folderCommandArgs); several selected folders are refused. */
async function withFolderArgs<O>(folder: unknown, second: unknown, verb: string, run: (folder: unknown, options: O | undefined) => Promise<unknown>): Promise<unknown> {
  const args = folderCommandArgs<O>(folder, second, verb);
  return args && run(args.folder, args.options);
}
