// What every `segnetr` command shares: exit statuses, the bundled model's path, and Ctrl-C handling.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUNDLED_MODEL_FILE } from '../common/bundledModel';
import { exitAfterWritesSettle } from '../core/atomicWrite';
import { ModelError, RequestError } from '../model/errors';
import { UsageError } from './args';
import { ProgressBar } from './progressBar';
import { writeLine, writeLines } from './terminalText';

export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE_OR_MODEL = 2;
export const EXIT_INTERRUPTED = 130;
export const EXIT_HANGUP = 129;
export const EXIT_TERMINATED = 143;

/** The bundled model, relative to the package root (dist/cli.js -> ../media/models). */
export function bundledModelPath(): string {
  return path.join(__dirname, '..', 'media', 'models', BUNDLED_MODEL_FILE);
}

/** The version in the package's package.json (dist/cli.js -> ../package.json), or 'unknown' without one. */
export function packageVersion(): string {
  try {
    const text = readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The model to run: `--model`, else the bundled one; undefined, after saying why, when the bundled one is missing. */
export function chosenModelPath(given: string | undefined): string | undefined {
  const modelPath = given ?? bundledModelPath();
  if (given === undefined && !existsSync(modelPath)) {
    writeLine(process.stderr, `segnetr: no bundled model at ${modelPath}; pass one with --model FILE.onnx (its card FILE.json beside it).`);
    return undefined;
  }
  return modelPath;
}

/**
 * Parses a command line: a usage error is printed with where to find help (exit status 2), `--help` prints the
 * usage (exit status 0); otherwise the parsed command.
 */
export function parseOrExitStatus<C extends { readonly kind: string }>(
  parse: () => C | { readonly kind: 'help' },
  commandName: string,
  usage: string,
): Exclude<C, { readonly kind: 'help' }> | number {
  let command;
  try {
    command = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeLines(process.stderr, `${commandName}: ${error.message}`); // node:util's messages span lines
    process.stderr.write(`Run "${commandName} --help" for usage.\n`);
    return EXIT_USAGE_OR_MODEL;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${usage}\n`);
    return EXIT_OK;
  }
  return command as Exclude<C, { readonly kind: 'help' }>;
}

/** What a pre-label job stopped by a signal leaves behind (said after "stopped by SIGTERM; "). */
const LABELS_LEFT = 'labels written so far are complete';

/**
 * Runs `work` with Ctrl-C turned into a polite stop: the first press sets the flag `work` polls (after the image
 * in hand), a second one quits now. A batch system stopping the job (SIGTERM) or a closed terminal (SIGHUP) quits
 * now too. Quitting lets the label being written finish first (at most 2 s), so it leaves a complete file and no
 * temp file.
 */
export async function withInterrupt<T>(beforeMessage: () => void, work: (isInterrupted: () => boolean) => Promise<T>, leftBehind = LABELS_LEFT): Promise<T> {
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      exitAfterWritesSettle(EXIT_INTERRUPTED);
      return;
    }
    interrupted = true;
    beforeMessage();
    process.stderr.write('segnetr: stopping after the current image (Ctrl-C again to quit now)\n');
  };
  const onTerminate = (signal: NodeJS.Signals): void => {
    beforeMessage();
    writeLine(process.stderr, `segnetr: stopped by ${signal}; ${leftBehind}`);
    exitAfterWritesSettle(signal === 'SIGHUP' ? EXIT_HANGUP : EXIT_TERMINATED);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onTerminate);
  try {
    return await work(() => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
  }
}

/** What a batch job run from the terminal gets: progress for the bar, Ctrl-C as a flag, log lines above the bar. */
export interface TerminalJobHooks {
  readonly onProgress: (progress: { readonly done: number; readonly total: number; readonly file: string }) => void;
  readonly isCancelled: () => boolean;
  readonly log: (line: string) => void;
}

/**
 * Runs a batch job with a progress bar on stderr and Ctrl-C handling (withInterrupt). A model or request error is
 * printed as one line and turns into exit status 2; anything else is a bug and is thrown.
 */
export async function runTerminalJob<T>(job: (hooks: TerminalJobHooks) => Promise<T>, leftBehind = LABELS_LEFT): Promise<T | typeof EXIT_USAGE_OR_MODEL> {
  const bar = new ProgressBar(process.stderr);
  try {
    return await withInterrupt(
      () => bar.finish(),
      (isInterrupted) =>
        job({
          onProgress: (p) => bar.update(p),
          isCancelled: isInterrupted,
          log: (line) => {
            bar.finish();
            writeLine(process.stderr, `segnetr: ${line}`);
          },
        }),
      leftBehind,
    );
  } catch (error) {
    if (error instanceof ModelError || error instanceof RequestError) {
      bar.finish();
      writeLine(process.stderr, `segnetr: ${error.message}`);
      return EXIT_USAGE_OR_MODEL;
    }
    throw error;
  } finally {
    bar.finish();
  }
}
