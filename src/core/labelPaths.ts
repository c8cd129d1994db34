// The image -> label path rule, in one place: `<labelsDir>/<image base name>.png`, with the labels folder
// given relative to the images folder (default `../masks`).
import * as path from 'node:path';
import { DEFAULT_LABEL_FOLDER } from './defaults';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff'];

/** Dot files (editor swap files, macOS `._x.jpg` resource forks) are never images to label. */
export function isImageFileName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/**
 * The labels folder for an images folder; `labelFolder` is relative to the images folder (blank = default).
 * A relative images folder gives a relative answer, so the CLI prints paths the way the user typed them.
 */
export function labelsDirFor(imagesDir: string, labelFolder: string = DEFAULT_LABEL_FOLDER): string {
  const folder = labelFolder.trim() === '' ? DEFAULT_LABEL_FOLDER : labelFolder;
  return path.isAbsolute(folder) ? path.normalize(folder) : path.join(imagesDir, folder);
}

/** `<labelsDir>/<image base name>.png`, whatever the image's own format. */
export function labelPathFor(labelsDir: string, imagePath: string): string {
  return path.join(labelsDir, `${path.parse(imagePath).name}.png`);
}
