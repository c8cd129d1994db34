// SegNetr's bookkeeping folder inside a labels folder (`<labelsDir>/.segnetr`, review state and prediction
// records). We create it, so each of its folders must be a real folder: a repository that commits
// `.segnetr/predictions` as a link to elsewhere would otherwise have our atomic renames replace files there
// (a `settings.json`, a `package.json`). A link or a file in its place stops the write with a message naming it.
import { lstat, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describeFsError, messageOf } from '../model/errors';
import { prepareLabelsFolder } from './labelsFolder';

/** Folder (inside the labels folder) for SegNetr's own bookkeeping: review state and prediction records. */
export const STATE_FOLDER = '.segnetr';

/** The bookkeeping folder cannot be used; the message names the path and the reason. */
export class StateFolderError extends Error {
  override readonly name = 'StateFolderError';
}

/**
 * Creates `<labelsDir>/.segnetr/<...sub>` where missing and returns it; each created level is checked to be a
 * real folder, not a link. The labels folder itself is the user's choice and may be a link (to another disk).
 */
export async function makeStateFolder(labelsDir: string, ...sub: readonly string[]): Promise<string> {
  try {
    await prepareLabelsFolder(labelsDir); // not mkdir -p: that never returns under /proc
  } catch (error) {
    throw new StateFolderError(messageOf(error));
  }
  let dir = labelsDir;
  for (const name of [STATE_FOLDER, ...sub]) {
    dir = path.join(dir, name);
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateFolderError(`Cannot create ${dir}: ${describeFsError(error)}.`);
    }
    const info = await lstat(dir);
    if (info.isSymbolicLink()) {
      throw new StateFolderError(`${dir} is a symbolic link; SegNetr writes its bookkeeping only into a real folder inside the labels folder. Remove the link and try again.`);
    }
    if (!info.isDirectory()) throw new StateFolderError(`${dir} is not a folder; SegNetr keeps its bookkeeping there. Move it away and try again.`);
  }
  return dir;
}
