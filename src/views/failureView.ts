// The failure view: one webview panel per evaluation, listing its images worst first with the summary and
// filters (the page is src/webview/failures/). A row opens that image in the mask editor's compare mode
// through `openCase`. Panels survive a window reload: the page keeps the report's path in its state and the
// serializer re-reads the report from disk.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvaluationReport } from '../common/evaluation';
import type { FailureViewState, HostToFailureViewMessage, ReportFileKind } from '../common/failureProtocol';
import { REPORT_FILES } from '../core/evaluationReport';
import { regularFileSha256 } from '../core/fileSha256';
import { readEvaluationReport } from '../core/readEvaluationReport';
import type { Log } from '../host/log';
import { messageOf } from '../model/errors';
import { failureViewData } from './failureViewData';
import { failureViewHtml } from './failureViewHtml';
import { isFailureMessageError, parseFailureViewMessage } from './validateFailureMessage';

export const FAILURE_VIEW_TYPE = 'segnetr.failureView';

/** Rejected page messages logged per panel; a hostile page must not flood the log. */
const MAX_LOGGED_REJECTIONS = 20;

export interface FailureViewDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: Log;
  /** Opens image `index` of `report` in the mask editor's compare mode. */
  /** `order`: the view's cases in its order, for Next/Previous (default: worst first by Dice). */
  readonly openCase: (report: EvaluationReport, index: number, order?: readonly number[]) => Promise<void>;
}

/** What host tests read about an open failure view. */
export interface FailureViewInfo {
  readonly title: string;
  readonly imagesDir: string;
  readonly reportPath: string | undefined;
  readonly rejectedMessages: number;
  readonly openedCases: readonly number[];
}

class FailurePanel {
  rejectedMessages = 0;
  readonly openedCases: number[] = [];
  /** The report file shown (inode, size, time), once known: the watcher's echo of that same file is not news. */
  shownFile: Promise<string | undefined> = Promise.resolve(undefined);
  /** Counts re-reads of the report file, so that one overtaken by a later one does not show its older report. */
  rereads = 0;
  /** Counts the reports shown (see the 'show' message's `version`). */
  version = 0;
  /** Cases of the shown report whose ground truth changed since (see labelSaved and checkGroundTruth). */
  readonly savedTruth = new Set<number>();
  /** The hash of each case's ground-truth file as last looked at, by its file key: read again only when that changes. */
  readonly truthHashes = new Map<number, { readonly key: string | undefined; readonly sha256: string | undefined }>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    /** Replaced when the report file is written again (a re-run of `segnetr evaluate --report`). */
    public report: EvaluationReport,
    readonly reportPath: string | undefined,
  ) {}
}

/** What tells one version of a report file from another (a writer renames a new file into place). */
async function fileKey(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info && `${info.ino} ${info.size} ${info.mtimeMs}`;
}

/** Ground-truth files hashed at once when a view compares them with its report. */
const HASHED_AT_ONCE = 8;

/** How long the report file must be quiet after a change before it is read again. */
const REPORT_SETTLE_MS = 300;

/** The evaluation's folders that no longer exist, named for a message. */
async function missingFolders(report: EvaluationReport): Promise<string[]> {
  const folders: [string, string | undefined][] = [['the images folder', report.imagesDir], ['the ground-truth folder', report.gtDir], ['the predictions folder', report.predDir]];
  const missing: string[] = [];
  for (const [what, folder] of folders) {
    if (folder === undefined) continue;
    const there = await stat(folder).then((s) => s.isDirectory(), () => false);
    if (!there) missing.push(`${what} ${folder}`);
  }
  return missing;
}

export class FailureViews implements vscode.WebviewPanelSerializer<FailureViewState>, vscode.Disposable {
  private readonly panels = new Set<FailurePanel>();

  constructor(private readonly deps: FailureViewDeps) {}

  /**
   * Shows `report`, read from `reportPath` when given. The view of the same report file is shown the new report
   * (its filters and sort stay); another view of the same folder is replaced, except that a cancelled run (no
   * file) never replaces the view of a complete report: it opens beside it.
   */
  show(report: EvaluationReport, reportPath: string | undefined): void {
    const same = [...this.panels].find((p) => p.reportPath === reportPath && p.report.imagesDir === report.imagesDir);
    if (same) {
      this.replaceReport(same, report, fileKey(reportPath));
      same.panel.reveal();
      return;
    }
    const cancelledOverComplete = (p: FailurePanel): boolean => reportPath === undefined && p.reportPath !== undefined;
    const existing = [...this.panels].find((p) => (reportPath !== undefined && p.reportPath === reportPath) || (p.report.imagesDir === report.imagesDir && !cancelledOverComplete(p)));
    const column = existing?.panel.viewColumn ?? vscode.ViewColumn.Active;
    existing?.panel.dispose();
    const panel = vscode.window.createWebviewPanel(FAILURE_VIEW_TYPE, titleOf(report), column, {});
    this.attach(panel, report, reportPath);
  }

  /**
   * A label file was saved by the mask editor (a ground truth edited in compare mode, or in the ordinary editor of
   * a labels folder that is the ground truth): views listing it mark its case, as its scores are now the
   * evaluation's only. Kept per view until its report is replaced, so a page rebuilt after a tab switch marks them
   * again. (File times cannot tell this: copies keep old times, clones make every file newer than the report.)
   */
  labelSaved(file: string): void {
    const saved = path.resolve(file);
    for (const entry of this.panels) {
      const index = entry.report.images.findIndex((row) => path.resolve(row.groundTruth) === saved);
      if (index < 0 || entry.savedTruth.has(index)) continue;
      entry.savedTruth.add(index);
      this.post(entry, { type: 'groundTruthChanged', indices: [index] });
    }
  }

  /** Opens an evaluation.json written earlier (by this command or `segnetr evaluate --report`). */
  async showFile(file: string): Promise<void> {
    this.show(await readEvaluationReport(file), path.resolve(file));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const reportPath = (state as FailureViewState | undefined)?.reportPath;
    if (typeof reportPath !== 'string' || !path.isAbsolute(reportPath) || path.extname(reportPath).toLowerCase() !== '.json') {
      panel.dispose(); // a cancelled run's view (never written) or a state we did not write
      return;
    }
    try {
      this.attach(panel, await readEvaluationReport(reportPath), reportPath);
    } catch (error) {
      this.deps.log.warn(`Failure view not restored: ${messageOf(error)}`);
      void vscode.window.showWarningMessage(`SegNetr: the failure view of ${reportPath} was not restored: ${messageOf(error)}`);
      panel.dispose();
    }
  }

  /** For host tests. */
  info(): FailureViewInfo[] {
    return [...this.panels].map((p) => ({
      title: p.panel.title,
      imagesDir: p.report.imagesDir,
      reportPath: p.reportPath,
      rejectedMessages: p.rejectedMessages,
      openedCases: [...p.openedCases],
    }));
  }

  dispose(): void {
    for (const p of this.panels) p.panel.dispose();
  }

  private attach(panel: vscode.WebviewPanel, report: EvaluationReport, reportPath: string | undefined): void {
    const entry = new FailurePanel(panel, report, reportPath);
    entry.shownFile = fileKey(reportPath);
    this.panels.add(entry);
    panel.title = titleOf(report);
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist'), vscode.Uri.joinPath(this.deps.extensionUri, 'media')] };
    panel.webview.html = failureViewHtml(panel.webview, this.deps.extensionUri, pageTitle(report));
    const watcher = reportPath === undefined ? undefined : this.watchReport(entry, reportPath);
    panel.onDidDispose(() => {
      this.panels.delete(entry);
      watcher?.dispose();
    });
    panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(entry, message));
  }

  /**
   * The report file written again (the CLI run once more, or another window's Evaluate Folder): the view shows the
   * new numbers, with its filters and sort, instead of old ones beside links to the new files.
   */
  private watchReport(entry: FailurePanel, reportPath: string): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(reportPath)), path.basename(reportPath)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reread = (): void => {
      clearTimeout(timer);
      // A writer's rename lands as several events: read once they settle.
      timer = setTimeout(async () => {
        // The write that made the report this view shows lands here too: showing it again would redraw the table
        // under the person's hands and forget the cases they opened.
        const mine = ++entry.rereads;
        const key = await fileKey(reportPath);
        if (key !== undefined && key === (await entry.shownFile)) return;
        readEvaluationReport(reportPath).then(
          (report) => {
            if (mine === entry.rereads) this.replaceReport(entry, report, Promise.resolve(key));
          },
          (error: unknown) => this.post(entry, { type: 'error', message: `The report file changed and cannot be read now: ${messageOf(error)}` }),
        );
      }, REPORT_SETTLE_MS);
    };
    watcher.onDidChange(reread);
    watcher.onDidCreate(reread);
    return {
      dispose: () => {
        clearTimeout(timer);
        watcher.dispose();
      },
    };
  }

  private async receive(entry: FailurePanel, raw: unknown): Promise<void> {
    const message = parseFailureViewMessage(raw, entry.report.images.length, entry.version);
    if ('stale' in message) {
      this.post(entry, { type: 'error', message: 'The report changed just before that click; the view shows the new one now. Open the case again.' });
      return;
    }
    if (isFailureMessageError(message)) {
      if (entry.rejectedMessages++ < MAX_LOGGED_REJECTIONS) this.deps.log.warn(`Failure view ignored a message from its page: ${message.error}`);
      this.post(entry, { type: 'error', message: `The view ignored an invalid message (${message.error}).` });
      return;
    }
    try {
      switch (message.type) {
        case 'ready':
          await this.showReport(entry);
          return;
        case 'openCase':
          await this.deps.openCase(entry.report, message.index, message.order);
          entry.openedCases.push(message.index);
          this.post(entry, { type: 'opened', index: message.index });
          return;
        case 'openReport':
          await this.openReportFile(entry, message.file);
          return;
        default: {
          const never: never = message;
          throw new Error(`Unhandled message: ${JSON.stringify(never)}`);
        }
      }
    } catch (error) {
      this.deps.log.error(`Failure view: ${message.type} failed: ${messageOf(error)}`);
      this.post(entry, { type: 'error', message: messageOf(error) });
    }
  }

  /** The panel shows another version of its report (`shownFile`: that version's file key); its opened cases go. */
  private replaceReport(entry: FailurePanel, report: EvaluationReport, shownFile: Promise<string | undefined>): void {
    entry.report = report;
    entry.version++;
    entry.savedTruth.clear();
    entry.truthHashes.clear();
    entry.shownFile = shownFile;
    entry.openedCases.length = 0;
    entry.panel.title = titleOf(report);
    void this.showReport(entry);
  }

  /**
   * Shows the panel's report on its page (a page showing a report clears its error line, so whatever is wrong with
   * this report is said after it, each time it is shown: on 'ready', and when the report is read again).
   */
  private async showReport(entry: FailurePanel): Promise<void> {
    const display = (folder: string): string => vscode.workspace.asRelativePath(folder);
    this.post(entry, { type: 'show', data: failureViewData(entry.report, entry.reportPath, display), version: entry.version });
    if (entry.savedTruth.size > 0) this.post(entry, { type: 'groundTruthChanged', indices: [...entry.savedTruth] });
    void this.checkGroundTruth(entry).catch((error: unknown) => this.deps.log.warn(`Failure view: the ground-truth files could not be compared with the report: ${messageOf(error)}`));
    // A page rebuilt after a tab switch marks the case opened last again.
    const last = entry.openedCases.at(-1);
    if (last !== undefined) this.post(entry, { type: 'opened', index: last });
    const missing = await missingFolders(entry.report);
    if (missing.length > 0) {
      this.post(entry, { type: 'error', message: `${missing.join(' and ')} of this evaluation ${missing.length > 1 ? 'are' : 'is'} not there any more (moved or renamed?): its cases cannot be opened. Evaluate the folder again where it is now.` });
    }
  }

  /**
   * Marks the cases whose ground-truth file is no longer the one scored (its SHA-256 in the report): saved in the
   * editor or changed by any program, or gone. Each time the report is shown; a file is hashed again only when its
   * inode, size or time changed since the last look (a few at a time, each read in 1 MB pieces, so the extension host is never held long).
   */
  private async checkGroundTruth(entry: FailurePanel): Promise<void> {
    const { version } = entry;
    const rows = entry.report.images;
    const changed: number[] = [];
    for (let start = 0; start < rows.length; start += HASHED_AT_ONCE) {
      await Promise.all(
        rows.slice(start, start + HASHED_AT_ONCE).map(async (row, offset) => {
          const index = start + offset;
          if (row.groundTruthSha256 === undefined || entry.savedTruth.has(index)) return;
          const key = await fileKey(row.groundTruth);
          let seen = entry.truthHashes.get(index);
          if (seen === undefined || seen.key !== key) {
            seen = { key, sha256: key === undefined ? undefined : await regularFileSha256(row.groundTruth).catch(() => undefined) };
            entry.truthHashes.set(index, seen);
          }
          if (seen.sha256 !== row.groundTruthSha256) changed.push(index);
        }),
      );
      if (entry.version !== version) return; // another report is shown now
    }
    const fresh = changed.filter((index) => !entry.savedTruth.has(index));
    if (fresh.length === 0) return;
    for (const index of fresh) entry.savedTruth.add(index);
    this.post(entry, { type: 'groundTruthChanged', indices: fresh.sort((a, b) => a - b) });
  }

  private async openReportFile(entry: FailurePanel, kind: ReportFileKind): Promise<void> {
    if (entry.reportPath === undefined) throw new Error('This evaluation was not written to disk (it did not reach the end), so there is no report file to open.');
    const dir = path.dirname(entry.reportPath);
    const file = vscode.Uri.file(kind === 'json' ? entry.reportPath : path.join(dir, kind === 'csv' ? REPORT_FILES.csv : REPORT_FILES.markdown));
    if (kind === 'markdown') {
      // The built-in Markdown preview shows the histogram image; a plain editor when it is not available.
      const shown = await vscode.commands.executeCommand('markdown.showPreview', file).then(() => true, () => false);
      if (shown) return;
    }
    await vscode.commands.executeCommand('vscode.open', file);
  }

  private post(entry: FailurePanel, message: HostToFailureViewMessage): void {
    void entry.panel.webview.postMessage(message);
  }
}

function titleOf(report: EvaluationReport): string {
  return `Failures: ${path.basename(report.imagesDir)}`;
}

/** The page's <title>, which the host tests' webview driver looks for. */
export function pageTitle(report: EvaluationReport): string {
  return `SegNetr failures: ${path.basename(report.imagesDir)}`;
}
