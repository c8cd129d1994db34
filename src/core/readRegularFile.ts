// Reads a file a repository may have planted (review state, prediction records, label files) the careful way:
// opened without blocking, only a regular file, and no larger than the caller allows. A FIFO, /dev/zero or a
// huge file named like one of ours must not hang or fill the extension host. Errors keep their errno `code`
// (ENOENT stays "no such file" for callers that treat a missing file as empty).
import { type Stats, constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer. O_NOCTTY: a terminal
// device never becomes our controlling terminal. Both are 0 where the platform lacks them.
export const SAFE_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Looks at the file's first `bytes` bytes (fewer in a shorter file) before the rest is read; throws to refuse it. */
export interface HeadCheck {
  readonly bytes: number;
  readonly check: (head: Buffer) => void;
}

/** Opens `file` without blocking and hands it to `use` only when it is a regular file; closes it afterwards. */
export async function withRegularFile<T>(file: string, use: (handle: FileHandle, info: Stats) => Promise<T>): Promise<T> {
  const handle: FileHandle = await open(file, SAFE_OPEN_FLAGS);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`not a regular file (${fileKind(info)})`);
    return await use(handle, info);
  } finally {
    await handle.close();
  }
}

export async function readRegularFile(file: string, maxBytes: number, head?: HeadCheck): Promise<Buffer> {
  return withRegularFile(file, async (handle, info) => {
    if (head) {
      const first = Buffer.alloc(Math.min(head.bytes, info.size));
      const { bytesRead } = await handle.read(first, 0, first.length, 0); // positioned: readFile still starts at 0
      head.check(first.subarray(0, bytesRead));
    }
    if (info.size > maxBytes) throw new Error(`the file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit`);
    return handle.readFile();
  });
}

export function fileKind(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice()) return 'a character device such as /dev/zero';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
