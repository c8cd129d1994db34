// Reads one image file defensively. A folder of images can hold anything named like an image: a symlink to
// /dev/zero (endless), to a FIFO (blocks forever), a multi-gigabyte non-image. So: open without blocking, read
// only regular files, look at the first bytes before reading the rest, and cap the size of one file.
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ImageError, describeFsError } from '../model/errors';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits, checkPixelLimit, parseImageHeader, sniffImageFormat } from '../model/imageHeader';

/** Enough for the header of every supported format, and most JPEG EXIF blocks before the frame header. */
const HEADER_BYTES = 64 * 1024;
/** A 100-megapixel 16-bit RGBA TIFF, uncompressed, is 800 MB; nothing we can label is larger. */
export const MAX_IMAGE_FILE_BYTES = 1024 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer. O_NOCTTY: a terminal
// device never becomes our controlling terminal. Both are 0 where the platform lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export async function readImageFile(file: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, maxBytes = MAX_IMAGE_FILE_BYTES): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    throw new ImageError(`cannot open the image: ${describeFsError(error, { ENOENT: 'no such file (a broken link?)' })}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImageError(`not a regular file (${kindOf(info)}); only image files are read`);
    if (info.size === 0) throw new ImageError('empty file (0 bytes)');
    const head = Buffer.alloc(Math.min(info.size, HEADER_BYTES));
    await readFully(handle, head, 0);
    sniffImageFormat(head); // not an image at all: refused from its first bytes
    if (info.size > maxBytes) {
      throw new ImageError(`the file is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit for one image`);
    }
    checkSizeFromPrefix(head, info.size === head.length, limits);
    if (info.size === head.length) return head;
    const whole = Buffer.allocUnsafe(info.size);
    head.copy(whole);
    await readFully(handle, whole, head.length);
    return whole;
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`cannot read the image: ${describeFsError(error)}`);
  } finally {
    await handle.close();
  }
}

/** The pixel limit, from the header alone when the first bytes hold it (a JPEG's frame header may come later). */
function checkSizeFromPrefix(head: Buffer, complete: boolean, limits: ImageLimits): void {
  let header;
  try {
    header = parseImageHeader(head);
  } catch (error) {
    if (complete) throw error;
    return; // decided once the whole file is read
  }
  checkPixelLimit(header.width, header.height, limits);
}

async function readFully(handle: FileHandle, into: Buffer, from: number): Promise<void> {
  for (let at = from; at < into.length; ) {
    const { bytesRead } = await handle.read(into, at, into.length - at, at);
    if (bytesRead === 0) throw new ImageError('the file became shorter while it was read (is something writing it?)');
    at += bytesRead;
  }
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isCharacterDevice()) return 'a character device such as /dev/zero';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}
