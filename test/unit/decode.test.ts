import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../src/model/decode';
import { ImageError } from '../../src/model/errors';
import { readImageHeader } from '../../src/model/imageHeader';
import { headerOnly, pngHeaderOnly, pngWithRawData } from './pngBytes';
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
    const required = [
      ...['palette.png', 'grey16.png', 'rgb16.png', 'greyalpha8.png', 'rgba8.png', 'grey16.tif', 'rgb16_be.tif', 'rgba8.tif', 'palette.tif', 'cmyk.tif'],
      ...['rgb24.bmp', 'palette8.bmp', 'rle8.bmp', 'rle4.bmp', 'os2.bmp', 'top_down.bmp', 'bitfields565.bmp', 'rgb.jpg'],
      ...['grey.jpg', 'rgb420.jpg', 'progressive422.jpg', 'cmyk.jpg', 'cmyk_no_adobe.jpg', 'icc.jpg'],
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((orientation) => `exif${orientation}.jpg`),
    ];
    for (const name of required) {
      assert.ok(names.includes(name), `missing fixture ${name}`);
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

  it('keeps the stored pixel grid of JPEGs with any EXIF orientation (1-8), as Pillow without exif_transpose and training do', async () => {
    const stored = await decodeImage(readFileSync(path.join(imagesDir, 'exif1.jpg')));
    for (let orientation = 2; orientation <= 8; orientation++) {
      const image = await decodeImage(readFileSync(path.join(imagesDir, `exif${orientation}.jpg`)));
      assert.deepEqual([image.width, image.height], [stored.width, stored.height], `orientation ${orientation}`);
      assert.deepEqual(image.rgb, stored.rgb, `orientation ${orientation}: same pixels as the unrotated file`);
    }
  });

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
    assert.deepEqual(readImageHeader(pngHeaderOnly(100, 100), { maxPixels: 10000 }), { format: 'png', width: 100, height: 100, bitDepth: 8 });
  });

  it('explains empty, text, unknown and unsupported files', async () => {
    assert.equal(await reasonFor(Buffer.alloc(0)), 'empty file (0 bytes)');
    assert.equal(await reasonFor(Buffer.from('this is not a JPEG, just text\n')), 'not an image: the file contains text');
    assert.equal(await reasonFor(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x20, 0x00, 0x00, 0x00, 0x00])), 'not a PNG, JPEG, BMP or TIFF image (unrecognised contents)');
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    assert.equal(await reasonFor(gif), 'unsupported image format GIF (supported: PNG, JPEG, BMP, TIFF); convert it to PNG');
  });

  it('refuses a truncated file of every format with a reason that says so, never labelling what is left', async () => {
    const half = (length: number): number => Math.floor(length / 2);
    const cases: Array<[string, (length: number) => number, RegExp]> = [
      ['rgb8.png', half, /^the PNG file is truncated \(it ends inside its IDAT chunk\)$/],
      ['rgb.jpg', half, /^the JPEG data is truncated or corrupt$/],
      ['rgb24.bmp', half, /^the BMP file is truncated: its 6 x 4 pixels need 132 bytes, the file has 67$/],
      ['rle8.bmp', (length) => length - 4, /^the BMP file is truncated \(its RLE pixel data ends before the end-of-bitmap mark\)$/],
      ['rgb8.tif', half, /^the TIFF file is truncated \(its directory of tags lies past the end of the file\)$/],
      ['rgb16_be.tif', (length) => length - 10, /^the TIFF file is truncated: its image data runs to byte \d+, but the file has \d+ bytes$/],
    ];
    for (const [name, cut, reason] of cases) {
      const bytes = readFileSync(path.join(imagesDir, name));
      assert.match(await reasonFor(bytes.subarray(0, cut(bytes.length))), reason, name);
    }
  });

  it('refuses a PNG whose compressed data holds fewer or more bytes than its header needs (pngjs pads with zeros)', async () => {
    const rowBytes = 1 + 8 * 3;
    assert.equal((await decodeImage(pngWithRawData(8, 8, Buffer.alloc(rowBytes * 8)))).width, 8);
    assert.equal(
      await reasonFor(pngWithRawData(8, 8, Buffer.alloc(rowBytes * 4))),
      'the PNG file is truncated or corrupt: its image data holds 100 of the 200 bytes its header needs',
    );
    assert.match(await reasonFor(pngWithRawData(8, 8, Buffer.alloc(50_000_000), true)), /^the PNG file is corrupt: its image data is longer than its header says/);
  });

  it('states one pixel limit for every format, with the same wording', async () => {
    const reasons = [];
    for (const format of ['png', 'jpeg', 'bmp', 'tiff'] as const) reasons.push(await reasonFor(headerOnly(format, 12000, 10000)));
    assert.deepEqual(new Set(reasons), new Set(['image is 12000 x 10000 (120.0 megapixels), over the 100-megapixel limit; downscale it or split it into tiles']));
  });

  it('decodes a JPEG right up to the pixel limit (the decoder is given the same limit) and refuses it just above', async () => {
    const width = 300;
    const height = 200;
    const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg({ quality: 90 }).toBuffer();
    const image = await decodeImage(jpeg, { maxPixels: width * height });
    assert.deepEqual([image.width, image.height], [width, height]);
    await assert.rejects(decodeImage(jpeg, { maxPixels: width * height - 1 }), /^ImageError: image is 300 x 200 \(0\.1 megapixels\), over the 0\.059999-megapixel limit/);
  });

  it('reads OS/2 BMP headers and CMYK TIFFs, which decoders got wrong', async () => {
    assert.deepEqual(readImageHeader(readFileSync(path.join(imagesDir, 'os2.bmp'))), { format: 'bmp', width: 6, height: 4 });
    assert.equal((await decodeImage(readFileSync(path.join(imagesDir, 'cmyk.tif')))).rgb.length, 6 * 4 * 3);
  });
});
