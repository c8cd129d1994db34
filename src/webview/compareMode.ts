// Compare mode in the mask editor's webview: the document's mask is the ground truth (edited like any mask);
// the prediction comes from the host ('comparePrediction'), the model's probability map as for the slider
// ('probability'). The overlay shows the TP/FP/FN layer, the ground truth, the prediction or the heat map; the
// threshold re-derives the prediction from the probability map, and the metrics (the evaluation's own code,
// src/eval) and the legend's pixel counts follow every change of either mask, once per animation frame.
import type { CompareInit } from '../common/editorProtocol';
import type { MetricName } from '../common/evaluation';
import { thresholdMask } from '../mask/threshold';
import type { LabelRaster } from '../mask/types';
import { ERROR_THEME_COLORS, type ErrorColorName, type Rgb, errorColorTable, heatColorTable, parseCssColor } from './compareColors';
import { COMPARE_LAYERS, type CompareLayer } from './compareLayers';
import type { CompareElements } from './comparePage';
import { compareStats } from './compareStats';
import type { OverlayLayer, OverlaySource } from './overlayPixels';

/** How long the compare threshold must rest before its metrics are read out. */
const STATS_ANNOUNCE_DELAY_MS = 600;

export interface CompareHost {
  /** The ground truth as the page has it now (painted optimistically). */
  readonly raster: () => LabelRaster;
  readonly requestOverlayAll: () => void;
  readonly usePrediction: (threshold: number | null) => void;
  /** Asks the host for the probability map (a prediction from a file has none until the model runs). */
  readonly loadProbability: () => void;
  readonly announce: (text: string) => void;
  /** The person chose another layer (the page keeps it across tab switches). */
  readonly layerChosen: (layer: CompareLayer) => void;
}

const OVERLAY_LAYER: Readonly<Record<CompareLayer, OverlayLayer>> = { errors: 'errors', groundTruth: 'mask', prediction: 'prediction', heat: 'heat' };

export class CompareMode {
  private init: CompareInit | undefined;
  /** The prediction as evaluated (from the host). */
  private evaluated: Uint8Array | null = null;
  private probability: { readonly probability: Uint8Array; readonly classes: Uint8Array | null } | null = null;
  /** null: the prediction as evaluated; else the probability map above this threshold is the prediction. */
  private threshold: number | null = null;
  /** The slider's position when the document opened (the model's threshold). */
  private startThreshold = 128;
  private statsFrame = 0;
  private announceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly elements: CompareElements,
    private readonly source: OverlaySource,
    private readonly host: CompareHost,
    private layer: CompareLayer,
  ) {
    for (const [layer, button] of elements.layerButtons) {
      button.addEventListener('click', () => {
        this.setLayer(layer);
        this.host.layerChosen(layer);
      });
    }
    // Its first use asks for the map (a model run); merely tabbing past it does not.
    elements.threshold.addEventListener('pointerdown', () => this.ensureProbability());
    elements.threshold.addEventListener('input', () => this.setThreshold(Number(elements.threshold.value)));
    elements.reset.addEventListener('click', () => this.setThreshold(null));
    elements.usePrediction.addEventListener('click', () => {
      if (this.current()) this.host.usePrediction(this.threshold);
    });
    // VS Code changes the theme by swapping the body's class and the variables on <html>.
    const themeChanged = new MutationObserver(() => this.readThemeColors());
    themeChanged.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    themeChanged.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    this.source.heatColors = heatColorTable();
    this.readThemeColors();
  }

  get active(): boolean {
    return this.init !== undefined;
  }

  /** A new document in this page: compare mode when `init` is given, the plain editor otherwise. */
  start(init: CompareInit | undefined, threshold: number): void {
    this.init = init;
    this.evaluated = null;
    this.probability = null;
    this.threshold = null;
    this.source.prediction = null;
    this.elements.bar.hidden = init === undefined;
    if (!init) {
      this.source.layer = 'mask';
      return;
    }
    this.elements.threshold.value = String(threshold);
    this.startThreshold = threshold;
    // Not `disabled`: a disabled slider cannot be reached by Tab, and its first use is what loads the map.
    this.elements.threshold.setAttribute('aria-disabled', 'true');
    this.elements.threshold.title = 'Threshold: use it to run the model for a probability map, then re-threshold';
    this.elements.wrongItem.hidden = init.classCount <= 2;
    this.showSources();
    this.setLayer(this.layer);
    this.showStats();
  }

  setPrediction(prediction: Uint8Array): void {
    const raster = this.host.raster();
    if (!this.init || prediction.length !== raster.width * raster.height) return;
    this.evaluated = prediction;
    this.applyPrediction();
  }

  setProbability(probability: Uint8Array, classes: Uint8Array | null): void {
    if (!this.init) return;
    this.probability = { probability, classes };
    this.elements.threshold.removeAttribute('aria-disabled');
    this.elements.threshold.title = 'Threshold: re-threshold the probability map';
    if (this.layer === 'heat') this.host.requestOverlayAll();
  }

  /** The ground truth changed (an edit, undo, redo, revert): the overlay follows by itself, the numbers here. */
  maskChanged(): void {
    if (this.init) this.scheduleStats();
  }

  private ensureProbability(): void {
    if (this.init && !this.probability) this.host.loadProbability();
  }

  private setLayer(layer: CompareLayer): void {
    this.layer = layer;
    for (const [l, button] of this.elements.layerButtons) button.setAttribute('aria-pressed', String(l === layer));
    this.elements.heatLegend.hidden = layer !== 'heat';
    this.elements.legend.hidden = layer === 'heat';
    this.source.layer = OVERLAY_LAYER[layer];
    this.showSources();
    if (layer === 'heat') this.ensureProbability();
    this.host.requestOverlayAll();
    this.host.announce(COMPARE_LAYERS[layer].label);
  }

  private setThreshold(value: number | null): void {
    if (value !== null && !this.probability) {
      this.ensureProbability();
      this.elements.threshold.value = String(this.threshold ?? this.startThreshold); // nothing to move yet
      return;
    }
    this.threshold = value;
    this.applyPrediction();
    // The numbers change with every slider step: say them once it rests (not a live region that floods).
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      const { dice, precision, recall } = this.elements.metrics;
      this.host.announce(`Threshold ${this.elements.thresholdValue.value}: Dice ${dice.textContent}, precision ${precision.textContent}, recall ${recall.textContent}`);
    }, STATS_ANNOUNCE_DELAY_MS);
  }

  /** The prediction shown and scored: as evaluated, or re-thresholded. */
  private current(): Uint8Array | null {
    return this.source.prediction;
  }

  /** Whose prediction is shown: re-thresholded, it is the model's map even where the evaluation scored a file. */
  private showSources(): void {
    const init = this.init;
    if (!init) return;
    const rethresholded = this.threshold !== null && this.probability !== null;
    const prediction =
      init.predictionSource === 'model' ? `of the model ${init.predictionName}`
      : rethresholded ? `of this editor's model, re-thresholded (the evaluated file ${init.predictionName} has no probability map)`
      : this.layer === 'heat' ? `${init.predictionName} (the heat map is this editor's model's: the file has no probability map)`
      : init.predictionName;
    this.elements.sources.textContent = `Ground truth ${init.groundTruthName} (edited here) · prediction ${prediction}`;
    this.elements.sources.title = this.elements.sources.textContent;
  }

  private applyPrediction(): void {
    const { threshold, probability } = this;
    this.source.prediction = threshold === null || !probability ? this.evaluated : thresholdMask(probability.probability, probability.classes, threshold);
    this.showSources();
    this.elements.thresholdValue.value = threshold === null ? 'as evaluated' : (threshold / 255).toFixed(2);
    this.elements.threshold.setAttribute('aria-valuetext', this.elements.thresholdValue.value);
    // Disabling the focused button would drop the keyboard focus to the page: it moves to the slider it resets.
    if (threshold === null && document.activeElement === this.elements.reset) this.elements.threshold.focus();
    this.elements.reset.disabled = threshold === null;
    this.host.requestOverlayAll();
    this.scheduleStats();
  }

  private scheduleStats(): void {
    if (this.statsFrame !== 0) return;
    this.statsFrame = requestAnimationFrame(() => {
      this.statsFrame = 0;
      this.showStats();
    });
  }

  private showStats(): void {
    const prediction = this.current();
    const { counts, metrics } = this.elements;
    if (!this.init || !prediction) {
      for (const element of [...Object.values(counts), ...Object.values(metrics)]) element.textContent = '…';
      this.elements.usePrediction.disabled = true;
      return;
    }
    this.elements.usePrediction.disabled = false;
    const stats = compareStats(this.host.raster(), prediction, this.init.classCount);
    counts.tp.textContent = String(stats.truePositives);
    counts.fp.textContent = String(stats.falsePositives);
    counts.fn.textContent = String(stats.falseNegatives);
    counts.wrong.textContent = String(stats.wrongClass);
    for (const [name, element] of Object.entries(metrics) as [MetricName, HTMLElement][]) {
      element.textContent = stats.metrics[name].toFixed(name === 'hd95' ? 2 : 4);
    }
  }

  /** The overlay's TP/FP/FN colours from the theme's chart colours (the legend's swatches use the same variables). */
  private readThemeColors(): void {
    const style = getComputedStyle(document.documentElement);
    const colors = {} as Record<ErrorColorName, Rgb>;
    for (const [name, { variable, fallback }] of Object.entries(ERROR_THEME_COLORS) as [ErrorColorName, (typeof ERROR_THEME_COLORS)[ErrorColorName]][]) {
      colors[name] = parseCssColor(style.getPropertyValue(variable)) ?? parseCssColor(fallback)!;
    }
    this.source.errorColors = errorColorTable(colors);
    if (this.init) this.host.requestOverlayAll();
  }
}
