// After the harness reloaded the workbench (asked for by maskEditor.test.ts): VS Code reopens the mask editor
// that had unsaved edits from its hot-exit backup; the document is dirty, holds exactly the unsaved strokes, and
// Ctrl+S writes them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EditorHands, editorState, segnetrApi, sha256, waitFor } from './editorDriver';
import { describeDifference, loadRestoreExpectation, maskWith } from './editorExpectations';
import { decodeGray8 } from './images';

describe('mask editor after a reload (hot exit)', function () {
  this.timeout(3 * 60_000);

  it('restores the unsaved strokes from the backup; saving writes them', async () => {
    await segnetrApi();
    const expected = loadRestoreExpectation();
    const uri = vscode.Uri.file(expected.imagePath);
    const mask = maskWith(expected.width, expected.height, expected.strokes);
    const restored = await waitFor('the restored editor', () => editorState(uri), (s) => s !== undefined, 90_000);
    assert.equal(restored!.restoreProblem, undefined, 'the backup was readable');
    assert.equal(restored!.source, 'backup', 'VS Code reopened the editor with its backup');
    assert.equal(restored!.dirty, true, 'restored edits are unsaved');
    assert.equal(restored!.maskSha256, sha256(mask), 'the restored mask is the one backed up');
    assert.ok(!fs.existsSync(expected.labelPath), 'nothing was written before the person saves');

    const hands = new EditorHands(path.basename(expected.imagePath));
    await hands.waitUntilShown();
    await hands.press('Control+s');
    await waitFor('a clean document after save', () => editorState(uri), (s) => s?.dirty === false);
    const png = decodeGray8(fs.readFileSync(expected.labelPath));
    assert.equal(describeDifference(png.pixels, mask, expected.width), 'identical');
  });
});
