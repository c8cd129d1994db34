// Compare mode's colours as packed RGBA tables for the overlay: the TP/FP/FN overlay in the theme's chart colours
// (read from VS Code's CSS variables by the page, so the legend's swatches and the overlay agree), and a fixed
// perceptual heat scale for the probability map. Pure: no DOM.
import { packRgba, parseHexColor } from './classColors';
import { ERROR_FN, ERROR_FP, ERROR_TP, ERROR_WRONG_CLASS } from './overlayPixels';

export type Rgb = readonly [number, number, number];

/** The CSS variables the legend and overlay use, with VS Code's dark-theme defaults for when one is unset. */
export const ERROR_THEME_COLORS = {
  tp: { variable: '--vscode-charts-green', fallback: '#89d185' },
  fp: { variable: '--vscode-charts-red', fallback: '#f14c4c' },
  fn: { variable: '--vscode-charts-blue', fallback: '#3794ff' },
  wrong: { variable: '--vscode-charts-yellow', fallback: '#cca700' },
} as const;

export type ErrorColorName = keyof typeof ERROR_THEME_COLORS;

/** '#rgb', '#rrggbb', '#rrggbbaa' or 'rgb(a)(r, g, b[, a])' as RGB (alpha dropped); undefined otherwise. */
export function parseCssColor(text: string): Rgb | undefined {
  const value = text.trim();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return [parseInt(short[1]! + short[1]!, 16), parseInt(short[2]! + short[2]!, 16), parseInt(short[3]! + short[3]!, 16)];
  const long = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(value);
  if (long) return parseHexColor(`#${long[1]!}`);
  const rgb = /^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})\s*(?:[,/]\s*[\d.]+%?\s*)?\)$/i.exec(value);
  if (rgb) {
    const channels = [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] as const;
    return channels.every((c) => c <= 255) ? channels : undefined;
  }
  return undefined;
}

/** Packed colours by errorKind: entry 0 (agreeing background, ignored pixels) is transparent. */
export function errorColorTable(colors: Readonly<Record<ErrorColorName, Rgb>>): Uint32Array {
  const table = new Uint32Array(5);
  table[ERROR_TP] = packRgba(...colors.tp, 255);
  table[ERROR_FP] = packRgba(...colors.fp, 255);
  table[ERROR_FN] = packRgba(...colors.fn, 255);
  table[ERROR_WRONG_CLASS] = packRgba(...colors.wrong, 255);
  return table;
}

/** Stops of the heat scale (inferno-like: dark purple, red, orange, pale yellow), evenly spaced over 0..255. */
export const HEAT_STOPS: readonly Rgb[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** The heat colour of probability byte `p` (for the legend's gradient too). */
export function heatColor(p: number): Rgb {
  const position = (Math.min(255, Math.max(0, p)) / 255) * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(position));
  const t = position - i;
  const a = HEAT_STOPS[i]!;
  const b = HEAT_STOPS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * t), Math.round(a[1] + (b[1] - a[1]) * t), Math.round(a[2] + (b[2] - a[2]) * t)];
}

/** 256 packed colours; low probabilities are more transparent so the image shows through where the model sees nothing. */
export function heatColorTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let p = 0; p < 256; p++) table[p] = packRgba(...heatColor(p), Math.round(255 * (0.25 + 0.75 * (p / 255))));
  return table;
}
