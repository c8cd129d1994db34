// What every `segnetr` command shares: exit statuses, the bundled model's path, and Ctrl-C handling.
import * as path from 'node:path';
import { BUNDLED_MODEL_FILE } from '../common/bundledModel';

export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE_OR_MODEL = 2;
export const EXIT_INTERRUPTED = 130;

/** The bundled model, relative to the package root (dist/cli.js -> ../media/models). */
export function bundledModelPath(): string {
  return path.join(__dirname, '..', 'media', 'models', BUNDLED_MODEL_FILE);
}

/**
 * Runs `work` with Ctrl-C turned into a polite stop: the first press sets the flag `work` polls (after the image
 * in hand), a second one exits at once (temp files are cleaned by the next run).
 */
export async function withInterrupt<T>(beforeMessage: () => void, work: (isInterrupted: () => boolean) => Promise<T>): Promise<T> {
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    beforeMessage();
    process.stderr.write('segnetr: stopping after the current image (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(() => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
