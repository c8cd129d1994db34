// Kept copies of backups hot exit could not restore: found again for their image (not for another image of the
// same name), newest first, read the careful way, and restorable onto the image's mask.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { keptBackupsOf, readKeptBackup } from '../../src/editor/keptBackups';
import { keepUnrestoredBackup } from '../../src/editor/maskBackup';
import { MaskDocument } from '../../src/editor/maskDocument';
import { inPlaceCodec } from './inPlaceCodec';
import { assertGrid } from './maskGrid';
import { pngHeaderOnly } from './pngBytes';
import { useTempDir } from './tempDir';

const STROKE_ROWS = ['.......', '.1111..', '111111.', '.1111..', '.......'];

describe('kept copies of unrestored backups', () => {
  const tmp = useTempDir('kept-backups');

  /** An image of 7 x 5 in `folder`, and the backup text of a stroke on its empty mask. */
  async function imageWithBackup(folder: string): Promise<{ files: { imagePath: string; labelPath: string; labelsDir: string }; text: string }> {
    const images = path.join(tmp.path, folder);
    mkdirSync(images, { recursive: true });
    const imagePath = path.join(images, 'scan.jpg');
    writeFileSync(imagePath, pngHeaderOnly(7, 5));
    const files = { imagePath, labelPath: path.join(tmp.path, `${folder}-masks`, 'scan.png'), labelsDir: path.join(tmp.path, `${folder}-masks`) };
    const doc = await MaskDocument.open(files, { classCount: 3, codec: inPlaceCodec() });
    doc.apply({ kind: 'stroke', points: [1.5, 2.5, 4.5, 2.5], radius: 1.2, classIndex: 1 });
    return { files, text: await doc.backup() };
  }

  it('lists the copies of this image newest first, not those of an image of the same name elsewhere', async () => {
    const kept = path.join(tmp.path, 'kept');
    const mine = await imageWithBackup('a');
    const other = await imageWithBackup('b');
    const older = await keepUnrestoredBackup(kept, mine.files.imagePath, mine.text, new Date('2026-12-01T10:00:00Z'));
    const newer = await keepUnrestoredBackup(kept, mine.files.imagePath, mine.text, new Date('2026-12-02T10:00:00Z'));
    await keepUnrestoredBackup(kept, other.files.imagePath, other.text, new Date('2026-12-03T10:00:00Z'));
    utimesSync(older, new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:00Z'));
    utimesSync(newer, new Date('2026-12-02T10:00:00Z'), new Date('2026-12-02T10:00:00Z'));
    // Named like copies, but none: a folder, a named pipe, a file that is not a backup.
    mkdirSync(path.join(kept, 'scan.jpg.x.segnetr-backup.json.d.segnetr-backup.json'));
    execFileSync('mkfifo', [path.join(kept, 'scan.jpg.fifo.segnetr-backup.json')]);
    writeFileSync(path.join(kept, 'scan.jpg.junk.segnetr-backup.json'), 'not json');
    assert.deepEqual((await keptBackupsOf(kept, mine.files.imagePath)).map((c) => c.file), [newer, older]);
    assert.deepEqual(await keptBackupsOf(path.join(tmp.path, 'never-made'), mine.files.imagePath), []);
  });

  it('restores a kept copy onto the image\'s mask; a file that is no backup is refused by name', async () => {
    const kept = path.join(tmp.path, 'kept');
    const { files, text } = await imageWithBackup('a');
    const file = await keepUnrestoredBackup(kept, files.imagePath, text);
    const copy = await readKeptBackup(file);
    assert.equal(copy.imagePath, files.imagePath);
    const restored = await MaskDocument.restore(files, copy.text, file, { classCount: 3, codec: inPlaceCodec() });
    assertGrid(restored.document.raster, STROKE_ROWS);
    const junk = path.join(kept, 'junk.segnetr-backup.json');
    writeFileSync(junk, '{"format": "something else"}');
    await assert.rejects(readKeptBackup(junk), { message: `${junk} is not a SegNetr backup of unsaved edits.` });
    const fifo = path.join(kept, 'pipe.segnetr-backup.json');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readKeptBackup(fifo), (e: Error) => e.message.startsWith(`Cannot read ${fifo}: not a regular file (a named pipe)`));
  });
});
