// The SHA-256 of a file's bytes, read in 1 MB pieces: a large file never sits in memory whole, and hashing never
// holds the extension host's thread for more than a piece (a few milliseconds). Opened like readRegularFile: a
// named pipe or device is refused, not read.
import { createHash } from 'node:crypto';
import { withRegularFile } from './readRegularFile';

const PIECE_BYTES = 1024 * 1024;

/** The hex SHA-256 of the regular file `file`, or undefined when there is no such file. */
export async function regularFileSha256(file: string): Promise<string | undefined> {
  try {
    return await withRegularFile(file, async (handle, info) => {
      const hash = createHash('sha256');
      const piece = Buffer.alloc(Math.min(PIECE_BYTES, Math.max(1, info.size)));
      for (let position = 0; ; ) {
        const { bytesRead } = await handle.read(piece, 0, piece.length, position);
        if (bytesRead === 0) return hash.digest('hex');
        hash.update(piece.subarray(0, bytesRead));
        position += bytesRead;
      }
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
