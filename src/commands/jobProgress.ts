import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Log } from '../host/log';
import type { JobStatusBar } from '../views/statusBar';

/** What every folder job reports per image (pre-label and evaluate progress alike). */
export interface FileProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
  readonly outcome: string;
  readonly reason?: string;
}

/** A job's onProgress: the notification's bar and text, the status bar item, and each failed file in the log. */
export function reportFileProgress(
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  deps: { readonly log: Log; readonly statusBar: JobStatusBar },
  folderName: string,
  activity: string,
): (p: FileProgress) => void {
  let reported = 0;
  return (p) => {
    if (p.outcome === 'failed') deps.log.warn(`${p.file}: ${p.reason ?? 'failed'}`);
    const increment = p.total > 0 ? ((p.done - reported) / p.total) * 100 : 0;
    reported = p.done;
    progress.report({ increment, message: `${p.done}/${p.total} ${path.basename(p.file)}` });
    deps.statusBar.update(p.done, p.total, folderName, activity);
  };
}

/** A folder job's onCrash: the log line saying what happened to the image in hand and that the job goes on. */
export function logCrash(log: Log, leftOut: string): (image: string, description: string, next: 'retry' | 'leave out') => void {
  return (image, description, next) =>
    log.error(`${image}: ${description} ${next === 'retry' ? 'A fresh worker tries this image again.' : `That was the second time on this image: it is ${leftOut}, and a fresh worker goes on with the rest.`}`);
}
