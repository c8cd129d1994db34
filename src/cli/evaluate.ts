// `segnetr evaluate`: scores predictions against ground-truth masks with the same job as the extension's
// worker (src/core/evaluateJob.ts), in this process; prints the summary, writes the reports asked for.
import { runEvaluateJob } from '../core/evaluateJob';
import { evaluationJson, writeEvaluationReports } from '../core/evaluationReport';
import { evaluationText } from '../eval/reportText';
import { describeFsError } from '../model/errors';
import { EVALUATE_USAGE, type EvaluateCommand, parseEvaluateCommandLine } from './evaluateArgs';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE_OR_MODEL, chosenModelPath, parseOrExitStatus, runTerminalJob } from './runtime';
import { writeLine } from './terminalText';

/** `argv` after the word "evaluate"; resolves with the exit status. */
export async function evaluate(argv: readonly string[]): Promise<number> {
  const command = parseOrExitStatus(() => parseEvaluateCommandLine(argv), 'segnetr evaluate', EVALUATE_USAGE);
  return typeof command === 'number' ? command : run(command);
}

async function run(command: EvaluateCommand): Promise<number> {
  const modelPath = chosenModelPath(command.modelPath);
  if (modelPath === undefined) return EXIT_USAGE_OR_MODEL;
  const report = await runTerminalJob((hooks) =>
    runEvaluateJob(
      {
        imagesDir: command.imagesDir,
        gtDir: command.gtDir,
        ...(command.predDir === undefined ? {} : { predDir: command.predDir }),
        modelPath,
        threads: command.threads,
      },
      { onProgress: hooks.onProgress, isCancelled: hooks.isCancelled },
    ),
  );
  if (typeof report === 'number') return report;
  for (const failure of report.failed) writeLine(process.stderr, `${failure.file}: ${failure.reason}`);
  const toStdout = command.json === '-';
  try {
    const written = await writeEvaluationReports(report, {
      ...(command.reportDir === undefined ? {} : { dir: command.reportDir }),
      ...(command.json === undefined || toStdout ? {} : { json: command.json }),
      ...(command.csv === undefined ? {} : { csv: command.csv }),
    });
    if (toStdout) process.stdout.write(evaluationJson(report));
    else process.stdout.write(evaluationText(report));
    for (const file of written) writeLine(process.stderr, `segnetr: wrote ${file}`);
  } catch (error) {
    process.stderr.write(`segnetr: cannot write the report: ${describeFsError(error)}\n`);
    return EXIT_USAGE_OR_MODEL;
  }
  if (report.cancelled) return EXIT_INTERRUPTED;
  return report.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}
