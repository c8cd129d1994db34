// The mask editor in the webview: the host's mask mirrored as a LabelRaster, tools that paint it optimistically
// with the mask module (the host applies the same operations and stays the source of truth), the view, and the
// messages both ways. Undo and redo are VS Code's: the host answers them with 'patch' messages.
import {
  assertNeverMessage,
  type ClassStyle,
  type EditorAction,
  type EditorCommand,
  type EditorInit,
  type HostToWebviewMessage,
  type ReviewStatus,
  type WebviewToHostMessage,
} from '../common/editorProtocol';
import { snapBrushPoint } from '../mask/brush';
import { applyOperation } from '../mask/operations';
import { rectInside, writeRect } from '../mask/raster';
import type { LabelRaster, MaskOperation } from '../mask/types';
import { pagePaintsFirst, runsOnCodecThread } from '../mask/wholeImage';
import { brushRadius, clampBrushSize, footprintOutline, stepBrushSize } from './brushFootprint';
import { classColor, classColorTable, packRgba, paintableClasses, parseHexColor, UNCERTAIN_COLOR } from './classColors';
import { CompareMode } from './compareMode';
import { ImageLoadError, loadImageBitmap } from './imageLoader';
import type { OverlaySource } from './overlayPixels';
import { OverlayTiles } from './overlayTiles';
import type { PageElements } from './page';
import { PolygonDraft } from './polygonDraft';
import { Renderer } from './renderer';
import { StrokeSession } from './strokeSession';
import { drawBrushOutline, drawPolygonDraft } from './uiLayer';
import { imageKeyOf, MAX_ISLAND_AREA, sanitizeViewState, type Tool, type ViewState } from './viewState';
import { clampPan, fitView, imageX, imageY, minZoom, screenX, screenY, zoomAround, ZOOM_STEP, type ViewTransform } from './viewTransform';
import type { EditorVsCodeApi } from './vscodeApi';

const TOOL_NAMES: Readonly<Record<Tool, string>> = {
  brush: 'Brush', eraser: 'Eraser', fill: 'Flood fill', polygon: 'Polygon fill', polygonErase: 'Polygon erase',
};
const REVIEW_NAMES: Readonly<Record<ReviewStatus, string>> = {
  predicted: 'Predicted', edited: 'Edited', accepted: 'Accepted', rejected: 'Rejected',
};
/** A drag longer than this (CSS px) from a polygon's first press draws a lasso instead of placing a vertex. */
const LASSO_START_DISTANCE = 4;
/** Lasso vertices are recorded at least this far apart (CSS px). */
const LASSO_SPACING = 2;
/** Clicking within this distance (CSS px) of the first vertex closes the polygon. */
const CLOSE_DISTANCE = 6;
const OPACITY_STEP = 0.1;
const STATE_SAVE_DELAY_MS = 250;

type Gesture = 'none' | 'paint' | 'pan' | 'polygon';
type ProbabilityStatus = 'absent' | 'requested' | 'loaded';

export class MaskEditor {
  private state: ViewState;
  private readonly view: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
  private readonly source: OverlaySource;
  private readonly renderer: Renderer;
  private init: EditorInit | undefined;
  private raster: LabelRaster = { width: 0, height: 0, data: new Uint8Array(0) };
  private classes: ClassStyle[] = [];
  private viewPlaced = false;
  private imageToken = 0;
  private nextEditId = 1;
  /** The `seq` of the last pixel message from the host (init, patch, mask), sent with each edit as `seen`. */
  private pixelsSeen = 0;
  private busy: string | null = null;

  private probabilityStatus: ProbabilityStatus = 'absent';
  private committedThreshold = 128;
  /** A threshold committed before the probability map arrived; applied when it does. */
  private pendingThresholdCommit: number | null = null;
  private thresholdByKeyboard = false;
  private keyboardThresholdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Space is held down, whatever has the focus (spaceDown: held with the page's Space handling, pan-ready). */
  private spaceHeld = false;
  /**
   * An edit the host runs on its codec thread, sent and not yet done: the page sends no other edit meanwhile.
   * `leftToHost`: the page did not paint it itself (pagePaintsFirst) and waits for its pixels; `preview`: the
   * threshold whose preview stays shown until then.
   */
  private waiting: { readonly id: number; readonly name: string; readonly leftToHost: boolean; readonly preview: number; readonly timer: ReturnType<typeof setTimeout> } | null = null;
  /** Whether the focus last moved by a pointer press (not Tab or the page's own focus calls). */
  private focusByPointer = false;
  /** The keyboard works the image (Tab, arrow keys) since the last pointer press: the crosshair shows, Enter acts there. */
  private keyboardCursor = false;
  /** The polygon being drawn was begun at the crosshair: Enter adds points to it, Shift+Enter closes it. */
  private polygonByKeyboard = false;
  /** What had the focus when the keyboard help opened. */
  private helpOpener: HTMLElement | null = null;

  private readonly stroke: StrokeSession;
  private readonly compare: CompareMode;
  private readonly polygon = new PolygonDraft();
  private gesture: Gesture = 'none';
  private gesturePointer = -1;
  private lasso = false;
  private downX = 0;
  private downY = 0;
  private lastX = 0;
  private lastY = 0;
  private cursorX = 0;
  private cursorY = 0;
  private cursorInside = false;
  private spaceDown = false;
  private stageLeft = 0;
  private stageTop = 0;
  private footprint: Float64Array;
  private footprintSize = 0;
  private statusPixelX = -2;
  private statusPixelY = -2;
  private statusValue = -1;
  private statusPolygon = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly page: PageElements, private readonly api: EditorVsCodeApi) {
    this.state = sanitizeViewState(api.getState());
    this.footprint = footprintOutline(this.state.brushSize);
    this.footprintSize = this.state.brushSize;
    this.source = {
      width: 0, height: 0, mask: this.raster.data, colors: new Uint32Array(256), outline: this.state.outline,
      probability: null, predictedClasses: null, previewThreshold: -1, bandLow: -1, bandHigh: -1,
      bandColor: packRgba(...parseHexColor(UNCERTAIN_COLOR)!, 255),
      layer: 'mask', prediction: null, errorColors: new Uint32Array(5), heatColors: new Uint32Array(256),
    };
    this.renderer = new Renderer(
      { stage: page.stage, image: page.imageLayer, overlay: page.overlayLayer, ui: page.canvas },
      new OverlayTiles(this.source),
      this.view,
      { visible: this.state.showMask, opacity: this.state.opacity },
    );
    this.stroke = new StrokeSession((x0, y0, x1, y1) => this.renderer.requestOverlay(x0, y0, x1, y1));
    this.renderer.beforeFrame = () => this.stroke.flush(this.raster);
    this.renderer.drawUi = (context, dpr) => this.drawUi(context, dpr);
    this.renderer.afterViewChange = () => this.afterViewChange();
    this.compare = new CompareMode(page.compare, this.source, {
      raster: () => this.raster,
      requestOverlayAll: () => this.renderer.requestOverlayAll(),
      usePrediction: (threshold) => {
        if (this.editable()) this.api.postMessage({ type: 'usePrediction', threshold });
      },
      loadProbability: () => this.ensureProbability(),
      announce: (text) => this.announce(text),
      layerChosen: (compareLayer) => {
        this.state = { ...this.state, compareLayer };
        this.saveStateSoon();
      },
    }, this.state.compareLayer);
    this.bindControls();
    this.bindPointer();
    this.bindKeys();
    new ResizeObserver(() => this.onResize()).observe(page.stage);
    this.syncControls();
  }

  // ---- messages from the host ----

  handleMessage(message: HostToWebviewMessage): void {
    switch (message.type) {
      case 'init':
        this.start(message.init);
        break;
      case 'patch': {
        const { rect, data } = message;
        if (!this.init) return;
        this.pixelsSeen = message.seq;
        if (!rectInside(this.raster, rect) || data.length !== rect.width * rect.height) {
          this.showError(`The editor received a mask patch that does not fit the ${this.raster.width} x ${this.raster.height} mask; reopen the image.`);
          return;
        }
        writeRect(this.raster, rect, data);
        this.stroke.replay(this.raster);
        this.renderer.requestOverlay(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
        this.statusValue = -1;
        this.compare.maskChanged();
        break;
      }
      case 'editDone':
        if (this.waiting?.id !== message.id) break;
        // A failure has shown its error already.
        if (this.waiting.leftToHost && message.outcome !== 'failed') this.announce(message.outcome === 'changed' ? `Done: ${this.waiting.name}` : 'Nothing to change');
        this.stopWaiting();
        break;
      case 'mask':
        this.stopWaiting(); // the host's whole mask: nothing of the page's is pending any more
        if (!this.init) return;
        this.pixelsSeen = message.seq;
        if (message.data.length !== this.raster.width * this.raster.height) {
          this.showError(`The editor received a mask of ${message.data.length} pixels for a ${this.raster.width} x ${this.raster.height} image; reopen the image.`);
          return;
        }
        this.setRaster(message.data);
        this.stroke.replay(this.raster);
        this.renderer.requestOverlayAll();
        this.compare.maskChanged();
        break;
      case 'comparePrediction':
        this.compare.setPrediction(message.prediction);
        break;
      case 'probability':
        this.receiveProbability(message.probability, message.classes);
        break;
      case 'review':
        this.showReview(message.review);
        break;
      case 'busy': {
        const finished = this.busy;
        this.busy = message.what;
        this.page.busy.hidden = message.what === null;
        if (message.what) this.announce(message.what);
        else if (finished) this.announce(`Done: ${finished.replace(/…$/, '')}`);
        this.syncControls();
        this.updateStatus();
        break;
      }
      case 'action':
        // Keys typed into a text field also reach VS Code's keybindings: those are the field's, not the editor's.
        if (isTextEntry(document.activeElement)) return;
        // Behind the open keyboard help the editor does not change (only ? closes it).
        if (!this.page.help.hidden && message.action !== 'help.toggle') return;
        this.flushKeyboardThreshold();
        this.runAction(message.action);
        break;
      case 'command':
        if (isTextEntry(document.activeElement)) return; // Ctrl+Enter in the brush size must not accept the mask
        if (!this.page.help.hidden) return; // nothing acts behind the open keyboard help
        this.flushKeyboardThreshold(); // Accept or Next right after arrow keys takes the threshold they set
        // As their buttons: no decision or Predict while the page waits for a prediction or a threshold it sent.
        if (message.command === 'next' || message.command === 'previous') this.api.postMessage(commandMessage(message.command));
        else this.unlessBusy(() => this.api.postMessage(commandMessage(message.command)));
        break;
      case 'error':
        this.showError(message.message);
        // A pending probability request may be what failed: the next use of the slider or band asks again.
        if (this.probabilityStatus === 'requested') {
          this.probabilityStatus = 'absent';
          this.pendingThresholdCommit = null;
          this.updateStatus();
        }
        break;
      default:
        assertNeverMessage(message);
    }
  }

  private start(init: EditorInit): void {
    if (init.mask.length !== init.width * init.height) {
      this.showError(`The mask has ${init.mask.length} pixels but the image is ${init.width} x ${init.height}.`);
      return;
    }
    this.init = init;
    this.pixelsSeen = init.pixelsSeq;
    this.stopWaiting();
    this.stroke.finish(this.raster);
    this.polygon.cancel();
    this.polygonByKeyboard = false;
    const saved = this.state.polygon;
    // A polygon left unfinished when the tab was hidden (the page was rebuilt) goes on where it was.
    if (saved && saved.imageKey === imageKeyOf(init.imageName, init.width, init.height) && !init.readOnly) {
      this.polygon.restore(saved.classIndex, saved.points, init.width, init.height);
      this.polygonByKeyboard = saved.byKeyboard === true;
    }
    this.gesture = 'none';
    this.classes = paintableClasses(init.classes);
    if (!this.classes.some((c) => c.index === this.state.classIndex)) this.state.classIndex = this.classes[0]!.index;
    this.source.colors = classColorTable(init.classes);
    this.source.width = init.width;
    this.source.height = init.height;
    this.setRaster(init.mask);
    this.renderer.tiles.clear();
    this.source.probability = null;
    this.source.predictedClasses = null;
    this.source.previewThreshold = -1;
    this.probabilityStatus = 'absent';
    this.pendingThresholdCommit = null;
    this.committedThreshold = clampByte(init.threshold);
    this.page.threshold.value = String(this.committedThreshold);
    this.compare.start(init.compare, this.committedThreshold);
    for (const control of this.page.modelControls) control.classList.toggle('compare-hidden', init.compare !== undefined);
    this.updateBand();
    this.buildClassPicker();
    this.showReview(init.review);
    this.page.readOnly.hidden = !init.readOnly;
    this.page.readOnly.textContent = init.readOnly ? `Read-only: ${init.readOnlyReason ?? 'this mask cannot be changed here'}.` : '';
    this.page.banner.hidden = true;
    this.viewPlaced = false;
    this.placeView();
    if (this.state.showUncertain) this.ensureProbability();
    this.syncControls();
    this.renderer.requestOverlayAll();
    this.loadImage(init);
    // A new image (Next, Accept) or a rebuilt page starts with nothing focused: the keys that pan and paint work on
    // the image, and a screen reader hears which image this is.
    if (document.activeElement === null || document.activeElement === document.body) this.page.canvas.focus({ preventScroll: true });
    const review = init.review ? REVIEW_NAMES[init.review] : 'Not reviewed';
    this.announce(`${init.imageName}: ${review}${init.readOnly ? ', read-only' : ''}`);
  }

  private setRaster(data: Uint8Array): void {
    const { width, height } = this.init!;
    this.raster = { width, height, data };
    this.source.mask = data;
    this.statusValue = -1;
  }

  private loadImage(init: EditorInit): void {
    const token = ++this.imageToken;
    this.page.stage.setAttribute('aria-busy', 'true');
    this.renderer.bitmap?.close();
    this.renderer.bitmap = null;
    const rendered = init.renderedImage;
    const loading = rendered && 'failed' in rendered
      ? Promise.reject(new ImageLoadError(rendered.failed))
      : loadImageBitmap(init.imageUrl, init.width, init.height, rendered?.png);
    loading.then(
      (bitmap) => {
        if (token !== this.imageToken) {
          bitmap.close();
          return;
        }
        this.renderer.bitmap = bitmap;
        this.renderer.requestView();
      },
      (error: unknown) => {
        if (token !== this.imageToken) return;
        const detail = error instanceof ImageLoadError || error instanceof Error ? error.message : String(error);
        this.page.stage.setAttribute('aria-busy', 'false');
        this.showError(`Cannot show ${init.imageName}: ${detail}`);
        this.api.postMessage({ type: 'loadFailed', what: 'image', detail });
      },
    );
  }

  private receiveProbability(probability: Uint8Array, classes: Uint8Array | null): void {
    const pixels = this.raster.width * this.raster.height;
    if (!this.init || probability.length !== pixels || (classes && classes.length !== pixels)) {
      this.probabilityStatus = 'absent';
      this.showError('The probability map does not match the image size; the threshold slider is unavailable.');
      this.updateStatus();
      return;
    }
    this.source.probability = probability;
    this.source.predictedClasses = classes;
    this.probabilityStatus = 'loaded';
    this.compare.setProbability(probability, classes);
    this.updateBand();
    if (this.pendingThresholdCommit !== null) {
      const value = this.pendingThresholdCommit;
      this.pendingThresholdCommit = null;
      this.commitThreshold(value);
    } else if (Number(this.page.threshold.value) !== this.committedThreshold) {
      this.source.previewThreshold = Number(this.page.threshold.value);
    }
    this.renderer.requestOverlayAll();
    this.syncControls();
    this.updateStatus(); // the status bar said "loading probability map…" until now
  }

  private showReview(review: ReviewStatus | undefined): void {
    this.page.review.textContent = review ? REVIEW_NAMES[review] : 'Not reviewed';
    this.page.review.dataset.review = review ?? 'none';
  }

  // ---- actions (VS Code keybindings, toolbar buttons) ----

  runAction(action: EditorAction): void {
    switch (action) {
      case 'tool.brush':
      case 'tool.eraser':
      case 'tool.fill':
      case 'tool.polygon':
      case 'tool.polygonErase':
        this.setTool(action.slice('tool.'.length) as Tool);
        break;
      case 'brush.bigger':
      case 'brush.smaller':
        this.setBrushSize(stepBrushSize(this.state.brushSize, action === 'brush.bigger' ? 1 : -1));
        this.announce(`Brush size ${this.state.brushSize} pixels`);
        break;
      case 'mask.fillHoles':
        this.commit({ kind: 'fillHoles', classIndex: this.state.classIndex });
        break;
      case 'mask.removeIslands':
        this.commit({ kind: 'removeIslands', minArea: this.state.islandMinArea });
        break;
      case 'mask.keepLargest':
        this.commit({ kind: 'keepLargest', classIndex: this.state.classIndex });
        break;
      case 'view.toggleMask':
        this.update({ showMask: !this.state.showMask });
        this.announce(this.state.showMask ? 'Mask shown' : 'Mask hidden');
        break;
      case 'view.toggleOutline':
        this.update({ outline: !this.state.outline });
        this.announce(this.state.outline ? 'Mask as outline' : 'Mask filled');
        break;
      case 'view.toggleUncertain': {
        const maskHidden = !this.state.showMask;
        this.update({ showUncertain: !this.state.showUncertain });
        this.announce(this.state.showUncertain ? `Uncertain band shown${maskHidden ? ', with the mask' : ''}` : 'Uncertain band hidden');
        break;
      }
      case 'view.opacityUp':
      case 'view.opacityDown': {
        const delta = action === 'view.opacityUp' ? OPACITY_STEP : -OPACITY_STEP;
        this.update({ opacity: Math.round(Math.min(1, Math.max(0, this.state.opacity + delta)) * 100) / 100, showMask: true });
        this.announce(`Mask opacity ${Math.round(this.state.opacity * 100)}%`);
        break;
      }
      case 'view.zoomFit':
        this.fit();
        this.announce(`Zoom to fit, ${formatZoom(this.view.zoom)}`);
        break;
      case 'view.zoomActual':
        this.zoomAtCentre(1);
        this.announce(`Zoom ${formatZoom(this.view.zoom)}`);
        break;
      case 'view.zoomIn':
        this.zoomAtCentre(this.view.zoom * ZOOM_STEP);
        this.announce(`Zoom ${formatZoom(this.view.zoom)}`);
        break;
      case 'view.zoomOut':
        this.zoomAtCentre(this.view.zoom / ZOOM_STEP);
        this.announce(`Zoom ${formatZoom(this.view.zoom)}`);
        break;
      case 'help.toggle':
        this.toggleHelp();
        break;
      default: {
        // class.N
        const index = Number(action.slice('class.'.length));
        const chosen = this.classes.find((c) => c.index === index);
        if (chosen) {
          this.update({ classIndex: index });
          this.announce(`Class ${index}, ${chosen.name}`);
        } else {
          this.announce(`This model has no class ${index}`);
        }
      }
    }
  }

  private setTool(tool: Tool): void {
    if (tool !== this.state.tool) this.polygon.cancel();
    this.update({ tool });
    this.announce(TOOL_NAMES[tool]);
  }

  private setBrushSize(size: number): void {
    this.update({ brushSize: clampBrushSize(size) });
  }

  /** Applies a view/tool setting, reflects it in the controls and the rendering, and remembers it. */
  private update(change: Partial<ViewState>): void {
    const before = this.state;
    this.state = { ...before, ...change };
    // The band is drawn on the mask layer: showing it (key, box or its limits) with the mask hidden showed nothing.
    const bandShown = this.state.showUncertain && (!before.showUncertain || before.bandLow !== this.state.bandLow || before.bandHigh !== this.state.bandHigh);
    if (bandShown && !this.state.showMask && change.showMask === undefined) this.state = { ...this.state, showMask: true };
    if (this.state.brushSize !== this.footprintSize) {
      this.footprint = footprintOutline(this.state.brushSize);
      this.footprintSize = this.state.brushSize;
    }
    this.renderer.overlayStyle.visible = this.state.showMask;
    this.renderer.overlayStyle.opacity = this.state.opacity;
    if (before.outline !== this.state.outline) {
      this.source.outline = this.state.outline;
      this.renderer.requestOverlayAll();
    }
    if (before.showUncertain !== this.state.showUncertain || before.bandLow !== this.state.bandLow || before.bandHigh !== this.state.bandHigh) {
      if (this.state.showUncertain) this.ensureProbability();
      this.updateBand();
      this.renderer.requestOverlayAll();
    }
    if (before.showMask !== this.state.showMask || before.opacity !== this.state.opacity) this.renderer.requestOverlayRedraw();
    this.syncControls();
    this.renderer.requestUi();
    this.updateStatus();
    this.saveStateSoon();
  }

  private updateBand(): void {
    const on = this.state.showUncertain && this.source.probability !== null;
    this.source.bandLow = on ? this.state.bandLow : -1;
    this.source.bandHigh = on ? this.state.bandHigh : -1;
  }

  /** Applies a finished operation here at once, then sends it to the host, which applies it to the document. */
  private commit(operation: MaskOperation): void {
    if (!this.editable()) {
      if (operation.kind === 'threshold') this.clearThresholdPreview();
      return;
    }
    if (!pagePaintsFirst(operation, this.raster.width, this.raster.height)) {
      // Too much work for this thread on a mask this large: the host computes it off its own and sends the pixels.
      // A fill whose seed has the class already changes nothing: said here, without an undo step that does nothing.
      if (operation.kind === 'fill' && this.raster.data[operation.y * this.raster.width + operation.x] === operation.classIndex) {
        this.announce('Nothing to change');
        return;
      }
      this.send(operation);
      this.announce(`${OPERATION_NAMES[operation.kind]}: working…`);
      return;
    }
    const context = { probability: this.source.probability ?? undefined, predictedClasses: this.source.predictedClasses };
    const patch = applyOperation(this.raster, operation, context);
    if (!patch) {
      this.announce('Nothing to change');
      return;
    }
    const { rect } = patch;
    this.renderer.requestOverlay(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
    this.send(operation);
  }

  private send(operation: MaskOperation): void {
    this.statusValue = -1;
    this.compare.maskChanged();
    const id = this.nextEditId++;
    const { width, height } = this.raster;
    if (runsOnCodecThread(operation, width, height)) {
      this.waitFor(id, operation, !pagePaintsFirst(operation, width, height));
    }
    this.api.postMessage({ type: 'edit', id, operation, seen: this.pixelsSeen });
  }

  /** No other edit until the host has done edit `id` on its codec thread (see the 'editDone' message). */
  private waitFor(id: number, operation: MaskOperation, leftToHost: boolean): void {
    this.stopWaiting();
    const name = OPERATION_NAMES[operation.kind];
    // A host that never answers (it crashed) must not leave the page unable to edit for good.
    const timer = setTimeout(() => this.stopWaiting(), MAX_EDIT_WAIT_MS);
    this.waiting = { id, name, leftToHost, preview: operation.kind === 'threshold' ? this.source.previewThreshold : -1, timer };
  }

  private stopWaiting(): void {
    if (!this.waiting) return;
    clearTimeout(this.waiting.timer);
    const { preview } = this.waiting;
    this.waiting = null;
    // The threshold's pixels have come (or never will): its preview goes, unless the slider has moved on since.
    if (preview >= 0 && this.source.previewThreshold === preview) this.clearThresholdPreview();
  }

  private clearThresholdPreview(): void {
    if (this.source.previewThreshold < 0) return;
    this.source.previewThreshold = -1;
    this.renderer.requestOverlayAll();
  }

  private editable(): boolean {
    if (!this.init) return false;
    if (this.init.readOnly) {
      this.announce(this.page.readOnly.textContent ?? 'Read-only');
      return false;
    }
    if (this.waiting) {
      this.announce(`Wait: ${this.waiting.name} is still running`);
      return false;
    }
    return true;
  }

  // ---- threshold and uncertain band ----

  /** Asks the host for the probability map once (stored with the prediction, or from one model run). */
  private ensureProbability(): void {
    if (!this.init || this.probabilityStatus !== 'absent') return;
    this.probabilityStatus = 'requested';
    this.api.postMessage({ type: 'loadProbability' });
    this.updateStatus();
  }

  private previewThreshold(value: number): void {
    this.ensureProbability();
    this.page.thresholdValue.value = formatProbability(value);
    this.page.threshold.setAttribute('aria-valuetext', this.page.thresholdValue.value);
    if (this.probabilityStatus !== 'loaded') return;
    this.source.previewThreshold = value;
    this.renderer.requestOverlayAll();
  }

  private commitThreshold(value: number): void {
    if (this.init?.readOnly) {
      this.cancelThresholdPreview();
      this.editable(); // says why
      return;
    }
    this.source.previewThreshold = -1;
    if (this.probabilityStatus !== 'loaded') {
      this.ensureProbability();
      if (this.probabilityStatus === 'requested') this.pendingThresholdCommit = value;
      return;
    }
    if (!this.editable()) {
      // Not sent (an edit still running): the slider goes back to the mask's threshold.
      this.cancelThresholdPreview();
      return;
    }
    this.committedThreshold = value;
    const operation: MaskOperation = { kind: 'threshold', threshold: value };
    // A threshold the page leaves to the host (a large mask) keeps its preview shown until the host's pixels come.
    if (!pagePaintsFirst(operation, this.raster.width, this.raster.height)) this.source.previewThreshold = value;
    this.renderer.requestOverlayAll();
    this.commit(operation);
  }

  /** Arrow keys on the slider preview; a pause commits what they set as one edit (as typing groups into one undo). */
  private scheduleKeyboardThreshold(): void {
    clearTimeout(this.keyboardThresholdTimer);
    this.keyboardThresholdTimer = setTimeout(() => this.flushKeyboardThreshold(), KEYBOARD_THRESHOLD_PAUSE_MS);
  }

  /** Commits a threshold set with the keys and not committed yet, now. */
  private flushKeyboardThreshold(): void {
    clearTimeout(this.keyboardThresholdTimer);
    this.keyboardThresholdTimer = undefined;
    const value = Number(this.page.threshold.value);
    if (this.thresholdByKeyboard && value !== this.committedThreshold && value !== this.pendingThresholdCommit) this.commitThreshold(value);
  }

  private cancelThresholdPreview(): void {
    clearTimeout(this.keyboardThresholdTimer);
    this.keyboardThresholdTimer = undefined;
    this.source.previewThreshold = -1;
    this.pendingThresholdCommit = null;
    this.page.threshold.value = String(this.committedThreshold);
    this.page.thresholdValue.value = formatProbability(this.committedThreshold);
    this.renderer.requestOverlayAll();
  }

  // ---- view ----

  private onResize(): void {
    const rect = this.page.stage.getBoundingClientRect();
    this.stageLeft = rect.left;
    this.stageTop = rect.top;
    this.renderer.resize();
    if (!this.viewPlaced) this.placeView();
    else if (this.init) clampPan(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
  }

  /** First view of an image: as it was before a tab switch if it is the same image, else fitted. */
  private placeView(): void {
    if (!this.init || this.renderer.width <= 1 || this.renderer.height <= 1) return;
    const key = imageKeyOf(this.init.imageName, this.init.width, this.init.height);
    if (this.state.imageKey === key && this.state.zoom > 0) {
      this.view.zoom = this.state.zoom;
      this.view.panX = this.state.panX;
      this.view.panY = this.state.panY;
      clampPan(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
    } else {
      fitView(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
    }
    this.viewPlaced = true;
    this.viewChanged();
  }

  private fit(): void {
    if (!this.init) return;
    fitView(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
    this.viewChanged();
  }

  /** Moves the image by (dx, dy) screen pixels (arrow keys: the view moves over the image the other way). */
  private panBy(dx: number, dy: number): void {
    if (!this.init) return;
    this.view.panX += dx;
    this.view.panY += dy;
    clampPan(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
    this.viewChanged();
  }

  private zoomAtCentre(zoom: number): void {
    this.zoomAt(zoom, this.renderer.width / 2, this.renderer.height / 2);
  }

  private zoomAt(zoom: number, screenX: number, screenY: number): void {
    if (!this.init) return;
    const { width, height } = this.init;
    zoomAround(this.view, zoom, minZoom(width, height, this.renderer.width, this.renderer.height), screenX, screenY);
    clampPan(this.view, width, height, this.renderer.width, this.renderer.height);
    this.viewChanged();
  }

  private viewChanged(): void {
    this.renderer.requestView();
    this.saveStateSoon();
  }

  private afterViewChange(): void {
    if (this.renderer.bitmap && this.page.stage.getAttribute('aria-busy') === 'true') this.page.stage.setAttribute('aria-busy', 'false');
    this.updateStatus();
  }

  private saveStateSoon(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      const imageKey = this.init ? imageKeyOf(this.init.imageName, this.init.width, this.init.height) : this.state.imageKey;
      const polygon = this.polygon.active ? { imageKey, classIndex: this.polygon.classIndex, points: this.polygon.toFlat(), byKeyboard: this.polygonByKeyboard } : null;
      this.state = { ...this.state, imageKey, zoom: this.view.zoom, panX: this.view.panX, panY: this.view.panY, polygon };
      this.api.setState(this.state);
    }, STATE_SAVE_DELAY_MS);
  }

  // ---- pointer ----

  private bindPointer(): void {
    const canvas = this.page.canvas;
    canvas.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    // On the window: a pointer released outside the canvas ends the gesture even if it could not be captured.
    window.addEventListener('pointerup', (e) => this.onPointerUp(e));
    window.addEventListener('pointercancel', (e) => this.onPointerUp(e));
    canvas.addEventListener('lostpointercapture', (e) => this.onPointerUp(e));
    canvas.addEventListener('pointerleave', () => {
      this.cursorInside = false;
      this.renderer.requestUi();
    });
    canvas.addEventListener('dblclick', (e) => {
      e.preventDefault();
      if (!this.polygon.active) return;
      // The double-click's second press added a vertex where the first one did.
      if (this.polygon.points.length > 3) this.polygon.removeLast();
      this.closePolygon();
    });
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  private onPointerDown(e: PointerEvent): void {
    if (!this.init || this.gesture !== 'none') return;
    this.page.canvas.focus({ preventScroll: true });
    this.trackCursor(e);
    const x = this.cursorX;
    const y = this.cursorY;
    if (e.button === 1 || (e.button === 0 && (this.spaceDown || this.spaceHeld))) {
      e.preventDefault();
      this.beginGesture('pan', e);
      this.lastX = x;
      this.lastY = y;
      this.page.canvas.classList.add('panning');
      return;
    }
    if (e.button !== 0) return;
    const tool = this.state.tool;
    const ix = imageX(this.view, x);
    const iy = imageY(this.view, y);
    if (!this.editable()) return;
    switch (tool) {
      case 'brush':
      case 'eraser':
        this.beginGesture('paint', e);
        this.stroke.begin(this.raster, ix, iy, brushRadius(this.state.brushSize), tool === 'brush' ? this.state.classIndex : 0);
        break;
      case 'fill': {
        const px = Math.floor(ix);
        const py = Math.floor(iy);
        if (px >= 0 && py >= 0 && px < this.raster.width && py < this.raster.height) {
          this.commit({ kind: 'fill', x: px, y: py, classIndex: this.state.classIndex });
        }
        break;
      }
      case 'polygon':
      case 'polygonErase': {
        this.beginGesture('polygon', e);
        this.downX = x;
        this.downY = y;
        this.lastX = x;
        this.lastY = y;
        if (!this.polygon.active) {
          this.polygon.start(tool === 'polygon' ? this.state.classIndex : 0);
          this.polygonByKeyboard = false;
          this.lasso = true;
          this.polygon.add(ix, iy, this.raster.width, this.raster.height);
        } else {
          this.lasso = false;
          const fx = screenX(this.view, this.polygon.points.x(0));
          const fy = screenY(this.view, this.polygon.points.y(0));
          if (this.polygon.closable && Math.hypot(x - fx, y - fy) <= CLOSE_DISTANCE) {
            this.endGesture();
            this.closePolygon();
            return;
          }
          this.polygon.add(ix, iy, this.raster.width, this.raster.height);
        }
        this.renderer.requestUi();
        this.saveStateSoon();
        break;
      }
    }
  }

  private onPointerMove(e: PointerEvent): void {
    this.trackCursor(e);
    if (this.keyboardCursor) {
      // The pointer is back in use: the status names the pixel under it again, and the crosshair goes.
      this.keyboardCursor = false;
      this.syncCrosshair();
    }
    const x = this.cursorX;
    const y = this.cursorY;
    switch (this.gesture) {
      case 'pan':
        if (e.pointerId !== this.gesturePointer) break;
        this.view.panX += x - this.lastX;
        this.view.panY += y - this.lastY;
        this.lastX = x;
        this.lastY = y;
        if (this.init) clampPan(this.view, this.init.width, this.init.height, this.renderer.width, this.renderer.height);
        this.viewChanged();
        break;
      case 'paint':
        if (e.pointerId !== this.gesturePointer) break;
        this.stroke.moveTo(this.raster, imageX(this.view, x), imageY(this.view, y));
        if (this.stroke.full) {
          const op = this.stroke.split(this.raster);
          if (op) this.send(op);
        }
        this.renderer.schedule();
        break;
      case 'polygon':
        if (e.pointerId !== this.gesturePointer || !this.lasso) break;
        if (this.polygon.points.length === 1 && Math.hypot(x - this.downX, y - this.downY) < LASSO_START_DISTANCE) break;
        if (Math.hypot(x - this.lastX, y - this.lastY) >= LASSO_SPACING) {
          this.polygon.add(imageX(this.view, x), imageY(this.view, y), this.raster.width, this.raster.height);
          this.lastX = x;
          this.lastY = y;
        }
        break;
      case 'none':
        break;
    }
    this.renderer.requestUi();
  }

  private onPointerUp(e: PointerEvent): void {
    if (this.gesture === 'none' || e.pointerId !== this.gesturePointer) return;
    const gesture = this.gesture;
    this.endGesture();
    if (gesture === 'paint') {
      const op = this.stroke.finish(this.raster);
      if (op) this.send(op);
    } else if (gesture === 'pan') {
      this.page.canvas.classList.remove('panning');
    } else if (gesture === 'polygon') {
      if (this.lasso && this.polygon.points.length > 2) this.closePolygon();
      this.saveStateSoon();
    }
    this.renderer.requestUi();
  }

  private beginGesture(gesture: Gesture, e: PointerEvent): void {
    this.gesture = gesture;
    this.gesturePointer = e.pointerId;
    try {
      this.page.canvas.setPointerCapture(e.pointerId);
    } catch {
      // A synthetic or already released pointer cannot be captured; the gesture still works inside the canvas.
    }
  }

  private endGesture(): void {
    const pointer = this.gesturePointer;
    this.gesture = 'none';
    this.gesturePointer = -1;
    if (pointer >= 0 && this.page.canvas.hasPointerCapture(pointer)) this.page.canvas.releasePointerCapture(pointer);
  }

  /**
   * Enter on the image reached by keyboard: the tool acts at the crosshair in the middle of the view (the arrow
   * keys move the image under it), as a click there would: a brush or eraser dab, a fill, a polygon point.
   * `close` (Shift+Enter) closes the polygon being drawn.
   */
  /** The image has the focus and the person works it with the keyboard (reached by Tab or panned with the arrow keys, not clicked since). */
  private keyboardOnImage(): boolean {
    return document.activeElement === this.page.canvas && this.keyboardCursor;
  }

  private syncCrosshair(): void {
    this.page.crosshair.hidden = !this.keyboardOnImage() || !document.hasFocus();
    this.updateStatus(); // the status names the pixel under the crosshair while the keyboard works the image
    this.renderer.requestUi(); // and the brush outline or the polygon's next edge follows it
  }

  /**
   * Enter on the focused image. A polygon begun with clicks closes (as the help says), as does any with Shift+Enter;
   * a polygon begun at the crosshair takes another point. Otherwise, with the crosshair shown, the tool acts there;
   * without it (a new image opens with the image focused but no crosshair, so that mouse users never see one), the
   * first Enter shows it and says so.
   */
  private enterOnImage(shift: boolean): void {
    if (this.gesture !== 'none') return; // mid-drag: the pointer's gesture finishes first
    if (this.polygon.active && (shift || !this.polygonByKeyboard)) {
      this.closePolygon();
      return;
    }
    if (shift) {
      this.announce('No polygon to close');
      return;
    }
    if (this.polygon.active || this.keyboardOnImage()) {
      this.actAtCrosshair();
      return;
    }
    this.keyboardCursor = true;
    this.syncCrosshair();
    this.announce('Crosshair in the middle of the view: the arrow keys move the image under it, Enter acts there');
  }

  private actAtCrosshair(): void {
    if (!this.init || !this.editable()) return;
    this.keyboardCursor = true;
    this.syncCrosshair();
    this.actAtCentre();
    this.updateStatus(); // the pixel there, as the edit left it
  }

  private actAtCentre(): void {
    if (!this.init) return;
    const ix = imageX(this.view, this.renderer.width / 2);
    const iy = imageY(this.view, this.renderer.height / 2);
    const px = Math.floor(ix);
    const py = Math.floor(iy);
    const { width, height } = this.raster;
    if (px < 0 || py < 0 || px >= width || py >= height) {
      this.announce('The crosshair is outside the image: move the image with the arrow keys');
      return;
    }
    const tool = this.state.tool;
    switch (tool) {
      case 'brush':
      case 'eraser': {
        // As a click there: the same snapping to the brush grid, painted here first, then sent.
        this.stroke.begin(this.raster, ix, iy, brushRadius(this.state.brushSize), tool === 'brush' ? this.state.classIndex : 0);
        const op = this.stroke.finish(this.raster);
        if (op) {
          this.send(op);
          this.announce(`${tool === 'brush' ? 'Painted' : 'Erased'} at ${px}, ${py}`);
        } else {
          this.announce('Nothing to change');
        }
        return;
      }
      case 'fill':
        this.commit({ kind: 'fill', x: px, y: py, classIndex: this.state.classIndex });
        return;
      case 'polygon':
      case 'polygonErase': {
        const n = this.polygon.points.length;
        if (n > 0 && this.polygon.points.x(n - 1) === ix && this.polygon.points.y(n - 1) === iy) {
          this.announce('A point is there already: move the image with the arrow keys first');
          return;
        }
        if (!this.polygon.active) {
          this.polygon.start(tool === 'polygon' ? this.state.classIndex : 0);
          this.polygonByKeyboard = true;
        }
        this.lasso = false;
        this.polygon.add(ix, iy, width, height);
        this.renderer.requestUi();
        this.saveStateSoon();
        this.announce(`Point ${this.polygon.points.length} at ${px}, ${py}${this.polygon.closable ? '; Shift+Enter closes' : ''}`);
        return;
      }
      default:
        assertNeverMessage(tool);
    }
  }

  private closePolygon(): void {
    const op = this.polygon.close();
    this.lasso = false;
    this.polygonByKeyboard = false;
    this.renderer.requestUi();
    this.saveStateSoon();
    if (op) this.commit(op);
    else this.announce('Not filled: a polygon needs three different points');
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    this.trackCursor(e);
    // Pixels, lines or pages: about one ZOOM_STEP per wheel notch.
    const unit = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
    const notches = Math.max(-5, Math.min(5, (e.deltaY * unit) / 100));
    this.zoomAt(this.view.zoom * Math.pow(ZOOM_STEP, -notches), this.cursorX, this.cursorY);
  }

  private trackCursor(e: MouseEvent): void {
    this.cursorX = e.clientX - this.stageLeft;
    this.cursorY = e.clientY - this.stageTop;
    this.cursorInside = true;
  }

  // ---- keys the webview handles itself (not tool keys: those are VS Code keybindings sent as 'action') ----

  private bindKeys(): void {
    window.addEventListener('pointerdown', () => {
      this.focusByPointer = true;
      this.keyboardCursor = false;
      this.syncCrosshair();
    }, true);
    this.page.canvas.addEventListener('focus', () => this.syncCrosshair());
    this.page.canvas.addEventListener('blur', () => this.syncCrosshair());
    // The focus leaving the page keeps the canvas the page's active element: the crosshair goes with the focus.
    window.addEventListener('blur', () => this.syncCrosshair());
    window.addEventListener('focus', () => this.syncCrosshair());
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Tab') {
        this.focusByPointer = false;
        this.keyboardCursor = true; // the focus event that follows shows the crosshair if it lands on the image
      }
      // Held wherever the focus is: a drag that starts on the image while Space is down pans.
      if (e.key === ' ' && !isTextEntry(e.target as Element | null)) this.spaceHeld = true;
    }, true);
    window.addEventListener('keyup', (e) => {
      if (e.key === ' ') this.spaceHeld = false;
    }, true);
    window.addEventListener('blur', () => (this.spaceHeld = false));
    window.addEventListener('keydown', (e) => {
      if (!this.page.help.hidden && e.key === 'Escape') {
        e.preventDefault();
        this.toggleHelp();
        return;
      }
      const target = e.target as Element | null;
      // Space pans whenever the pointer is over the image, even if a toolbar control still has the focus from a
      // click (else the drag paints, or the button is pressed again); a control reached with the keyboard keeps
      // Space (it presses it), and so does a text field.
      const clickedControl = this.focusByPointer && this.cursorInside && this.page.help.hidden && !isTextEntry(target);
      if (e.key === ' ' && (!isControl(target) || clickedControl)) {
        e.preventDefault();
        if (!this.spaceDown) {
          this.spaceDown = true;
          this.page.canvas.classList.add('pan-ready');
        }
        return;
      }
      if (isControl(target)) return;
      const pan = ARROW_PAN[e.key];
      if (pan && target === this.page.canvas && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        this.keyboardCursor = true;
        this.syncCrosshair();
        this.panBy(pan[0] * (e.shiftKey ? PAN_STEP_LARGE : PAN_STEP), pan[1] * (e.shiftKey ? PAN_STEP_LARGE : PAN_STEP));
        return;
      }
      if (e.key === 'Enter' && target === this.page.canvas && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        if (!e.repeat) this.enterOnImage(e.shiftKey);
        return;
      }
      if (e.key === 'Enter' && this.polygon.active) {
        e.preventDefault();
        this.closePolygon();
      } else if (e.key === 'Escape') {
        if (this.polygon.active) {
          this.polygon.cancel();
          this.renderer.requestUi();
          this.saveStateSoon();
        } else if (this.source.previewThreshold >= 0 || this.pendingThresholdCommit !== null) {
          this.cancelThresholdPreview();
        }
      }
    });
    window.addEventListener('keyup', (e) => {
      if (e.key !== ' ') return;
      // A focused button would be pressed by the Space that panned.
      if (this.spaceDown && isControl(e.target as Element | null) && !isTextEntry(e.target as Element | null)) e.preventDefault();
      this.releaseSpace();
    });
    window.addEventListener('blur', () => this.releaseSpace());
  }

  private releaseSpace(): void {
    this.spaceDown = false;
    this.page.canvas.classList.remove('pan-ready');
  }

  // ---- controls ----

  private bindControls(): void {
    const p = this.page;
    for (const element of document.querySelectorAll<HTMLElement>('[data-action]')) {
      element.addEventListener('click', () => this.runAction(element.dataset.action as EditorAction));
    }
    p.brushSize.addEventListener('change', () => this.setBrushSize(Number(p.brushSize.value)));
    p.islandMinArea.addEventListener('change', () => {
      const n = Math.round(Number(p.islandMinArea.value));
      this.update({ islandMinArea: Number.isFinite(n) ? Math.min(MAX_ISLAND_AREA, Math.max(1, n)) : this.state.islandMinArea });
    });
    p.showMask.addEventListener('change', () => this.update({ showMask: p.showMask.checked }));
    p.outline.addEventListener('change', () => this.update({ outline: p.outline.checked }));
    p.showUncertain.addEventListener('change', () => this.update({ showUncertain: p.showUncertain.checked }));
    p.opacity.addEventListener('input', () => this.update({ opacity: Number(p.opacity.value) / 100, showMask: true }));
    const band = (): void => {
      const low = Number(p.bandLow.value);
      const high = Number(p.bandHigh.value);
      this.update({ bandLow: Math.min(low, high), bandHigh: Math.max(low, high), showUncertain: true });
    };
    p.bandLow.addEventListener('input', band);
    p.bandHigh.addEventListener('input', band);

    const threshold = p.threshold;
    // Not on focus: tabbing past the slider must not run the model (it would disable Accept and Reject meanwhile).
    threshold.addEventListener('pointerdown', () => {
      this.flushKeyboardThreshold(); // a value set with the keys just before is an edit, even if this click moves nothing
      this.thresholdByKeyboard = false;
      this.ensureProbability();
    });
    threshold.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(this.keyboardThresholdTimer);
        this.keyboardThresholdTimer = undefined;
        this.commitThreshold(Number(threshold.value));
      } else if (e.key === 'Escape') {
        this.cancelThresholdPreview();
      } else {
        this.thresholdByKeyboard = true;
      }
    });
    threshold.addEventListener('input', () => {
      this.previewThreshold(Number(threshold.value));
      if (this.thresholdByKeyboard) this.scheduleKeyboardThreshold();
    });
    // A drag commits when released; arrow keys preview, and commit after a pause, on Enter, when focus leaves
    // the slider, or before a command (Accept, Next) or tool key acts.
    threshold.addEventListener('change', () => {
      if (!this.thresholdByKeyboard) this.commitThreshold(Number(threshold.value));
    });
    threshold.addEventListener('blur', () => {
      this.flushKeyboardThreshold();
      this.thresholdByKeyboard = false;
    });

    p.predict.addEventListener('click', () => this.unlessBusy(() => this.api.postMessage({ type: 'predict' })));
    p.accept.addEventListener('click', () => this.unlessBusy(() => this.api.postMessage({ type: 'review', decision: 'accept' })));
    p.reject.addEventListener('click', () => this.unlessBusy(() => this.api.postMessage({ type: 'review', decision: 'reject' })));
    p.previous.addEventListener('click', () => this.api.postMessage({ type: 'navigate', direction: 'previous' }));
    p.next.addEventListener('click', () => this.api.postMessage({ type: 'navigate', direction: 'next' }));
    p.helpClose.addEventListener('click', () => this.toggleHelp());
  }

  private buildClassPicker(): void {
    const picker = this.page.classPicker;
    picker.replaceChildren();
    for (const c of this.classes) {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = `class-${c.index}`;
      b.className = 'class-button';
      b.dataset.class = String(c.index);
      b.title = c.index <= 9 ? `${c.name} (${c.index})` : c.name;
      b.setAttribute('aria-label', `Class ${c.index}: ${c.name}`);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = classColor(this.init?.classes ?? [], c.index);
      b.append(swatch, c.name);
      b.addEventListener('click', () => this.update({ classIndex: c.index }));
      picker.append(b);
    }
    // One class: nothing to pick, but its colour still explains the overlay.
    picker.classList.toggle('single', this.classes.length === 1);
  }

  /** Puts the state into every control (called after each change; cheap). */
  private syncControls(): void {
    const p = this.page;
    const s = this.state;
    const readOnly = this.init?.readOnly ?? false;
    for (const [tool, b] of p.toolButtons) {
      b.setAttribute('aria-pressed', String(tool === s.tool));
      b.setAttribute('appearance', tool === s.tool ? 'primary' : 'secondary');
      b.disabled = readOnly;
    }
    for (const b of p.editButtons) b.disabled = readOnly;
    for (const b of p.classPicker.querySelectorAll<HTMLButtonElement>('button[data-class]')) {
      b.setAttribute('aria-pressed', String(Number(b.dataset.class) === s.classIndex));
    }
    if (document.activeElement !== p.brushSize) p.brushSize.value = String(s.brushSize);
    if (document.activeElement !== p.islandMinArea) p.islandMinArea.value = String(s.islandMinArea);
    p.showMask.checked = s.showMask;
    p.outline.checked = s.outline;
    p.showUncertain.checked = s.showUncertain;
    p.opacity.value = String(Math.round(s.opacity * 100));
    p.bandLow.value = String(s.bandLow);
    p.bandHigh.value = String(s.bandHigh);
    p.bandValue.value = `${formatProbability(s.bandLow)}–${formatProbability(s.bandHigh)}`;
    p.thresholdValue.value = formatProbability(Number(p.threshold.value));
    // Screen readers say the probability shown beside each slider, not its 0..255 value.
    p.bandLow.setAttribute('aria-valuetext', formatProbability(s.bandLow));
    p.bandHigh.setAttribute('aria-valuetext', formatProbability(s.bandHigh));
    p.threshold.setAttribute('aria-valuetext', p.thresholdValue.value);
    p.opacity.setAttribute('aria-valuetext', `${p.opacity.value}%`);
    p.threshold.disabled = !this.init;
    // While the host is busy these only look disabled (aria-disabled): a disabled button would drop the keyboard
    // focus of someone waiting on Accept. Their clicks are refused below until it is done.
    p.predict.disabled = !this.init || readOnly;
    p.accept.disabled = !this.init || readOnly;
    p.reject.disabled = !this.init;
    for (const button of [p.predict, p.accept, p.reject]) button.setAttribute('aria-disabled', String(button.disabled || this.busy !== null));
    p.canvas.dataset.tool = s.tool;
  }

  /** Runs `act` unless the host is busy (a prediction, a map loading): then says so instead. */
  private unlessBusy(act: () => void): void {
    if (this.busy === null) act();
    else this.announce(`Wait: ${this.busy}`);
  }

  /** The keyboard help is modal: the page behind it is inert (no Tab into it), and closing returns the focus. */
  private toggleHelp(): void {
    const help = this.page.help;
    const opening = help.hidden;
    help.hidden = !opening;
    for (const element of Array.from(document.body.children)) {
      if (element !== help && element instanceof HTMLElement && element !== this.page.announcer) element.inert = opening;
    }
    this.focusByPointer = false;
    if (opening) {
      this.helpOpener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      this.page.helpClose.focus();
    } else {
      const opener = this.helpOpener;
      this.helpOpener = null;
      if (opener?.isConnected && opener !== document.body) opener.focus({ preventScroll: true });
      else this.page.canvas.focus({ preventScroll: true });
    }
  }

  private showError(message: string): void {
    this.page.bannerText.textContent = message;
    this.page.banner.hidden = false;
  }

  /** Says `message` through the live region; the same words twice in a row are said twice. */
  private announce(message: string): void {
    const announcer = this.page.announcer;
    if (announcer.textContent === message) {
      announcer.textContent = '';
      requestAnimationFrame(() => (announcer.textContent = message));
      return;
    }
    announcer.textContent = message;
  }

  // ---- drawing the UI layer and the status line ----

  private drawUi(context: CanvasRenderingContext2D, dpr: number): void {
    if (!this.init) return;
    const tool = this.state.tool;
    // The brush outline and the polygon's next edge follow the crosshair while the keyboard works the image.
    const keyboard = this.keyboardOnImage();
    const [x, y] = keyboard ? [this.renderer.width / 2, this.renderer.height / 2] : [this.cursorX, this.cursorY];
    const showCursor = (keyboard || this.cursorInside) && this.gesture !== 'pan' && !this.spaceDown;
    if (showCursor && (tool === 'brush' || tool === 'eraser') && !this.init.readOnly) {
      const r = brushRadius(this.state.brushSize);
      const cx = snapBrushPoint(imageX(this.view, x), r);
      const cy = snapBrushPoint(imageY(this.view, y), r);
      drawBrushOutline(context, this.view, dpr, cx, cy, this.state.brushSize, this.footprint);
    }
    if (this.polygon.active) drawPolygonDraft(context, this.view, dpr, this.polygon, x, y, showCursor && !this.lasso);
    this.updateCursorStatus();
  }

  /** The pixel the status names: under the crosshair while the keyboard works the image, else under the pointer (-1: none). */
  private statusPixel(): [number, number] {
    if (this.keyboardOnImage()) return [Math.floor(imageX(this.view, this.renderer.width / 2)), Math.floor(imageY(this.view, this.renderer.height / 2))];
    if (!this.cursorInside) return [-1, -1];
    return [Math.floor(imageX(this.view, this.cursorX)), Math.floor(imageY(this.view, this.cursorY))];
  }

  private updateCursorStatus(): void {
    const [px, py] = this.statusPixel();
    const inside = px >= 0 && py >= 0 && px < this.raster.width && py < this.raster.height;
    const value = inside ? this.raster.data[py * this.raster.width + px]! : -1;
    if (px === this.statusPixelX && py === this.statusPixelY && value === this.statusValue && this.polygon.points.length === this.statusPolygon) return;
    this.updateStatus();
  }

  private updateStatus(): void {
    const init = this.init;
    if (!init) {
      this.page.status.textContent = 'Waiting for the image…';
      return;
    }
    const s = this.state;
    const [px, py] = this.statusPixel();
    const inside = px >= 0 && py >= 0 && px < init.width && py < init.height;
    const value = inside ? this.raster.data[py * init.width + px]! : -1;
    this.statusPixelX = px;
    this.statusPixelY = py;
    this.statusValue = value;
    this.statusPolygon = this.polygon.points.length;
    const className = (index: number): string => (index === 0 ? 'background' : this.classes.find((c) => c.index === index)?.name ?? `class ${index}`);
    const parts = [
      TOOL_NAMES[s.tool],
      s.tool === 'brush' || s.tool === 'eraser' ? `size ${s.brushSize} px` : '',
      `class ${s.classIndex} ${className(s.classIndex)}`,
      `zoom ${formatZoom(this.view.zoom)}`,
      inside ? `pixel ${px}, ${py}: ${className(value)}` : '',
      `${init.width} × ${init.height}`,
      this.polygon.active
        ? `${this.polygon.points.length} polygon points: ${this.polygonByKeyboard ? 'Enter adds one at the crosshair, Shift+Enter closes' : 'Enter or double-click closes'}, Esc cancels`
        : '',
      this.probabilityStatus === 'requested' ? 'loading probability map…' : '',
      this.busy ?? '',
      init.renderedImage && 'note' in init.renderedImage ? init.renderedImage.note : '',
    ];
    this.page.status.textContent = parts.filter((part) => part !== '').join(' · ');
  }
}

function clampByte(value: number): number {
  return Number.isFinite(value) ? Math.min(255, Math.max(0, Math.round(value))) : 128;
}

function formatProbability(value: number): string {
  return (value / 255).toFixed(2);
}

function formatZoom(zoom: number): string {
  return zoom >= 0.1 ? `${Math.round(zoom * 100)}%` : `${(zoom * 100).toFixed(1)}%`;
}

/** Focus in a field that takes typed characters (its keys are not editor actions). */
/** What the page's button for a host command sends. */
function commandMessage(command: EditorCommand): WebviewToHostMessage {
  switch (command) {
    case 'accept':
    case 'reject':
      return { type: 'review', decision: command };
    case 'next':
    case 'previous':
      return { type: 'navigate', direction: command };
    case 'predict':
      return { type: 'predict' };
    default:
      return assertNeverMessage(command);
  }
}

/** Arrow keys on the image pan it: which way the view moves, in steps of PAN_STEP screen pixels (Shift: PAN_STEP_LARGE). */
const ARROW_PAN: Readonly<Record<string, readonly [number, number]>> = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
const PAN_STEP = 40;
const PAN_STEP_LARGE = 200;

/** The names the page gives its edits while the host runs them on its codec thread (runsOnCodecThread). */
const OPERATION_NAMES: Readonly<Record<MaskOperation['kind'], string>> = {
  stroke: 'Stroke',
  fill: 'Flood fill',
  polygon: 'Polygon fill',
  fillHoles: 'Fill holes',
  removeIslands: 'Remove islands',
  keepLargest: 'Keep largest',
  threshold: 'Threshold',
};

/** The longest the page waits for the host to finish a whole-image edit before it lets editing go on. */
const MAX_EDIT_WAIT_MS = 120_000;

/** How long arrow keys on the threshold slider may pause before what they set is committed as an edit. */
const KEYBOARD_THRESHOLD_PAUSE_MS = 700;

function isTextEntry(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement) return true;
  if (element instanceof HTMLInputElement) return !['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color'].includes(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}

/** An element with its own use for Space / Enter / Escape (buttons, fields, sliders, toolkit controls). */
function isControl(element: Element | null): boolean {
  if (!element || element === document.body) return false;
  return element.matches('input, textarea, select, button, vscode-button, vscode-checkbox, [contenteditable="true"]');
}
