// SHA-256 of a model file, remembered per (path, mtime, size) so a job hashes a model once, not once per image,
// and a model replaced on disk is hashed again.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

const cache = new Map<string, string>();

export async function sha256OfFile(filePath: string): Promise<string> {
  const info = await stat(filePath);
  const key = `${filePath}\0${info.mtimeMs}\0${info.size}`;
  const known = cache.get(key);
  if (known) return known;
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  const digest = hash.digest('hex');
  cache.set(key, digest);
  return digest;
}
