// SHA-256 of a model file, remembered per (path, mtime, size) so a job hashes a model once, not once per image,
// and a model replaced on disk is hashed again. Read as regularFileSha256 reads: a model path that is a named
// pipe (which would block the open forever) or a device such as /dev/zero (endless) is refused, not read.
import { stat } from 'node:fs/promises';
import { regularFileSha256 } from '../core/fileSha256';

const cache = new Map<string, string>();

export async function sha256OfFile(filePath: string): Promise<string> {
  const info = await stat(filePath);
  const key = `${filePath}\0${info.mtimeMs}\0${info.size}`;
  const known = cache.get(key);
  if (known) return known;
  const digest = await regularFileSha256(filePath);
  if (digest === undefined) throw Object.assign(new Error(`no such file: ${filePath}`), { code: 'ENOENT' });
  cache.set(key, digest);
  return digest;
}
