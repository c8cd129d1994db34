// The editor page's elements, built here so the host's HTML is only a CSP, the stylesheet and this script.
// Stable ids (#canvas, #tool-brush, #accept, ...) and data-tool / data-action / data-class attributes are the
// contract for people using assistive technology and for the host tests that drive the editor.
import type { EditorAction } from '../common/editorProtocol';
import { actionKey, helpSections } from './keyLabels';
import { createBadge, createButton, createCheckbox, createProgressRing, type ToolkitButton, type ToolkitCheckbox } from './toolkit';
import { MAX_BRUSH_SIZE, MIN_BRUSH_SIZE } from './brushFootprint';
import { MAX_ISLAND_AREA, type Tool } from './viewState';
import { EDITOR_COMMANDS } from '../common/editorActions';
import { type CompareElements, buildCompareBar } from './comparePage';
import { el } from './dom';

export interface PageElements {
  readonly toolButtons: ReadonlyMap<Tool, ToolkitButton>;
  readonly brushSize: HTMLInputElement;
  readonly classPicker: HTMLElement;
  readonly islandMinArea: HTMLInputElement;
  readonly editButtons: readonly ToolkitButton[];
  readonly showMask: ToolkitCheckbox;
  readonly outline: ToolkitCheckbox;
  readonly opacity: HTMLInputElement;
  readonly threshold: HTMLInputElement;
  readonly thresholdValue: HTMLOutputElement;
  readonly showUncertain: ToolkitCheckbox;
  readonly bandLow: HTMLInputElement;
  readonly bandHigh: HTMLInputElement;
  readonly bandValue: HTMLOutputElement;
  readonly predict: ToolkitButton;
  readonly accept: ToolkitButton;
  readonly reject: ToolkitButton;
  readonly previous: ToolkitButton;
  readonly next: ToolkitButton;
  readonly review: HTMLElement;
  readonly busy: HTMLElement;
  readonly banner: HTMLElement;
  readonly bannerText: HTMLElement;
  readonly readOnly: HTMLElement;
  readonly stage: HTMLElement;
  readonly imageLayer: HTMLCanvasElement;
  readonly overlayLayer: HTMLCanvasElement;
  readonly canvas: HTMLCanvasElement;
  /** Where Enter acts while the image has the keyboard focus (shown by the editor). */
  readonly crosshair: HTMLElement;
  readonly status: HTMLElement;
  readonly announcer: HTMLElement;
  readonly help: HTMLElement;
  readonly helpClose: ToolkitButton;
  /** Compare mode's bar (hidden outside compare mode). */
  readonly compare: CompareElements;
  /** The controls that act on the document from the model (threshold, Predict): hidden in compare mode. */
  readonly modelControls: readonly HTMLElement[];
}

const TOOL_LABELS: Readonly<Record<Tool, { label: string; title: string; action: EditorAction }>> = {
  brush: { label: 'Brush', title: 'Brush', action: 'tool.brush' },
  eraser: { label: 'Eraser', title: 'Eraser', action: 'tool.eraser' },
  fill: { label: 'Fill', title: 'Flood fill', action: 'tool.fill' },
  polygon: { label: 'Polygon', title: 'Polygon / lasso fill', action: 'tool.polygon' },
  polygonErase: { label: 'Poly erase', title: 'Polygon / lasso erase', action: 'tool.polygonErase' },
};

function titled(title: string, action?: EditorAction): string {
  const key = action ? actionKey(action) : undefined;
  return key ? `${title} (${key})` : title;
}

function button(id: string, label: string, title: string, appearance: 'primary' | 'secondary' | 'icon' = 'secondary', action?: EditorAction): ToolkitButton {
  const b = createButton(appearance);
  b.id = id;
  b.textContent = label;
  b.title = titled(title, action);
  // The accessible name starts with the words shown, so voice control ("click Poly erase") finds the button; icon
  // buttons (?, +, −) show a symbol, not words.
  const named = appearance === 'icon' || title.toLowerCase().startsWith(label.toLowerCase()) ? title : `${label}: ${title}`;
  b.setAttribute('aria-label', named);
  if (action) b.dataset.action = action;
  return b;
}

function range(id: string, label: string, min: number, max: number, step: number): HTMLInputElement {
  return el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step), 'aria-label': label, title: label });
}

function group(label: string, ...children: Node[]): HTMLElement {
  return el('div', { class: 'group', role: 'group', 'aria-label': label }, ...children);
}

/** Builds the editor into document.body and returns its elements. */
export function buildPage(): PageElements {
  const toolButtons = new Map<Tool, ToolkitButton>();
  for (const [tool, { label, title, action }] of Object.entries(TOOL_LABELS) as [Tool, (typeof TOOL_LABELS)[Tool]][]) {
    const b = button(`tool-${tool}`, label, title, 'secondary', action);
    b.dataset.tool = tool;
    b.setAttribute('aria-pressed', 'false');
    toolButtons.set(tool, b);
  }
  const brushSize = el('input', {
    id: 'brush-size', type: 'number', min: String(MIN_BRUSH_SIZE), max: String(MAX_BRUSH_SIZE), step: '1',
    'aria-label': 'Brush size in image pixels', title: 'Brush size in image pixels ([ and ])', class: 'number',
  });
  const classPicker = el('div', { id: 'class-picker', class: 'group classes', role: 'group', 'aria-label': 'Class' });
  const islandMinArea = el('input', {
    id: 'island-min-area', type: 'number', min: '1', max: String(MAX_ISLAND_AREA), step: '1', class: 'number',
    'aria-label': 'Smallest island kept, in pixels', title: 'Remove islands smaller than this many pixels',
  });
  const fillHoles = button('fill-holes', 'Fill holes', 'Fill holes of the current class', 'secondary', 'mask.fillHoles');
  const removeIslands = button('remove-islands', 'Remove islands', 'Remove islands smaller than N pixels', 'secondary', 'mask.removeIslands');
  const keepLargest = button('keep-largest', 'Keep largest', 'Keep only the largest component of the current class', 'secondary', 'mask.keepLargest');

  const showMask = createCheckbox();
  showMask.id = 'show-mask';
  showMask.textContent = 'Mask';
  showMask.title = titled('Show the mask', 'view.toggleMask');
  const outline = createCheckbox();
  outline.id = 'outline';
  outline.textContent = 'Outline';
  outline.title = titled('Outline only', 'view.toggleOutline');
  const opacity = range('opacity', 'Mask opacity (, and .)', 0, 100, 5);

  const threshold = range('threshold', 'Threshold: re-threshold the probability map', 0, 255, 1);
  const thresholdLabel = el('label', { class: 'inline' }, 'Threshold ', threshold);
  // Outputs are live regions: each slider step would be read twice (its aria-valuetext says the same).
  const thresholdValue = el('output', { id: 'threshold-value', for: 'threshold', class: 'value', 'aria-live': 'off' });
  const showUncertain = createCheckbox();
  showUncertain.id = 'show-uncertain';
  showUncertain.textContent = 'Uncertain';
  showUncertain.title = titled('Hatch the uncertain band (probability between the two limits)', 'view.toggleUncertain');
  const bandLow = range('uncertain-low', 'Uncertain band from (probability)', 0, 255, 1);
  const bandHigh = range('uncertain-high', 'Uncertain band to (probability)', 0, 255, 1);
  const bandValue = el('output', { id: 'uncertain-value', class: 'value', 'aria-live': 'off' });

  const predict = button('predict', 'Predict', `${EDITOR_COMMANDS.predict.title}`, 'secondary');
  const accept = button('accept', 'Accept', `${EDITOR_COMMANDS.accept.title}`, 'primary');
  const reject = button('reject', 'Reject', `${EDITOR_COMMANDS.reject.title}`, 'secondary');
  const previous = button('previous', 'Previous', `${EDITOR_COMMANDS.previous.title}`, 'secondary');
  const next = button('next', 'Next', `${EDITOR_COMMANDS.next.title}`, 'secondary');
  const helpButton = button('help-button', '?', 'Keyboard help', 'icon', 'help.toggle');
  const review = createBadge();
  review.id = 'review';
  review.title = 'Review state of this image';
  const busy = createProgressRing();
  busy.id = 'busy';
  busy.hidden = true;
  busy.setAttribute('aria-label', 'Working');

  const toolbar = el(
    'header',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Mask editor' },
    group('Tools', ...toolButtons.values()),
    group('Brush size', button('brush-smaller', '−', 'Smaller brush', 'icon', 'brush.smaller'), brushSize, button('brush-bigger', '+', 'Bigger brush', 'icon', 'brush.bigger')),
    classPicker,
    group('Clean up', fillHoles, removeIslands, el('label', { class: 'inline' }, '< ', islandMinArea, ' px'), keepLargest),
    group('View', showMask, outline, el('label', { class: 'inline' }, 'Opacity ', opacity),
      button('zoom-fit', 'Fit', 'Zoom to fit', 'secondary', 'view.zoomFit'),
      button('zoom-actual', '1:1', 'Zoom 1:1', 'secondary', 'view.zoomActual'),
      button('zoom-out', '−', 'Zoom out', 'icon', 'view.zoomOut'),
      button('zoom-in', '+', 'Zoom in', 'icon', 'view.zoomIn')),
    group('Model', thresholdLabel, thresholdValue,
      showUncertain, el('label', { class: 'inline' }, 'from ', bandLow), el('label', { class: 'inline' }, 'to ', bandHigh), bandValue, predict),
    group('Review', review, previous, reject, accept, next, busy, helpButton),
  );

  const bannerText = el('span', { id: 'banner-text' });
  const bannerClose = button('banner-close', '×', 'Dismiss', 'icon');
  const banner = el('div', { id: 'banner', class: 'banner', role: 'alert', hidden: '' }, bannerText, bannerClose);
  bannerClose.addEventListener('click', () => (banner.hidden = true));
  const readOnly = el('div', { id: 'readonly-banner', class: 'banner info', role: 'status', hidden: '' });

  const imageLayer = el('canvas', { id: 'image-layer', class: 'layer', 'aria-hidden': 'true' });
  const overlayLayer = el('canvas', { id: 'overlay-layer', class: 'layer', 'aria-hidden': 'true' });
  const canvas = el('canvas', {
    id: 'canvas', class: 'layer interactive', tabindex: '0', role: 'application',
    'aria-label':
      'Image and mask. Paint with the left button; pan with Space+drag, the middle button or the arrow keys (Shift: further); ' +
      'zoom with the wheel or = and -; Z fits the image. With the keyboard, the arrow keys move the image under the crosshair ' +
      'in the middle: Enter paints, fills or adds a polygon point there, Shift+Enter closes the polygon. Press ? for every key.',
  });
  // Shown while the image has the keyboard focus: where Enter acts (see the editor's actAtCrosshair).
  const crosshair = el('div', { id: 'crosshair', class: 'crosshair', 'aria-hidden': 'true', hidden: '' });
  const stage = el('main', { id: 'stage', class: 'stage', 'aria-busy': 'true' }, imageLayer, overlayLayer, canvas, crosshair);
  const status = el('footer', { id: 'status', class: 'status' });
  const announcer = el('div', { id: 'announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const helpClose = button('help-close', 'Close', 'Close the keyboard help', 'primary');
  const columns = helpSections().map((section) =>
    el('section', {},
      el('h3', {}, section.title),
      el('table', {}, el('tbody', {}, ...section.rows.map((row) => el('tr', {}, el('td', {}, row.title), el('td', {}, el('kbd', {}, row.keys))))))));
  const help = el(
    'div',
    { id: 'help', class: 'help', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'help-title', hidden: '' },
    el('div', { class: 'help-panel' },
      el('h2', { id: 'help-title' }, 'Mask editor keys'),
      el('p', {}, 'Keys are VS Code keybindings: change them in Keyboard Shortcuts (search "segnetr.editor").'),
      el('div', { class: 'help-columns' }, ...columns),
      helpClose),
  );

  const compare = buildCompareBar();
  document.body.append(toolbar, compare.bar, banner, readOnly, stage, status, announcer, help);
  return {
    toolButtons, brushSize, classPicker, islandMinArea, editButtons: [fillHoles, removeIslands, keepLargest],
    showMask, outline, opacity, threshold, thresholdValue, showUncertain, bandLow, bandHigh, bandValue,
    predict, accept, reject, previous, next, review, busy, banner, bannerText, readOnly, stage, imageLayer,
    overlayLayer, canvas, crosshair, status, announcer, help, helpClose, compare, modelControls: [thresholdLabel, thresholdValue, predict],
  };
}
