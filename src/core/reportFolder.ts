// Where the extension writes an evaluation's report, and the check that it only ever replaces an earlier
// SegNetr report there: `<images folder's parent>/<images folder name>-evaluation/` (e.g. val/images ->
// val/images-evaluation), beside the data, one folder per images folder so train and val never share one.
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import { REPORT_FILES } from './evaluationReport';
import { describeFsError } from '../model/errors';
import { ReportError, readEvaluationReport } from './readEvaluationReport';

export function reportFolderFor(imagesDir: string): string {
  const resolved = path.resolve(imagesDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved) || 'images'}-evaluation`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw new ReportError(`${path.dirname(file)} cannot hold a report: it, or a folder above it, is a file.`);
    throw new ReportError(`Cannot look into ${path.dirname(file)}: ${describeFsError(error)}.`);
  }
}

/** How the person can have the report written elsewhere: the CLI's own option, or the CLI from the extension. */
export type ReportElsewhere = 'cli' | 'extension';
const ELSEWHERE: Readonly<Record<ReportElsewhere, string>> = {
  cli: 'give --report another folder',
  extension: 'evaluate from the CLI with --report DIR',
};

/**
 * Throws ReportError when writing a report into `dir` would replace a file that is not an earlier report:
 * a report's file names exist there but its evaluation.json is missing or is not a SegNetr report.
 */
export async function checkReportFolder(dir: string, from: ReportElsewhere): Promise<void> {
  const json = path.join(dir, REPORT_FILES.json);
  const present: string[] = [];
  for (const name of Object.values(REPORT_FILES)) if (await exists(path.join(dir, name))) present.push(name);
  if (present.length === 0) return;
  if (!present.includes(REPORT_FILES.json)) {
    throw new ReportError(`${dir} holds ${present.join(', ')} but no ${REPORT_FILES.json}: they are not a SegNetr report, so they are left alone. Move them, or ${ELSEWHERE[from]}.`);
  }
  try {
    await readEvaluationReport(json);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ReportError(`${json} would be replaced, but it is not an earlier SegNetr report (${why}). Move it, or ${ELSEWHERE[from]}.`);
  }
}
