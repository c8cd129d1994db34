// `segnetr.prelabelFolder(folderUri, { existingLabels })` on a folder of fixture images: one single-channel 8-bit
// PNG per image in `<folder>/../masks/<name>.png`, the same size as the image, and a PrelabelSummary back.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { config } from './context';
import { assertSummaryShape, EXTENSION_ID, listImages, maskPathFor, prelabel, useFixtureModel } from './helpers';
import { decodeGray8, pngHeader, readImageSize } from './images';

describe('pre-label a folder', function () {
  this.timeout(5 * 60_000);
  let images: string[] = [];
  let labelsDir = '';

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await useFixtureModel();
    images = listImages(config().imagesDir);
    assert.ok(images.length >= 3, `fixture images in ${config().imagesDir}`);
    labelsDir = path.resolve(config().imagesDir, '..', 'masks');
    fs.rmSync(labelsDir, { recursive: true, force: true });
  });

  it('writes one single-channel 8-bit mask per image into ../masks and returns a summary', async () => {
    const s = await prelabel(config().imagesDir, 'skip');
    assertSummaryShape(s);
    assert.deepEqual(s.failed, [], `failures: ${JSON.stringify(s.failed)}`);
    assert.equal(s.cancelled, false);
    assert.equal(s.total, images.length);
    assert.equal(s.written, images.length);
    assert.equal(s.skipped, 0);
    assert.equal(path.resolve(s.labelsDir), labelsDir);
    const written = fs.readdirSync(labelsDir).filter((f) => !f.startsWith('.')).sort();
    assert.deepEqual(written, images.map((i) => path.basename(maskPathFor(labelsDir, i))).sort(), 'exactly one mask per image');
    for (const image of images) {
      const mask = maskPathFor(labelsDir, image);
      const buf = fs.readFileSync(mask);
      const h = pngHeader(buf);
      const size = readImageSize(image);
      const name = path.basename(image);
      assert.equal(h.colorType, 0, `${name}: mask colour type is 0 (grayscale)`);
      assert.equal(h.bitDepth, 8, `${name}: mask bit depth is 8`);
      assert.deepEqual({ width: h.width, height: h.height }, size, `${name}: mask is the image's size`);
      decodeGray8(buf); // the whole file decodes, not just its header
    }
    // No temp files left behind by the atomic writes.
    assert.deepEqual(fs.readdirSync(labelsDir).filter((f) => !f.endsWith('.png') && f !== '.segnetr'), []);
  });

  it("existingLabels: 'skip' leaves every existing label file untouched", async () => {
    const human = maskPathFor(labelsDir, images[0]);
    const sentinel = fs.readFileSync(path.join(config().imagesDir, '..', 'ground-truth', path.basename(human)));
    fs.writeFileSync(human, sentinel);
    const before = images.map((i) => fs.readFileSync(maskPathFor(labelsDir, i)));
    const s = await prelabel(config().imagesDir, 'skip');
    assertSummaryShape(s);
    assert.equal(s.total, images.length);
    assert.equal(s.written, 0);
    assert.equal(s.skipped, images.length);
    assert.deepEqual(s.failed, []);
    images.forEach((image, k) => {
      assert.ok(fs.readFileSync(maskPathFor(labelsDir, image)).equals(before[k]), `${path.basename(image)} unchanged`);
    });
  });

  it("existingLabels: 'overwrite' replaces them", async () => {
    const human = maskPathFor(labelsDir, images[0]);
    const sentinel = fs.readFileSync(human);
    const s = await prelabel(config().imagesDir, 'overwrite');
    assertSummaryShape(s);
    assert.equal(s.written, images.length);
    assert.equal(s.skipped, 0);
    assert.deepEqual(s.failed, []);
    assert.ok(!fs.readFileSync(human).equals(sentinel) || images.length === 0, 'the hand-made label was replaced by a prediction');
  });

  it('refuses several folders selected in the Explorer instead of pre-labeling only the one clicked', async () => {
    const before = fs.readdirSync(labelsDir).map((name) => [name, fs.statSync(path.join(labelsDir, name)).mtimeMs]);
    const folder = vscode.Uri.file(config().imagesDir);
    // What VS Code passes for an Explorer context command: the folder clicked, then every folder selected.
    const outcome = await vscode.commands.executeCommand('segnetr.prelabelFolder', folder, [folder, vscode.Uri.file(path.dirname(config().imagesDir))]);
    assert.equal(outcome, undefined);
    assert.deepEqual(fs.readdirSync(labelsDir).map((name) => [name, fs.statSync(path.join(labelsDir, name)).mtimeMs]), before, 'nothing written');
  });
});
