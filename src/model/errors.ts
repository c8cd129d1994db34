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

/** The request itself cannot be carried out (e.g. labels would overwrite the images); nothing was touched. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}
