import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readImageFileHeader } from '../../src/core/readImageFile';
import { readImageSize } from '../../src/editor/baseMask';
import { headerOnly, pngHeaderOnly } from './pngBytes';
import { fixturesDir, useTempDir } from './tempDir';

// The mask editor learns an image's size from its header: read as defensively as the pre-label job reads images.
describe('readImageFileHeader', () => {
  const tmp = useTempDir('header');

  it('gives the format and stored size from the first bytes', async () => {
    const file = path.join(tmp.path, 'a.png');
    writeFileSync(file, pngHeaderOnly(640, 480));
    assert.deepEqual(await readImageFileHeader(file), { format: 'png', width: 640, height: 480, bitDepth: 8 });
  });

  it('reads on when a JPEG frame header follows a large EXIF block', async () => {
    const jpeg = readFileSync(path.join(fixturesDir, 'images', 'rgb.jpg'));
    // An APP1 segment of 65,000 bytes between SOI and the rest pushes the frame header past the first 64 KB.
    const app1 = Buffer.alloc(4 + 64_998);
    app1.writeUInt16BE(0xffe1, 0);
    app1.writeUInt16BE(65_000, 2);
    const file = path.join(tmp.path, 'exif.jpg');
    writeFileSync(file, Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]));
    const header = await readImageFileHeader(file);
    assert.equal(header.format, 'jpeg');
    assert.ok(header.width > 0 && header.height > 0);
  });

  it('refuses /dev/zero and a FIFO at once instead of reading forever or blocking', async () => {
    symlinkSync('/dev/zero', path.join(tmp.path, 'zero.png'));
    execFileSync('mkfifo', [path.join(tmp.path, 'fifo')]);
    symlinkSync(path.join(tmp.path, 'fifo'), path.join(tmp.path, 'fifo.png'));
    await assert.rejects(readImageFileHeader(path.join(tmp.path, 'zero.png')), /not a regular file \(a character device/);
    await assert.rejects(readImageFileHeader(path.join(tmp.path, 'fifo.png')), /not a regular file \(a named pipe\)/);
  });

  it('applies the pixel limit it is given', async () => {
    const file = path.join(tmp.path, 'big.tif');
    writeFileSync(file, headerOnly('tiff', 15_000, 15_000));
    await assert.rejects(readImageFileHeader(file, { maxPixels: 100_000_000 }), /225\.0 megapixels/);
    assert.deepEqual(await readImageFileHeader(file, { maxPixels: 2 ** 28 }), { format: 'tiff', width: 15_000, height: 15_000 });
  });

  it("the mask editor's image size comes from it: a FIFO named like an image is refused, not waited on", async function () {
    this.timeout(5000);
    execFileSync('mkfifo', [path.join(tmp.path, 'fifo')]);
    symlinkSync(path.join(tmp.path, 'fifo'), path.join(tmp.path, 'photo.png'));
    await assert.rejects(readImageSize(path.join(tmp.path, 'photo.png')), /Cannot open .*photo\.png in the mask editor: not a regular file \(a named pipe\)/);
  });
});
