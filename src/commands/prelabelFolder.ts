import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PrelabelFolderRequest, PrelabelSummary } from '../common/prelabel';
import { messageOf } from '../model/errors';
import { prelabelAcrossCrashes } from '../worker/acrossCrashes';
import { WorkerCrashedError, type WorkerClient } from '../worker/client';
import { logCrash, reportFileProgress } from './jobProgress';
import { commandFolder } from './pickFolder';
import { planPrelabel } from '../core/plan';
import { isHumanMadeLabel, readReviewState } from '../core/reviewState';
import type { Log } from '../host/log';
import { inferenceThreads, labelFormat, labelsDirFor, resolveModel } from '../host/settings';
import type { JobStatusBar } from '../views/statusBar';

/** What callers other than the explorer menu (tests, other extensions, keybindings) may decide up front. */
export interface PrelabelCommandOptions {
  /** What to do with images that already have a label file; asked in a dialog when absent. */
  readonly existingLabels?: 'skip' | 'overwrite';
  /** With overwrite: whether labels a person edited or accepted are replaced too; asked when absent (default keep). */
  readonly reviewedLabels?: 'keep' | 'overwrite';
}

export interface PrelabelDeps {
  readonly extensionPath: string;
  readonly worker: WorkerClient;
  readonly log: Log;
  readonly statusBar: JobStatusBar;
}

/**
 * `segnetr.prelabelFolder`: runs SegNetr on every image of a folder in the inference worker and writes one
 * label PNG per image. Existing label files are never overwritten without an explicit choice.
 * Resolves with the job summary, or undefined when the user backed out before anything ran.
 */
export class PrelabelFolderCommand {
  private running: string | undefined;

  constructor(private readonly deps: PrelabelDeps) {}

  async run(folderArg?: unknown, options: PrelabelCommandOptions = {}): Promise<PrelabelSummary | undefined> {
    if (this.running) {
      void vscode.window.showWarningMessage(`SegNetr is already pre-labeling ${this.running}. Cancel it or wait for it to finish.`);
      return undefined;
    }
    const folder = await commandFolder(folderArg, 'pre-label', 'Pre-label', 'Choose a folder of images to pre-label with SegNetr');
    if (!folder) return undefined;

    const imagesDir = folder.fsPath;
    let request: PrelabelFolderRequest;
    try {
      request = {
        imagesDir,
        labelsDir: labelsDirFor(imagesDir, folder),
        modelPath: resolveModel(this.deps.extensionPath, folder).modelPath,
        format: labelFormat(folder),
        overwrite: false,
        threads: inferenceThreads(),
      };
    } catch (error) {
      // A path setting this workspace may not use (see host/pathSettings.ts); the message names it.
      this.deps.log.error(messageOf(error));
      void vscode.window.showErrorMessage(`SegNetr: ${messageOf(error)}`);
      return undefined;
    }

    let plan;
    try {
      plan = await planPrelabel(request);
    } catch (error) {
      void vscode.window.showErrorMessage(`SegNetr cannot read ${imagesDir}: ${messageOf(error)}`);
      return undefined;
    }
    if (plan.items.length === 0) {
      void vscode.window.showInformationMessage(`${path.basename(imagesDir)} has no PNG, JPEG, BMP or TIFF images to pre-label.`);
      return undefined;
    }
    const existing = plan.items.filter((item) => item.labelExists).length;
    let overwrite = options.existingLabels === 'overwrite';
    if (existing > 0 && options.existingLabels === undefined) {
      const choice = await askAboutExistingLabels(existing, plan.items.length, request.labelsDir);
      if (!choice) return undefined;
      overwrite = choice === 'overwrite';
    }

    let overwriteReviewed = options.reviewedLabels === 'overwrite';
    if (overwrite && options.reviewedLabels === undefined) {
      let reviewed: number;
      try {
        const decisions = await readReviewState(request.labelsDir);
        reviewed = plan.items.filter((item) => item.labelExists && isHumanMadeLabel(decisions.get(path.basename(item.imagePath))?.status)).length;
      } catch (error) {
        void vscode.window.showErrorMessage(`SegNetr cannot tell which labels a person reviewed, so it overwrites none: ${messageOf(error)}`);
        return undefined;
      }
      if (reviewed > 0) {
        const choice = await askAboutReviewedLabels(reviewed);
        if (!choice) return undefined;
        overwriteReviewed = choice === 'overwrite';
      }
    }

    this.running = path.basename(imagesDir);
    try {
      return await this.execute({ ...request, overwrite, overwriteReviewed });
    } finally {
      this.running = undefined;
      this.deps.statusBar.hide();
    }
  }

  private async execute(request: PrelabelFolderRequest): Promise<PrelabelSummary | undefined> {
    const { log, worker } = this.deps;
    const folderName = path.basename(request.imagesDir);
    const mode = request.overwriteReviewed ? ' (overwrite, reviewed labels too)' : request.overwrite ? ' (overwrite, reviewed labels kept)' : '';
    log.info(`Pre-label ${request.imagesDir} -> ${request.labelsDir} with ${request.modelPath}${mode}`);

    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SegNetr: pre-labeling ${folderName}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await prelabelAcrossCrashes(worker, request, {
            signal: abort.signal,
            onProgress: reportFileProgress(progress, this.deps, folderName, 'Pre-labeling'),
            onCrash: logCrash(log, 'recorded as failed'),
          });
        } catch (error) {
          reportJobError(error, request, log);
          return undefined;
        } finally {
          cancel.dispose();
        }
      },
    );
    if (summary) reportSummary(summary, folderName, log);
    return summary;
  }
}

async function askAboutExistingLabels(existing: number, total: number, labelsDir: string): Promise<'skip' | 'overwrite' | undefined> {
  const skip = `Skip Those ${existing}`;
  const overwrite = 'Overwrite Them';
  const choice = await vscode.window.showWarningMessage(
    `${existing} of ${total} images already have a label file in ${labelsDir}.`,
    { modal: true, detail: 'Skipping keeps every existing label untouched and pre-labels only the rest. Overwriting replaces them with predictions.' },
    skip,
    overwrite,
  );
  return choice === skip ? 'skip' : choice === overwrite ? 'overwrite' : undefined;
}

async function askAboutReviewedLabels(reviewed: number): Promise<'keep' | 'overwrite' | undefined> {
  const keep = 'Keep Reviewed Labels';
  const overwrite = `Overwrite Those ${reviewed} Too`;
  const choice = await vscode.window.showWarningMessage(
    `${reviewed} of the labels to overwrite were edited or accepted by a person in the mask editor.`,
    { modal: true, detail: 'Keeping them overwrites only the labels nobody reviewed. Overwriting replaces a person\'s work with predictions.' },
    keep,
    overwrite,
  );
  return choice === keep ? 'keep' : choice === overwrite ? 'overwrite' : undefined;
}

function reportSummary(summary: PrelabelSummary, folderName: string, log: Log): void {
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  const parts = [`${summary.written} written`];
  const kept = summary.keptReviewed > 0 ? `; ${summary.keptReviewed} of them kept because a person reviewed them` : '';
  if (summary.skipped > 0) parts.push(`${summary.skipped} skipped (label exists${kept})`);
  if (summary.failed.length > 0) parts.push(`${summary.failed.length} failed`);
  const how = summary.stopped !== undefined ? 'Pre-labeling stopped before the end for' : summary.cancelled ? 'Cancelled pre-labeling' : 'Pre-labeled';
  const text = `${how} ${folderName}: ${parts.join(', ')} in ${seconds} s.${summary.stopped === undefined ? '' : ` ${summary.stopped} The labels written are complete; run the command again to finish the folder.`}`;
  log.info(`${text} Labels: ${summary.labelsDir}`);
  for (const failure of summary.failed) log.error(`${failure.file}: ${failure.reason}`);
  if (summary.stopped !== undefined) {
    void vscode.window.showErrorMessage(`SegNetr: ${text}`, 'Show Log').then((c) => c && log.show());
  } else if (summary.failed.length > 0) {
    void vscode.window.showWarningMessage(text, 'Show Failures').then((c) => c && log.show());
  } else {
    void vscode.window.showInformationMessage(text);
  }
}

function reportJobError(error: unknown, request: PrelabelFolderRequest, log: Log): void {
  log.error(`Pre-label ${request.imagesDir} failed: ${messageOf(error)}`);
  const detail = error instanceof WorkerCrashedError
    ? `${error.message} Labels already written are complete; no partial file was kept. Run the command again to finish the folder.`
    : messageOf(error);
  void vscode.window.showErrorMessage(`SegNetr: pre-labeling ${path.basename(request.imagesDir)} stopped. ${detail}`, 'Show Log').then(
    (c) => c && log.show(),
  );
}
