import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { regularFileSha256 } from '../../src/core/fileSha256';
import { readRegularFile } from '../../src/core/readRegularFile';
import { readReviewState, reviewFilePath } from '../../src/core/reviewState';
import { useTempDir } from './tempDir';

// State files live in the workspace, so a cloned repository chooses what they are.
describe('readRegularFile (review state, prediction records, labels, reports)', () => {
  const tmp = useTempDir('regular');

  it('reads a regular file, refuses a FIFO, /dev/zero and a file over the cap', async function () {
    this.timeout(5000);
    const file = path.join(tmp.path, 'a.txt');
    writeFileSync(file, 'hello');
    assert.equal((await readRegularFile(file, 5)).toString(), 'hello');
    await assert.rejects(readRegularFile(file, 4), /, over the .* limit$/);
    execFileSync('mkfifo', [path.join(tmp.path, 'fifo')]);
    await assert.rejects(readRegularFile(path.join(tmp.path, 'fifo'), 1000), /not a regular file \(a named pipe\)/);
    await assert.rejects(readRegularFile('/dev/zero', 1000), /not a regular file \(a character device/);
    await assert.rejects(readRegularFile(path.join(tmp.path, 'absent'), 1000), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });

  it('hashes a file in pieces to the same SHA-256 as a whole read; refuses a FIFO and /dev/zero; nothing for no file', async function () {
    this.timeout(5000);
    const file = path.join(tmp.path, 'big.bin');
    const bytes = Buffer.alloc(2.5 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    writeFileSync(file, bytes);
    assert.equal(await regularFileSha256(file), createHash('sha256').update(bytes).digest('hex'));
    writeFileSync(path.join(tmp.path, 'empty'), '');
    assert.equal(await regularFileSha256(path.join(tmp.path, 'empty')), createHash('sha256').digest('hex'));
    execFileSync('mkfifo', [path.join(tmp.path, 'pipe')]);
    await assert.rejects(regularFileSha256(path.join(tmp.path, 'pipe')), /not a regular file \(a named pipe\)/);
    await assert.rejects(regularFileSha256('/dev/zero'), /not a regular file \(a character device/);
    assert.equal(await regularFileSha256(path.join(tmp.path, 'absent')), undefined);
  });

  it('a review.tsv planted as a FIFO is refused with a reason instead of hanging the editor', async function () {
    this.timeout(5000);
    const labels = path.join(tmp.path, 'masks');
    mkdirSync(path.dirname(reviewFilePath(labels)), { recursive: true });
    execFileSync('mkfifo', [path.join(tmp.path, 'fifo')]);
    symlinkSync(path.join(tmp.path, 'fifo'), reviewFilePath(labels));
    await assert.rejects(readReviewState(labels), /review\.tsv: not a regular file \(a named pipe\)/);
  });
});
