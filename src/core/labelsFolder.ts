// Creating the labels folder, once, before any label is written: a folder that cannot be made or written stops
// the job with one message instead of failing every image the same way.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RequestError, describeFsError } from '../model/errors';

/** Creates the labels folder if needed and checks it can be written, so a bad one stops the job with one message. */
export async function prepareLabelsFolder(dir: string): Promise<void> {
  const wording = { EEXIST: 'a file with that name exists', ENOTDIR: 'part of its path is a file, not a folder', ENOENT: 'that place cannot hold folders' };
  try {
    await makeFolders(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new RequestError(`Cannot write labels to ${dir}: ${describeFsError(error, wording)}.`);
  }
}

/**
 * mkdir -p, by hand: Node 20's `mkdir(dir, { recursive: true })` never returns for a path under /proc (it retries
 * ENOENT forever), which hung `--out /proc/x`.
 */
export async function makeFolders(dir: string): Promise<void> {
  const attempt = async (): Promise<'made' | 'missing parent'> => {
    try {
      await mkdir(dir);
      return 'made';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(dir).then((s) => s.isDirectory(), () => false))) return 'made';
      if (code === 'ENOENT') return 'missing parent';
      throw error;
    }
  };
  if ((await attempt()) === 'made') return;
  const parent = path.dirname(dir);
  if (parent !== dir) await makeFolders(parent);
  // Still missing with its parent in place: this file system cannot hold it (/proc, /sys).
  if ((await attempt()) === 'missing parent') throw Object.assign(new Error(`cannot create ${dir}`), { code: 'ENOENT' });
}
