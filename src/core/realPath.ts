// Where a path really leads, for comparisons that must not be fooled by symbolic links or spelling (`..`,
// trailing slashes, letter case on Windows and macOS): "is the labels folder inside the images folder?",
// "does this setting point into the workspace?". Synchronous on purpose: a few system calls, used by the
// extension host's settings as well as by the job planner.
import { readlinkSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

const MAX_LINK_HOPS = 40;

/**
 * The real path of `p`; for a path that does not exist yet, the real path of its nearest existing ancestor
 * joined with the rest (a dangling link is followed to its target), so a folder about to be created is judged
 * by where it will be.
 */
export function realPathThroughExisting(p: string, hops = 0): string {
  const absolute = path.resolve(p);
  try {
    return realpathSync.native(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || hops > MAX_LINK_HOPS) return absolute;
  }
  let target: string | undefined;
  try {
    target = readlinkSync(absolute);
  } catch {
    target = undefined; // not a link: it simply does not exist yet
  }
  if (target !== undefined) return realPathThroughExisting(path.resolve(path.dirname(absolute), target), hops + 1);
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  return path.join(realPathThroughExisting(parent, hops + 1), path.basename(absolute));
}

/** True when `a` and `b` lead to the same place (links followed, letter case folded where the platform does). */
export function samePlace(a: string, b: string): boolean {
  const realA = realPathThroughExisting(a);
  const realB = realPathThroughExisting(b);
  return isSameOrInside(realA, realB) && isSameOrInside(realB, realA);
}

/** True when `inner` is `outer` or lies below it (both already real, absolute paths). */
export function isSameOrInside(inner: string, outer: string): boolean {
  // Case-insensitive file systems are the default on Windows and macOS.
  const fold = (p: string): string => (process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p);
  const relative = path.relative(fold(outer), fold(inner));
  // '..masks' is a folder inside; only '..' itself or a path starting with '../' leads out.
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
