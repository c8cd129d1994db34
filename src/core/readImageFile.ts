// Reads one image file defensively. A folder of images can hold anything named like an image: a symlink to
// /dev/zero (endless), to a FIFO (blocks forever), a multi-gigabyte non-image. So: open without blocking, read
// only regular files, look at the first bytes before reading the rest, and cap the size of one file.
import { type FileHandle, open } from 'node:fs/promises';
import * as path from 'node:path';
import { ImageError, describeFsError } from '../model/errors';
import { SAFE_OPEN_FLAGS, fileKind, formatBytes } from './readRegularFile';
import { DEFAULT_IMAGE_LIMITS, type ImageHeader, type ImageLimits, checkPixelLimit, parseImageHeader, readImageHeader, sniffImageFormat } from '../model/imageHeader';

/** Enough for the header of every supported format, and most JPEG EXIF blocks before the frame header. */
const HEADER_BYTES = 64 * 1024;
/** A 100-megapixel 16-bit RGBA TIFF, uncompressed, is 800 MB; nothing we can label is larger. */
export const MAX_IMAGE_FILE_BYTES = 1024 * 1024 * 1024;

export async function readImageFile(file: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, maxBytes = MAX_IMAGE_FILE_BYTES): Promise<Buffer> {
  return withImageFile(file, async (handle, size, head) => {
    if (size > maxBytes) {
      throw new ImageError(`the file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for one image`);
    }
    headerFromPrefix(head, size === head.length, limits);
    if (size === head.length) return head;
    const whole = Buffer.allocUnsafe(size);
    head.copy(whole);
    await readFully(handle, whole, head.length);
    return whole;
  });
}

/**
 * An image file's format and size, read as defensively, from its first bytes; the whole file (within the same
 * caps) only when those do not hold the header (a JPEG whose frame header follows a large EXIF block).
 */
export async function readImageFileHeader(file: string, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<ImageHeader> {
  const header = await withImageFile(file, async (_handle, size, head) => headerFromPrefix(head, size === head.length, limits));
  return header ?? readImageHeader(await readImageFile(file, limits), limits);
}

/** Opens `file` without blocking, refuses what is not a non-empty regular file or not an image by its first bytes. */
async function withImageFile<T>(file: string, use: (handle: FileHandle, size: number, head: Buffer) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(file, SAFE_OPEN_FLAGS);
  } catch (error) {
    // A name that is not valid UTF-8 comes out of the folder listing with U+FFFD in place of its bad bytes, so
    // the path names no file: say so rather than blame a link.
    const missing = path.basename(file).includes('\uFFFD') ? 'its name is not valid UTF-8 (shown with \uFFFD), so it cannot be opened by name; rename it' : 'no such file (a broken link?)';
    throw new ImageError(`cannot open the image: ${describeFsError(error, { ENOENT: missing })}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImageError(`not a regular file (${fileKind(info)}); only image files are read`);
    if (info.size === 0) throw new ImageError('empty file (0 bytes)');
    const head = Buffer.alloc(Math.min(info.size, HEADER_BYTES));
    await readFully(handle, head, 0);
    sniffImageFormat(head); // not an image at all: refused from its first bytes
    return await use(handle, info.size, head);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`cannot read the image: ${describeFsError(error)}`);
  } finally {
    await handle.close();
  }
}

/**
 * The header, with the pixel limit checked, when the first bytes hold it; undefined when they do not and the
 * file goes on (a JPEG's frame header may come later), decided once the whole file is read.
 */
function headerFromPrefix(head: Buffer, complete: boolean, limits: ImageLimits): ImageHeader | undefined {
  let header;
  try {
    header = parseImageHeader(head);
  } catch (error) {
    if (complete) throw error;
    return undefined;
  }
  checkPixelLimit(header.width, header.height, limits);
  return header;
}

async function readFully(handle: FileHandle, into: Buffer, from: number): Promise<void> {
  for (let at = from; at < into.length; ) {
    const { bytesRead } = await handle.read(into, at, into.length - at, at);
    if (bytesRead === 0) throw new ImageError('the file became shorter while it was read (is something writing it?)');
    at += bytesRead;
  }
}
