// review.tsv (human decisions, one row per image, sorted, locked, atomic), the review queue's order, and finding
// the image of a label file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { findImageForLabel } from '../../src/core/imageForLabel';
import { writePredictionRecord } from '../../src/core/predictionRecord';
import { labelsDirFor } from '../../src/core/labelPaths';
import { neighbourImage } from '../../src/core/reviewQueue';
import {
  type ReviewRecord,
  ReviewStateError,
  effectiveReviewStatus,
  forgetReviews,
  parseReviewTsv,
  readReviewState,
  recordReview,
  removeStaleLock,
  reviewFilePath,
} from '../../src/core/reviewState';
import { useTempDir } from './tempDir';

const T = '2026-01-02T03:04:05.000Z';
const record = (image: string, status: ReviewRecord['status'] = 'accepted'): ReviewRecord => ({ image, status, modelId: 'segnetr', modelSha256: 'ab'.repeat(32), time: T });

describe('review state (review.tsv)', () => {
  const tmp = useTempDir('review');

  it('writes a header and one row per image, sorted by file name, replacing an image\'s earlier decision', async () => {
    await recordReview(tmp.path, record('b.png', 'edited'));
    await recordReview(tmp.path, record('a.jpg', 'rejected'));
    await recordReview(tmp.path, record('b.png', 'accepted'));
    assert.equal(
      readFileSync(reviewFilePath(tmp.path), 'utf8'),
      `image\tstatus\tmodel\tmodel_sha256\ttime\na.jpg\trejected\tsegnetr\t${'ab'.repeat(32)}\t${T}\nb.png\taccepted\tsegnetr\t${'ab'.repeat(32)}\t${T}\n`,
    );
    assert.deepEqual([...(await readReviewState(tmp.path)).keys()], ['a.jpg', 'b.png']);
    assert.deepEqual(readdirSync(path.dirname(reviewFilePath(tmp.path))), ['review.tsv'], 'no lock or temp file left');
  });

  it('forgets the rows noted when labels were replaced, only while they are still the images\' rows (a decision made since stays)', async () => {
    const old = record('old.png', 'accepted');
    const before = record('new.png', 'accepted');
    await recordReview(tmp.path, old);
    await recordReview(tmp.path, before);
    await recordReview(tmp.path, record('other.png', 'rejected'));
    // A person edits new.png's fresh label after the job noted `before`: a later clock or an earlier one, no matter.
    await recordReview(tmp.path, { ...record('new.png', 'edited'), time: '2020-01-01T00:00:00.000Z' });
    assert.equal(await forgetReviews(tmp.path, [old, before, record('gone.png')]), 1);
    assert.deepEqual([...(await readReviewState(tmp.path)).entries()].map(([name, r]) => `${name} ${r.status}`), ['new.png edited', 'other.png rejected']);
  });

  it('reads a file saved by hand with a byte-order mark in front (Excel, Notepad)', () => {
    const text = `\uFEFFimage\tstatus\tmodel\tmodel_sha256\ttime\na.png\taccepted\tsegnetr\t${'ab'.repeat(32)}\t${T}\r\n`;
    assert.deepEqual(parseReviewTsv(text, 'review.tsv'), [record('a.png')]);
  });

  it('keeps file names with tabs and newlines on one row', async () => {
    await recordReview(tmp.path, record('odd\tname\n.png'));
    const state = await readReviewState(tmp.path);
    assert.ok(state.has('odd\tname\n.png'));
    assert.equal(readFileSync(reviewFilePath(tmp.path), 'utf8').split('\n').length, 3);
  });

  it('serialises concurrent writers with the lock: no decision is lost', async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => recordReview(tmp.path, record(`img_${String(i).padStart(2, '0')}.png`))));
    assert.equal((await readReviewState(tmp.path)).size, 25);
  });

  it('takes over a lock left by a writer that died', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    mkdirSync(path.dirname(reviewFilePath(tmp.path)), { recursive: true });
    writeFileSync(`${reviewFilePath(tmp.path)}.lock`, `${hostname()} ${dead} ${T}\n`);
    await recordReview(tmp.path, record('a.png'));
    assert.equal((await readReviewState(tmp.path)).get('a.png')?.status, 'accepted');
  });

  it('removes a stale lock only if it is still the file judged stale, never a fresh lock taken meanwhile', async () => {
    const lock = `${reviewFilePath(tmp.path)}.lock`;
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, `${hostname()} 1 ${T}\n`);
    const staleIno = lstatSync(lock).ino;
    // Another writer removed the stale lock and took its own before this one got to remove "it".
    writeFileSync(`${lock}.fresh`, `${hostname()} ${process.pid} ${T}\n`); // made while the stale one exists: another inode
    renameSync(`${lock}.fresh`, lock);
    assert.notEqual(lstatSync(lock).ino, staleIno);
    assert.equal(await removeStaleLock(lock, staleIno), false);
    assert.equal(readFileSync(lock, 'utf8'), `${hostname()} ${process.pid} ${T}\n`, 'the fresh lock is back in place');
    assert.equal(await removeStaleLock(lock, lstatSync(lock).ino), true);
    assert.deepEqual(readdirSync(path.dirname(lock)), [], 'removed, and no renamed copy left');
  });

  it('stops at once, naming it, on a lock that is a named pipe or a link to /dev/zero (never reads it)', async function () {
    this.timeout(5000); // reading the pipe never returns; /dev/zero would be read for the whole 10 s lock wait
    const lock = `${reviewFilePath(tmp.path)}.lock`;
    mkdirSync(path.dirname(lock), { recursive: true });
    assert.equal(spawnSync('mkfifo', [lock]).status, 0);
    await assert.rejects(recordReview(tmp.path, record('a.png')), (e: Error) => e instanceof ReviewStateError && e.message.includes(lock) && /a named pipe, not a lock SegNetr wrote/.test(e.message));
    rmSync(lock);
    symlinkSync('/dev/zero', lock);
    await assert.rejects(recordReview(tmp.path, record('a.png')), /is a symbolic link, not a lock SegNetr wrote/);
    assert.ok(lstatSync(lock).isSymbolicLink(), 'a lock we did not write is left alone');
  });

  it('writes nothing through a .segnetr folder that is a link elsewhere, and says so', async () => {
    const labels = path.join(tmp.path, 'labels');
    const elsewhere = path.join(tmp.path, 'elsewhere');
    mkdirSync(labels);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(labels, '.segnetr'));
    await assert.rejects(recordReview(labels, record('a.png')), (e: Error) => e instanceof ReviewStateError && /\.segnetr is a symbolic link/.test(e.message));
    rmSync(path.join(labels, '.segnetr'));
    mkdirSync(path.join(labels, '.segnetr'));
    symlinkSync(elsewhere, path.join(labels, '.segnetr', 'predictions'));
    const prediction = { width: 1, height: 1, mask: new Uint8Array(1), probability: new Uint8Array(1) };
    const sigmoid = { activation: 'sigmoid', channels: 1, threshold: 0.5 } as const;
    await assert.rejects(writePredictionRecord(labels, path.join(tmp.path, 'settings.jpg'), prediction, { id: 'm', sha256: 'abc' }, sigmoid), /predictions is a symbolic link/);
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing written or replaced through the links');
  });

  it('reports a damaged file with its line instead of rewriting it', () => {
    assert.throws(() => parseReviewTsv('image\tstatus\n', 'r.tsv'), (e: Error) => e instanceof ReviewStateError && /r\.tsv: line 1 must be the header/.test(e.message));
    assert.throws(() => parseReviewTsv(`image\tstatus\tmodel\tmodel_sha256\ttime\na.png\tmaybe\tm\ts\t${T}\n`, 'r.tsv'), /r\.tsv: line 2: status "maybe"/);
    assert.throws(() => parseReviewTsv(`image\tstatus\tmodel\tmodel_sha256\ttime\na.png\taccepted\n`, 'r.tsv'), /line 2: expected 5 tab-separated fields, found 2/);
  });

  it('"predicted" is derived: a prediction record and no human decision', () => {
    assert.equal(effectiveReviewStatus(undefined, true), 'predicted');
    assert.equal(effectiveReviewStatus('rejected', true), 'rejected');
    assert.equal(effectiveReviewStatus(undefined, false), undefined);
  });
});

describe('review queue and label files', () => {
  const tmp = useTempDir('queue');

  function folder(names: readonly string[]): { images: string; masks: string } {
    const images = path.join(tmp.path, 'images');
    const masks = path.join(tmp.path, 'masks');
    mkdirSync(images);
    mkdirSync(masks);
    for (const n of names) writeFileSync(path.join(images, n), '');
    return { images, masks };
  }

  it('Next/Previous follow the folder order; Accept/Reject go to the next undecided image, wrapping around', async () => {
    const { images, masks } = folder(['a.png', 'b.jpg', 'c.png', 'd.png']);
    const at = (n: string) => path.join(images, n);
    assert.equal(await neighbourImage(at('b.jpg'), masks, 'next', false), at('c.png'));
    assert.equal(await neighbourImage(at('b.jpg'), masks, 'previous', false), at('a.png'));
    assert.equal(await neighbourImage(at('d.png'), masks, 'next', false), undefined);
    await recordReview(masks, record('c.png'));
    await recordReview(masks, record('d.png', 'rejected'));
    assert.equal(await neighbourImage(at('b.jpg'), masks, 'next', true), at('a.png'), 'c and d are decided; wraps to a');
    await recordReview(masks, record('a.png'));
    assert.equal(await neighbourImage(at('b.jpg'), masks, 'next', true), undefined, 'only the current one is left');
  });

  it('an explicit order (most uncertain first, worst first) drives Next/Previous and Accept; unnamed images follow unless only those, gone ones are dropped', async () => {
    const { images, masks } = folder(['a.png', 'b.jpg', 'c.png', 'd.png', 'e.png']);
    const at = (n: string) => path.join(images, n);
    const order = { images: [at('d.png'), at('gone.png'), at('b.jpg'), at('a.png')], only: false };
    assert.equal(await neighbourImage(at('d.png'), masks, 'next', false, order), at('b.jpg'), 'gone.png is skipped');
    assert.equal(await neighbourImage(at('a.png'), masks, 'next', false, order), at('c.png'), 'then the images the order does not name');
    assert.equal(await neighbourImage(at('d.png'), masks, 'previous', false, order), undefined, 'd is first');
    assert.equal(await neighbourImage(at('e.png'), masks, 'next', false, order), undefined, 'e is last');
    await recordReview(masks, record('b.jpg', 'accepted'));
    assert.equal(await neighbourImage(at('d.png'), masks, 'next', true, order), at('a.png'), 'b is decided');
    assert.equal(await neighbourImage(at('e.png'), masks, 'next', true, order), at('d.png'), 'wraps to the start of the order');
    const only = { ...order, only: true };
    assert.equal(await neighbourImage(at('a.png'), masks, 'next', false, only), undefined, 'only the named images');
    assert.equal(await neighbourImage(at('a.png'), masks, 'next', true, only), at('d.png'));
  });

  it('finds the image of a label file through the label folder rule, and nothing for an image', async () => {
    const { images, masks } = folder(['x.jpg', 'y.png']);
    writeFileSync(path.join(masks, 'x.png'), '');
    writeFileSync(path.join(masks, 'y.png'), '');
    const rule = (dir: string) => labelsDirFor(dir);
    assert.equal(await findImageForLabel(path.join(masks, 'x.png'), rule), path.join(images, 'x.jpg'));
    assert.equal(await findImageForLabel(path.join(masks, 'y.png'), rule), path.join(images, 'y.png'));
    assert.equal(await findImageForLabel(path.join(images, 'y.png'), rule), undefined, 'an image is not a label');
    writeFileSync(path.join(masks, 'orphan.png'), '');
    assert.equal(await findImageForLabel(path.join(masks, 'orphan.png'), rule), undefined);
  });

  it('finds the image of a label in a labels folder elsewhere (an absolute setting) through its prediction record', async () => {
    const images = path.join(tmp.path, 'data', 'scans');
    const labels = path.join(tmp.path, 'elsewhere', 'labels');
    mkdirSync(images, { recursive: true });
    mkdirSync(labels, { recursive: true });
    writeFileSync(path.join(images, 'x.jpg'), '');
    writeFileSync(path.join(labels, 'x.png'), '');
    writeFileSync(path.join(labels, 'z.png'), '');
    const rule = () => labels;
    assert.equal(await findImageForLabel(path.join(labels, 'x.png'), rule), undefined, 'no record: the folders around the label are all that is searched');
    const prediction = { width: 1, height: 1, mask: new Uint8Array(1), probability: new Uint8Array(1) };
    await writePredictionRecord(labels, path.join(images, 'x.jpg'), prediction, { id: 'm', sha256: 'abc' }, { activation: 'sigmoid', channels: 1, threshold: 0.5 });
    assert.equal(await findImageForLabel(path.join(labels, 'x.png'), rule), path.join(images, 'x.jpg'));
    assert.equal(await findImageForLabel(path.join(labels, 'x.png'), () => path.join(images, 'masks')), undefined, 'the label rule must agree with the record');
    assert.equal(await findImageForLabel(path.join(labels, 'z.png'), rule), undefined, 'another label has no record');
    rmSync(path.join(images, 'x.jpg'));
    assert.equal(await findImageForLabel(path.join(labels, 'x.png'), rule), undefined, 'the recorded image is gone');
  });
});
