// Whether a folder's file names ignore letter case: FAT and exFAT drives, SMB shares, WSL's /mnt/c, and the
// defaults of macOS and Windows. There Scan.png and scan.png are one file, so the images Scan.jpg and scan.tif
// would share one label. Found without writing anything: a name on the way up from the folder, looked up in its
// parent with its letter case swapped, leads to the same file or to none. Only a name whose parent is on the
// folder's own file system counts (above a mount point, another file system answers).
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { realPathThroughExisting } from './realPath';

/** True when `dir` (or, while it does not exist yet, the folder it will be made in) ignores letter case. */
export async function namesIgnoreCase(dir: string): Promise<boolean> {
  let current = await nearestExisting(realPathThroughExisting(dir));
  if (current === undefined) return true;
  const device = (await stat(current)).dev;
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) break;
    const parentStat = await stat(parent).catch(() => undefined);
    if (!parentStat || parentStat.dev !== device) break;
    const name = path.basename(current);
    const swapped = swapCase(name);
    // A name whose swap does not come back to it (ß becomes SS) proves nothing either way.
    if (swapped !== name && swapCase(swapped) === name) {
      const [own, other] = await Promise.all([stat(current), stat(path.join(parent, swapped)).catch((error: NodeJS.ErrnoException) => error.code ?? 'unknown')]);
      if (other === 'ENOENT' || other === 'ENOTDIR') return false;
      if (typeof other !== 'string') return other.ino === own.ino && other.dev === own.dev;
    }
    current = parent;
  }
  // No name with letters on the folder's own file system (a drive mounted at /mnt/usb holding 2017/123): assume the
  // case is ignored, which at worst refuses two images whose names differ only in case.
  return true;
}

/** How a file name is compared in a folder that ignores letter case (Unicode-normalised too, as macOS does). */
export function foldedName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function swapCase(name: string): string {
  let out = '';
  for (const ch of name) {
    const upper = ch.toUpperCase();
    out += upper !== ch ? upper : ch.toLowerCase();
  }
  return out;
}

async function nearestExisting(p: string): Promise<string | undefined> {
  for (let current = p; ; current = path.dirname(current)) {
    if (await stat(current).then((s) => s.isDirectory(), () => false)) return current;
    if (path.dirname(current) === current) return undefined;
  }
}
