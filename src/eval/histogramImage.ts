// The Dice histogram of an evaluation report as an RGBA raster, drawn by hand: one bar per bin, its count above
// it, bin edges 0.0 .. 1.0 below. No fonts: digits come from a 3 x 5 pixel glyph table. Environment-neutral
// (src/core/evaluationReport.ts encodes it as PNG).

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes. */
  readonly data: Uint8Array;
}

type Rgb = readonly [number, number, number];

const BACKGROUND: Rgb = [255, 255, 255];
const BAR: Rgb = [61, 120, 196];
const INK: Rgb = [40, 40, 40];

/** 3 x 5 glyphs, rows top to bottom, '#' = ink. */
const GLYPHS: Readonly<Record<string, string>> = {
  '0': '###' + '#.#' + '#.#' + '#.#' + '###',
  '1': '.#.' + '##.' + '.#.' + '.#.' + '###',
  '2': '###' + '..#' + '###' + '#..' + '###',
  '3': '###' + '..#' + '.##' + '..#' + '###',
  '4': '#.#' + '#.#' + '###' + '..#' + '..#',
  '5': '###' + '#..' + '###' + '..#' + '###',
  '6': '###' + '#..' + '###' + '#.#' + '###',
  '7': '###' + '..#' + '.#.' + '.#.' + '.#.',
  '8': '###' + '#.#' + '###' + '#.#' + '###',
  '9': '###' + '#.#' + '###' + '..#' + '###',
  '.': '...' + '...' + '...' + '...' + '.#.',
};
const GLYPH_W = 3;
const GLYPH_H = 5;
const SCALE = 2;

const BAR_WIDTH = 36;
const GAP = 4;
const PLOT_HEIGHT = 200;
const MARGIN = { left: 24, right: 24, top: 24, bottom: 34 };

export function drawHistogram(counts: readonly number[]): RgbaImage {
  const bins = counts.length;
  const plotWidth = bins * (BAR_WIDTH + GAP) + GAP;
  const width = MARGIN.left + plotWidth + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const canvas = { width, height, data: new Uint8Array(width * height * 4) };
  fillRect(canvas, 0, 0, width, height, BACKGROUND);
  const max = Math.max(1, ...counts);
  const baseline = MARGIN.top + PLOT_HEIGHT;
  counts.forEach((count, i) => {
    const x = MARGIN.left + GAP + i * (BAR_WIDTH + GAP);
    const barHeight = Math.round((count / max) * PLOT_HEIGHT);
    fillRect(canvas, x, baseline - barHeight, BAR_WIDTH, barHeight, BAR);
    const label = String(count);
    drawText(canvas, label, x + (BAR_WIDTH - textWidth(label)) / 2, baseline - barHeight - GLYPH_H * SCALE - 4);
  });
  fillRect(canvas, MARGIN.left, baseline, plotWidth, 2, INK); // axis
  for (let i = 0; i <= bins; i++) {
    const x = MARGIN.left + GAP / 2 + i * (BAR_WIDTH + GAP);
    fillRect(canvas, x - 1, baseline, 2, 6, INK); // tick at the bin edge
    const label = (i / bins).toFixed(1);
    drawText(canvas, label, x - textWidth(label) / 2, baseline + 10);
  }
  return canvas;
}

function textWidth(text: string): number {
  return text.length * (GLYPH_W + 1) * SCALE - SCALE;
}

function drawText(canvas: RgbaImage, text: string, left: number, top: number): void {
  let x0 = Math.round(left);
  const y0 = Math.round(top);
  for (const ch of text) {
    const glyph = GLYPHS[ch];
    if (glyph === undefined) throw new Error(`no glyph for "${ch}"`);
    for (let gy = 0; gy < GLYPH_H; gy++) {
      for (let gx = 0; gx < GLYPH_W; gx++) {
        if (glyph[gy * GLYPH_W + gx] === '#') fillRect(canvas, x0 + gx * SCALE, y0 + gy * SCALE, SCALE, SCALE, INK);
      }
    }
    x0 += (GLYPH_W + 1) * SCALE;
  }
}

/** Fills the rectangle, clipped to the canvas. */
function fillRect(canvas: RgbaImage, x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
  const x1 = Math.min(canvas.width, x + w);
  const y1 = Math.min(canvas.height, y + h);
  for (let yy = Math.max(0, y); yy < y1; yy++) {
    for (let xx = Math.max(0, x); xx < x1; xx++) {
      const i = (yy * canvas.width + xx) * 4;
      canvas.data[i] = r;
      canvas.data[i + 1] = g;
      canvas.data[i + 2] = b;
      canvas.data[i + 3] = 255;
    }
  }
}
