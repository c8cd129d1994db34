import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvaluateRequest, EvaluationReport } from '../common/evaluation';
import { REPORT_FILES, writeEvaluationReports } from '../core/evaluationReport';
import { checkReportFolder, reportFolderFor } from '../core/reportFolder';
import { inferenceThreads, labelsDirFor, resolveModel } from '../host/settings';
import { messageOf } from '../model/errors';
import type { FailureViews } from '../views/failureView';
import { WorkerCrashedError } from '../worker/client';
import { evaluateAcrossCrashes } from '../worker/acrossCrashes';
import { logCrash, reportFileProgress } from './jobProgress';
import { commandFolder, pickFolder } from './pickFolder';
import type { PrelabelDeps } from './prelabelFolder';

/** What callers other than the explorer menu (tests, keybindings) may decide up front instead of being asked. */
export interface EvaluateCommandOptions {
  /** The ground-truth masks folder; a folder picker asks when absent. */
  readonly gtDir?: string;
  /** Label files to score instead of the model's predictions; null = the model predicts; asked when absent. */
  readonly predDir?: string | null;
}

export interface EvaluateOutcome {
  readonly report: EvaluationReport;
  /** Where the report files were written (absent for a cancelled run, which writes nothing). */
  readonly reportDir?: string;
}

export interface EvaluateDeps extends PrelabelDeps {
  readonly failureViews: FailureViews;
}

/**
 * `segnetr.evaluateFolder`: scores a folder's predictions (the model's, or label files from a folder) against
 * ground-truth masks in the inference worker, writes the report beside the data (reportFolder.ts) and shows
 * the failure view. Resolves with the report, or undefined when the user backed out or the job could not run.
 */
export class EvaluateFolderCommand {
  private running: string | undefined;

  constructor(private readonly deps: EvaluateDeps) {}

  async run(folderArg?: unknown, options: EvaluateCommandOptions = {}): Promise<EvaluateOutcome | undefined> {
    if (this.running) {
      void vscode.window.showWarningMessage(`SegNetr is already evaluating ${this.running}. Cancel it or wait for it to finish.`);
      return undefined;
    }
    const folder = await commandFolder(folderArg, 'evaluate', 'Evaluate', 'Choose a folder of images to evaluate');
    if (!folder) return undefined;
    const imagesDir = folder.fsPath;
    const name = path.basename(imagesDir);

    const gtDir = options.gtDir ?? (await this.askGroundTruth(imagesDir, folder));
    if (gtDir === undefined) return undefined;
    const predDir = options.predDir !== undefined ? (options.predDir ?? undefined) : await askPredictions(name, path.dirname(gtDir));
    if (predDir === null) return undefined;

    let request: EvaluateRequest;
    try {
      request = {
        imagesDir,
        gtDir,
        ...(predDir === undefined ? {} : { predDir }),
        modelPath: resolveModel(this.deps.extensionPath, folder).modelPath,
        threads: inferenceThreads(),
      };
    } catch (error) {
      this.deps.log.error(messageOf(error));
      void vscode.window.showErrorMessage(`SegNetr: ${messageOf(error)}`);
      return undefined;
    }
    const reportDir = reportFolderFor(imagesDir);
    try {
      await checkReportFolder(reportDir, 'extension');
    } catch (error) {
      this.deps.log.error(messageOf(error));
      void vscode.window.showErrorMessage(`SegNetr: ${messageOf(error)}`);
      return undefined;
    }

    this.running = name;
    try {
      const report = await this.execute(request);
      if (!report) return undefined;
      return await this.finish(report, reportDir);
    } finally {
      this.running = undefined;
      this.deps.statusBar.hide();
    }
  }

  private async askGroundTruth(imagesDir: string, folder: vscode.Uri): Promise<string | undefined> {
    let suggested: string | undefined;
    try {
      suggested = labelsDirFor(imagesDir, folder);
    } catch {
      suggested = undefined; // a labels-folder setting this workspace may not use: start from the parent instead
    }
    const start = suggested !== undefined && (await isFolder(suggested)) ? suggested : path.dirname(imagesDir);
    const picked = await pickFolder('Use as Ground Truth', `Ground-truth masks for ${path.basename(imagesDir)} (<image name>.png)`, vscode.Uri.file(start));
    return picked?.fsPath;
  }

  private async execute(request: EvaluateRequest): Promise<EvaluationReport | undefined> {
    const { log, worker } = this.deps;
    const name = path.basename(request.imagesDir);
    log.info(`Evaluate ${request.imagesDir} against ${request.gtDir}${request.predDir ? ` (predictions from ${request.predDir})` : ''} with ${request.modelPath}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SegNetr: evaluating ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await evaluateAcrossCrashes(worker, request, {
            signal: abort.signal,
            onProgress: reportFileProgress(progress, this.deps, name, 'Evaluating'),
            onCrash: logCrash(log, 'recorded as failed'),
          });
        } catch (error) {
          log.error(`Evaluate ${request.imagesDir} failed: ${messageOf(error)}`);
          const detail = error instanceof WorkerCrashedError ? `${error.message} Nothing was written; run the command again.` : messageOf(error);
          void vscode.window.showErrorMessage(`SegNetr: evaluating ${name} stopped. ${detail}`, 'Show Log').then((c) => c && log.show());
          return undefined;
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /** Writes the report (unless the run was cancelled: a partial report never replaces a complete one) and shows it. */
  private async finish(report: EvaluationReport, reportDir: string): Promise<EvaluateOutcome> {
    const { log, failureViews } = this.deps;
    const name = path.basename(report.imagesDir);
    for (const failure of report.failed) log.error(`${failure.file}: ${failure.reason}`);
    const numbers = `mean Dice ${report.summary.metrics.dice.mean.toFixed(4)} over ${report.summary.images} image(s)${report.failed.length > 0 ? `, ${report.failed.length} failed` : ''}`;
    if (report.stopped !== undefined) {
      log.error(`Evaluation of ${report.imagesDir} stopped: ${report.stopped} ${numbers} so far; no report written.`);
      failureViews.show(report, undefined);
      void vscode.window
        .showErrorMessage(`SegNetr: evaluating ${name} stopped before the end: ${report.stopped} ${numbers} so far are shown; no report was written.`, 'Show Log')
        .then((c) => c && log.show());
      return { report };
    }
    if (report.cancelled) {
      log.info(`Evaluation of ${report.imagesDir} cancelled: ${numbers} so far; no report written.`);
      failureViews.show(report, undefined);
      void vscode.window.showInformationMessage(`Cancelled evaluating ${name}: ${numbers} so far. No report was written.`);
      return { report };
    }
    let written = false;
    try {
      await writeEvaluationReports(report, { dir: reportDir });
      written = true;
      log.info(`Evaluated ${report.imagesDir}: ${numbers}. Report: ${reportDir}`);
    } catch (error) {
      log.error(`Could not write the evaluation report into ${reportDir}: ${messageOf(error)}`);
      void vscode.window.showErrorMessage(`SegNetr: the evaluation of ${name} finished, but its report could not be written into ${reportDir}: ${messageOf(error)}`);
    }
    failureViews.show(report, written ? path.join(reportDir, REPORT_FILES.json) : undefined);
    if (written) void vscode.window.showInformationMessage(`Evaluated ${name}: ${numbers}. Report in ${vscode.workspace.asRelativePath(reportDir)}.`);
    return written ? { report, reportDir } : { report };
  }
}

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** undefined: the model predicts; a folder: label files to score; null: the user backed out. */
async function askPredictions(imagesName: string, startDir: string): Promise<string | undefined | null> {
  const model = { label: '$(sparkle) Predict with the model', description: 'SegNetr predicts every image (uncertainty scores included)', choice: 'model' as const };
  const files = { label: '$(folder) Score label files from a folder…', description: '<folder>/<image name>.png; images without one are predicted', choice: 'files' as const };
  const picked = await vscode.window.showQuickPick([model, files], { title: `Predictions to score for ${imagesName}`, ignoreFocusOut: true });
  if (!picked) return null;
  if (picked.choice === 'model') return undefined;
  const folder = await pickFolder('Score These', `Predictions (label files) for ${imagesName}`, vscode.Uri.file(startDir));
  return folder ? folder.fsPath : null;
}
