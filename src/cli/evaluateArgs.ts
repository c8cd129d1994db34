// Command line of `segnetr evaluate`: parsed with node:util parseArgs (parseOptions) and checked.
import { UsageError, parseOptions, parseThreads } from './args';

export const EVALUATE_USAGE = `Usage: segnetr evaluate <imagesDir> --gt <masksDir> [options]

Scores the model's predictions (or the label files of --pred) against ground-truth masks <masksDir>/<name>.png
(0/255 or 0/1 for two-class models, class indices for others, 255 = ignore), and prints per-image means and
medians of Dice, IoU, precision, recall and HD95 (pixels). Images without a label file in --pred are predicted.

Options:
  --gt DIR           ground-truth masks folder (required)
  --pred DIR         label files to score instead of predicting (<name>.png, index or 0/255 values)
  --model FILE.onnx  SegNetr ONNX model with its card FILE.json beside it (default: the bundled model)
  --json FILE        write the full report as JSON ("-" prints it on stdout instead of the summary)
  --csv FILE         write one row per image as CSV, failed images last ("-" prints it on stdout)
  --report DIR       write evaluation.json, evaluation.csv, evaluation.md and dice-histogram.png into DIR
                     (never into the folders evaluated; only an earlier report's files are replaced there)
  --threads N        onnxruntime intra-op threads (default 0: one per CPU, at most 4)
  -h, --help         show this help

Exit status: 0 every image scored, 1 some images failed (listed as "file: reason"), 2 usage or model error
(also: no images in <imagesDir>), 130 interrupted (the summary so far is printed; no file is written),
143 stopped by SIGTERM, 129 by SIGHUP.`;

export interface EvaluateCommand {
  readonly kind: 'evaluate';
  readonly imagesDir: string;
  readonly gtDir: string;
  readonly predDir: string | undefined;
  readonly modelPath: string | undefined;
  readonly json: string | undefined;
  readonly csv: string | undefined;
  readonly reportDir: string | undefined;
  readonly threads: number;
}

/** `argv` after the word "evaluate". */
export function parseEvaluateCommandLine(argv: readonly string[]): EvaluateCommand | { readonly kind: 'help' } {
  const parsed = parseOptions(argv, {
    gt: { type: 'string' },
    pred: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'string' },
    csv: { type: 'string' },
    report: { type: 'string' },
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [imagesDir, ...extra] = positionals;
  if (!imagesDir) throw new UsageError('Missing <imagesDir>.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(' ')}.`);
  if (values.gt === undefined) throw new UsageError('Missing --gt <masksDir>: the folder of ground-truth masks.');
  if (values.json === '-' && values.csv === '-') throw new UsageError('Only one of --json and --csv can print on stdout ("-").');
  return {
    kind: 'evaluate',
    imagesDir,
    gtDir: values.gt,
    predDir: values.pred,
    modelPath: values.model,
    json: values.json,
    csv: values.csv,
    reportDir: values.report,
    threads: values.threads === undefined ? 0 : parseThreads(values.threads),
  };
}
