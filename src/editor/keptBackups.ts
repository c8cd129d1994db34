// Copies of hot-exit backups that could not be restored when an editor reopened (keepUnrestoredBackup), found
// again for one image so that "Restore Unsaved Edits from a Kept Copy…" can re-apply them once the cause (another
// model's class count, a label folder that was unreachable) is gone. vscode-free, for unit tests.
import { constants } from 'node:buffer';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { readRegularFile } from '../core/readRegularFile';
import { describeFsError } from '../model/errors';
import { samePlace } from '../core/realPath';
import { KEPT_BACKUP_SUFFIX } from './maskBackup';

/**
 * The longest string this JavaScript engine makes: every copy kept was such a string (ASCII JSON, one byte a
 * character), so every copy kept can be read back; anything longer is no copy of ours.
 */
export const MAX_KEPT_BACKUP_BYTES = constants.MAX_STRING_LENGTH;

export interface KeptBackup {
  readonly file: string;
  /** When the copy was kept (its file's modification time). */
  readonly kept: Date;
  readonly bytes: number;
}

/** The kept copies in `dir` that hold edits of `imagePath`, newest first; none when `dir` does not exist. */
export async function keptBackupsOf(dir: string, imagePath: string): Promise<KeptBackup[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const prefix = `${path.basename(imagePath)}.`;
  const found: KeptBackup[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(KEPT_BACKUP_SUFFIX))) {
    const file = path.join(dir, name);
    // Images of the same name in other folders have copies of the same name: the copy's own imagePath decides.
    const copy = await readKeptBackup(file).catch(() => undefined);
    if (copy === undefined || !samePlace(copy.imagePath, imagePath)) continue;
    found.push({ file, kept: copy.kept, bytes: copy.text.length });
  }
  return found.sort((a, b) => b.kept.getTime() - a.kept.getTime());
}

/** A kept copy's text and the image it was made for; throws naming the file when it is not a backup. */
export async function readKeptBackup(file: string): Promise<{ text: string; imagePath: string; labelPath: string | undefined; kept: Date }> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, MAX_KEPT_BACKUP_BYTES);
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${describeFsError(error)}.`);
  }
  const text = bytes.toString('utf8');
  let imagePath: unknown;
  let labelPath: unknown;
  try {
    ({ imagePath, labelPath } = JSON.parse(text) as { imagePath?: unknown; labelPath?: unknown });
  } catch {
    imagePath = undefined;
  }
  if (typeof imagePath !== 'string') throw new Error(`${file} is not a SegNetr backup of unsaved edits.`);
  return { text, imagePath, labelPath: typeof labelPath === 'string' ? labelPath : undefined, kept: (await stat(file)).mtime };
}
