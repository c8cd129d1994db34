// Checking an operation that arrived from the webview (untrusted input) before it touches the document.
// parseMaskOperation never throws: it returns a fresh, well-formed MaskOperation (only the known fields,
// copied) or { error } saying what is wrong.
import type { MaskOperation } from './types';

export interface MaskOperationLimits {
  /** The document's image size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Class indices allowed: 0 .. classCount - 1. */
  readonly classCount: number;
  /** Most points (x, y pairs) a stroke or polygon may have. */
  readonly maxPoints: number;
}

/** Largest brush radius accepted, in image pixels (an 8192 px brush). */
export const MAX_BRUSH_RADIUS = 4096;

/** Largest number of points per stroke or polygon the editor sends (a minute of fast pointer samples). */
export const DEFAULT_MAX_POINTS = 100_000;

/**
 * Most work one stroke or polygon may ask for, counted as the image rows each segment or edge spans, summed
 * (the brush and polygon sweeps cost about that many interval computations): 2^27 is over a minute of dragging
 * the largest brush over a 16384 x 8192 image, and a couple of seconds of host time.
 */
export const MAX_ROW_WORK = 2 ** 27;

/** Image rows spanned by each segment (x0, y0)-(x1, y1) of `points`, widened by `pad`, summed. */
function rowWork(points: readonly number[], pad: number, height: number, closed: boolean): number {
  const n = points.length / 2;
  const segments = n === 1 ? 1 : closed ? n : n - 1;
  let total = 0;
  for (let s = 0; s < segments; s++) {
    const ya = points[2 * s + 1]!;
    const yb = points[(2 * s + 3) % points.length]!;
    const first = Math.max(0, Math.ceil(Math.min(ya, yb) - pad - 0.5));
    const last = Math.min(height - 1, Math.floor(Math.max(ya, yb) + pad - 0.5));
    if (last >= first) total += last - first + 1;
  }
  return total;
}

/** How much work a stroke or polygon asks of the host, in the units of MAX_ROW_WORK; 0 for the other kinds. */
export function operationRowWork(operation: MaskOperation, height: number): number {
  switch (operation.kind) {
    case 'stroke':
      return rowWork(operation.points, operation.radius, height, false);
    case 'polygon':
      return rowWork(operation.points, 0, height, true);
    case 'fill':
    case 'fillHoles':
    case 'removeIslands':
    case 'keepLargest':
    case 'threshold':
      return 0;
    default: {
      const unhandled: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(unhandled)}`);
    }
  }
}

function checkWork(kind: string, points: readonly number[], pad: number, height: number, closed: boolean): void {
  const work = rowWork(points, pad, height, closed);
  if (work > MAX_ROW_WORK) {
    fail(`${kind} too large: its ${closed ? 'edges' : 'segments'} span ${work} image rows in all, over the limit of ${MAX_ROW_WORK}; split it into smaller ones`);
  }
}

export type ParseResult = MaskOperation | { readonly error: string };

const FIELDS: Readonly<Record<MaskOperation['kind'], readonly string[]>> = {
  stroke: ['kind', 'points', 'radius', 'classIndex'],
  fill: ['kind', 'x', 'y', 'classIndex'],
  polygon: ['kind', 'points', 'classIndex'],
  fillHoles: ['kind', 'classIndex'],
  removeIslands: ['kind', 'minArea'],
  keepLargest: ['kind', 'classIndex'],
  threshold: ['kind', 'threshold'],
};

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${field} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function classIndex(value: unknown, limits: MaskOperationLimits, min: number): number {
  return integerIn(value, 'classIndex', min, limits.classCount - 1);
}

/**
 * How far outside the image an operation's points may lie (a stroke dragged or a polygon clicked past the edge),
 * but not absurdly far: one image size. The page keeps its points within this (StrokeSession, PolygonDraft).
 */
export function pointMargin(size: { readonly width: number; readonly height: number }): number {
  return Math.max(size.width, size.height);
}

/** A copy of a flat [x0, y0, x1, y1, ...] array of finite numbers within `margin` pixels of the image. */
function points(value: unknown, limits: MaskOperationLimits, minPoints: number, margin: number): number[] {
  if (!Array.isArray(value)) fail(`points must be an array of numbers, got ${describe(value)}`);
  const length = value.length;
  if (length % 2 !== 0) fail(`points must hold x, y pairs, got ${length} numbers`);
  if (length / 2 < minPoints) fail(`points must hold at least ${minPoints} point(s), got ${length / 2}`);
  if (length / 2 > limits.maxPoints) fail(`points must hold at most ${limits.maxPoints} points, got ${length / 2}`);
  const copy = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`points[${i}] must be a finite number, got ${describe(v)}`);
    const size = i % 2 === 0 ? limits.width : limits.height;
    if (v < -margin || v > size + margin) {
      fail(`points[${i}] = ${v} is too far outside the ${limits.width} x ${limits.height} image (allowed: ${-margin} to ${size + margin})`);
    }
    copy[i] = v;
  }
  return copy;
}

function parse(value: unknown, limits: MaskOperationLimits): MaskOperation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`an operation must be an object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const kind = record.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(FIELDS, kind)) {
    fail(`unknown operation kind ${describe(kind)} (expected one of ${Object.keys(FIELDS).join(', ')})`);
  }
  const allowed = FIELDS[kind as MaskOperation['kind']];
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) fail(`unexpected field "${key.slice(0, 40)}" in a ${kind} operation`);
  }
  const margin = pointMargin(limits);
  switch (kind as MaskOperation['kind']) {
    case 'stroke': {
      const radius = record.radius;
      if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0 || radius > MAX_BRUSH_RADIUS) {
        fail(`radius must be a number above 0 and at most ${MAX_BRUSH_RADIUS}, got ${describe(radius)}`);
      }
      const strokePoints = points(record.points, limits, 1, margin + radius);
      checkWork('stroke', strokePoints, radius, limits.height, false);
      return { kind: 'stroke', points: strokePoints, radius, classIndex: classIndex(record.classIndex, limits, 0) };
    }
    case 'fill':
      return {
        kind: 'fill',
        x: integerIn(record.x, 'x', 0, limits.width - 1),
        y: integerIn(record.y, 'y', 0, limits.height - 1),
        classIndex: classIndex(record.classIndex, limits, 0),
      };
    case 'polygon': {
      const polygonPoints = points(record.points, limits, 3, margin);
      checkWork('polygon', polygonPoints, 0, limits.height, true);
      return { kind: 'polygon', points: polygonPoints, classIndex: classIndex(record.classIndex, limits, 0) };
    }
    case 'fillHoles':
      return { kind: 'fillHoles', classIndex: classIndex(record.classIndex, limits, 1) };
    case 'keepLargest':
      return { kind: 'keepLargest', classIndex: classIndex(record.classIndex, limits, 1) };
    case 'removeIslands':
      return { kind: 'removeIslands', minArea: integerIn(record.minArea, 'minArea', 1, limits.width * limits.height) };
    case 'threshold':
      return { kind: 'threshold', threshold: integerIn(record.threshold, 'threshold', 0, 255) };
  }
}

function limitsError(limits: MaskOperationLimits): string | undefined {
  const ok = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (!limits || !ok(limits.width, 1) || !ok(limits.height, 1) || !ok(limits.classCount, 1) || limits.classCount > 256 || !ok(limits.maxPoints, 1)) {
    return 'invalid limits: width, height, classCount (1..256) and maxPoints must be positive integers';
  }
  return undefined;
}

/** The operation, checked against the document's limits, or { error } naming what is wrong. Never throws. */
export function parseMaskOperation(value: unknown, limits: MaskOperationLimits): ParseResult {
  try {
    const bad = limitsError(limits);
    if (bad) return { error: bad };
    return parse(value, limits);
  } catch (error) {
    return { error: error instanceof Invalid ? error.message : `malformed operation (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Narrowing helper for parse results. */
export function isParseError(result: ParseResult): result is { readonly error: string } {
  return 'error' in result;
}
