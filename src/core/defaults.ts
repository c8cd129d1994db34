// Defaults shared by the extension's settings, the CLI and the worker: each lives here and nowhere else.
import * as os from 'node:os';

/** Where labels go, relative to the images folder: `<images>/../masks/<name>.png`. */
export const DEFAULT_LABEL_FOLDER = '../masks';

/** `threads = 0` (automatic) picks one per available CPU, but at most this many. */
export const MAX_AUTOMATIC_THREADS = 4;

/**
 * onnxruntime intra-op threads for a request: 0 means automatic; any request is clamped to the CPUs this
 * process may use (more threads than cores only makes inference slower, dramatically so under load).
 */
export function inferenceThreadCount(requested: number, cpus: number = os.availableParallelism()): number {
  const available = Math.max(1, cpus);
  if (!Number.isInteger(requested) || requested <= 0) return Math.min(MAX_AUTOMATIC_THREADS, available);
  return Math.min(requested, available);
}
