// `segnetr evaluate`: scores predictions against ground-truth masks with the same job as the extension's
// worker (src/core/evaluateJob.ts), in this process; prints the summary, writes the reports asked for.
import { stat, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { EvaluationReport } from '../common/evaluation';
import { runEvaluateJob } from '../core/evaluateJob';
import { REPORT_PLACE_PROBLEMS, evaluationJson, writeEvaluationReports } from '../core/evaluationReport';
import { tempFileName } from '../core/atomicWrite';
import { makeFolders } from '../core/labelsFolder';
import { samePlace } from '../core/realPath';
import { checkReportFolder } from '../core/reportFolder';
import { evaluationCsv, evaluationText } from '../eval/reportText';
import { RequestError, describeFsError, messageOf } from '../model/errors';
import { EVALUATE_USAGE, type EvaluateCommand, parseEvaluateCommandLine } from './evaluateArgs';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE_OR_MODEL, chosenModelPath, parseOrExitStatus, runTerminalJob } from './runtime';
import { terminalSafe, writeLine, writeLines } from './terminalText';

/** `argv` after the word "evaluate"; resolves with the exit status. */
export async function evaluate(argv: readonly string[]): Promise<number> {
  const command = parseOrExitStatus(() => parseEvaluateCommandLine(argv), 'segnetr evaluate', EVALUATE_USAGE);
  return typeof command === 'number' ? command : run(command);
}

async function run(command: EvaluateCommand): Promise<number> {
  const modelPath = chosenModelPath(command.modelPath);
  if (modelPath === undefined) return EXIT_USAGE_OR_MODEL;
  try {
    await checkOutputs(command);
  } catch (error) {
    writeLine(process.stderr, `segnetr: ${messageOf(error)}`);
    return EXIT_USAGE_OR_MODEL;
  }
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
    'no report was written',
  );
  if (typeof report === 'number') return report;
  return finishEvaluate(command, report);
}

/** Prints the report and writes the files asked for (none after an interrupt); resolves with the exit status. */
export async function finishEvaluate(command: EvaluateCommand, report: EvaluationReport): Promise<number> {
  for (const failure of report.failed) writeLine(process.stderr, `${failure.file}: ${failure.reason}`);
  const onStdout = command.json === '-' ? 'json' : command.csv === '-' ? 'csv' : 'summary';
  if (report.cancelled) {
    // A partial report must not replace a complete one (the extension's Review Most Uncertain First reads it).
    if (onStdout === 'summary') writeLines(process.stdout, evaluationText(report, terminalSafe));
    writeLine(process.stderr, `segnetr: interrupted after ${report.images.length + report.failed.length} image(s); no report was written.`);
    return EXIT_INTERRUPTED;
  }
  // The results first: a report file that cannot be written after all (a full disk) must not take them along.
  // JSON and CSV quote names in their own way (and are read by programs); the summary is for a person's terminal.
  if (onStdout === 'summary') writeLines(process.stdout, evaluationText(report, terminalSafe));
  else process.stdout.write(onStdout === 'json' ? evaluationJson(report) : evaluationCsv(report));
  try {
    const written = await writeEvaluationReports(report, {
      ...(command.reportDir === undefined ? {} : { dir: command.reportDir }),
      ...(command.json === undefined || command.json === '-' ? {} : { json: command.json }),
      ...(command.csv === undefined || command.csv === '-' ? {} : { csv: command.csv }),
    });
    for (const file of written) writeLine(process.stderr, `segnetr: wrote ${file}`);
  } catch (error) {
    writeLine(process.stderr, `segnetr: ${messageOf(error)}`);
    return EXIT_USAGE_OR_MODEL;
  }
  return report.failed.length > 0 ? EXIT_SOME_FAILED : EXIT_OK;
}

/**
 * Before anything runs: reports go outside the folders being evaluated (a histogram PNG in the images folder
 * would be read as an image next time, a CSV named like a mask would replace it), and --report replaces only an
 * earlier report's files.
 */
async function checkOutputs(command: EvaluateCommand): Promise<void> {
  const inputs: [string, string][] = [[command.imagesDir, 'images'], [command.gtDir, 'ground-truth']];
  if (command.predDir !== undefined) inputs.push([command.predDir, 'predictions']);
  const outsideInputs = (flag: string, value: string, dir: string): void => {
    const input = inputs.find(([folder]) => samePlace(dir, folder));
    if (input) throw new RequestError(`${flag} ${value} writes into the ${input[1]} folder ${input[0]}; write reports outside the folders being evaluated.`);
  };
  if (command.reportDir !== undefined) {
    outsideInputs('--report', command.reportDir, command.reportDir);
    await checkReportFolder(command.reportDir, 'cli');
  }
  for (const [flag, file] of [['--json', command.json], ['--csv', command.csv]] as const) {
    if (file === undefined || file === '-') continue;
    outsideInputs(flag, file, path.dirname(path.resolve(file)));
    await checkOutputFile(flag, file);
  }
}

/**
 * A --json or --csv target must be writable before the images are scored, not found wanting after (the run's
 * results would be lost): not a folder, and its folder made and able to take a file (a probe file, removed).
 */
async function checkOutputFile(flag: string, file: string): Promise<void> {
  const target = await stat(file).catch(() => undefined);
  if (target !== undefined && !target.isFile()) throw new RequestError(`${flag} ${file} is a folder or another non-file; give a file name.`);
  const dir = path.dirname(path.resolve(file));
  const probe = path.join(dir, tempFileName(process.pid));
  try {
    await makeFolders(dir);
    await writeFile(probe, '', { flag: 'wx' });
    await unlink(probe);
  } catch (error) {
    await unlink(probe).catch(() => undefined);
    throw new RequestError(`${flag} ${file} cannot be written (${describeFsError(error, REPORT_PLACE_PROBLEMS)}); nothing was scored.`);
  }
}
