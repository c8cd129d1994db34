// The mask editor's document model (no vscode): where the mask comes from, edits with undo/redo and the save
// point, saving, reloading, and hot-exit backups that hold only the unsaved steps. Expected masks are literal
// grids written by hand.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { predictionPaths, writePredictionRecord } from '../../src/core/predictionRecord';
import { maxPngFileBytes } from '../../src/core/readPngOfSize';
import { MaskDocumentError, sha256Of } from '../../src/editor/baseMask';
import { keepUnrestoredBackup } from '../../src/editor/maskBackup';
import { ChangedDuringEditError, EditedDuringReloadError, MaskDocument } from '../../src/editor/maskDocument';
import { saveMask } from '../../src/editor/saveMask';
import { encodeLabelPng } from '../../src/mask/labelPng';
import type { MaskOperation } from '../../src/mask/types';
import { runsOnCodecThread } from '../../src/mask/wholeImage';
import type { LabelCodec } from '../../src/common/labelCodecProtocol';
import type { ModelOutput } from '../../src/model/card';
import { inPlaceCodec } from './inPlaceCodec';
import { assertGrid, grid } from './maskGrid';
import { pngHeaderOnly, rawPng } from './pngBytes';
import { useTempDir } from './tempDir';

const EMPTY_7x5 = ['.......', '.......', '.......', '.......', '.......'];
/** A radius-1.2 stroke from pixel (1, 2) to pixel (4, 2): centres within 1.2 px of the segment (1.5,2.5)-(4.5,2.5). */
const STROKE: MaskOperation = { kind: 'stroke', points: [1.5, 2.5, 4.5, 2.5], radius: 1.2, classIndex: 1 };
const AFTER_STROKE = ['.......', '.1111..', '111111.', '.1111..', '.......'];
const FILL_CORNER: MaskOperation = { kind: 'fill', x: 0, y: 0, classIndex: 2 };

/** Marks the current mask saved as an in-place save would; returns the label's bytes. */
async function saveNow(doc: MaskDocument): Promise<Buffer> {
  const snapshot = await doc.snapshot();
  const bytes = encodeLabelPng(snapshot.data, snapshot.width, snapshot.height, 'index');
  assert.ok(doc.markSaved(snapshot, bytes, 'index'));
  return bytes;
}

describe('mask document', () => {
  const tmp = useTempDir('maskdoc');
  const codec = inPlaceCodec();

  function files(width = 7, height = 5) {
    const images = path.join(tmp.path, 'images');
    const labelsDir = path.join(tmp.path, 'masks');
    mkdirSync(images, { recursive: true });
    const imagePath = path.join(images, 'a.jpg');
    writeFileSync(imagePath, pngHeaderOnly(width, height)); // the header is all the document reads of the image
    return { imagePath, labelPath: path.join(labelsDir, 'a.png'), labelsDir };
  }

  function writeLabel(labelPath: string, rows: readonly string[], format: 'index' | 'binary255' = 'index'): Buffer {
    const g = grid(rows);
    const bytes = encodeLabelPng(g.data, g.width, g.height, format);
    mkdirSync(path.dirname(labelPath), { recursive: true });
    writeFileSync(labelPath, bytes);
    return bytes;
  }

  it('opens an image without label or prediction as an empty, clean mask', async () => {
    const doc = await MaskDocument.open(files(), { classCount: 3, codec });
    assertGrid(doc.raster, EMPTY_7x5);
    assert.deepEqual([doc.source, doc.isDirty, doc.hasStoredProbability], ['empty', false, false]);
  });

  it('opens the label file when there is one (0/255 read as classes of a two-class model)', async () => {
    const f = files();
    writeLabel(f.labelPath, ['.......', '..1....', '.......', '.......', '......1'], 'binary255');
    const doc = await MaskDocument.open(f, { classCount: 2, codec });
    assertGrid(doc.raster, ['.......', '..1....', '.......', '.......', '......1']);
    assert.equal(doc.source, 'label');
  });

  it('remembers the format the label file stores its classes in, so a save writes it again (0/255 stays 0/255)', async () => {
    const f = files();
    const formatOf = async (rows: readonly string[], format: 'index' | 'binary255', classCount: number) => {
      writeLabel(f.labelPath, rows, format);
      return (await MaskDocument.open(f, { classCount, codec })).labelFileFormat;
    };
    const dot = ['.......', '..1....', '.......', '.......', '.......'];
    assert.equal(await formatOf(dot, 'binary255', 2), 'binary255');
    assert.equal(await formatOf(dot, 'index', 2), 'index');
    assert.equal(await formatOf(EMPTY_7x5, 'binary255', 2), undefined, 'an all-0 file looks the same in both: the setting decides');
    assert.equal(await formatOf(['.......', '..2....', '.......', '.......', '.......'], 'index', 3), 'index');
    rmSync(f.labelPath);
    const doc = await MaskDocument.open(f, { classCount: 2, codec });
    assert.equal(doc.labelFileFormat, undefined, 'no file yet: the setting decides');
    doc.apply(STROKE);
    const snapshot = await doc.snapshot();
    assert.ok(doc.markSaved(snapshot, encodeLabelPng(snapshot.data, 7, 5, 'binary255'), 'binary255'));
    assert.equal(doc.labelFileFormat, 'binary255', 'after a save: the format it was written in');
  });

  it('without a label, starts from the stored prediction thresholded as its record says', async () => {
    const f = files(4, 2);
    const output: ModelOutput = { activation: 'sigmoid', channels: 1, threshold: 0.5 };
    // Probabilities x 255: 127 is below 0.5, 128 above.
    const probability = Uint8Array.from([0, 127, 128, 255, 200, 10, 130, 90]);
    await writePredictionRecord(f.labelsDir, f.imagePath, { width: 4, height: 2, mask: new Uint8Array(8), probability }, { id: 'm', sha256: 'abc' }, output);
    const doc = await MaskDocument.open(f, { classCount: 2, codec });
    assertGrid(doc.raster, ['..11', '1.1.']);
    assert.deepEqual([doc.source, doc.hasStoredProbability, doc.predictionModel], ['prediction', true, { id: 'm', sha256: 'abc' }]);
    assert.deepEqual(doc.probability?.probability, probability);
  });

  it('a ground-truth document (compare mode) ignores a pre-label record in its folder, also after a reload', async () => {
    const f = files(4, 2);
    const output: ModelOutput = { activation: 'sigmoid', channels: 1, threshold: 0.5 };
    await writePredictionRecord(f.labelsDir, f.imagePath, { width: 4, height: 2, mask: new Uint8Array(8), probability: new Uint8Array(8).fill(250) }, { id: 'prelabel', sha256: 'abc' }, output);
    writeLabel(f.labelPath, ['....', '....']);
    const doc = await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true });
    assert.deepEqual([doc.probability, doc.hasStoredProbability, doc.storedThreshold, doc.predictionModel], [undefined, false, undefined, undefined]);
    const shown = { probability: new Uint8Array(8).fill(3), classes: null };
    doc.probability = shown; // the compare case's own map (the model run compare mode shows)
    await doc.reload();
    assert.equal(doc.probability, shown, 'a revert keeps the map the page shows');
    // The ground-truth file deleted on disk: an empty mask, not the pre-label job's prediction.
    rmSync(f.labelPath);
    await doc.reload();
    assert.equal(doc.source, 'empty');
    assertGrid(doc.raster, ['....', '....']);
  });

  it('writes a prediction\'s map and record all or none: a record that cannot be replaced leaves the old map too', async () => {
    const f = files(4, 2);
    const output: ModelOutput = { activation: 'sigmoid', channels: 1, threshold: 0.5 };
    const old = Uint8Array.from([0, 127, 128, 255, 200, 10, 130, 90]);
    await writePredictionRecord(f.labelsDir, f.imagePath, { width: 4, height: 2, mask: new Uint8Array(8), probability: old }, { id: 'old', sha256: 'abc' }, output);
    const paths = predictionPaths(f.labelsDir, f.imagePath);
    const oldMap = readFileSync(paths.probability);
    rmSync(paths.record);
    mkdirSync(paths.record); // in the way of the new record
    const next = { width: 4, height: 2, mask: new Uint8Array(8), probability: new Uint8Array(8).fill(255) };
    await assert.rejects(writePredictionRecord(f.labelsDir, f.imagePath, next, { id: 'new', sha256: 'def' }, output));
    assert.deepEqual(readFileSync(paths.probability), oldMap, 'the old map, not the new one beside no new record');
  });

  it('stores and finds the prediction of an image whose name is too long for the record files\' suffixes', async () => {
    const images = path.join(tmp.path, 'images');
    mkdirSync(images, { recursive: true });
    const long = `${'é'.repeat(120)}${'x'.repeat(11)}`; // 251 bytes: its label fits in 255, '.classes.png' would not
    const imagePath = path.join(images, `${long}.jpg`);
    writeFileSync(imagePath, pngHeaderOnly(4, 2));
    const f = { imagePath, labelPath: path.join(tmp.path, 'masks', `${long}.png`), labelsDir: path.join(tmp.path, 'masks') };
    const output: ModelOutput = { activation: 'softmax', channels: 3 };
    const mask = Uint8Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
    await writePredictionRecord(f.labelsDir, f.imagePath, { width: 4, height: 2, mask, probability: new Uint8Array(8).fill(200) }, { id: 'm', sha256: 'abc' }, output);
    const written = readdirSync(path.join(f.labelsDir, '.segnetr', 'predictions'));
    assert.equal(written.length, 3);
    for (const name of written) assert.ok(Buffer.byteLength(name) <= 255 && name.startsWith('é'), name);
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    assert.deepEqual([doc.source, doc.hasStoredProbability], ['prediction', true]);
    assert.deepEqual(doc.raster.data, mask);
  });

  it('does not decode a stored probability map whose header has another size than its record; opens empty and says why', async () => {
    const f = files(4, 2);
    const output: ModelOutput = { activation: 'sigmoid', channels: 1, threshold: 0.5 };
    await writePredictionRecord(f.labelsDir, f.imagePath, { width: 4, height: 2, mask: new Uint8Array(8), probability: new Uint8Array(8) }, { id: 'm', sha256: 'abc' }, output);
    const map = path.join(f.labelsDir, '.segnetr', 'predictions', 'a.prob.png');
    writeFileSync(map, Buffer.concat([pngHeaderOnly(16384, 16384), Buffer.alloc(64, 0xab)]));
    const lines: string[] = [];
    const doc = await MaskDocument.open(f, { classCount: 2, codec, log: (line) => lines.push(line) });
    assert.equal(doc.source, 'empty');
    assert.ok(lines.some((line) => line.includes(`${map} is 16384 x 16384, but its record says 4 x 2`)), lines.join('\n'));
  });

  it('an empty ground-truth mask takes its format from its folder\'s other masks (0/255 stays 0/255 when a lesion is drawn)', async () => {
    const f = files();
    writeLabel(f.labelPath, EMPTY_7x5);
    writeLabel(path.join(f.labelsDir, 'b.png'), AFTER_STROKE, 'binary255');
    const gt = await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true });
    assert.equal(gt.labelFileFormat, 'binary255');
    assert.equal((await MaskDocument.open(f, { classCount: 2, codec })).labelFileFormat, undefined, 'a labels folder: the setting decides');
    writeLabel(path.join(f.labelsDir, 'b.png'), AFTER_STROKE, 'index');
    assert.equal((await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true })).labelFileFormat, 'index');
  });

  it('opens a 1-bit label or ground truth read-only (saving would rewrite it as 8-bit 0/1); a palette one stays writable', async () => {
    const f = files(8, 2);
    const samples = [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0];
    mkdirSync(f.labelsDir, { recursive: true });
    writeFileSync(f.labelPath, rawPng({ width: 8, height: 2, bitDepth: 1, colorType: 0, samples }));
    const oneBit = await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true });
    assert.match(oneBit.readOnlyReason ?? '', /a 1-bit PNG, and saving would rewrite it as 8-bit grey holding 0\/1/);
    assert.match((await MaskDocument.open(f, { classCount: 2, codec })).readOnlyReason ?? '', /the label is a 1-bit PNG/, 'also in the ordinary editor (a labels folder that is the ground truth)');
    writeFileSync(f.labelPath, rawPng({ width: 8, height: 2, bitDepth: 8, colorType: 3, samples, palette: [[0, 0, 0], [255, 255, 255]] }));
    const palette = await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true });
    assert.equal(palette.readOnlyReason, undefined, 'its indices stay the grey values');
  });

  it('opens ground truth the evaluation scores but the editor could not write back alike read-only, and never saves it', async () => {
    const f = files();
    /** An 8-bit grey PNG of `rows` (digits; '!' = 255), written as stored (no 0/255 conversion). */
    const writePng = (rows: readonly string[]): void => {
      const png = new PNG({ width: 7, height: 5, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
      png.data = Buffer.from(rows.join('').split('').map((c) => (c === '!' ? 255 : c === '.' ? 0 : Number(c))));
      mkdirSync(f.labelsDir, { recursive: true });
      writeFileSync(f.labelPath, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 }));
    };
    writePng(['.......', '..!....', '.......', '.......', '......1']); // 0, 1 and 255 mixed: the evaluation reads 1 and 255 as foreground
    await assert.rejects(MaskDocument.open(f, { classCount: 2, codec }), /Cannot edit the label .*a\.png: pixel value 255 at \(2, 1\) is not a class/);
    const mixed = await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true });
    assertGrid(mixed.raster, ['.......', '..1....', '.......', '.......', '......1']);
    assert.match(mixed.readOnlyReason ?? '', /^the ground-truth mask is shown as the evaluation reads it, but saving would rewrite it in another form \(pixel value 255/);
    const before = readFileSync(f.labelPath);
    mixed.apply(STROKE);
    await assert.rejects(saveMask(mixed, codec, 'index'), /^Error: Did not save .*a\.png: the ground-truth mask is shown as the evaluation reads it/);
    assert.deepEqual(readFileSync(f.labelPath), before);
    // Four classes, 255 = a pixel to ignore: kept as 255, which compare mode draws as neither right nor wrong.
    writePng(['.......', '..3....', '.......', '...!...', '.......']);
    const ignoring = await MaskDocument.open(f, { classCount: 4, codec, groundTruth: true });
    assert.deepEqual([ignoring.raster.data[2 + 7], ignoring.raster.data[3 + 3 * 7]], [3, 255]);
    assert.ok(ignoring.readOnlyReason !== undefined);
    // What the editor can write back alike stays editable.
    writeLabel(f.labelPath, ['.......', '..1....', '.......', '.......', '.......']);
    assert.equal((await MaskDocument.open(f, { classCount: 2, codec, groundTruth: true })).readOnlyReason, undefined);
  });

  it('refuses a label of another size than its image, naming both files', async () => {
    const f = files();
    writeLabel(f.labelPath, ['...', '...']);
    await assert.rejects(MaskDocument.open(f, { classCount: 2, codec }), (e: Error) => {
      assert.ok(e instanceof MaskDocumentError);
      assert.match(e.message, /masks\/a\.png is 3 x 2 but its image .*a\.jpg is 7 x 5/);
      return true;
    });
  });

  it('judges a label file by its header before reading the rest: size, format and a size no label can have', async () => {
    const f = files();
    mkdirSync(f.labelsDir, { recursive: true });
    const refused = async (bytes: Buffer, reason: RegExp): Promise<void> => {
      writeFileSync(f.labelPath, bytes);
      await assert.rejects(MaskDocument.open(f, { classCount: 2, codec }), (e: Error) => e instanceof MaskDocumentError && e.message.includes(f.labelPath) && reason.test(e.message));
    };
    // A huge-image header over bytes no decoder could read: refused for its size, never decoded.
    await refused(Buffer.concat([pngHeaderOnly(16384, 16384), Buffer.alloc(64, 0xab)]), /is 16384 x 16384 but its image .*a\.jpg is 7 x 5/);
    await refused(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]), /it is a JPEG file, not a PNG/);
    await refused(Buffer.from('not a picture at all\n'), /Cannot read the label .*not an image: the file contains text/);
    // The right header followed by far more bytes than a 7 x 5 label can take.
    await refused(Buffer.concat([pngHeaderOnly(7, 5), Buffer.alloc(maxPngFileBytes({ width: 7, height: 5 }))]), /over the .* limit/);
  });

  it('applies an edit, and undo / redo restore exactly the pixels before / after it', async () => {
    const doc = await MaskDocument.open(files(), { classCount: 3, codec });
    const edit = doc.apply(STROKE)!;
    assertGrid(doc.raster, AFTER_STROKE);
    assert.deepEqual(edit.rect, { x: 0, y: 1, width: 6, height: 3 });
    assert.ok(doc.isDirty);
    assert.deepEqual(edit.undo(), { x: 0, y: 1, width: 6, height: 3 });
    assertGrid(doc.raster, EMPTY_7x5);
    assert.ok(!doc.isDirty, 'back at the save point');
    edit.redo();
    assertGrid(doc.raster, AFTER_STROKE);
    assert.equal(doc.apply({ kind: 'stroke', points: [2.5, 2.5], radius: 0.5, classIndex: 1 }), undefined, 'painting a painted pixel changes nothing');
  });

  it('keeps whole-image edits packed in the undo history, and undo / redo still restore them exactly', async () => {
    const [width, height] = [1200, 900];
    const doc = await MaskDocument.open(files(width, height), { classCount: 2, codec });
    const probability = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) probability[y * width + x] = Math.max(0, 255 - Math.round(Math.hypot(x - 600, y - 450) / 2));
    }
    doc.probability = { probability, classes: null };
    const masks: Uint8Array[] = [doc.raster.data.slice()];
    const edits = [50, 128, 200, 80].map((threshold) => {
      const edit = doc.apply({ kind: 'threshold', threshold })!;
      masks.push(doc.raster.data.slice());
      return edit;
    });
    // Raw, each edit would keep two copies of its changed rectangle (about 3.6 MB for these four).
    const raw = edits.reduce((sum, edit) => sum + 2 * edit.rect.width * edit.rect.height, 0);
    assert.ok(doc.historyBytes * 50 < raw, `${doc.historyBytes} bytes of history where raw patches take ${raw}`);
    for (let i = edits.length - 1; i >= 0; i--) {
      edits[i]!.undo();
      assert.deepEqual(doc.raster.data, masks[i], `after undoing edit ${i}`);
    }
    for (const [i, edit] of edits.entries()) {
      edit.redo();
      assert.deepEqual(doc.raster.data, masks[i + 1], `after redoing edit ${i}`);
    }
  });

  it('runs a whole-image edit on the codec, as one undoable edit; one the mask changed under is not applied', async () => {
    const holed = ['.......', '.11111.', '.1...1.', '.11111.', '.......'];
    const f = files();
    writeLabel(f.labelPath, holed);
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const edit = (await doc.applyWholeImage({ kind: 'fillHoles', classIndex: 1 }))!;
    assertGrid(doc.raster, ['.......', '.11111.', '.11111.', '.11111.', '.......']);
    assert.deepEqual([edit.label, edit.rect, doc.isDirty], ['Fill Holes', { x: 2, y: 2, width: 3, height: 1 }, true]);
    edit.undo();
    assertGrid(doc.raster, holed);
    assert.equal(await doc.applyWholeImage({ kind: 'keepLargest', classIndex: 2 }), undefined, 'nothing of class 2 to change');

    // An undo lands while the clean-up runs: the clean-up's result would overwrite it, so it is dropped.
    const stroke = doc.apply(STROKE)!;
    const release = codec.holdWholeImage();
    const pending = doc.applyWholeImage({ kind: 'fillHoles', classIndex: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    stroke.undo();
    release();
    await assert.rejects(pending, (error: Error) => error instanceof ChangedDuringEditError && /changed while Fill Holes ran/.test(error.message));
    assertGrid(doc.raster, holed);
    assert.ok(!doc.isDirty, 'the dropped clean-up left no history');
  });

  it('replaces the mask through the codec as replaceMask does in place; an undo meanwhile does not lose the replacement', async () => {
    const f = files();
    const prediction = grid(['.......', '..111..', '.11111.', '..111..', '.......']).data;
    const inPlace = await MaskDocument.open(f, { classCount: 3, codec });
    inPlace.apply(STROKE);
    const expected = inPlace.replaceMask(prediction, 'Predict')!;
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const stroke = doc.apply(STROKE)!;
    const edit = (await doc.replaceMaskOffThread(prediction, 'Predict'))!;
    assert.deepEqual([edit.label, edit.rect], [expected.label, expected.rect]);
    assert.deepEqual(doc.raster.data, prediction);
    edit.undo();
    assertGrid(doc.raster, AFTER_STROKE);
    assert.equal(await doc.replaceMaskOffThread(doc.raster.data.slice(), 'Predict'), undefined, 'the same mask changes nothing');

    // The stroke is undone while the codec compares: the prediction still replaces the mask, as one edit.
    const release = codec.holdWholeImage();
    const pending = doc.replaceMaskOffThread(prediction, 'Predict');
    await new Promise((resolve) => setImmediate(resolve));
    stroke.undo();
    release();
    const late = (await pending)!;
    assert.deepEqual(doc.raster.data, prediction);
    late.undo();
    assertGrid(doc.raster, EMPTY_7x5);
  });

  it('knows while the mask holds a prediction put in as the label, edited after or not, and not after an undo past it', async () => {
    const f = files();
    const prediction = grid(['.......', '..111..', '.11111.', '..111..', '.......']).data;
    const model = { id: 'tiny', sha256: 'a'.repeat(64) };
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    assert.equal(doc.predictionInMask, undefined);
    const used = (await doc.replaceMaskOffThread(prediction, 'Use Prediction as Label', { model, asPredicted: true }))!;
    assert.deepEqual(doc.predictionInMask, model);
    await saveNow(doc);
    assert.deepEqual(doc.predictionInMask, model, 'a save keeps it');
    const stroke = doc.apply(FILL_CORNER)!;
    assert.deepEqual(doc.predictionInMask, model);
    stroke.undo();
    assert.deepEqual(doc.predictionInMask, model);
    used.undo();
    assert.equal(doc.predictionInMask, undefined, 'undone: the mask is the earlier one');
    used.redo();
    assert.deepEqual(doc.predictionInMask, model);
    used.undo();
    doc.apply(STROKE);
    assert.equal(doc.predictionInMask, undefined, 'cut off by a new edit');
    assert.ok(await doc.replaceMaskOffThread(prediction, 'Predict'));
    assert.equal(doc.predictionInMask, undefined, 'no model named: not a use of a prediction as the label');
  });

  it('tells a snapshot that is a prediction put in pixel for pixel (its newest edit) by a known model', async () => {
    const f = files();
    const prediction = grid(['.......', '..111..', '.11111.', '..111..', '.......']).data;
    const model = { id: 'tiny', sha256: 'a'.repeat(64) };
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    assert.equal(doc.predictionWritten(await doc.snapshot()), undefined, 'no edit');
    await doc.replaceMaskOffThread(prediction, 'Predict', { model, asPredicted: true });
    assert.deepEqual(doc.predictionWritten(await doc.snapshot()), model);
    const stroke = doc.apply(FILL_CORNER)!;
    assert.equal(doc.predictionWritten(await doc.snapshot()), undefined, 'an edit after it');
    stroke.undo();
    assert.deepEqual(doc.predictionWritten(await doc.snapshot()), model, 'that edit undone');
    assert.equal(doc.predictionWritten(await doc.snapshot(1)), undefined, 'a save leaving out the unannounced prediction');
    await doc.replaceMaskOffThread(grid(EMPTY_7x5).data, 'Use Prediction as Label', { model: { id: '-', sha256: '-' }, asPredicted: true });
    assert.equal(doc.predictionWritten(await doc.snapshot()), undefined, 'a prediction file: its maker is not known');
    await doc.replaceMaskOffThread(prediction, 'Use Prediction as Label', { model, asPredicted: false });
    assert.equal(doc.predictionWritten(await doc.snapshot()), undefined, 're-thresholded by a person: not the prediction as made');
    assert.deepEqual(doc.predictionInMask, model, 'still started from that model');
  });

  it('an undo that is not the next step does nothing (VS Code keeps entries a revert made stale)', async () => {
    const f = files();
    writeLabel(f.labelPath, EMPTY_7x5);
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const stroke = doc.apply(STROKE)!;
    const fill = doc.apply(FILL_CORNER)!;
    assert.equal(stroke.undo(), undefined, 'the fill must be undone first');
    assert.ok(fill.undo());
    await doc.reload();
    assertGrid(doc.raster, EMPTY_7x5);
    assert.ok(!doc.isDirty);
    assert.equal(stroke.undo(), undefined, 'a stale undo after revert changes nothing');
    assertGrid(doc.raster, EMPTY_7x5);
  });

  it('saving moves the save point; the bytes written are recognised as its own save', async () => {
    const f = files();
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const stroke = doc.apply(STROKE)!;
    const bytes = await saveNow(doc);
    assert.ok(!doc.isDirty);
    assert.ok(doc.isSavedState(bytes));
    assert.ok(!doc.isSavedState(encodeLabelPng(new Uint8Array(35), 7, 5, 'index')));
    stroke.undo();
    assert.ok(doc.isDirty, 'undoing past the save point is a change');
    stroke.redo();
    assert.ok(!doc.isDirty);
  });

  it('reloads a changed label file, forgetting the history', async () => {
    const f = files();
    writeLabel(f.labelPath, EMPTY_7x5);
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const stroke = doc.apply(STROKE)!;
    await saveNow(doc);
    const theirs = writeLabel(f.labelPath, ['2......', '.......', '.......', '.......', '......2']);
    assert.ok(!doc.isSavedState(theirs));
    await doc.reload({ labelBytes: theirs });
    assertGrid(doc.raster, ['2......', '.......', '.......', '.......', '......2']);
    assert.equal(stroke.undo(), undefined);
    assert.ok(!doc.isDirty);
  });

  it('a reload chosen for a clean mask changes nothing when a stroke comes while the file loads', async () => {
    const f = files();
    writeLabel(f.labelPath, EMPTY_7x5);
    const doc = await MaskDocument.open(f, { classCount: 3, codec });
    const theirs = writeLabel(f.labelPath, ['2......', '.......', '.......', '.......', '......2']);
    const reloading = doc.reload({ labelBytes: theirs, unlessChangedSince: doc.changeCount });
    const stroke = doc.apply(STROKE)!; // the person paints while the label is read and decoded
    await assert.rejects(reloading, EditedDuringReloadError);
    assertGrid(doc.raster, AFTER_STROKE);
    assert.ok(doc.isDirty);
    assert.ok(stroke.undo(), 'the stroke is still on the history');
    assertGrid(doc.raster, EMPTY_7x5);
    // Without a stroke meanwhile, the same reload loads their file.
    await doc.reload({ labelBytes: theirs, unlessChangedSince: doc.changeCount });
    assertGrid(doc.raster, ['2......', '.......', '.......', '.......', '......2']);
  });

  describe('backups hold only the unsaved steps', () => {
    async function roundTrip(doc: MaskDocument, f: ReturnType<typeof files>, classCount = 3): Promise<MaskDocument> {
      const restored = await MaskDocument.restore(f, await doc.backup(), 'test backup', { classCount, codec });
      assert.equal(restored.warning, undefined);
      assert.deepEqual(restored.document.raster.data, doc.raster.data, 'the restored mask equals the backed-up one');
      assert.ok(restored.document.isDirty, 'restored edits are unsaved');
      assert.equal(restored.document.source, 'backup');
      return restored.document;
    }

    it('replays a stroke of much work on the codec thread, as the editor applies it, not on the host\'s', async () => {
      const f = files(40, 100);
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      // 12,000 points up and down the whole height: 1.2 million rows of work (the codec thread's rule: 2^20).
      const points = Array.from({ length: 12_000 }, (_, i) => [20 + (i % 7), i % 2 === 0 ? 0.5 : 99.5]).flat();
      const big: MaskOperation = { kind: 'stroke', points, radius: 1, classIndex: 1 };
      assert.ok(runsOnCodecThread(big, 40, 100));
      doc.apply(big);
      let offThread = 0;
      const counting: LabelCodec = { ...codec, applyWholeImage: (...args) => (offThread++, codec.applyWholeImage(...args)) };
      const restored = await MaskDocument.restore(f, await doc.backup(), 'test backup', { classCount: 3, codec: counting });
      assert.equal(offThread, 1);
      assert.deepEqual(restored.document.raster.data, doc.raster.data);
    });

    it('replayable operations are stored as operations, not pixels', async () => {
      const f = files();
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.apply(STROKE);
      doc.apply(FILL_CORNER);
      const backup = JSON.parse(await doc.backup()) as { steps: unknown[]; base: unknown };
      assert.deepEqual(backup.steps, [{ op: STROKE }, { op: FILL_CORNER }]);
      assert.deepEqual(backup.base, { kind: 'empty', sha256: null });
      const restored = await roundTrip(doc, f);
      assertGrid(restored.raster, ['2222222', '2111122', '1111112', '2111122', '2222222']);
    });

    it('a Predict result and a threshold are stored as pixels; after save only later steps remain', async () => {
      const f = files();
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.replaceMask(grid(['1111...', '1111...', '.......', '.......', '.......']).data, 'Predict');
      doc.probability = { probability: new Uint8Array(35).fill(200), classes: null };
      doc.apply({ kind: 'threshold', threshold: 100 });
      const steps = (JSON.parse(await doc.backup()) as { steps: { rect?: unknown; op?: unknown }[] }).steps;
      assert.equal(steps.length, 2);
      assert.ok(steps.every((s) => s.rect !== undefined && s.op === undefined));
      assertGrid((await roundTrip(doc, f)).raster, ['1111111', '1111111', '1111111', '1111111', '1111111']);

      const saved = await saveNow(doc);
      mkdirSync(f.labelsDir, { recursive: true });
      writeFileSync(f.labelPath, saved);
      doc.apply({ kind: 'stroke', points: [0.5, 0.5], radius: 0.5, classIndex: 2 });
      const after = JSON.parse(await doc.backup()) as { steps: unknown[]; base: { kind: string } };
      assert.equal(after.steps.length, 1);
      assert.equal(after.base.kind, 'label');
      assertGrid((await roundTrip(doc, f)).raster, ['2111111', '1111111', '1111111', '1111111', '1111111']);
    });

    it('undoing past the save point and editing on keeps the way back to the saved state', async () => {
      const f = files();
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      const stroke = doc.apply(STROKE)!;
      const saved = await saveNow(doc);
      mkdirSync(f.labelsDir, { recursive: true });
      writeFileSync(f.labelPath, saved);
      stroke.undo(); // before the save point: the file has the stroke, the editor not
      doc.apply(FILL_CORNER); // a new branch: the saved state is no longer on the history
      assertGrid(doc.raster, ['2222222', '2222222', '2222222', '2222222', '2222222']);
      assert.ok(doc.isDirty);
      const steps = (JSON.parse(await doc.backup()) as { steps: { rect?: unknown; op?: unknown }[] }).steps;
      assert.equal(steps.length, 2, 'one step back (pixels), one forward (operation)');
      assert.ok(steps[0]!.rect !== undefined && steps[1]!.op !== undefined);
      await roundTrip(doc, f);
    });

    it('a label changed since the backup gets the steps replayed on it, with a warning', async () => {
      const f = files();
      writeLabel(f.labelPath, EMPTY_7x5);
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.apply(STROKE);
      const backup = await doc.backup();
      writeLabel(f.labelPath, ['......2', '.......', '.......', '.......', '.......']);
      const theirs = writeLabel(f.labelPath, ['......2', '.......', '.......', '.......', '.......']);
      const restored = await MaskDocument.restore(f, backup, 'test backup', { classCount: 3, codec });
      assert.match(restored.warning ?? '', /changed since your unsaved edits were backed up; .* saving asks before it replaces the file/);
      assertGrid(restored.document.raster, ['......2', ...AFTER_STROKE.slice(1)]);
      // Their file counts as changed by another program: a save asks first (the provider's Keep Mine / Load
      // Theirs), until the person chooses Keep Mine for it.
      const doc2 = restored.document;
      assert.ok(!doc2.isSavedFile(sha256Of(theirs)) && !doc2.maySaveOver(sha256Of(theirs)));
      // Backed up again before any save, it is still a backup of edits made on the old file.
      const again = await MaskDocument.restore(f, await doc2.backup(), 'second backup', { classCount: 3, codec });
      assert.ok(!again.document.maySaveOver(sha256Of(theirs)) && again.warning !== undefined);
      doc2.allowSavingOver(sha256Of(theirs));
      assert.ok(doc2.maySaveOver(sha256Of(theirs)));
      const saved = await saveNow(doc2);
      assert.ok(doc2.isSavedFile(sha256Of(saved)) && !doc2.isDirty);
    });

    it('refuses a backup of another label file (the labels folder setting changed since)', async () => {
      const f = files();
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.apply(STROKE);
      const backup = await doc.backup();
      const elsewhere = { ...f, labelsDir: path.join(path.dirname(f.labelsDir), 'annotations'), labelPath: path.join(path.dirname(f.labelsDir), 'annotations', path.basename(f.labelPath)) };
      await assert.rejects(MaskDocument.restore(elsewhere, backup, 'test backup', { classCount: 3, codec }), /test backup holds unsaved edits of the label .*masks.* but this editor's label is .*annotations/);
      // The person chose to apply them there (a kept copy, after the folder moved).
      const moved = await MaskDocument.restore(elsewhere, backup, 'test backup', { classCount: 3, codec, anyLabel: true });
      assertGrid(moved.document.raster, AFTER_STROKE);
    });

    it('edits restored onto a changed file that holds them already raise no question; a kept copy\'s question carries over', async () => {
      const f = files();
      writeLabel(f.labelPath, EMPTY_7x5);
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.apply(STROKE);
      const backup = await doc.backup();
      const pulled = writeLabel(f.labelPath, AFTER_STROKE); // e.g. a pull brought the same edits
      const same = await MaskDocument.restore(f, backup, 'test backup', { classCount: 3, codec });
      assert.equal(same.warning, undefined);
      assert.ok(!same.document.isDirty && same.document.maySaveOver(sha256Of(pulled)));
      // Their different file: the open document that takes a kept copy's pixels asks before replacing it too.
      const theirs = writeLabel(f.labelPath, ['......2', '.......', '.......', '.......', '.......']);
      const open = await MaskDocument.open(f, { classCount: 3, codec });
      const kept = await MaskDocument.restore(f, backup, 'kept copy', { classCount: 3, codec });
      assert.ok(open.maySaveOver(sha256Of(theirs)));
      open.takeRestoreMarker(kept.document);
      assert.ok(!open.maySaveOver(sha256Of(theirs)));
    });

    it('refuses a damaged or foreign backup with a reason', async () => {
      const f = files();
      const doc = await MaskDocument.open(f, { classCount: 3, codec });
      doc.apply(STROKE);
      const good = JSON.parse(await doc.backup()) as Record<string, unknown>;
      const cases: [unknown, RegExp][] = [
        ['not json', /not valid JSON/],
        [{ ...good, width: 8 }, /made for a 8 x 5 image, but the image is 7 x 5/],
        [{ ...good, steps: [{ op: { ...STROKE, classIndex: 9 } }] }, /classIndex must be an integer from 0 to 2/],
        [{ ...good, steps: [{ rect: { x: 5, y: 0, width: 5, height: 1 }, png: '' }] }, /neither an operation nor a rectangle of pixels inside the image/],
      ];
      for (const [backup, reason] of cases) {
        const text = typeof backup === 'string' ? backup : JSON.stringify(backup);
        await assert.rejects(MaskDocument.restore(f, text, 'test backup', { classCount: 3, codec }), reason);
      }
    });
  });
});

describe('a backup that cannot be restored', () => {
  const tmp = useTempDir('kept-backup');

  it('is kept as a copy under the image name and the time, never replacing an earlier copy', async () => {
    const dir = path.join(tmp.path, 'global-storage', 'unrestored-backups');
    const time = new Date('2026-12-03T10:11:12.345Z');
    const first = await keepUnrestoredBackup(dir, '/data/images/scan 1.jpg', '{"steps":[1]}', time);
    assert.equal(first, path.join(dir, 'scan 1.jpg.2026-12-03T10-11-12-345Z.segnetr-backup.json'));
    assert.equal(readFileSync(first, 'utf8'), '{"steps":[1]}');
    const second = await keepUnrestoredBackup(dir, '/data/images/scan 1.jpg', '{"steps":[2]}', time);
    assert.equal(second, path.join(dir, 'scan 1.jpg.2026-12-03T10-11-12-345Z-2.segnetr-backup.json'));
    assert.deepEqual([readFileSync(first, 'utf8'), readFileSync(second, 'utf8')], ['{"steps":[1]}', '{"steps":[2]}'], 'an earlier copy stays');
  });
});
