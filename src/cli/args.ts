// Command line of `segnetr`: parsed with node:util parseArgs, checked, and turned into a job request.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { LabelFormat, Shard } from '../common/prelabel';
import { labelsDirFor } from '../core/labelPaths';
import { messageOf } from '../model/errors';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: segnetr prelabel <imagesDir> [options]

Writes one single-channel 8-bit PNG label per image (PNG, JPEG, BMP, TIFF) of <imagesDir>, with the image's
base name and size: 0 = background, k = class k (or 0/255 with --format binary255).

Options:
  --out DIR          labels folder (default: <imagesDir>/../masks)
  --model FILE.onnx  SegNetr ONNX model with its card FILE.json beside it (default: the bundled model)
  --format F         index (default) or binary255 (two-class models only)
  --overwrite        replace existing label files (default: skip images that already have one), except
                     labels a person edited or accepted in the mask editor (listed in .segnetr/review.tsv)
  --overwrite-reviewed
                     replace those too (implies --overwrite)
  --shard I/N        label only this machine's share: sorted files at positions p with p % N == I (0 <= I < N)
  --threads N        onnxruntime intra-op threads (default 0: one per CPU, at most 4; never more than the CPUs)
  --json             print a machine-readable summary on stdout
  -h, --help         show this help (segnetr help evaluate: the evaluate command's)
  -V, --version      print the version

Exit status: 0 every image labelled or skipped, 1 some images failed (listed as "file: reason"),
2 usage, model or labels-folder error (nothing labelled), 130 stopped by Ctrl-C, 143 by SIGTERM,
129 by SIGHUP (a closed terminal).

       segnetr evaluate <imagesDir> --gt <masksDir> [options]   (segnetr evaluate --help)`;

export interface PrelabelCommand {
  readonly kind: 'prelabel';
  readonly imagesDir: string;
  readonly labelsDir: string;
  readonly modelPath: string | undefined;
  readonly format: LabelFormat;
  readonly overwrite: boolean;
  /** Also replace labels a person edited or accepted; implies overwrite. */
  readonly overwriteReviewed: boolean;
  readonly shard: Shard | undefined;
  readonly threads: number;
  readonly json: boolean;
}

export type CliCommand = { readonly kind: 'help' } | PrelabelCommand;

/** node:util parseArgs, strict, with positionals; what it rejects becomes a UsageError. */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

export function parseCommandLine(argv: readonly string[]): CliCommand {
  const parsed = parseOptions(argv, {
    out: { type: 'string' },
    model: { type: 'string' },
    format: { type: 'string' },
    overwrite: { type: 'boolean' },
    'overwrite-reviewed': { type: 'boolean' },
    shard: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0 || positionals[0] === 'help') return { kind: 'help' };
  const [command, imagesDir, ...extra] = positionals;
  if (command !== 'prelabel') throw new UsageError(`Unknown command "${command}" (the commands are "prelabel" and "evaluate").`);
  if (!imagesDir) throw new UsageError('Missing <imagesDir>.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument(s): ${extra.join(' ')}.`);
  return {
    kind: 'prelabel',
    imagesDir,
    labelsDir: values.out ?? labelsDirFor(imagesDir),
    modelPath: values.model,
    format: parseFormat(values.format),
    overwrite: (values.overwrite ?? false) || (values['overwrite-reviewed'] ?? false),
    overwriteReviewed: values['overwrite-reviewed'] ?? false,
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    threads: values.threads === undefined ? 0 : parseThreads(values.threads),
    json: values.json ?? false,
  };
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--shard expects I/N (for example 0/4), got "${text}".`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) throw new UsageError(`--shard ${text}: need N >= 1 and 0 <= I < N (shards are numbered from 0).`);
  return { index, count };
}

function parseFormat(text: string | undefined): LabelFormat {
  if (text === undefined || text === 'index') return 'index';
  if (text === 'binary255') return 'binary255';
  throw new UsageError(`--format must be index or binary255, got "${text}".`);
}

export function parseThreads(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--threads expects a whole number (0 = automatic), got "${text}".`);
  return Number(text);
}
