// Images the mask editor's page cannot show from their file (TIFF, 16-bit PNG) are rendered as the model sees them:
// the PNG the page gets holds exactly decodeImage's pixels, through the codec thread as in place, and the status
// note says how 16-bit values were windowed. 8-bit PNG, JPEG and BMP are left to the page.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { renderedImageFor, renderingNote, renderingReason } from '../../src/editor/renderedImage';
import { decodeImage } from '../../src/model/decode';
import { ImageError } from '../../src/model/errors';
import { parseImageHeader } from '../../src/model/imageHeader';
import { renderImage } from '../../src/model/renderImage';
import { LabelCodecThread } from '../../src/worker/labelCodecClient';
import { codecThread } from './codecThread';
import { inPlaceCodec } from './inPlaceCodec';

const IMAGES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'images');
const fixture = (name: string) => path.join(IMAGES, name);

function pixelsOf(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const decoded = PNG.sync.read(Buffer.from(png));
  const rgb = new Uint8Array(decoded.width * decoded.height * 3);
  for (let p = 0; p < decoded.width * decoded.height; p++) rgb.set(decoded.data.subarray(p * 4, p * 4 + 3), p * 3);
  return { width: decoded.width, height: decoded.height, rgb };
}

describe('images the editor page cannot decode', () => {
  let thread: LabelCodecThread;
  before(async () => {
    thread = await codecThread();
  });
  after(() => thread.dispose());

  it('are TIFFs and 16-bit PNGs; 8-bit PNG, JPEG and BMP are the page\'s to show', () => {
    const reasons = Object.fromEntries(['rgb8.tif', 'grey16.tif', 'grey16.png', 'rgb16.png', 'rgb8.png', 'palette.png', 'rgb.jpg', 'rgb24.bmp']
      .map((name) => [name, renderingReason(parseImageHeader(readFileSync(fixture(name))))]));
    assert.deepEqual(reasons, {
      'rgb8.tif': 'tiff', 'grey16.tif': 'tiff', 'grey16.png': '16-bit', 'rgb16.png': '16-bit',
      'rgb8.png': undefined, 'palette.png': undefined, 'rgb.jpg': undefined, 'rgb24.bmp': undefined,
    });
  });

  it('are rendered to a PNG of exactly the pixels the model sees, on the codec thread as in place', async () => {
    for (const name of ['rgb8.tif', 'grey16.tif', 'cmyk.tif', 'grey16.png', 'rgb16.png']) {
      const bytes = readFileSync(fixture(name));
      const expected = await decodeImage(bytes);
      const inPlace = await renderImage(bytes, { maxPixels: 1e8 });
      const threaded = await thread.renderImage(Uint8Array.from(bytes), 1e8);
      for (const rendered of [inPlace, threaded]) {
        const shown = pixelsOf(rendered.png);
        assert.deepEqual([shown.width, shown.height], [expected.width, expected.height], name);
        assert.ok(Buffer.from(shown.rgb).equals(Buffer.from(expected.rgb)), `${name}: the rendered pixels are decodeImage's`);
        assert.deepEqual([rendered.bitDepth, rendered.window], [expected.bitDepth, expected.window ?? null], name);
      }
    }
  });

  it('say how 16-bit values are shown, and refuse a broken file with the decoder\'s reason', async () => {
    const grey16 = await renderedImageFor(fixture('grey16.png'), inPlaceCodec());
    const { window } = await decodeImage(readFileSync(fixture('grey16.png')));
    assert.equal(grey16?.note, `16-bit values ${window!.low}–${window!.high} shown black to white, as the model sees them`);
    assert.equal((await renderedImageFor(fixture('rgb8.tif'), inPlaceCodec()))?.note, 'TIFF as the model sees it');
    assert.equal(await renderedImageFor(fixture('rgb8.png'), inPlaceCodec()), undefined);
    assert.equal(renderingNote('tiff', { bitDepth: 16, window: { low: 3, high: 900 } }), 'TIFF as the model sees it: 16-bit values 3–900 shown black to white');
    const whole = readFileSync(fixture('rgb8.tif'));
    const truncated = whole.subarray(0, whole.length - 10);
    await assert.rejects(thread.renderImage(Uint8Array.from(truncated), 1e8), (error: Error) => error instanceof ImageError && /TIFF file is truncated/.test(error.message));
  });
});
