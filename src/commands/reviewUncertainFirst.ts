import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MASK_EDITOR_VIEW_TYPE } from '../common/editorActions';
import type { EvaluationReport } from '../common/evaluation';
import { REPORT_FILES } from '../core/evaluationReport';
import { listImages } from '../core/plan';
import { readEvaluationReport } from '../core/readEvaluationReport';
import { reportFolderFor } from '../core/reportFolder';
import { orderByUncertainty, scoresFromRanking, scoresFromReport } from '../core/uncertaintyOrder';
import type { ReviewOrders } from '../editor/reviewOrders';
import { inferenceThreads, resolveModel } from '../host/settings';
import { messageOf } from '../model/errors';
import { rankAcrossCrashes } from '../worker/acrossCrashes';
import { logCrash, reportFileProgress } from './jobProgress';
import { commandFolder } from './pickFolder';
import type { PrelabelDeps } from './prelabelFolder';

export interface ReviewUncertainOptions {
  /** Where the scores come from: the folder's evaluation report, or a pass of the model now; asked when both can. */
  readonly source?: 'report' | 'model';
}

export interface ReviewUncertainOutcome {
  /** The folder's images in the order Next follows. */
  readonly order: readonly string[];
  readonly scores: ReadonlyMap<string, number>;
  readonly source: 'report' | 'model';
}

export interface ReviewUncertainDeps extends PrelabelDeps {
  readonly orders: ReviewOrders;
}

/**
 * `segnetr.reviewUncertainFirst`: orders a folder's images most uncertain first (scores from its evaluation
 * report, or an uncertainty pass of the model in the worker, no ground truth needed) and opens the first in the
 * mask editor; Next, Previous, Accept and Reject then follow that order.
 */
export class ReviewUncertainFirstCommand {
  private running = false;

  constructor(private readonly deps: ReviewUncertainDeps) {}

  async run(folderArg?: unknown, options: ReviewUncertainOptions = {}): Promise<ReviewUncertainOutcome | undefined> {
    if (this.running) {
      void vscode.window.showWarningMessage('SegNetr is already ranking a folder by uncertainty.');
      return undefined;
    }
    const folder = await commandFolder(folderArg, 'review', 'Review', 'Choose a folder of images to review most uncertain first');
    if (!folder) return undefined;
    const imagesDir = folder.fsPath;
    let images: string[];
    try {
      images = await listImages(imagesDir);
    } catch (error) {
      void vscode.window.showErrorMessage(`SegNetr cannot read ${imagesDir}: ${messageOf(error)}`);
      return undefined;
    }
    if (images.length === 0) {
      void vscode.window.showInformationMessage(`${path.basename(imagesDir)} has no PNG, JPEG, BMP or TIFF images to review.`);
      return undefined;
    }
    this.running = true;
    try {
      const report = await this.reportOf(imagesDir);
      const source = options.source ?? (report ? await askSource(report) : 'model');
      if (source === undefined) return undefined;
      if (source === 'report' && !report) {
        void vscode.window.showErrorMessage(`${path.basename(imagesDir)} has no evaluation report with uncertainty scores (${path.join(reportFolderFor(imagesDir), REPORT_FILES.json)}). Run SegNetr: Evaluate Folder, or rank with the model.`);
        return undefined;
      }
      const scores = source === 'report' ? scoresFromReport(report!) : await this.rankWithModel(folder);
      if (!scores) return undefined;
      const order = orderByUncertainty(images, scores);
      this.deps.orders.setEditOrder(imagesDir, order);
      this.deps.log.info(
        `Review ${imagesDir} most uncertain first (${source === 'report' ? 'scores from its evaluation report' : 'uncertainty pass'}): ` +
          order.slice(0, 10).map((image) => `${path.basename(image)} ${scores.get(path.basename(image))?.toFixed(3) ?? '-'}`).join(', ') +
          (order.length > 10 ? ', …' : ''),
      );
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(order[0]!), MASK_EDITOR_VIEW_TYPE, { preview: false });
      return { order, scores, source };
    } finally {
      this.running = false;
      this.deps.statusBar.hide();
    }
  }

  /** The folder's own evaluation report, when it has uncertainty scores and is about this folder (real paths). */
  private async reportOf(imagesDir: string): Promise<EvaluationReport | undefined> {
    const file = path.join(reportFolderFor(imagesDir), REPORT_FILES.json);
    if (!(await stat(file).catch(() => undefined))) return undefined;
    let report: EvaluationReport;
    try {
      report = await readEvaluationReport(file);
    } catch (error) {
      this.deps.log.warn(`Not using ${file}: ${messageOf(error)}`);
      return undefined;
    }
    const real = (p: string): Promise<string> => realpath(p).catch(() => path.resolve(p));
    if ((await real(report.imagesDir)) !== (await real(imagesDir))) return undefined;
    return scoresFromReport(report).size > 0 ? report : undefined;
  }

  private async rankWithModel(folder: vscode.Uri): Promise<Map<string, number> | undefined> {
    const { log, worker } = this.deps;
    const name = path.basename(folder.fsPath);
    let modelPath: string;
    try {
      modelPath = resolveModel(this.deps.extensionPath, folder).modelPath;
    } catch (error) {
      void vscode.window.showErrorMessage(`SegNetr: ${messageOf(error)}`);
      return undefined;
    }
    const ranking = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SegNetr: ranking ${name} by uncertainty`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await rankAcrossCrashes(
            worker,
            { imagesDir: folder.fsPath, modelPath, threads: inferenceThreads() },
            {
              signal: abort.signal,
              onProgress: reportFileProgress(progress, this.deps, name, 'Ranking'),
              onCrash: logCrash(log, 'left out of the ranking'),
            },
          );
        } catch (error) {
          log.error(`Uncertainty pass over ${folder.fsPath} failed: ${messageOf(error)}`);
          void vscode.window.showErrorMessage(`SegNetr: ranking ${name} by uncertainty stopped. ${messageOf(error)}`);
          return undefined;
        } finally {
          cancel.dispose();
        }
      },
    );
    if (!ranking) return undefined;
    // A stopped pass counts as cancelled too (acrossCrashes): only a person's Cancel discards what was ranked.
    if (ranking.cancelled && ranking.stopped === undefined) return undefined;
    for (const failure of ranking.failed) log.error(`${failure.file}: ${failure.reason}`);
    if (ranking.stopped !== undefined) {
      log.error(`Uncertainty pass over ${folder.fsPath} stopped: ${ranking.stopped}`);
      // What was ranked is still worth reviewing first; the images not reached follow in folder order.
      const part = ranking.images.length > 0 ? ` The ${ranking.images.length} image(s) ranked come first; the rest follow in folder order.` : '';
      void vscode.window.showErrorMessage(`SegNetr: ranking ${name} by uncertainty stopped before the end: ${ranking.stopped}${part}`, 'Show Log').then((c) => c && log.show());
      if (ranking.images.length === 0) return undefined;
    }
    return scoresFromRanking(ranking.images);
  }
}

async function askSource(report: EvaluationReport): Promise<'report' | 'model' | undefined> {
  const scored = report.images.filter((i) => i.uncertainty !== undefined).length;
  const fromReport = { label: '$(file) Scores of the evaluation report', description: `${scored} image(s) scored by ${report.model.name}`, choice: 'report' as const };
  const fromModel = { label: '$(sparkle) Run the model now', description: 'an uncertainty pass over every image (no ground truth needed)', choice: 'model' as const };
  const picked = await vscode.window.showQuickPick([fromReport, fromModel], { title: 'Order the images by which uncertainty scores?' });
  return picked?.choice;
}
