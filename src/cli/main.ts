// `segnetr`: the headless pre-labeler. Runs the same job as the extension's worker, in this process.
// Exit status: 0 all labelled or skipped, 1 some images failed, 2 usage, request or model error, 130 interrupted
// (143 / 129 for SIGTERM / SIGHUP). Nothing a person reads is printed raw: see terminalText.ts.
import type { PrelabelSummary } from '../common/prelabel';
import { messageOf } from '../model/errors';
import { runPrelabelJob } from '../core/prelabelJob';
import { type PrelabelCommand, USAGE, parseCommandLine } from './args';
import { evaluate } from './evaluate';
import { writeLine } from './terminalText';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE_OR_MODEL, chosenModelPath, packageVersion, parseOrExitStatus, runTerminalJob } from './runtime';

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'evaluate') return evaluate(argv.slice(1));
  if (argv[0] === 'help' && argv[1] === 'evaluate') return evaluate(['--help']);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    writeLine(process.stdout, `segnetr ${packageVersion()}`);
    return EXIT_OK;
  }
  const command = parseOrExitStatus(() => parseCommandLine(argv), 'segnetr', USAGE);
  return typeof command === 'number' ? command : prelabel(command);
}

async function prelabel(command: PrelabelCommand): Promise<number> {
  const modelPath = chosenModelPath(command.modelPath);
  if (modelPath === undefined) return EXIT_USAGE_OR_MODEL;
  const summary = await runTerminalJob((hooks) =>
    runPrelabelJob(
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
      hooks,
    ),
  );
  if (typeof summary === 'number') return summary;
  report(summary, command, modelPath);
  if (summary.cancelled) return EXIT_INTERRUPTED;
  return summary.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

function report(summary: PrelabelSummary, command: PrelabelCommand, modelPath: string): void {
  for (const failure of summary.failed) writeLine(process.stderr, `${failure.file}: ${failure.reason}`);
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
  writeLine(
    process.stdout,
    `${head}: ${summary.written} written, ${summary.skipped} skipped (label exists${kept}), ${summary.failed.length} failed ` +
      `of ${summary.total} in ${seconds.toFixed(1)} s${rate}. Labels: ${summary.labelsDir}`,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user error: say so plainly; the stack is for a bug report, on request.
    writeLine(process.stderr, `segnetr: internal error: ${messageOf(error)}`);
    if (process.env['SEGNETR_DEBUG']) process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    else process.stderr.write('This is a bug in segnetr; run again with SEGNETR_DEBUG=1 for the details to report.\n');
    process.exitCode = EXIT_USAGE_OR_MODEL;
  },
);
