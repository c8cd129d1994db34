// The SHA-256 of a file's bytes, read in 1 MB pieces: a large file never sits in memory whole, and hashing never
// holds the extension host's thread for more than a piece (a few milliseconds). Opened like readRegularFile: a
// named pipe or device is refused, not read.
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { SAFE_OPEN_FLAGS, fileKind } from './readRegularFile';

const PIECE_BYTES = 1024 * 1024;

/** The hex SHA-256 of the regular file `file`, or undefined when there is no such file. */
export async function regularFileSha256(file: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, SAFE_OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`not a regular file (${fileKind(info)})`);
    const hash = createHash('sha256');
    const piece = Buffer.alloc(Math.min(PIECE_BYTES, Math.max(1, info.size)));
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(piece, 0, piece.length, position);
      if (bytesRead === 0) break;
      hash.update(piece.subarray(0, bytesRead));
      position += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
