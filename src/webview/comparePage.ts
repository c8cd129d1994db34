// Compare mode's bar under the editor's toolbar (hidden outside compare mode): which layer the overlay shows,
// its legend with the pixel counts, the prediction's threshold, the live metrics, and "Use Prediction as
// Label". Stable ids (#compare-bar, #layer-errors, #count-tp, #count-fp, #count-fn, #compare-threshold,
// #metric-dice, #use-prediction, ...) are the contract for assistive technology and the host tests.
import { METRIC_NAMES, type MetricName } from '../common/evaluation';
import { type ErrorColorName, HEAT_STOPS } from './compareColors';
import { COMPARE_LAYERS, type CompareLayer } from './compareLayers';
import { el } from './dom';


const METRIC_LABELS: Readonly<Record<MetricName, string>> = { dice: 'Dice', iou: 'IoU', precision: 'Precision', recall: 'Recall', hd95: 'HD95' };

const LEGEND: Readonly<Record<ErrorColorName, { label: string; title: string }>> = {
  tp: { label: 'TP', title: 'True positive: predicted and in the ground truth' },
  fp: { label: 'FP', title: 'False positive: predicted, not in the ground truth' },
  fn: { label: 'FN', title: 'False negative: in the ground truth, not predicted' },
  wrong: { label: 'Wrong class', title: 'Foreground in both, of different classes (counted as an FP and an FN)' },
};

export interface CompareElements {
  readonly bar: HTMLElement;
  readonly sources: HTMLElement;
  readonly layerButtons: ReadonlyMap<CompareLayer, HTMLButtonElement>;
  readonly legend: HTMLElement;
  readonly counts: Readonly<Record<ErrorColorName, HTMLElement>>;
  readonly wrongItem: HTMLElement;
  readonly heatLegend: HTMLElement;
  readonly threshold: HTMLInputElement;
  readonly thresholdValue: HTMLOutputElement;
  readonly reset: HTMLButtonElement;
  readonly metrics: Readonly<Record<MetricName, HTMLElement>>;
  readonly usePrediction: HTMLButtonElement;
}

function plainButton(id: string, label: string, title: string): HTMLButtonElement {
  return el('button', { id, type: 'button', class: 'class-button', title }, label);
}

export function buildCompareBar(): CompareElements {
  const layerButtons = new Map<CompareLayer, HTMLButtonElement>();
  for (const [layer, { label, title }] of Object.entries(COMPARE_LAYERS) as [CompareLayer, (typeof COMPARE_LAYERS)[CompareLayer]][]) {
    const b = plainButton(`layer-${layer}`, label, title);
    b.dataset.layer = layer;
    b.setAttribute('aria-pressed', 'false');
    layerButtons.set(layer, b);
  }
  const counts = {} as Record<ErrorColorName, HTMLElement>;
  const items = (Object.keys(LEGEND) as ErrorColorName[]).map((name) => {
    counts[name] = el('span', { id: `count-${name}`, class: 'count' }, '…');
    // Coloured by media/editor.css from the same theme variables the overlay reads (compareColors.ts).
    const swatch = el('span', { class: `swatch error-${name}`, 'aria-hidden': 'true' });
    return el('span', { class: 'legend-item', title: LEGEND[name].title, 'data-kind': name }, swatch, `${LEGEND[name].label} `, counts[name], ' px');
  });
  const wrongItem = items[3]!;
  wrongItem.hidden = true;
  const legend = el('span', { id: 'compare-legend', class: 'group legend', role: 'group', 'aria-label': 'Legend: pixels of each kind' }, ...items);
  const gradient = el('span', { class: 'heat-gradient', 'aria-hidden': 'true' });
  gradient.style.background = `linear-gradient(to right, ${HEAT_STOPS.map((c) => `rgb(${c.join(', ')})`).join(', ')})`;
  const heatLegend = el('span', { id: 'heat-legend', class: 'group legend', hidden: '' }, 'p = 0 ', gradient, ' 1');

  const threshold = el('input', { id: 'compare-threshold', type: 'range', min: '0', max: '255', step: '1', 'aria-label': 'Prediction threshold (probability)', title: 'Threshold the probability map: the metrics follow live' });
  const thresholdValue = el('output', { id: 'compare-threshold-value', for: 'compare-threshold', class: 'value', 'aria-live': 'off' });
  const reset = plainButton('compare-reset', 'As evaluated', 'Back to the prediction as it was evaluated');
  const metrics = {} as Record<MetricName, HTMLElement>;
  const metricItems = METRIC_NAMES.map((m) => {
    metrics[m] = el('span', { id: `metric-${m}`, class: 'value' }, '…');
    return el('span', { class: 'inline metric' }, `${METRIC_LABELS[m]} `, metrics[m]);
  });
  const usePrediction = plainButton('use-prediction', 'Use Prediction as Label', 'Replace the ground truth by the prediction shown (one undoable edit; Save writes it)');
  const sources = el('span', { id: 'compare-sources', class: 'sources' });

  const bar = el(
    'div',
    { id: 'compare-bar', class: 'toolbar compare', role: 'toolbar', 'aria-label': 'Compare with the prediction', hidden: '' },
    el('div', { class: 'group', role: 'group', 'aria-label': 'Show' }, ...layerButtons.values()),
    legend,
    heatLegend,
    el('div', { class: 'group', role: 'group', 'aria-label': 'Prediction threshold' }, el('label', { class: 'inline' }, 'Threshold ', threshold), thresholdValue, reset),
    el('div', { id: 'compare-metrics', class: 'group', role: 'group', 'aria-label': 'Metrics of the prediction against the ground truth' }, ...metricItems),
    usePrediction,
    sources,
  );
  return { bar, sources, layerButtons, legend, counts, wrongItem, heatLegend, threshold, thresholdValue, reset, metrics, usePrediction };
}
