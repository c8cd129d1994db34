import * as assert from 'node:assert/strict';
import { clampPan, fitView, imageX, imageY, MAX_ZOOM, minZoom, overlayLevel, screenX, zoomAround, type ViewTransform } from '../../src/webview/viewTransform';
import { DEFAULT_VIEW_STATE, sanitizeViewState } from '../../src/webview/viewState';
import { PolygonDraft } from '../../src/webview/polygonDraft';
import { formatKey, helpSections } from '../../src/webview/keyLabels';
import { ACTION_BINDINGS, EDITOR_COMMANDS } from '../../src/common/editorActions';

describe('webview: view transform', () => {
  it('fits a 200 x 100 image into a 400 x 400 stage, centred with a 4% margin', () => {
    const view: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
    fitView(view, 200, 100, 400, 400);
    assert.equal(view.zoom, 1.92); // 0.96 * 400 / 200
    assert.equal(view.panX, 8); // (400 - 384) / 2
    assert.equal(view.panY, 104); // (400 - 192) / 2
  });

  it('zooming around a screen point keeps the image point under it in place', () => {
    const view: ViewTransform = { zoom: 2, panX: 10, panY: 20 };
    const before = [imageX(view, 110), imageY(view, 70)];
    assert.deepEqual(before, [50, 25]);
    zoomAround(view, 8, 0.1, 110, 70);
    assert.equal(view.zoom, 8);
    assert.deepEqual([imageX(view, 110), imageY(view, 70)], [50, 25]);
    assert.equal(screenX(view, 50), 110);
  });

  it('zoom is clamped to [minimum, MAX_ZOOM]', () => {
    const view: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
    zoomAround(view, 1000, 0.5, 0, 0);
    assert.equal(view.zoom, MAX_ZOOM);
    zoomAround(view, 0.01, 0.5, 0, 0);
    assert.equal(view.zoom, 0.5);
    // A quarter of the fitted zoom, but never below 1 / 2048.
    assert.equal(minZoom(960, 960, 1000, 1000), 0.25);
    assert.equal(minZoom(1e6, 1e6, 100, 100), 1 / 2048);
  });

  it('panning keeps at least 48 CSS px of the image on screen', () => {
    const view: ViewTransform = { zoom: 1, panX: -5000, panY: 9000 };
    clampPan(view, 1000, 1000, 800, 600);
    assert.equal(view.panX, 48 - 1000);
    assert.equal(view.panY, 600 - 48);
  });

  it('overlay level: full resolution when zoomed in, one level per halving below one device pixel per image pixel', () => {
    assert.equal(overlayLevel(4, 1), 0);
    assert.equal(overlayLevel(1, 1), 0);
    assert.equal(overlayLevel(0.5, 2), 0);
    assert.equal(overlayLevel(0.6, 1), 0);
    assert.equal(overlayLevel(0.5, 1), 1);
    assert.equal(overlayLevel(0.3, 1), 1);
    assert.equal(overlayLevel(0.25, 1), 2);
    assert.equal(overlayLevel(0.0875, 1), 3);
  });
});

describe('webview: persisted view state', () => {
  it('anything that is not a stored state gives the defaults', () => {
    assert.deepEqual(sanitizeViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(sanitizeViewState('x'), DEFAULT_VIEW_STATE);
  });

  it('keeps valid fields, replaces invalid ones, orders the band', () => {
    const state = sanitizeViewState({
      imageKey: 'a.png|10x10', zoom: 2, panX: 5, panY: NaN, tool: 'lasso', brushSize: 9999, classIndex: 3,
      opacity: 7, showMask: false, outline: 'yes', bandLow: 200, bandHigh: 50, islandMinArea: 0,
    });
    assert.deepEqual(state, {
      ...DEFAULT_VIEW_STATE, imageKey: 'a.png|10x10', zoom: 2, panX: 5, panY: 0, brushSize: 2048, classIndex: 3,
      opacity: 1, showMask: false, bandLow: 50, bandHigh: 200, islandMinArea: 1,
    });
  });
});

describe('webview: an unfinished polygon across a tab switch', () => {
  it('is kept in the saved state when well-formed, dropped otherwise', () => {
    const polygon = { imageKey: 'a.png|10x10', classIndex: 0, points: [1, 2, 3.5, 4, -2, 9] };
    assert.deepEqual(sanitizeViewState({ polygon }).polygon, polygon);
    for (const bad of [
      { ...polygon, points: [1, 2, 3] }, { ...polygon, points: [1, NaN] }, { ...polygon, points: [] }, { ...polygon, points: 'x' },
      { ...polygon, classIndex: 256 }, { ...polygon, classIndex: 1.5 }, { ...polygon, imageKey: 7 }, 'polygon',
    ]) {
      assert.equal(sanitizeViewState({ polygon: bad }).polygon, null, JSON.stringify(bad));
    }
  });

  it('keeps compare mode\'s layer when it is one', () => {
    assert.equal(sanitizeViewState({ compareLayer: 'heat' }).compareLayer, 'heat');
    assert.equal(sanitizeViewState({ compareLayer: 'toString' }).compareLayer, 'errors');
    assert.equal(sanitizeViewState({ compareLayer: 3 }).compareLayer, 'errors');
  });

  it('comes back as the same vertices, kept within the host\'s margin like clicked ones', () => {
    const draft = new PolygonDraft();
    draft.restore(2, [1, 2, 3.5, 4, -50, 9], 10, 10);
    assert.deepEqual([draft.classIndex, draft.toFlat()], [2, [1, 2, 3.5, 4, -10, 9]]);
    const again = new PolygonDraft();
    again.restore(2, draft.toFlat(), 10, 10);
    assert.deepEqual(again.toFlat(), draft.toFlat());
  });
});

describe('webview: help overlay keys', () => {
  it('formats VS Code key chords for reading', () => {
    assert.equal(formatKey('shift+/'), 'Shift+/');
    assert.equal(formatKey('ctrl+shift+backspace'), 'Ctrl+Shift+Backspace');
    assert.equal(formatKey('b'), 'B');
    assert.equal(formatKey('ctrl+k ctrl+m'), 'Ctrl+K Ctrl+M');
  });

  it('lists every editor command and every action binding (the class keys on one row)', () => {
    const [commands, actions] = helpSections();
    assert.equal(commands!.rows.length, Object.keys(EDITOR_COMMANDS).length);
    assert.ok(commands!.rows.some((r) => r.title === EDITOR_COMMANDS.accept.title && r.keys === 'Ctrl+Enter'));
    const nonClass = ACTION_BINDINGS.filter((b) => !b.action.startsWith('class.'));
    for (const b of nonClass) assert.ok(actions!.rows.some((r) => r.title === b.title && r.keys === formatKey(b.key)), b.title);
    assert.deepEqual(actions!.rows.at(-1), { title: 'Class 1 to 9', keys: '1 2 3 4 5 6 7 8 9' });
  });
});
