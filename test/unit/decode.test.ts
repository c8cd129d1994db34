import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { decodeImage } from '../../src/model/decode';
import { ImageError } from '../../src/model/errors';
import { readImageHeader } from '../../src/model/imageHeader';
import { pngHeaderOnly } from './pngBytes';
import { fixturesDir } from './tempDir';

interface ExpectedImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: number[];
  readonly tolerance?: number;
  readonly bitDepth?: number;
  readonly window?: [number, number];
}

const imagesDir = path.join(fixturesDir, 'images');
const expected = JSON.parse(readFileSync(path.join(imagesDir, 'expected.json'), 'utf8')) as Record<string, ExpectedImage>;

function noisePng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  let seed = 1;
  for (let i = 0; i < png.data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    png.data[i] = i % 4 === 3 ? 255 : seed & 0xff;
  }
  return PNG.sync.write(png);
}

async function reasonFor(bytes: Buffer): Promise<string> {
  try {
    await decodeImage(bytes);
  } catch (error) {
    assert.ok(error instanceof ImageError, `expected an ImageError with a reason, got ${String(error)}`);
    return error.message;
  }
  return assert.fail('expected decoding to fail');
}

describe('image decoding (fixtures written by Pillow and by hand)', () => {
  it('covers every format and layout the product promises', () => {
    const names = Object.keys(expected);
    for (const required of ['palette.png', 'grey16.png', 'rgb16.png', 'greyalpha8.png', 'rgba8.png', 'grey16.tif', 'rgb16_be.tif', 'rgba8.tif', 'palette.tif', 'rgb24.bmp', 'palette8.bmp', 'rgb.jpg']) {
      assert.ok(names.includes(required), `missing fixture ${required}`);
    }
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`decodes ${name} to the expected RGB`, async () => {
      const image = await decodeImage(readFileSync(path.join(imagesDir, name)));
      assert.equal(image.width, want.width);
      assert.equal(image.height, want.height);
      assert.equal(image.rgb.length, want.width * want.height * 3);
      const tolerance = want.tolerance ?? 0;
      for (let i = 0; i < want.rgb.length; i++) {
        const diff = Math.abs(image.rgb[i]! - want.rgb[i]!);
        if (diff > tolerance) assert.fail(`${name}: sample ${i} is ${image.rgb[i]}, expected ${want.rgb[i]} (tolerance ${tolerance})`);
      }
      if (want.bitDepth === 16) {
        assert.equal(image.bitDepth, 16);
        assert.deepEqual([image.window?.low, image.window?.high], want.window);
      }
    });
  }

  it('windows 16-bit data instead of keeping only the top byte (which jimp does: a 12-bit scan turns black)', async () => {
    const image = await decodeImage(readFileSync(path.join(imagesDir, 'grey16.png')));
    assert.equal(Math.min(...image.rgb), 0);
    assert.equal(Math.max(...image.rgb), 255);
  });
});

describe('refusing bad files with a reason', () => {
  it('refuses a 30000 x 30000 PNG from its header alone, without allocating it', async () => {
    const started = Date.now();
    const reason = await reasonFor(pngHeaderOnly(30000, 30000));
    assert.match(reason, /30000 x 30000 \(900\.0 megapixels\), over the 100-megapixel limit/);
    assert.ok(Date.now() - started < 1000);
  });

  it('applies a custom pixel limit', () => {
    assert.throws(() => readImageHeader(pngHeaderOnly(100, 100), { maxPixels: 9999 }), /over the 0\.009999-megapixel limit/);
    assert.deepEqual(readImageHeader(pngHeaderOnly(100, 100), { maxPixels: 10000 }), { format: 'png', width: 100, height: 100 });
  });

  it('explains empty, text, unknown, truncated and unsupported files', async () => {
    assert.equal(await reasonFor(Buffer.alloc(0)), 'empty file (0 bytes)');
    assert.equal(await reasonFor(Buffer.from('this is not a JPEG, just text\n')), 'not an image: the file contains text');
    assert.equal(await reasonFor(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x20, 0x00, 0x00, 0x00, 0x00])), 'not a PNG, JPEG, BMP or TIFF image (unrecognised contents)');
    const png = noisePng(64, 64);
    assert.match(await reasonFor(png.subarray(0, Math.floor(png.length * 0.6))), /^cannot decode PNG: the file is truncated or corrupt/);
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    assert.match(await reasonFor(gif), /unsupported image format gif \(supported: PNG, JPEG, BMP, TIFF\)/);
  });

  it('reports a truncated JPEG and TIFF without throwing anything but an ImageError', async () => {
    for (const name of ['rgb.jpg', 'rgb8.tif']) {
      const bytes = readFileSync(path.join(imagesDir, name));
      const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
      try {
        await decodeImage(cut);
      } catch (error) {
        assert.ok(error instanceof ImageError, `${name}: ${String(error)}`);
        assert.ok(error.message.length > 0);
      }
    }
  });
});
