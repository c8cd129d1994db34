// Model card schema (`<model>.json` beside `<model>.onnx`), agreed with training/ which writes it from Python.
// Validation names the card file and the offending field so a user with a hand-made card can fix it.
import { z } from 'zod';
import { ModelError } from './errors';

/** A custom message for a wrong value, zod's own ("missing") when the field is absent. */
function wrongValueMessage(message: string): { errorMap: z.ZodErrorMap } {
  return { errorMap: (issue, ctx) => ({ message: ctx.data === undefined ? `missing (expected ${describeExpected(issue)})` : message }) };
}

function describeExpected(issue: z.ZodIssueOptionalMessage): string {
  return issue.code === z.ZodIssueCode.invalid_literal ? JSON.stringify(issue.expected) : 'a value';
}

// An informational card value: a number, string, boolean or null, or objects of them nested at most two deep
// (the export writes metrics.bySize.atMost40Percent.dice). Bounded, so a hostile card cannot nest it without end.
const informationalLeaf = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const informationalValue = z.union([
  informationalLeaf,
  z.record(z.union([informationalLeaf, z.record(informationalLeaf)])),
]);

const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);
const positiveInt = z.number().int().positive();

const classSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().min(1),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like "#ff4d4d"'),
});

const sigmoidOutput = z.object({
  activation: z.literal('sigmoid'),
  channels: z.literal(1, wrongValueMessage('a sigmoid model has exactly 1 output channel')),
  threshold: z.number().gt(0).lt(1),
});

const softmaxOutput = z.object({
  activation: z.literal('softmax'),
  channels: z.number().int().min(2, 'a softmax model has at least 2 output channels'),
});

const cardSchema = z
  .object({
    schemaVersion: z.literal(1, wrongValueMessage('only schemaVersion 1 is supported')),
    name: z.string().min(1),
    architecture: z.string().min(1),
    width: positiveInt,
    partition: positiveInt,
    interaction: z.string().min(1),
    input: z.object({
      height: positiveInt,
      width: positiveInt,
      channelOrder: z.enum(['RGB', 'BGR']),
      scale: z.enum(['0-1', '0-255']),
      mean: rgbTriple,
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    }),
    output: z.discriminatedUnion('activation', [sigmoidOutput, softmaxOutput]),
    classes: z.array(classSchema).min(2),
    // Informational only (shown, never used to compute): absent or null fields are fine.
    training: z.object({ data: z.string().nullable(), split: z.string().nullable(), command: z.string().nullable() }).partial().passthrough().nullish(),
    metrics: z.record(informationalValue).nullish(),
    onnx: z.object({
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits'),
      opset: positiveInt,
      inputName: z.string().min(1),
      outputName: z.string().min(1),
    }),
  })
  .superRefine((card, ctx) => {
    const expected = numberOfClasses(card.output);
    if (card.classes.length !== expected) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['classes'],
        message: `expected ${expected} entries for a ${card.output.activation} model with ${card.output.channels} output channel(s), found ${card.classes.length}`,
      });
      return;
    }
    card.classes.forEach((c, i) => {
      if (c.index !== i) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['classes', i, 'index'], message: `expected ${i} (classes are listed in index order)` });
      }
    });
  });

export type ModelCard = z.infer<typeof cardSchema>;
export type ModelOutput = ModelCard['output'];
export type ModelClass = ModelCard['classes'][number];

/** Label values a model can produce: 2 for a sigmoid model (background + foreground), K for softmax. */
export function numberOfClasses(output: ModelOutput): number {
  return output.activation === 'sigmoid' ? 2 : output.channels;
}

/** Validates parsed JSON as a model card; throws a ModelError naming `cardPath` and every bad field. */
export function parseModelCard(json: unknown, cardPath: string): ModelCard {
  const result = cardSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `field "${formatPath(issue.path)}": ${describeIssue(issue)}`);
  throw new ModelError(`Invalid model card ${cardPath}: ${problems.join('; ')}`);
}

function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describeIssue(issue: z.ZodIssue): string {
  // zod says "Required" for a missing field; say it in the card's terms.
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return `missing (expected ${issue.expected})`;
  return issue.message;
}
