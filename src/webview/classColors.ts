// Class colours as packed RGBA pixels for the overlay's Uint32Array view of ImageData (byte order R, G, B, A in
// memory, whatever the platform's endianness). Pure: no DOM.
import type { ClassStyle } from '../common/editorProtocol';

/** Mask values with no class in the card (should not happen; shown loudly rather than hidden). */
const UNKNOWN_CLASS_COLOR = '#ff00ff';
/** Colours for classes whose card colour is missing or unreadable, and for class 1 when it is black. */
const FALLBACK_COLORS = ['#ff4d4d', '#4dd2ff', '#ffd24d', '#7dff4d', '#c04dff', '#ff9b4d', '#4dffb8', '#ff4dc4', '#4d6bff'];
/** The uncertain band's hatching. */
export const UNCERTAIN_COLOR = '#ffea00';

const littleEndian = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

export function parseHexColor(color: string): [number, number, number] | undefined {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
  if (!match) return undefined;
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** One pixel value whose bytes in memory are r, g, b, a. */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return littleEndian ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** The colour a class is drawn in (a card colour of pure black would be invisible on dark images; replaced). */
export function classColor(classes: readonly ClassStyle[], index: number): string {
  const style = classes.find((c) => c.index === index);
  const rgb = style ? parseHexColor(style.color) : undefined;
  if (style && rgb && rgb.some((v) => v > 24)) return style.color;
  return FALLBACK_COLORS[(index - 1 + FALLBACK_COLORS.length) % FALLBACK_COLORS.length]!;
}

/** The classes a user can paint: every class of the card but background, in index order. */
export function paintableClasses(classes: readonly ClassStyle[]): ClassStyle[] {
  const foreground = classes.filter((c) => c.index > 0 && c.index < 256).sort((a, b) => a.index - b.index);
  return foreground.length > 0 ? foreground : [{ index: 1, name: 'foreground', color: FALLBACK_COLORS[0]! }];
}

/** 256 packed colours indexed by mask value: 0 transparent, known classes opaque, the rest UNKNOWN_CLASS_COLOR. */
export function classColorTable(classes: readonly ClassStyle[]): Uint32Array {
  const table = new Uint32Array(256);
  const unknown = parseHexColor(UNKNOWN_CLASS_COLOR)!;
  const known = new Set(paintableClasses(classes).map((c) => c.index));
  for (let value = 1; value < 256; value++) {
    const rgb = known.has(value) ? parseHexColor(classColor(classes, value))! : unknown;
    table[value] = packRgba(rgb[0], rgb[1], rgb[2], 255);
  }
  return table;
}
