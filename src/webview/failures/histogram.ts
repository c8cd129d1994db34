// The Dice histogram as SVG bars in theme colours (CSS classes in media/failures.css), with counts over the
// bars and an accessible description of every bin.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 120;
const AXIS = 16;
const TOP = 14;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Bin i covers [i/n, (i+1)/n), the last one includes 1 (src/eval/metrics.ts diceHistogram). */
export function binLabel(i: number, bins: number): string {
  return `${(i / bins).toFixed(1)}–${((i + 1) / bins).toFixed(1)}`;
}

export function renderHistogram(counts: readonly number[], caption: string): SVGSVGElement {
  const bins = counts.length;
  const max = Math.max(1, ...counts);
  const description = counts.map((n, i) => `${binLabel(i, bins)}: ${n}`).join(', ');
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'histogram', role: 'img', 'aria-label': `${caption}. ${description}` });
  const slot = WIDTH / bins;
  const plot = HEIGHT - AXIS - TOP;
  counts.forEach((n, i) => {
    const h = (n / max) * plot;
    const x = i * slot + 2;
    const bar = svg('rect', { x, y: TOP + plot - h, width: slot - 4, height: Math.max(h, n > 0 ? 1 : 0), class: i < bins / 2 ? 'bar low' : 'bar' });
    bar.append(svg('title', {}, `Dice ${binLabel(i, bins)}: ${n} image(s)`));
    root.append(bar);
    if (n > 0) root.append(svg('text', { x: x + (slot - 4) / 2, y: TOP + plot - h - 3, class: 'count', 'text-anchor': 'middle' }, String(n)));
  });
  root.append(svg('line', { x1: 0, y1: TOP + plot + 0.5, x2: WIDTH, y2: TOP + plot + 0.5, class: 'axis' }));
  for (let i = 0; i <= bins; i += Math.max(1, Math.floor(bins / 5))) {
    const anchor = i === 0 ? 'start' : i === bins ? 'end' : 'middle';
    root.append(svg('text', { x: i * slot, y: HEIGHT - 3, class: 'tick', 'text-anchor': anchor }, (i / bins).toFixed(1)));
  }
  return root;
}
