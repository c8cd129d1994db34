// How a pre-label job can fail. The class decides what happens next: a ModelError or RequestError stops the job
// (nothing can be labelled with a broken model), an ImageError is recorded against one file and the job goes on.

/** The model, its card or the runtime cannot be used; the message is complete and meant for the user. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** One image cannot be labelled; the message is the reason shown next to the file name. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const FS_ERROR_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'read-only file system',
  ELOOP: 'a symbolic link loop (a link that leads back to itself)',
  ENAMETOOLONG: 'the name is too long for the file system',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EIO: 'an input/output error (a failing disk or network share?)',
};

/** A file-system error in plain words; `wording` rephrases codes where the context says more ("no such folder"). */
export function describeFsError(error: unknown, wording: Readonly<Record<string, string>> = {}): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && (wording[code] ?? FS_ERROR_REASONS[code])) || messageOf(error);
}

/** The request itself cannot be carried out (e.g. labels would overwrite the images); nothing was touched. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}
