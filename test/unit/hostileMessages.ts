// Malformed and hostile messages "from the webview" for the validation tests (unit and host): wrong types,
// class 999, points and rectangles outside the image, NaN, huge sizes, extra fields, prototype tricks.
import { DEFAULT_MAX_POINTS } from '../../src/mask/validate';
import { randomSource } from './maskGrid';

/** How NaN and the infinities travel as JSON to the harness, which turns them back into numbers in the page. */
export const NAN_TOKEN = '__NaN__';
export const INFINITY_TOKEN = '__Infinity__';
export const MINUS_INFINITY_TOKEN = '__-Infinity__';

/** Values that are never a valid number for any field. */
const BAD_NUMBERS: readonly unknown[] = [NaN, Infinity, -Infinity, '3', null, undefined, {}, [], true, 1e308, -1e308, 2 ** 53 + 2];

/**
 * `count` messages, each malformed or hostile for an image of `limits`. `serializable` keeps them to what survives
 * JSON (for posting from a real webview page): NaN and infinities become tokens the harness turns back into numbers,
 * and the throwing getter and proxy cases are left out.
 */
export function hostileMessages(count: number, limits: { width: number; height: number }, serializable = false): unknown[] {
  const WIDTH = limits.width;
  const HEIGHT = limits.height;
  const random = randomSource(8);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const badNumber = (): unknown => {
    const v = pick(BAD_NUMBERS);
    if (!serializable || typeof v !== 'number' || Number.isFinite(v)) return v;
    return Number.isNaN(v) ? NAN_TOKEN : v > 0 ? INFINITY_TOKEN : MINUS_INFINITY_TOKEN;
  };
  const outside = (): number => pick([-WIDTH * 3, WIDTH * 3, -1e9, 1e9]);
  const makers: (() => unknown)[] = [
    () => pick(serializable ? [null, 42, 'edit', [], true] : [null, undefined, 42, 'edit', [], true, () => 1]),
    () => ({ type: pick(['', 'Edit', 'save', 'eval', '__proto__', 'constructor', 7, null]) }),
    () => ({ type: 'edit', seen: 0, id: badNumber(), operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: -1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: pick([999, -1, 3, 1.5, 256, badNumber()]) } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'fill', x: pick([WIDTH, -1, 1e9, 0.5]), y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: [1, 1, outside(), 2], radius: 3, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: [1, 1, badNumber(), 2], radius: 3, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: [1, 1], radius: pick([0, -2, 1e9, 5000, badNumber()]), classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: [1, 1, 2], radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: new Array(2 * (DEFAULT_MAX_POINTS + 1)).fill(1), radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'stroke', points: 'all of them', radius: 2, classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'polygon', points: [0, 0, 10, 0], classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'polygon', points: [0, 0, outside(), 0, 5, 5], classIndex: 1 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'removeIslands', minArea: pick([0, -5, WIDTH * HEIGHT + 1, 1e12, badNumber()]) } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'fillHoles', classIndex: pick([0, 999, badNumber()]) } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'keepLargest', classIndex: pick([0, 999, badNumber()]) } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'threshold', threshold: pick([-1, 256, 12.5, badNumber()]) } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: pick(['erase', 'rect', '', 'toString']), x: 0, y: 0 } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1, evil: 'extra field' } }),
    () => ({ type: 'edit', seen: 0, id: 1, operation: pick([null, [], 'fill', 5]) }),
    () => ({ type: 'edit', seen: 0, id: 1 }),
    // A valid operation with a bad `seen`, or none.
    () => ({ type: 'edit', seen: pick([-1, 0.5, '3', null, badNumber()]), id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'edit', id: 1, operation: { kind: 'fill', x: 1, y: 1, classIndex: 1 } }),
    () => ({ type: 'review', decision: pick(['approve', 'ACCEPT', '', null, 1]) }),
    () => ({ type: 'navigate', direction: pick(['up', 'back', '', 0]) }),
    () => ({ type: 'loadFailed', what: pick(['label', 'mask', null]), detail: 'x' }),
    () => ({ type: 'loadFailed', what: 'image', detail: pick([null, 5, {}]) }),
    () => ({ type: 'ready', extra: 1 }),
    () => ({ type: 'predict', imagePath: '/etc/passwd' }),
    () => JSON.parse('{"type":"edit","seen":0,"id":1,"operation":{"kind":"fill","x":1,"y":1,"classIndex":1,"__proto__":{"polluted":true}}}') as unknown,
  ];
  const traps: (() => unknown)[] = [
    () => {
      const trap: Record<string, unknown> = { type: 'edit', seen: 0, id: 1 };
      Object.defineProperty(trap, 'operation', { enumerable: true, get: () => { throw new Error('getter trap'); } });
      return trap;
    },
    () => new Proxy({}, { get: () => { throw new Error('proxy trap'); }, ownKeys: () => { throw new Error('proxy trap'); } }),
  ];
  if (!serializable) makers.push(...traps);
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]!());
}
