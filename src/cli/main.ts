// `segnetr`: the headless pre-labeler. Runs the same job as the extension's worker, in this process.
// Exit status: 0 all labelled or skipped, 1 some images failed, 2 usage or model error, 130 interrupted.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BUNDLED_MODEL_FILE } from '../common/bundledModel';
import type { PrelabelSummary } from '../common/prelabel';
import { ModelError, RequestError, messageOf } from '../model/errors';
import { runPrelabelJob } from '../core/prelabelJob';
import { type PrelabelCommand, USAGE, UsageError, parseCommandLine } from './args';
import { ProgressBar } from './progressBar';

const EXIT_OK = 0;
const EXIT_SOME_FAILED = 1;
const EXIT_USAGE_OR_MODEL = 2;
const EXIT_INTERRUPTED = 130;

/** The bundled model, relative to the package root (dist/cli.js -> ../media/models). */
function bundledModelPath(): string {
  return path.join(__dirname, '..', 'media', 'models', BUNDLED_MODEL_FILE);
}

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`segnetr: ${error.message}\nRun "segnetr --help" for usage.\n`);
    return EXIT_USAGE_OR_MODEL;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  return prelabel(command);
}

async function prelabel(command: PrelabelCommand): Promise<number> {
  const modelPath = command.modelPath ?? bundledModelPath();
  if (command.modelPath === undefined && !existsSync(modelPath)) {
    process.stderr.write(`segnetr: no bundled model at ${modelPath}; pass one with --model FILE.onnx (its card FILE.json beside it).\n`);
    return EXIT_USAGE_OR_MODEL;
  }
  const bar = new ProgressBar(process.stderr);
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(EXIT_INTERRUPTED); // second Ctrl-C: leave now (temp files are cleaned next run)
    interrupted = true;
    bar.finish();
    process.stderr.write('segnetr: stopping after the current image (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  let summary: PrelabelSummary;
  try {
    summary = await runPrelabelJob(
      {
        imagesDir: command.imagesDir,
        labelsDir: command.labelsDir,
        modelPath,
        format: command.format,
        overwrite: command.overwrite,
        overwriteReviewed: command.overwriteReviewed,
        threads: command.threads,
        ...(command.shard ? { shard: command.shard } : {}),
      },
      {
        onProgress: (p) => bar.update(p),
        isCancelled: () => interrupted,
        log: (line) => {
          bar.finish();
          process.stderr.write(`segnetr: ${line}\n`);
        },
      },
    );
  } catch (error) {
    bar.finish();
    if (error instanceof ModelError || error instanceof RequestError) {
      process.stderr.write(`segnetr: ${error.message}\n`);
      return EXIT_USAGE_OR_MODEL;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  bar.finish();
  report(summary, command, modelPath);
  if (summary.cancelled) return EXIT_INTERRUPTED;
  return summary.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

function report(summary: PrelabelSummary, command: PrelabelCommand, modelPath: string): void {
  for (const failure of summary.failed) process.stderr.write(`${failure.file}: ${failure.reason}\n`);
  if (command.json) {
    const shard = command.shard ? `${command.shard.index}/${command.shard.count}` : null;
    process.stdout.write(`${JSON.stringify({ ...summary, model: modelPath, format: command.format, shard }, null, 2)}\n`);
    return;
  }
  const seconds = summary.elapsedMs / 1000;
  const processed = summary.written + summary.failed.length;
  const rate = seconds > 0 && processed > 0 ? `, ${(processed / seconds).toFixed(1)} images/s` : '';
  const head = summary.cancelled ? 'Interrupted' : 'Done';
  const kept = summary.keptReviewed > 0 ? `; ${summary.keptReviewed} of them reviewed by a person, kept (--overwrite-reviewed replaces them)` : '';
  process.stdout.write(
    `${head}: ${summary.written} written, ${summary.skipped} skipped (label exists${kept}), ${summary.failed.length} failed ` +
      `of ${summary.total} in ${seconds.toFixed(1)} s${rate}. Labels: ${summary.labelsDir}\n`,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user error: keep the stack for the report, but say so plainly first.
    process.stderr.write(`segnetr: internal error: ${messageOf(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exitCode = EXIT_USAGE_OR_MODEL;
  },
);
