import type { ClassStyle } from '../common/previewProtocol';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Colours an index-mask image without reading its pixels (images come by URL from another origin, so a canvas
 * would be tainted): an SVG filter copies the grey value into alpha, then 256-entry discrete lookup tables map
 * each index to its class colour and make background transparent. 0/255 binary masks map 255 to class 1.
 */
export function buildLabelFilter(id: string, classes: readonly ClassStyle[]): SVGSVGElement {
  const tables = { r: [] as number[], g: [] as number[], b: [] as number[], a: [] as number[] };
  for (let value = 0; value < 256; value++) {
    const style = classFor(value, classes);
    const [r, g, b] = style ? hexToRgb(style.color) : [0, 0, 0];
    tables.r.push(r);
    tables.g.push(g);
    tables.b.push(b);
    tables.a.push(style ? 1 : 0);
  }
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', '0');
  svg.setAttribute('height', '0');
  svg.setAttribute('aria-hidden', 'true');
  svg.style.position = 'absolute';
  const filter = document.createElementNS(SVG_NS, 'filter');
  filter.id = id;
  filter.setAttribute('color-interpolation-filters', 'sRGB');
  const toAlpha = document.createElementNS(SVG_NS, 'feColorMatrix');
  toAlpha.setAttribute('type', 'matrix');
  toAlpha.setAttribute('values', '1 0 0 0 0  0 1 0 0 0  0 0 1 0 0  1 0 0 0 0');
  const lookup = document.createElementNS(SVG_NS, 'feComponentTransfer');
  for (const [channel, values] of Object.entries({ R: tables.r, G: tables.g, B: tables.b, A: tables.a })) {
    const fn = document.createElementNS(SVG_NS, `feFunc${channel}`);
    fn.setAttribute('type', 'discrete');
    fn.setAttribute('tableValues', values.map((v) => v.toFixed(4)).join(' '));
    lookup.appendChild(fn);
  }
  filter.append(toAlpha, lookup);
  svg.appendChild(filter);
  return svg;
}

function classFor(value: number, classes: readonly ClassStyle[]): ClassStyle | undefined {
  if (value === 0) return undefined;
  const exact = classes.find((c) => c.index === value);
  if (exact) return exact;
  // Binary masks saved as 0/255: 255 is the single foreground class.
  if (value === 255) return classes.find((c) => c.index === 1);
  return undefined;
}

function hexToRgb(color: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!match) return [1, 0.3, 0.3];
  return [parseInt(match[1]!, 16) / 255, parseInt(match[2]!, 16) / 255, parseInt(match[3]!, 16) / 255];
}
