// Compare mode's pure parts: the TP/FP/FN overlay pixels, the prediction and heat layers, the counts and metrics
// (against counts made here by hand), the theme colour parsing, the compare queue, and the usePrediction message.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ReviewOrders } from '../../src/editor/reviewOrders';
import { compareQueue } from '../../src/editor/compareQueue';
import { isMessageError, parseWebviewMessage } from '../../src/editor/validateMessage';
import { DEFAULT_MAX_POINTS } from '../../src/mask/validate';
import { packRgba } from '../../src/webview/classColors';
import { errorColorTable, heatColor, heatColorTable, parseCssColor } from '../../src/webview/compareColors';
import { compareStats } from '../../src/webview/compareStats';
import { ERROR_FN, ERROR_FP, ERROR_NONE, ERROR_TP, ERROR_WRONG_CLASS, type OverlaySource, errorKind, renderOverlayPixels } from '../../src/webview/overlayPixels';
import { grid } from './maskGrid';
import { useTempDir } from './tempDir';

const LETTERS = ['.', 't', 'p', 'n', 'w'];

function compareSource(gt: string[], prediction: string[], extra: Partial<OverlaySource> = {}): OverlaySource {
  const g = grid(gt);
  const colors = new Uint32Array(256);
  colors[1] = 0x11;
  colors[2] = 0x22;
  return {
    width: g.width, height: g.height, mask: g.data, colors, outline: false, probability: null, predictedClasses: null,
    previewThreshold: -1, bandLow: -1, bandHigh: -1, bandColor: 0x99,
    layer: 'errors', prediction: grid(prediction).data, errorColors: Uint32Array.from([0, 1, 2, 3, 4]), heatColors: new Uint32Array(256), ...extra,
  };
}

function render(s: OverlaySource): string[] {
  const out = new Uint32Array(s.width * s.height).fill(0xdead);
  renderOverlayPixels(s, 1, 0, 0, out, s.width, 0, 0, s.width, s.height);
  const rows: string[] = [];
  for (let y = 0; y < s.height; y++) rows.push(Array.from(out.subarray(y * s.width, (y + 1) * s.width), (v) => LETTERS[v] ?? `<${v.toString(16)}>`).join(''));
  return rows;
}

describe('compare mode (webview, pure parts)', () => {
  it('classifies each pixel: TP, FP, FN, wrong class; agreeing background and ignored ground truth are clear', () => {
    assert.equal(errorKind(0, 0), ERROR_NONE);
    assert.equal(errorKind(1, 1), ERROR_TP);
    assert.equal(errorKind(0, 2), ERROR_FP);
    assert.equal(errorKind(2, 0), ERROR_FN);
    assert.equal(errorKind(1, 2), ERROR_WRONG_CLASS);
    assert.equal(errorKind(255, 1), ERROR_NONE);
  });

  it('draws the TP/FP/FN layer from the mask (ground truth) and the prediction; the other layers draw theirs', () => {
    const s = compareSource(['.11.', '.11.'], ['..11', '.2..']);
    assert.deepEqual(render(s), ['.ntp', '.wn.']);
    s.layer = 'prediction';
    assert.equal(render(s).join('|'), ['..<11><11>', '.<22>..'].join('|'));
    s.layer = 'mask';
    assert.equal(render(s).join('|'), ['.<11><11>.', '.<11><11>.'].join('|'));
    s.layer = 'heat';
    s.probability = Uint8Array.from([0, 1, 2, 3, 4, 3, 2, 1]);
    s.heatColors = Uint32Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(render(s), ['.tpn', 'wnpt']);
    s.layer = 'errors';
    s.prediction = null; // not arrived yet: the ground truth is shown meanwhile
    assert.equal(render(s).join('|'), ['.<11><11>.', '.<11><11>.'].join('|'));
  });

  it('stripes false positives (clear on every third anti-diagonal), continuing across tiles; the rest is solid', () => {
    const rows = ['......', '......', '......'];
    const s = compareSource(rows, ['111111', '111111', '111111']);
    // All false positives: clear where (x - y) mod 6 < 2.
    assert.deepEqual(render(s), ['..pppp', 'p..ppp', 'pp..pp']);
    // The tile starting at image x = 2 continues the stripes of the whole image.
    const out = new Uint32Array(4 * 3);
    renderOverlayPixels(s, 1, 2, 0, out, 4, 0, 0, 4, 3);
    assert.deepEqual(Array.from(out), [2, 2, 2, 2, 0, 2, 2, 2, 0, 0, 2, 2]);
    const solid = compareSource(['111111', '111111', '111111'], ['111111', '111111', '111111']);
    assert.deepEqual(render(solid), ['tttttt', 'tttttt', 'tttttt']);
  });

  it('counts TP/FP/FN like a hand count and scores with the evaluation\'s metrics (multi-class: a wrong class is an FP and an FN)', () => {
    const gt = grid(['.111', '.122', '..2.']);
    const prediction = grid(['..11', '.212', '.12.']).data;
    // By hand, class 1: gt {1,2,3,5}, pred {2,3,6,9}: TP {2,3} = 2, FP {6,9} = 2, FN {1,5} = 2.
    // Class 2: gt {6,7,10}, pred {5,7,10}: TP {7,10} = 2, FP {5} = 1, FN {6} = 1.
    const stats = compareStats(gt, prediction, 3);
    assert.deepEqual([stats.truePositives, stats.falsePositives, stats.falseNegatives, stats.wrongClass], [4, 3, 3, 2]);
    assert.equal(stats.metrics.dice, (2 * 2 / (4 + 4) + 2 * 2 / (3 + 3)) / 2);
    const binary = compareStats(grid(['11..']), grid(['.11.']).data, 2);
    assert.deepEqual([binary.truePositives, binary.falsePositives, binary.falseNegatives, binary.wrongClass, binary.metrics.dice], [1, 1, 1, 0, 0.5]);
  });

  it('reads theme colours in the forms VS Code sets them; heat scale from dark to pale, more opaque with p', () => {
    assert.deepEqual(parseCssColor(' #89d185 '), [0x89, 0xd1, 0x85]);
    assert.deepEqual(parseCssColor('#f14c4cff'), [0xf1, 0x4c, 0x4c]);
    assert.deepEqual(parseCssColor('#abc'), [0xaa, 0xbb, 0xcc]);
    assert.deepEqual(parseCssColor('rgba(55, 148, 255, 0.5)'), [55, 148, 255]);
    assert.deepEqual(parseCssColor('rgb(1 2 3 / 50%)'), [1, 2, 3]);
    for (const bad of ['', 'red', '#12', 'rgb(300, 0, 0)', 'var(--x)']) assert.equal(parseCssColor(bad), undefined, bad);
    const table = errorColorTable({ tp: [1, 2, 3], fp: [4, 5, 6], fn: [7, 8, 9], wrong: [10, 11, 12] });
    assert.deepEqual(Array.from(table), [0, packRgba(1, 2, 3, 255), packRgba(4, 5, 6, 255), packRgba(7, 8, 9, 255), packRgba(10, 11, 12, 255)]);
    assert.deepEqual(heatColor(0), [0, 0, 4]);
    assert.deepEqual(heatColor(255), [252, 255, 164]);
    const heat = heatColorTable();
    const alpha = (p: number) => new Uint8Array(new Uint32Array([heat[p]!]).buffer)[3]!;
    assert.ok(alpha(0) < alpha(128) && alpha(128) < alpha(255) && alpha(255) === 255);
  });

  it('accepts usePrediction with a null or 0..255 threshold only', () => {
    const limits = { width: 4, height: 4, classCount: 2, maxPoints: DEFAULT_MAX_POINTS };
    assert.deepEqual(parseWebviewMessage({ type: 'usePrediction', threshold: null }, limits), { type: 'usePrediction', threshold: null });
    assert.deepEqual(parseWebviewMessage({ type: 'usePrediction', threshold: 255 }, limits), { type: 'usePrediction', threshold: 255 });
    for (const threshold of [-1, 256, 1.5, '7', undefined, NaN, {}]) {
      assert.ok(isMessageError(parseWebviewMessage({ type: 'usePrediction', threshold }, limits)), String(threshold));
    }
    assert.ok(isMessageError(parseWebviewMessage({ type: 'usePrediction', threshold: null, mask: [1] }, limits)));
  });

  describe('compare queue', () => {
    const tmp = useTempDir('comparequeue');

    it('follows a failure view\'s cases when it has the current image; else the folder\'s images with ground truth', async () => {
      const images = path.join(tmp.path, 'images');
      const gt = path.join(tmp.path, 'gt');
      const pred = path.join(tmp.path, 'pred');
      for (const dir of [images, gt, pred]) mkdirSync(dir);
      for (const n of ['a', 'b', 'c', 'd']) writeFileSync(path.join(images, `${n}.jpg`), '');
      for (const n of ['a', 'c', 'd']) writeFileSync(path.join(gt, `${n}.png`), '');
      writeFileSync(path.join(pred, 'd.png'), '');
      const at = (dir: string, n: string) => path.join(dir, n);
      const current = { image: at(images, 'a.jpg'), groundTruth: at(gt, 'a.png'), prediction: at(pred, 'a.png') };
      const fallback = await compareQueue(current, undefined);
      assert.deepEqual(fallback.order, { images: [at(images, 'a.jpg'), at(images, 'c.jpg'), at(images, 'd.jpg')], only: true });
      assert.deepEqual(await fallback.targetFor(at(images, 'c.jpg')), { image: at(images, 'c.jpg'), groundTruth: at(gt, 'c.png') }, 'no prediction file: the model');
      assert.deepEqual(await fallback.targetFor(at(images, 'd.jpg')), { image: at(images, 'd.jpg'), groundTruth: at(gt, 'd.png'), prediction: at(pred, 'd.png') });
      const cases = [{ image: at(images, 'd.jpg'), groundTruth: at(gt, 'd.png'), prediction: at(pred, 'd.png') }, current];
      const registered = await compareQueue(current, cases);
      assert.deepEqual(registered.order, { images: [at(images, 'd.jpg'), at(images, 'a.jpg')], only: true });
      assert.deepEqual(await registered.targetFor(at(images, 'd.jpg')), cases[0]);
      const other = await compareQueue({ ...current, image: at(images, 'c.jpg') }, cases);
      assert.equal(other.order.images.length, 3, 'a view without the current image is not used');
      // The view of another evaluation of the folder (ground truth masks_v2) has the same image names, but Next
      // from a case of this evaluation must stay in this one's masks.
      const v2 = path.join(tmp.path, 'masks_v2');
      const otherEvaluation = [{ image: at(images, 'd.jpg'), groundTruth: at(v2, 'd.png') }, { image: at(images, 'a.jpg'), groundTruth: at(v2, 'a.png') }];
      const stays = await compareQueue(current, otherEvaluation);
      assert.deepEqual(stays.order.images, [at(images, 'a.jpg'), at(images, 'c.jpg'), at(images, 'd.jpg')]);
      assert.equal((await stays.targetFor(at(images, 'c.jpg'))).groundTruth, at(gt, 'c.png'));
      // The model a report predicted a case with is kept by ground truth, out of the document's URI.
      const orders = new ReviewOrders();
      orders.setEvaluatedModel(at(gt, 'a.png'), { name: 'v2', sha256: 'e'.repeat(64) });
      assert.deepEqual(orders.evaluatedModelFor(path.join(gt, '.', 'a.png')), { name: 'v2', sha256: 'e'.repeat(64) });
      assert.equal(orders.evaluatedModelFor(at(gt, 'c.png')), undefined);
    });
  });
});
