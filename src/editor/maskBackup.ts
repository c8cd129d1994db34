// Hot-exit backups of a mask document: only what is unsaved, as JSON. The saved state is named, not copied
// (the label's or stored prediction's sha256); the steps that lead from it to the current mask are replayable
// operations where the operation alone reproduces the pixels (brush strokes, fills, clean-ups), and PNG-encoded
// rectangles where it does not (a Predict result, a threshold of a probability map, undoing past the save).
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite';
import type { Rect } from '../mask/types';
import type { MaskOperation } from '../mask/types';
import { DEFAULT_MAX_POINTS, isParseError, parseMaskOperation } from '../mask/validate';
import type { LabelCodec } from '../common/labelCodecProtocol';
import { type BaseKind, MaskDocumentError } from './baseMask';

const FORMAT = 'segnetr.maskBackup';
/** How the name of a kept copy of a backup ends (keepUnrestoredBackup). */
export const KEPT_BACKUP_SUFFIX = '.segnetr-backup.json';
const VERSION = 1;

export type BackupStep =
  | { readonly op: MaskOperation }
  /** The rectangle's bytes, row-major, as a base64 8-bit grey PNG of rect.width x rect.height. */
  | { readonly rect: Rect; readonly png: string };

export interface MaskBackup {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly imagePath: string;
  readonly labelPath: string;
  readonly width: number;
  readonly height: number;
  /** The saved state the steps start from. */
  readonly base: { readonly kind: BaseKind; readonly sha256: string | null };
  readonly steps: readonly BackupStep[];
}

export function serializeBackup(backup: Omit<MaskBackup, 'format' | 'version'>): string {
  return JSON.stringify({ format: FORMAT, version: VERSION, ...backup });
}

/** A rectangle's bytes as a base64 grey PNG, encoded by `codec` (off the extension host's thread). */
export async function encodeRectBytes(codec: LabelCodec, rect: Rect, bytes: Uint8Array): Promise<string> {
  const png = await codec.encodeLabel(bytes, rect.width, rect.height, 'index');
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}

export async function decodeRectBytes(codec: LabelCodec, step: { rect: Rect; png: string }, where: string): Promise<Uint8Array> {
  let decoded;
  try {
    decoded = await codec.decodeGrey(Buffer.from(step.png, 'base64'));
  } catch (error) {
    throw new MaskDocumentError(`${where}: a step's pixels are not a readable PNG (${(error as Error).message}).`);
  }
  if (decoded.width !== step.rect.width || decoded.height !== step.rect.height) {
    throw new MaskDocumentError(`${where}: a step's pixels are ${decoded.width} x ${decoded.height}, its rectangle ${step.rect.width} x ${step.rect.height}.`);
  }
  return decoded.data;
}

/**
 * Parses and checks a backup for an image of `size` with `classCount` classes (a backup file is our own, but may
 * be damaged or belong to an image that changed); throws MaskDocumentError naming `where`.
 */
export function parseBackup(text: string, where: string, size: { width: number; height: number }, classCount: number): MaskBackup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MaskDocumentError(`${where} is not valid JSON.`);
  }
  const bad = (what: string): never => {
    throw new MaskDocumentError(`${where}: ${what}.`);
  };
  if (typeof json !== 'object' || json === null) return bad('not a JSON object');
  const b = json as Record<string, unknown>;
  if (b.format !== FORMAT || b.version !== VERSION) bad(`not a version ${VERSION} mask backup`);
  if (typeof b.imagePath !== 'string' || typeof b.labelPath !== 'string') bad('imagePath and labelPath must be strings');
  if (b.width !== size.width || b.height !== size.height) bad(`made for a ${String(b.width)} x ${String(b.height)} image, but the image is ${size.width} x ${size.height}`);
  const base = b.base as Record<string, unknown> | undefined;
  if (typeof base !== 'object' || base === null || !['label', 'prediction', 'empty'].includes(base.kind as string)) bad('base.kind must be label, prediction or empty');
  if (base!.sha256 !== null && typeof base!.sha256 !== 'string') bad('base.sha256 must be a string or null');
  if (!Array.isArray(b.steps)) return bad('steps must be an array');
  const limits = { width: size.width, height: size.height, classCount, maxPoints: DEFAULT_MAX_POINTS };
  const steps = b.steps.map((step: unknown, i): BackupStep => {
    if (typeof step !== 'object' || step === null) return bad(`step ${i} is not an object`);
    const s = step as Record<string, unknown>;
    if ('op' in s) {
      const op = parseMaskOperation(s.op, limits);
      if (isParseError(op)) return bad(`step ${i}: ${op.error}`);
      return { op };
    }
    const rect = s.rect as Record<string, unknown> | undefined;
    const fits = typeof rect === 'object' && rect !== null && [rect.x, rect.y, rect.width, rect.height].every((v) => Number.isInteger(v)) &&
      (rect.x as number) >= 0 && (rect.y as number) >= 0 && (rect.width as number) > 0 && (rect.height as number) > 0 &&
      (rect.x as number) + (rect.width as number) <= size.width && (rect.y as number) + (rect.height as number) <= size.height;
    if (!fits || typeof s.png !== 'string') return bad(`step ${i} is neither an operation nor a rectangle of pixels inside the image`);
    const r = rect as unknown as Rect;
    return { rect: { x: r.x, y: r.y, width: r.width, height: r.height }, png: s.png as string };
  });
  return {
    format: FORMAT,
    version: VERSION,
    imagePath: b.imagePath as string,
    labelPath: b.labelPath as string,
    width: size.width,
    height: size.height,
    base: { kind: base!.kind as BaseKind, sha256: base!.sha256 as string | null },
    steps,
  };
}

/**
 * A backup that could not be restored (the image changed size, the label thread failed) would be overwritten by
 * VS Code's next backup of the document: a copy is kept in `dir` under the image's name and the time, and its path
 * returned, so the unsaved edits are not lost with it.
 */
export async function keepUnrestoredBackup(dir: string, imagePath: string, text: string, time: Date = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = time.toISOString().replace(/[:.]/g, '-');
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${path.basename(imagePath)}.${stamp}${n === 1 ? '' : `-${n}`}${KEPT_BACKUP_SUFFIX}`);
    if ((await writeFileAtomic(file, Buffer.from(text, 'utf8'), { replace: false, durable: true })) === 'written') return file;
  }
}
