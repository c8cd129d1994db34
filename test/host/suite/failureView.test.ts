// Failure inspection end to end in the real host: Evaluate Folder on six samples (ground truth from the samples,
// predictions made here by moving and widening it), the failure view's table worst first, its worst row opened with the
// keyboard in the mask editor's compare mode, and the overlay's TP/FP/FN counts checked against counts made
// here from the PNG files (the tests' own decoder, not src/eval). Then "Use Prediction as Label" as an undoable
// edit, the heat map and the threshold with live counts, and "Review Most Uncertain First" with Next following
// its order.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import type { EvaluateOutcome } from '../../../src/commands/evaluateFolder';
import type { ReviewUncertainOutcome } from '../../../src/commands/reviewUncertainFirst';
import { config } from './context';
import { EditorHands, ViewHands, activeMaskEditorUri, editorState, screenshot, segnetrApi, sha256, waitFor } from './editorDriver';
import { listImages, useFixtureModel } from './helpers';
import { decodeGray8 } from './images';

interface Case {
  readonly name: string;
  readonly image: string;
  readonly groundTruth: Uint8Array;
  readonly prediction: Uint8Array;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly dice: number;
}

/** Foreground (any non-zero value) of both masks, counted pixel by pixel. */
function countByHand(groundTruth: Uint8Array, prediction: Uint8Array): Pick<Case, 'truePositives' | 'falsePositives' | 'falseNegatives' | 'dice'> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < groundTruth.length; i++) {
    const g = groundTruth[i] !== 0;
    const p = prediction[i] !== 0;
    if (g && p) tp++;
    else if (p) fp++;
    else if (g) fn++;
  }
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, dice: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn) };
}

/**
 * The ground truth moved `dx` pixels right, joined with a copy also moved `dx / 2` down: a wider, offset mask, so
 * TP, FP and FN all occur and FP differs from FN (a legend that swapped them would be caught). As 0/1.
 */
function moved(truth: Uint8Array, width: number, height: number, dx: number): Uint8Array {
  const dy = Math.ceil(dx / 2);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = dx; x < width; x++) {
      const here = truth[y * width + x - dx] !== 0;
      const above = y >= dy && truth[(y - dy) * width + x - dx] !== 0;
      out[y * width + x] = here || above ? 1 : 0;
    }
  }
  return out;
}

function writeGrey(file: string, width: number, height: number, pixels: Uint8Array): void {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(pixels);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Polls the compare bar until `selector` shows a number. */
async function numberIn(hands: EditorHands, selector: string): Promise<number> {
  const text = await waitFor(`${selector} in the compare bar`, () => hands.text(selector), (t) => /^\d+(\.\d+)?$/.test(t.trim()), 60_000);
  return Number(text);
}

describe('failure inspection', function () {
  this.timeout(6 * 60_000);
  const cases: Case[] = [];
  let images = '';
  let gtDir = '';
  let predDir = '';

  before(async () => {
    await segnetrApi();
    await useFixtureModel();
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    const root = path.join(path.dirname(config().reloadRequestPath), '..', 'failures');
    images = path.join(root, 'images');
    gtDir = path.join(root, 'ground-truth');
    predDir = path.join(root, 'predictions');
    fs.rmSync(root, { recursive: true, force: true });
    for (const dir of [images, gtDir, predDir]) fs.mkdirSync(dir, { recursive: true });
    const samples = listImages(config().imagesDir);
    const truthDir = path.join(path.dirname(config().imagesDir), 'ground-truth');
    // Shifts of different sizes give predictions of different quality; which is worst is decided by the counts.
    const shifts = [3, 6, 9, 12, 2, 40];
    samples.forEach((source, i) => {
      const name = `f${i + 1}${path.extname(source)}`;
      const maskName = `f${i + 1}.png`;
      const image = path.join(images, name);
      fs.copyFileSync(source, image);
      const truth = decodeGray8(fs.readFileSync(path.join(truthDir, `${path.parse(source).name}.png`)));
      const groundTruth = Uint8Array.from(truth.pixels, (v) => (v !== 0 ? 1 : 0));
      writeGrey(path.join(gtDir, maskName), truth.width, truth.height, groundTruth);
      const prediction = moved(groundTruth, truth.width, truth.height, shifts[i % shifts.length]!);
      writeGrey(path.join(predDir, maskName), truth.width, truth.height, prediction);
      // Read back from the files, as the extension will.
      const gtFromFile = decodeGray8(fs.readFileSync(path.join(gtDir, maskName))).pixels;
      const predFromFile = decodeGray8(fs.readFileSync(path.join(predDir, maskName))).pixels;
      cases.push({ name, image, groundTruth: gtFromFile, prediction: predFromFile, ...countByHand(gtFromFile, predFromFile) });
    });
    assert.ok(cases.every((c) => c.truePositives > 0 && c.falsePositives > 0 && c.falseNegatives > 0 && c.falsePositives !== c.falseNegatives), 'every case has TP, FP and FN pixels, FP != FN');
  });

  after(async () => {
    // Leave nothing open (and nothing dirty) for the tests that follow.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('evaluates the folder, lists it worst first, and opens the worst case in compare mode with the overlay counts of the files', async () => {
    const outcome = await vscode.commands.executeCommand<EvaluateOutcome | undefined>('segnetr.evaluateFolder', vscode.Uri.file(images), { gtDir, predDir });
    assert.ok(outcome?.reportDir, 'the report was written');
    assert.equal(outcome.reportDir, `${images}-evaluation`);
    for (const file of ['evaluation.json', 'evaluation.csv', 'evaluation.md', 'dice-histogram.png']) assert.ok(fs.existsSync(path.join(outcome.reportDir, file)), file);
    const byName = new Map(outcome.report.images.map((i) => [path.basename(i.image), i]));
    for (const c of cases) {
      const scored = byName.get(c.name);
      assert.ok(scored, `${c.name} scored`);
      assert.equal(scored.prediction, 'file');
      assert.ok(Math.abs(scored.dice - c.dice) < 1e-12, `${c.name}: Dice ${scored.dice}, by hand ${c.dice}`);
    }
    const worst = [...cases].sort((a, b) => a.dice - b.dice)[0]!;

    const views = (await segnetrApi()).failureViews();
    assert.equal(views.length, 1);
    assert.equal(views[0]!.reportPath, path.join(outcome.reportDir, 'evaluation.json'));
    const view = new ViewHands('SegNetr failures: images');
    await view.waitFor('#cases tbody tr[data-index]');
    assert.equal((await view.text('#cases tbody tr[data-index] th')).trim(), worst.name, 'the first row is the worst case');
    assert.equal((await view.text('#stats tr[data-metric="dice"] .mean')).trim(), outcome.report.summary.metrics.dice.mean.toFixed(4));
    // The keyboard opens it: Enter on the (focused) first row.
    await view.press('#cases tbody tr[data-index]', 'Enter');

    const hands = new EditorHands(worst.name);
    await hands.waitUntilShown();
    const active = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === worst.image);
    assert.ok(active && active.input instanceof vscode.TabInputCustom && /segnetr-gt=/.test(active.input.uri.query), 'a compare-mode document');
    const compareUri = (active.input as vscode.TabInputCustom).uri;
    assert.deepEqual(
      [await numberIn(hands, '#count-tp'), await numberIn(hands, '#count-fp'), await numberIn(hands, '#count-fn')],
      [worst.truePositives, worst.falsePositives, worst.falseNegatives],
      'the overlay\'s legend counts the pixels of the files',
    );
    assert.equal(await numberIn(hands, '#metric-dice'), Number(worst.dice.toFixed(4)));
    const state = await editorState(compareUri);
    assert.equal(state?.maskSha256, sha256(worst.groundTruth), 'the document is the ground-truth file');
    assert.deepEqual((await segnetrApi()).failureViews()[0]!.openedCases, [outcome.report.images.findIndex((i) => path.basename(i.image) === worst.name)]);

    if (config().screenshotDir) {
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await new Promise((r) => setTimeout(r, 1500));
      await screenshot(path.join(config().screenshotDir, 'failure-view.png'));
      await vscode.commands.executeCommand('workbench.view.explorer');
    }

    // "Use Prediction as Label": one undoable edit replacing the ground truth; undo brings the file's mask back.
    await hands.click('#use-prediction');
    await waitFor('the prediction as the document', () => editorState(compareUri), (s) => s?.maskSha256 === sha256(worst.prediction) && s.dirty);
    await waitFor('the page to say so', () => hands.text('#announcer'), (t) => t === 'Done: Using the prediction as the label');
    assert.equal(await waitFor('FP and FN to vanish', () => hands.text('#count-fn'), (t) => t.trim() === '0'), '0');
    await vscode.commands.executeCommand('undo');
    await waitFor('the ground truth back', () => editorState(compareUri), (s) => s?.maskSha256 === sha256(worst.groundTruth) && !s.dirty);
    assert.equal(await numberIn(hands, '#count-fn'), worst.falseNegatives);
    assert.deepEqual(decodeGray8(fs.readFileSync(path.join(gtDir, `${path.parse(worst.name).name}.png`))).pixels, worst.groundTruth, 'the ground-truth file is untouched');
    // Predict's key does not replace the ground truth (nor the prediction being compared) with a new model run.
    await hands.press('r');
    await waitFor('the refusal', () => hands.text('#banner-text'), (t) => t.includes('Predict does not run in compare mode'));
    const afterR = await editorState(compareUri);
    assert.deepEqual([afterR?.maskSha256, afterR?.dirty], [sha256(worst.groundTruth), false]);

    // The heat map asks for the model's probability map (a file prediction has none: the model runs in the worker);
    // then the threshold re-derives the prediction and the numbers follow: at the top of the scale nothing is predicted.
    await hands.click('#layer-heat');
    const slider = new ViewHands(worst.name);
    const groundTruthArea = worst.truePositives + worst.falseNegatives;
    await waitFor('the highest threshold to predict nothing', async () => {
      await slider.press('#compare-threshold', 'End');
      return [await hands.text('#count-tp'), await hands.text('#count-fp'), await hands.text('#count-fn')].map((t) => t.trim()).join(' ');
    }, (counts) => counts === `0 0 ${groundTruthArea}`, 60_000);
    assert.equal((await hands.text('#metric-dice')).trim(), '0.0000', 'a miss: Dice 0');
    assert.match(await hands.text('#compare-sources'), /prediction of this editor's model, re-thresholded \(the evaluated file .* has no probability map\)/, 'whose prediction is shown now');
    await hands.click('#compare-reset');
    assert.equal(await waitFor('the prediction as evaluated again', () => hands.text('#count-fp'), (t) => t.trim() === String(worst.falsePositives)), String(worst.falsePositives));
  });

  it('Next in compare mode follows the view\'s order (here sorted by name), not the report\'s worst first', async () => {
    const report = JSON.parse(fs.readFileSync(path.join(`${images}-evaluation`, 'evaluation.json'), 'utf8')) as { images: { image: string; dice: number }[] };
    const names = report.images.map((i) => path.basename(i.image));
    const byName = [...names].sort(new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare);
    const worstFirst = [...report.images].sort((a, b) => a.dice - b.dice).map((i) => path.basename(i.image));
    // Name order, one way or the other, so that the case after the first is not the one worst first would give.
    const descending = worstFirst[worstFirst.indexOf(byName[0]!) + 1] === byName[1];
    const order = descending ? [...byName].reverse() : byName;
    const view = new ViewHands('SegNetr failures: images');
    await view.click('button[data-sort="name"]');
    if (descending) await view.click('button[data-sort="name"]');
    await waitFor('the view sorted by name', () => view.text('#cases tbody tr[data-index] th'), (t) => t.trim() === order[0]);
    await view.press('#cases tbody tr[data-index]', 'Enter');
    await waitFor('the first case in compare mode', activeMaskEditorUri, (uri) => uri !== undefined && path.basename(uri) === order[0]);
    const hands = new EditorHands(order[0]!);
    await hands.waitUntilShown();
    await hands.press('n');
    await waitFor(`Next: ${order[1]} (worst first would give ${worstFirst[worstFirst.indexOf(order[0]!) + 1]})`, activeMaskEditorUri, (uri) => uri !== undefined && path.basename(uri) === order[1]);
  });

  it('shows the report again when its file is written again (a CLI re-run), keeping the view', async () => {
    const written = path.join(`${images}-evaluation`, 'evaluation.json');
    const before = fs.readFileSync(written);
    const report = JSON.parse(before.toString('utf8')) as { model: { name: string } };
    const view = new ViewHands('SegNetr failures: images');
    try {
      fs.writeFileSync(`${written}.tmp`, JSON.stringify({ ...report, model: { ...report.model, name: 'Re-run Model' } }));
      fs.renameSync(`${written}.tmp`, written); // as the CLI writes it: atomically
      await waitFor('the new report in the view', () => view.text('#meta'), (t) => t.includes('model Re-run Model'), 30_000);
    } finally {
      fs.writeFileSync(written, before);
    }
  });

  it('Evaluate Folder run again shows the new report in the same view, its filters kept', async () => {
    const view = new ViewHands('SegNetr failures: images');
    for (const key of ['0', '.', '9']) await view.press('#dice-below', key);
    const filtered = await waitFor('the Dice filter applied', () => view.text('#shown'), (t) => /^(\d+) of (\d+) image/.test(t) && t.split(' ')[0] !== t.split(' ')[2]);
    const outcome = await vscode.commands.executeCommand<EvaluateOutcome | undefined>('segnetr.evaluateFolder', vscode.Uri.file(images), { gtDir, predDir });
    assert.ok(outcome?.reportDir);
    assert.equal((await segnetrApi()).failureViews().length, 1, 'one view of the folder');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await view.text('#shown'), filtered, 'the same rows shown, through the same filter');
  });

  it('marks a case whose ground truth is saved in compare mode, also after the view\'s page is rebuilt', async () => {
    const written = path.join(`${images}-evaluation`, 'evaluation.json');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('segnetr.openEvaluationReport', vscode.Uri.file(written));
    const view = new ViewHands('SegNetr failures: images');
    await view.waitFor('#cases tbody tr[data-index]');
    const first = (await view.text('#cases tbody tr[data-index] th')).trim();
    const file = path.join(gtDir, `${path.parse(first).name}.png`);
    const before = fs.readFileSync(file);
    const review = path.join(gtDir, '.segnetr', 'review.tsv');
    const reviewBefore = fs.existsSync(review) ? fs.readFileSync(review) : undefined;
    let secondFile: string | undefined;
    let secondBefore: Buffer | undefined;
    try {
      await view.press('#cases tbody tr[data-index]', 'Enter');
      const hands = new EditorHands(first);
      await hands.waitUntilShown();
      await hands.click('#use-prediction');
      await waitFor('the edit', () => vscode.window.tabGroups.activeTabGroup.activeTab?.isDirty, (dirty) => dirty === true);
      await vscode.commands.executeCommand('workbench.action.files.save');
      await waitFor('the case marked', () => view.text('#meta'), (meta) => /1 ground-truth mask\(s\) changed since this evaluation/.test(meta), 30_000);
      assert.equal((await view.text('#cases tbody tr.gt-changed th')).replace('✎', '').trim(), first);
      // Recorded as edited, naming the model whose prediction it started from: a prediction file's is not known.
      const row = fs.readFileSync(review, 'utf8').split('\n').find((line) => line.startsWith(`${first}\t`));
      assert.match(row ?? '', new RegExp(`^${first.replace(/\./g, '\\.')}\tedited\t-\t-\t`), row);
      // The view's tab hidden behind another and shown again: its page is rebuilt, and the host marks the case again.
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor'); // the compare editor
      const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview));
      assert.ok(group, 'the failure view tab');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(written), { viewColumn: group.viewColumn, preview: false });
      await vscode.commands.executeCommand('workbench.action.previousEditorInGroup');
      await new ViewHands('SegNetr failures: images').waitFor('#cases tbody tr.gt-changed');
      // Another program changes another case's ground truth: the report's hash of the file tells, when the view
      // shows the report again (opened once more: its marks are made afresh from the files).
      const second = (await view.text('#cases tbody tr[data-index]:nth-child(2) th')).replace('✎', '').trim();
      secondFile = path.join(gtDir, `${path.parse(second).name}.png`);
      secondBefore = fs.readFileSync(secondFile);
      fs.writeFileSync(secondFile, before);
      await vscode.commands.executeCommand('segnetr.openEvaluationReport', vscode.Uri.file(written));
      await waitFor('both cases marked', () => view.text('#meta'), (meta) => /2 ground-truth mask\(s\) changed since this evaluation/.test(meta), 30_000);
      const marked = (await view.text('#cases tbody')).split('✎').length - 1;
      assert.equal(marked, 2, 'the saved case and the one changed by another program');
    } finally {
      if (secondFile !== undefined && secondBefore !== undefined) fs.writeFileSync(secondFile, secondBefore);
      fs.writeFileSync(file, before);
      if (reviewBefore === undefined) fs.rmSync(review, { force: true });
      else fs.writeFileSync(review, reviewBefore);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('says at once when the evaluated folders are not there any more, instead of failing case by case', async () => {
    const written = path.join(`${images}-evaluation`, 'evaluation.json');
    const report = JSON.parse(fs.readFileSync(written, 'utf8')) as { imagesDir: string; images: { image: string }[] };
    const elsewhere = path.join(path.dirname(images), 'moved-report');
    fs.mkdirSync(elsewhere, { recursive: true });
    const copy = path.join(elsewhere, 'evaluation.json');
    // A report of an images folder that has since been renamed: its folder and rows name renamed-images.
    const renamed = path.join(path.dirname(images), 'renamed-images');
    const rows = report.images.map((row) => ({ ...row, image: path.join(renamed, path.basename(row.image)) }));
    fs.writeFileSync(copy, JSON.stringify({ ...report, imagesDir: renamed, images: rows }));
    await vscode.commands.executeCommand('segnetr.openEvaluationReport', vscode.Uri.file(copy));
    const view = new ViewHands('SegNetr failures: renamed-images');
    await view.waitFor('#banner:not([hidden])');
    assert.match(await view.text('#banner'), /the images folder .*renamed-images of this evaluation is not there any more/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a case the evaluation predicted with another model says the prediction shown is the current model\'s', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const written = path.join(`${images}-evaluation`, 'evaluation.json');
    const report = JSON.parse(fs.readFileSync(written, 'utf8')) as { predDir?: string; model: { sha256: string }; images: Record<string, unknown>[] };
    // The same cases as predicted by a model (no prediction files), a model other than the one the editor runs.
    const rows = report.images.map(({ predictionFile: _file, ...row }) => ({ ...row, prediction: 'model' }));
    const { predDir: _pred, ...rest } = report;
    const elsewhere = path.join(path.dirname(images), 'other-model-report');
    fs.mkdirSync(elsewhere, { recursive: true });
    const copy = path.join(elsewhere, 'evaluation.json');
    fs.writeFileSync(copy, JSON.stringify({ ...rest, model: { ...report.model, sha256: 'f'.repeat(64) }, images: rows }));
    await vscode.commands.executeCommand('segnetr.openEvaluationReport', vscode.Uri.file(copy));
    const view = new ViewHands('SegNetr failures: images');
    await view.waitFor('#cases tbody tr[data-index]');
    const first = (await view.text('#cases tbody tr[data-index] th')).trim();
    await view.press('#cases tbody tr[data-index]', 'Enter');
    const hands = new EditorHands(first);
    await hands.waitUntilShown();
    await waitFor('the warning', () => hands.text('#banner-text'), (t) => /evaluated with another model \(tiny-segnetr, sha256 ffffffffffff…\)/.test(t), 60_000);
    // A person's fix of the ground truth, saved, names no model: the mask did not start from the model's prediction
    // shown beside it (naming it made a later evaluation call the fix "edited from this model's prediction").
    const file = path.join(gtDir, `${path.parse(first).name}.png`);
    const before = fs.readFileSync(file);
    const review = path.join(gtDir, '.segnetr', 'review.tsv');
    const reviewBefore = fs.existsSync(review) ? fs.readFileSync(review) : undefined;
    try {
      await hands.drag([2, 2], [12, 2]);
      await waitFor('the stroke', () => vscode.window.tabGroups.activeTabGroup.activeTab?.isDirty, (dirty) => dirty === true);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const row = await waitFor('the decision', () => (fs.existsSync(review) ? fs.readFileSync(review, 'utf8') : '').split('\n').find((line) => line.startsWith(`${first}\t`)), (line) => line !== undefined);
      assert.match(row!, /\tedited\t-\t-\t/);
    } finally {
      fs.writeFileSync(file, before);
      if (reviewBefore === undefined) fs.rmSync(review, { force: true });
      else fs.writeFileSync(review, reviewBefore);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('Review Most Uncertain First opens the most uncertain image; Next follows the order', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const outcome = await vscode.commands.executeCommand<ReviewUncertainOutcome | undefined>('segnetr.reviewUncertainFirst', vscode.Uri.file(images), { source: 'model' });
    assert.ok(outcome, 'an order');
    assert.equal(outcome.source, 'model');
    assert.equal(outcome.order.length, cases.length);
    const scores = outcome.order.map((image) => outcome.scores.get(path.basename(image))!);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'most uncertain first');
    await waitFor('the most uncertain image in the editor', () => activeMaskEditorUri(), (uri) => uri === outcome.order[0]);
    await new EditorHands(path.basename(outcome.order[0]!)).waitUntilShown();
    await vscode.commands.executeCommand('segnetr.editor.next');
    await waitFor('Next to follow the order', () => activeMaskEditorUri(), (uri) => uri === outcome.order[1]);
  });
});
