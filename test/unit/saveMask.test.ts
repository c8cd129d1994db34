// Saving a mask document while a person goes on editing (src/editor/saveMask.ts, documentFileQueue.ts): the
// file gets the mask as it was when the save started and only that becomes the saved state; saves of one
// document run one after the other; a failed encode or write leaves the document unsaved and the file as it was,
// naming the file; edits made during a save VS Code waits for are announced only after VS Code has the answer.
// Expected masks are literal grids.
import * as assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DocumentFileQueue } from '../../src/editor/documentFileQueue';
import { literalGlob } from '../../src/editor/literalGlob';
import { sha256Of } from '../../src/editor/baseMask';
import { MaskDocument } from '../../src/editor/maskDocument';
import { LabelChangedOnDiskError, type SaveTarget, fileTarget, saveMask, writeMaskSnapshot } from '../../src/editor/saveMask';
import { decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';
import { applyOperation } from '../../src/mask/operations';
import { createRaster } from '../../src/mask/raster';
import type { MaskOperation } from '../../src/mask/types';
import { codecThread } from './codecThread';
import { type InPlaceCodec, inPlaceCodec } from './inPlaceCodec';
import { assertGrid, grid, rows } from './maskGrid';
import { pngHeaderOnly } from './pngBytes';
import { useTempDir } from './tempDir';

const STROKE: MaskOperation = { kind: 'stroke', points: [1.5, 2.5, 4.5, 2.5], radius: 1.2, classIndex: 1 };
const AFTER_STROKE = ['.......', '.1111..', '111111.', '.1111..', '.......'];
const FILL_CORNER: MaskOperation = { kind: 'fill', x: 0, y: 0, classIndex: 2 };
const AFTER_STROKE_FILL = ['2222222', '2111122', '1111112', '2111122', '2222222'];
const EARLY: MaskOperation = { kind: 'stroke', points: [100, 2900, 2900, 100], radius: 20, classIndex: 1 };
const DOT: MaskOperation = { kind: 'stroke', points: [6.5, 4.5], radius: 0.5, classIndex: 2 };

/** Lets pending promise callbacks and I/O run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
/** Waits until `done()` holds (a busy machine can take long), failing the test with `what` after 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`waited 10 s for ${what}`);
    await settle();
  }
}
/** A save nobody waits on (no VS Code): nothing held back. */
const PLAIN = {} as const;

describe('saving a mask document', () => {
  const tmp = useTempDir('savemask');
  let codec: InPlaceCodec;
  beforeEach(() => {
    codec = inPlaceCodec();
  });
  /** The first save in flight has taken its snapshot (it reads the label on disk before, so not at once). */
  const untilSnapshot = () => until(() => codec.encodes >= 1, 'the save to take its snapshot');

  async function openDocument(labelRows?: readonly string[]): Promise<MaskDocument> {
    const images = path.join(tmp.path, 'images');
    const labelsDir = path.join(tmp.path, 'masks');
    mkdirSync(images, { recursive: true });
    const imagePath = path.join(images, 'a.jpg');
    writeFileSync(imagePath, pngHeaderOnly(7, 5));
    const labelPath = path.join(labelsDir, 'a.png');
    if (labelRows) {
      mkdirSync(labelsDir, { recursive: true });
      const g = grid(labelRows);
      writeFileSync(labelPath, encodeLabelPng(g.data, g.width, g.height, 'index'));
    }
    return MaskDocument.open({ imagePath, labelPath, labelsDir }, { classCount: 3, codec });
  }

  function labelOnDisk(doc: MaskDocument): string[] {
    return rows(decodeLabelPng(readFileSync(doc.files.labelPath), 3));
  }

  it('an edit made while the save is encoding stays unsaved; the file and the save point are the snapshot', async () => {
    const doc = await openDocument();
    doc.apply(STROKE);
    const release = codec.hold();
    const saving = saveMask(doc, codec, 'index', PLAIN);
    await untilSnapshot(); // the save reads the label on disk first
    const fill = doc.apply(FILL_CORNER)!; // the person goes on while the save runs
    release();
    const { bytes } = await saving;
    assert.deepEqual(labelOnDisk(doc), AFTER_STROKE, 'the file holds the mask as it was when the save started');
    assert.ok(doc.isSavedState(readFileSync(doc.files.labelPath)) && doc.isSavedState(bytes));
    assert.ok(doc.isDirty, 'the fill made during the save is not saved');
    assertGrid(doc.raster, AFTER_STROKE_FILL);
    fill.undo();
    assert.ok(!doc.isDirty, 'undoing the fill returns to the saved state');
    fill.redo();
    assert.ok(doc.isDirty);
  });

  it('undoing part of the snapshot during the save and editing on keeps the way back to what was saved', async () => {
    const doc = await openDocument();
    doc.apply(STROKE);
    const fill = doc.apply(FILL_CORNER)!;
    const release = codec.hold();
    const saving = saveMask(doc, codec, 'index', PLAIN);
    await untilSnapshot();
    fill.undo();
    doc.apply(DOT); // a new branch: the saved state (stroke + fill) is no longer on the history
    release();
    await saving;
    assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL);
    assert.ok(doc.isDirty);
    // The backup leads from the saved state to the current mask: restoring it gives the current mask.
    const restored = await MaskDocument.restore(doc.files, await doc.backup(), 'test backup', { classCount: 3, codec });
    assert.equal(restored.warning, undefined);
    assertGrid(restored.document.raster, ['.......', '.1111..', '111111.', '.1111..', '......2']);
  });

  it('two saves of one document never interleave: the second encodes and writes after the first has written', async () => {
    const doc = await openDocument();
    const queue = new DocumentFileQueue();
    const events: string[] = [];
    const options = {};
    const slowWrites: SaveTarget = {
      name: doc.files.labelPath,
      write: async (bytes) => {
        events.push(`write ${rows(decodeLabelPng(bytes, 3))[0]} start`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        mkdirSync(doc.files.labelsDir, { recursive: true });
        writeFileSync(doc.files.labelPath, bytes);
        events.push('write end');
      },
    };
    const save = () =>
      queue.run(async () => {
        events.push(`encode ${codec.encodes + 1}`);
        const written = await writeMaskSnapshot(doc, codec, 'index', slowWrites, options);
        doc.markSaved(written.snapshot, written.bytes, 'index');
      });
    doc.apply(STROKE);
    const first = save();
    doc.apply(FILL_CORNER); // before the first save started its work: the first save includes it
    const second = save();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['encode 1', 'write 2222222 start', 'write end', 'encode 2', 'write 2222222 start', 'write end']);
    assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL);
    assert.ok(!doc.isDirty);
  });

  it('a second save queued behind a slow one saves the edits made while the first ran', async () => {
    const doc = await openDocument();
    const queue = new DocumentFileQueue();
    doc.apply(STROKE);
    const release = codec.hold();
    const first = queue.run(() => saveMask(doc, codec, 'index', PLAIN));
    await untilSnapshot();
    doc.apply(FILL_CORNER);
    const second = queue.run(() => saveMask(doc, codec, 'index', PLAIN));
    await settle();
    assert.equal(codec.encodes, 1, 'the second save waits for the first');
    release();
    await Promise.all([first, second]);
    assert.equal(codec.encodes, 2);
    assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL);
    assert.ok(!doc.isDirty);
  });

  it('a failed encode leaves the file as it was and the document unsaved, naming the file', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    const before = readFileSync(doc.files.labelPath);
    doc.apply(STROKE);
    codec.failEncode = 'out of memory in the encoder';
    await assert.rejects(saveMask(doc, codec, 'index', PLAIN), (e: Error) => {
      assert.equal(e.message, `Could not save ${doc.files.labelPath}: the mask could not be encoded (out of memory in the encoder).`);
      return true;
    });
    assert.deepEqual(readFileSync(doc.files.labelPath), before);
    assert.ok(doc.isDirty);
    assert.ok(doc.isSavedState(before), 'the saved state is still the file on disk');
  });

  it('a label another program changed is not replaced unless the person chose Keep Mine for that very file', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    doc.apply(STROKE);
    const g = grid(['......1', '.......', '.......', '.......', '.......']);
    const theirs = encodeLabelPng(g.data, g.width, g.height, 'index');
    writeFileSync(doc.files.labelPath, theirs); // e.g. a file-change event the editor never got
    await assert.rejects(
      saveMask(doc, codec, 'index', PLAIN),
      (e: Error) => e instanceof LabelChangedOnDiskError && e.message === `Did not save ${doc.files.labelPath}: another program wrote it since the editor loaded or saved it. Choose Keep Mine to replace it with your mask, or Load Theirs.`,
    );
    assert.deepEqual(readFileSync(doc.files.labelPath), theirs, 'their file is untouched');
    assert.ok(doc.isDirty);
    doc.allowSavingOver(sha256Of(Buffer.from('some other version')));
    await assert.rejects(saveMask(doc, codec, 'index', PLAIN), LabelChangedOnDiskError);
    doc.allowSavingOver(sha256Of(theirs));
    await saveMask(doc, codec, 'index', PLAIN);
    assert.deepEqual(labelOnDisk(doc), ['2......', '.1111..', '111111.', '.1111..', '.......']);
    assert.ok(!doc.isDirty);
  });

  it('a label another program writes while the mask is being encoded is not replaced either (looked at again before the write)', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    doc.apply(STROKE);
    const release = codec.hold();
    const saving = saveMask(doc, codec, 'index', PLAIN);
    await untilSnapshot(); // encoding (seconds on a large mask)...
    const g = grid(['......1', '.......', '.......', '.......', '.......']);
    const theirs = encodeLabelPng(g.data, g.width, g.height, 'index');
    writeFileSync(doc.files.labelPath, theirs); // ...when a script writes the label
    release();
    await assert.rejects(saving, LabelChangedOnDiskError);
    assert.deepEqual(readFileSync(doc.files.labelPath), theirs, 'their file is untouched');
    assert.ok(doc.isDirty);
  });

  it('a file that is no label at all (another size, half written) is not replaced either, and Keep Mine works for it', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    doc.apply(STROKE);
    writeFileSync(doc.files.labelPath, 'half a PNG');
    await assert.rejects(saveMask(doc, codec, 'index', PLAIN), LabelChangedOnDiskError);
    assert.equal(readFileSync(doc.files.labelPath, 'utf8'), 'half a PNG');
    doc.allowSavingOver(sha256Of(Buffer.from('half a PNG')));
    await saveMask(doc, codec, 'index', PLAIN);
    assert.deepEqual(labelOnDisk(doc), ['2......', '.1111..', '111111.', '.1111..', '.......']);
  });

  it('accepting a clean prediction does not replace a label that appeared meanwhile, and says the editor loads it', async () => {
    const doc = await openDocument();
    mkdirSync(path.dirname(doc.files.labelPath), { recursive: true });
    writeFileSync(doc.files.labelPath, 'a label written by a pre-label job');
    await assert.rejects(saveMask(doc, codec, 'index', PLAIN), (e: Error) => e instanceof LabelChangedOnDiskError && e.message.endsWith('since the editor loaded or saved it. The editor loads it now.'));
    assert.equal(readFileSync(doc.files.labelPath, 'utf8'), 'a label written by a pre-label job');
  });

  it('a label that was deleted on disk is written again by a save', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    doc.apply(STROKE);
    rmSync(doc.files.labelPath);
    await saveMask(doc, codec, 'index', PLAIN);
    assert.deepEqual(labelOnDisk(doc), ['2......', '.1111..', '111111.', '.1111..', '.......']);
  });

  it('a write that fails part way leaves the old file intact and the document unsaved, naming the file', async () => {
    const doc = await openDocument(['2......', '.......', '.......', '.......', '.......']);
    const before = readFileSync(doc.files.labelPath);
    doc.apply(STROKE);
    // The disk fills up after half the temp file: what writeFileAtomic meets on a full disk.
    const fullDisk: SaveTarget = {
      name: doc.files.labelPath,
      write: async (bytes) => {
        writeFileSync(path.join(doc.files.labelsDir, '.half-written'), bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    await assert.rejects(writeMaskSnapshot(doc, codec, 'index', fullDisk, PLAIN), (e: Error) => {
      assert.equal(e.message, `Could not save ${doc.files.labelPath}: the disk is full.`);
      return true;
    });
    assert.deepEqual(readFileSync(doc.files.labelPath), before);
    assert.ok(doc.isDirty && doc.isSavedState(before));
  });

  it('a failed save does not stop the queue: edits are announced and the next save runs', async () => {
    const doc = await openDocument();
    const queue = new DocumentFileQueue();
    const told: string[] = [];
    doc.apply(STROKE);
    codec.failEncode = 'no memory';
    const release = codec.hold();
    const failing = queue.runSave((vsCode) => saveMask(doc, codec, 'index', { vsCode }), async () => undefined);
    await untilSnapshot();
    doc.apply(FILL_CORNER);
    queue.announce(() => told.push('fill'));
    const next = queue.run(async () => {
      codec.failEncode = undefined;
      return saveMask(doc, codec, 'index', PLAIN);
    });
    release();
    await assert.rejects(failing, /Could not save .*a\.png: the mask could not be encoded \(no memory\)/);
    await next;
    assert.deepEqual(told, ['fill']);
    assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL);
    assert.ok(!doc.isDirty);
  });

  it('Save As writes the whole file atomically and leaves no temp file; the document\'s save point stays', async () => {
    const doc = await openDocument();
    doc.apply(STROKE);
    const other = path.join(tmp.path, 'elsewhere');
    mkdirSync(other);
    const destination = path.join(other, 'copy.png');
    writeFileSync(destination, 'an older file in the way');
    // A reader that opened the old file (here: a second name for it) keeps reading it whole: the new file is
    // renamed into place, never written over the old one.
    const reader = path.join(tmp.path, 'reader-of-old-file');
    linkSync(destination, reader);
    await writeMaskSnapshot(doc, codec, 'index', fileTarget(destination), PLAIN);
    assert.deepEqual(rows(decodeLabelPng(readFileSync(destination), 3)), AFTER_STROKE);
    assert.equal(readFileSync(reader, 'utf8'), 'an older file in the way');
    assert.notEqual(statSync(destination).ino, statSync(reader).ino);
    assert.deepEqual(readdirSync(other), ['copy.png']);
    assert.ok(doc.isDirty, 'Save As does not make the label file saved');
    await assert.rejects(writeMaskSnapshot(doc, codec, 'index', fileTarget(path.join(other, 'missing', 'x.png')), PLAIN), /Could not save .*missing\/x\.png: no such file/);
  });

  describe('a save VS Code waits for', () => {
    it('a save that fails after writing (the mask kept changing) leaves a file the next save and the watcher take as its own', async () => {
      const doc = await openDocument();
      doc.apply(STROKE);
      let tries = 0;
      // An edit VS Code heard of lands after every write: the save gives up after its last try.
      const landing = (): Promise<void> => {
        tries++;
        return Promise.resolve().then(() => void doc.apply({ kind: 'stroke', points: [0.5 + (tries % 7), 0.5], radius: 0.5, classIndex: 2 }));
      };
      const held = { count: () => 0, hold: () => undefined, landing };
      await assert.rejects(saveMask(doc, codec, 'index', { vsCode: held }), /the mask kept changing/);
      const ours = sha256Of(readFileSync(doc.files.labelPath));
      assert.ok(doc.isOwnFile(ours) && doc.maySaveOver(ours), 'our own write, not another program\'s');
      await saveMask(doc, codec, 'index', PLAIN);
      assert.ok(!doc.isDirty);
    });

    it('waits for an edit VS Code has heard of that is still running (codec thread), and writes it too', async () => {
      const doc = await openDocument();
      const queue = new DocumentFileQueue();
      doc.apply(STROKE);
      // The fill, told to VS Code when it started, lands only after the save's first write.
      let landFill!: () => void;
      let running: Promise<void> | undefined = new Promise<void>((resolve) => (landFill = resolve)).then(() => {
        doc.apply(FILL_CORNER);
        running = undefined;
      });
      const release = codec.hold();
      const saving = queue.runSave((held) => saveMask(doc, codec, 'index', { vsCode: { ...held, landing: () => running } }), async () => undefined);
      await untilSnapshot();
      release();
      await until(() => existsSync(doc.files.labelPath) && labelOnDisk(doc).join() === AFTER_STROKE.join(), 'the first write');
      landFill();
      await saving;
      assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL, 'the file holds the edit VS Code counted as saved');
      assert.ok(!doc.isDirty);
    });

    it('announces an edit made while the file is written at once and writes it too; later edits wait for VS Code\'s answer', async () => {
      const doc = await openDocument();
      const queue = new DocumentFileQueue();
      const told: string[] = [];
      doc.apply(STROKE);
      queue.announce(() => told.push('stroke'));
      let caughtUp!: () => void;
      const release = codec.hold();
      const saving = queue.runSave(
        (vsCode) => saveMask(doc, codec, 'index', { vsCode }),
        () => new Promise<void>((resolve) => (caughtUp = resolve)),
      );
      await untilSnapshot();
      doc.apply(FILL_CORNER);
      queue.announce(() => told.push('fill'));
      assert.deepEqual(told, ['stroke', 'fill'], 'VS Code\'s undo stack stays the document\'s during the save');
      release();
      await saving;
      assert.equal(codec.encodes, 2, 'written again with the fill, since VS Code will call it saved');
      assert.deepEqual(labelOnDisk(doc), AFTER_STROKE_FILL);
      assert.ok(!doc.isDirty);
      // After the file holds the mask and before VS Code has set its save point, an edit waits.
      doc.apply({ ...DOT, classIndex: 1 });
      queue.announce(() => told.push('dot'));
      assert.equal(queue.unannounced, 1);
      assert.ok(doc.isDirty);
      assert.deepEqual(told, ['stroke', 'fill']);
      caughtUp();
      await until(() => told.length === 3, 'the held edit to be announced');
      assert.deepEqual(told, ['stroke', 'fill', 'dot']);
      assert.equal(queue.unannounced, 0);
      queue.announce(() => told.push('after'));
      assert.deepEqual(told, ['stroke', 'fill', 'dot', 'after'], 'outside a save, edits are announced at once');
    });

    it('a workbench that never answers does not stop the document\'s file work: held edits go out after the longest wait', async () => {
      const doc = await openDocument();
      const queue = new DocumentFileQueue();
      const told: string[] = [];
      doc.apply(STROKE);
      const never = () => new Promise<void>(() => undefined);
      await queue.runSave((vsCode) => saveMask(doc, codec, 'index', { vsCode }), never, 300); // long enough that the settle below comes first on a busy machine
      doc.apply(FILL_CORNER);
      queue.announce(() => told.push('fill'));
      const revert = queue.run(async () => 'reverted');
      await settle();
      assert.deepEqual(told, [], 'held while VS Code may still be reading the answer');
      assert.equal(await revert, 'reverted');
      assert.deepEqual(told, ['fill']);
    });

    it('a person who edits during every write does not keep the save from ending: the last try holds new edits back', async () => {
      const doc = await openDocument();
      const queue = new DocumentFileQueue();
      const told: number[] = [];
      const written: string[] = [];
      const dotAt = (x: number): MaskOperation => ({ kind: 'stroke', points: [x + 0.5, 0.5], radius: 0.5, classIndex: 2 });
      const editingWrites: SaveTarget = {
        name: doc.files.labelPath,
        write: async (bytes) => {
          written.push(rows(decodeLabelPng(bytes, 3))[0]!);
          const n = written.length;
          doc.apply(dotAt(n - 1));
          queue.announce(() => told.push(n));
        },
      };
      let caughtUp!: () => void;
      const saving = queue.runSave(
        (vsCode) => writeMaskSnapshot(doc, codec, 'index', editingWrites, { vsCode }),
        () => new Promise<void>((resolve) => (caughtUp = resolve)),
      );
      const { snapshot } = await saving;
      assert.deepEqual(written, ['.......', '2......', '22.....', '222....', '2222...']);
      assert.deepEqual(told, [1, 2, 3, 4], 'the edit during the last write waits for VS Code\'s answer');
      assert.ok(doc.isAt(snapshot, queue.unannounced), 'what VS Code will call saved is what the last write holds');
      caughtUp();
      await until(() => told.length === 5, 'the held edit to be announced');
      assert.deepEqual(told, [1, 2, 3, 4, 5]);
    });

    it('an undo while the file is written is written too, because VS Code will call that position saved', async () => {
      const doc = await openDocument();
      const queue = new DocumentFileQueue();
      doc.apply(STROKE);
      const fill = doc.apply(FILL_CORNER)!;
      const release = codec.hold();
      const saving = queue.runSave((vsCode) => saveMask(doc, codec, 'index', { vsCode }), async () => undefined);
      await untilSnapshot();
      fill.undo(); // VS Code's Ctrl+Z during the save
      release();
      await saving;
      assert.equal(codec.encodes, 2, 'written again after the undo');
      assert.deepEqual(labelOnDisk(doc), AFTER_STROKE);
      assert.ok(!doc.isDirty, 'the file and the document agree with VS Code: clean');
    });

    it('the snapshot leaves out edits VS Code has not been told about', async () => {
      const doc = await openDocument();
      doc.apply(STROKE);
      doc.apply(FILL_CORNER);
      const snapshot = await doc.snapshot(1);
      assert.deepEqual(rows({ width: 7, height: 5, data: snapshot.data }), AFTER_STROKE);
      assertGrid(doc.raster, AFTER_STROKE_FILL, 'the document itself is unchanged');
      assert.ok(doc.isAt(snapshot, 1) && !doc.isAt(snapshot, 0));
    });
  });

  it('a snapshot of a large mask, copied over several turns, leaves out exactly the edits made meanwhile', async () => {
    // 3000 x 3000 = 9 MB: copied in three turns; edits land in rows already copied and rows not yet copied.
    const images = path.join(tmp.path, 'images');
    mkdirSync(images, { recursive: true });
    const imagePath = path.join(images, 'big.jpg');
    writeFileSync(imagePath, pngHeaderOnly(3000, 3000));
    const doc = await MaskDocument.open({ imagePath, labelPath: path.join(tmp.path, 'masks', 'big.png'), labelsDir: path.join(tmp.path, 'masks') }, { classCount: 3, codec });
    doc.apply(EARLY);
    const centre = doc.apply({ kind: 'stroke', points: [1500, 1500], radius: 50, classIndex: 2 })!;
    const undone = doc.apply({ kind: 'stroke', points: [2000, 2500], radius: 40, classIndex: 1 })!;
    undone.undo(); // on the redo stack when the save starts
    const expected = doc.raster.data.slice(); // the mask when the save starts
    const copying = doc.snapshot();
    // Rows 1450..2540: not copied yet. A redo and an undo, each reporting what the pixels were before it.
    undone.redo();
    undone.undo();
    centre.undo();
    doc.apply({ kind: 'stroke', points: [10, 10, 2990, 10], radius: 5, classIndex: 2 }); // top rows: copied already
    doc.apply({ kind: 'stroke', points: [10, 2990, 2990, 2990], radius: 5, classIndex: 1 }); // bottom rows: not yet
    await new Promise((resolve) => setImmediate(resolve));
    doc.apply({ kind: 'fill', x: 0, y: 1500, classIndex: 2 }); // the whole background, mid-copy
    await new Promise((resolve) => setImmediate(resolve));
    const bottom = doc.apply({ kind: 'stroke', points: [1500, 2950], radius: 30, classIndex: 0 })!;
    bottom.undo();
    const snapshot = await copying;
    assert.ok(Buffer.from(snapshot.data).equals(Buffer.from(expected)), 'the snapshot is the mask as it was when the save started');
    assert.ok(!Buffer.from(doc.raster.data).equals(Buffer.from(expected)), 'the document kept the edits');
    // Leaving out the three newest edits (as if VS Code had not heard of them): only the first stroke.
    const withoutNewest = await doc.snapshot(3);
    const reference = createRaster(3000, 3000);
    applyOperation(reference, EARLY);
    assert.ok(Buffer.from(withoutNewest.data).equals(Buffer.from(reference.data)), 'without the newest edits: only the first stroke');
  });

  it('through the codec thread, the saved label is exactly what the in-place encoder writes', async () => {
    const thread = await codecThread();
    try {
      const doc = await openDocument();
      doc.apply(STROKE);
      doc.apply(FILL_CORNER);
      const { bytes } = await saveMask(doc, thread, 'index', PLAIN);
      assert.deepEqual(readFileSync(doc.files.labelPath), encodeLabelPng(doc.raster.data, 7, 5, 'index'));
      assert.deepEqual(Buffer.from(bytes), readFileSync(doc.files.labelPath));
      assert.ok(!doc.isDirty);
      const reopened = await MaskDocument.open(doc.files, { classCount: 3, codec: thread });
      assertGrid(reopened.raster, AFTER_STROKE_FILL);
    } finally {
      thread.dispose();
    }
  });
});

describe('watching a label file by name', () => {
  it('turns glob syntax in a file name into single-character wildcards, so the pattern still matches the name', () => {
    for (const name of ['scan[1].png', 'a{b,c}.png', 'star*.png', 'what?.png', 'plain_name.png', 'x]y[z']) {
      const glob = literalGlob(name);
      assert.doesNotMatch(glob, /[[\]{}*]/, glob);
      // `?` is "any one character" to VS Code: the pattern read that way matches the name itself.
      const asRegExp = new RegExp(`^${glob.replace(/[.+^$()|\\]/g, '\\$&').replace(/\?/g, '[^/]')}$`);
      assert.match(name, asRegExp, glob);
    }
    assert.equal(literalGlob('plain_name.png'), 'plain_name.png');
  });
});
