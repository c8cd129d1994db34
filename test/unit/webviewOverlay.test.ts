import * as assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { classColorTable, packRgba, paintableClasses } from '../../src/webview/classColors';
import { neutralizeExifOrientation } from '../../src/webview/exifOrientation';
import { renderOverlayPixels, type OverlaySource } from '../../src/webview/overlayPixels';
import { grid } from './maskGrid';

// Colours as single letters so expectations are small pictures: '.' clear, 'a' class 1, 'b' class 2, 'u' band.
const A = 0x11;
const B = 0x22;
const U = 0x99;

function source(rows: string[], extra: Partial<OverlaySource> = {}): OverlaySource {
  const g = grid(rows);
  const colors = new Uint32Array(256);
  colors[1] = A;
  colors[2] = B;
  return {
    width: g.width, height: g.height, mask: g.data, colors, outline: false, probability: null, predictedClasses: null,
    previewThreshold: -1, bandLow: -1, bandHigh: -1, bandColor: U,
    layer: 'mask', prediction: null, errorColors: new Uint32Array(5), heatColors: new Uint32Array(256), ...extra,
  };
}

function picture(out: Uint32Array, width: number): string[] {
  const letters: Record<number, string> = { 0: '.', [A]: 'a', [B]: 'b', [U]: 'u' };
  const rows: string[] = [];
  for (let y = 0; y < out.length / width; y++) rows.push(Array.from(out.subarray(y * width, (y + 1) * width), (v) => letters[v] ?? '?').join(''));
  return rows;
}

function render(s: OverlaySource, step: number, width: number, height: number): string[] {
  const out = new Uint32Array(width * height).fill(0xdead);
  renderOverlayPixels(s, step, 0, 0, out, width, 0, 0, width, height);
  return picture(out, width);
}

describe('webview: overlay pixels', () => {
  it('colours every class pixel at full resolution; pixels past the image are clear', () => {
    const s = source(['.12', '11.']);
    assert.deepEqual(render(s, 1, 4, 3), ['.ab.', 'aa..', '....']);
  });

  it('outline mode keeps only pixels with a 4-neighbour of another class (the image border counts as background)', () => {
    const s = source(['.....', '.111.', '.111.', '.111.', '.....'], { outline: true });
    assert.deepEqual(render(s, 1, 5, 5), ['.....', '.aaa.', '.a.a.', '.aaa.', '.....']);
    const full = source(['111', '111', '111'], { outline: true });
    assert.deepEqual(render(full, 1, 3, 3), ['aaa', 'a.a', 'aaa']);
  });

  it('level 1 samples the centre-ish pixel of each 2 x 2 block', () => {
    // Step 2 samples pixels (1, 1), (3, 1), (1, 3), (3, 3).
    const s = source(['....', '.1.2', '....', '.2..']);
    assert.deepEqual(render(s, 2, 2, 2), ['ab', 'b.']);
  });

  it('threshold preview shows probability > threshold as class 1 (or the predicted class) instead of the mask', () => {
    const probability = Uint8Array.from([10, 128, 129, 255]);
    const s = source(['2222'], { probability, previewThreshold: 128 });
    assert.deepEqual(render(s, 1, 4, 1), ['..aa']);
    s.predictedClasses = Uint8Array.from([1, 2, 2, 0]);
    assert.deepEqual(render(s, 1, 4, 1), ['..b.']);
  });

  it('outline mode outlines the threshold preview, not the mask', () => {
    const probability = Uint8Array.from([0, 0, 0, 0, 0, 200, 200, 200, 0, 200, 200, 200, 0, 200, 200, 200]);
    const s = source(['2222', '2222', '2222', '2222'], { probability, previewThreshold: 100, outline: true });
    assert.deepEqual(render(s, 1, 4, 4), ['....', '.aaa', '.a.a', '.aaa']);
  });

  it('hatches the uncertain band (low < p < high) on 2 of every 6 diagonals, continuing across tiles', () => {
    const probability = new Uint8Array(8).fill(100);
    probability[7] = 200;
    const s = source(['11111111'], { probability, bandLow: 50, bandHigh: 150 });
    assert.deepEqual(render(s, 1, 8, 1), ['uuaaaaua']);
    // The stripes continue at a tile whose origin is 2 pixels further: offset by 2.
    const out = new Uint32Array(4);
    renderOverlayPixels(s, 1, 2, 0, out, 4, 0, 0, 4, 1);
    assert.deepEqual(picture(out, 4), ['aaaa']);
  });
});

describe('webview: class colours', () => {
  it('packs r, g, b, a in memory order', () => {
    const bytes = new Uint8Array(new Uint32Array([packRgba(1, 2, 3, 4)]).buffer);
    assert.deepEqual(Array.from(bytes), [1, 2, 3, 4]);
  });

  it('background clear, card colours for known classes, a black card colour replaced, unknown values magenta', () => {
    const classes = [
      { index: 0, name: 'background', color: '#000000' },
      { index: 1, name: 'lesion', color: '#000000' },
      { index: 2, name: 'ruler', color: '#102030' },
    ];
    const table = classColorTable(classes);
    assert.equal(table[0], 0);
    assert.equal(table[1], packRgba(0xff, 0x4d, 0x4d, 255));
    assert.equal(table[2], packRgba(0x10, 0x20, 0x30, 255));
    assert.equal(table[7], packRgba(255, 0, 255, 255));
    assert.deepEqual(paintableClasses(classes).map((c) => c.index), [1, 2]);
  });
});

/** A minimal JPEG: SOI, APP1 Exif (big-endian TIFF, IFD0 with one Orientation entry), SOS. */
function jpegWithOrientation(orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, exif.length + 2, ...exif, 0xff, 0xda, 0, 2]);
}

function pngChunk(type: string, data: number[]): number[] {
  const body = Buffer.from([...Buffer.from(type, 'latin1'), ...data]);
  const crc = crc32(body);
  const length = data.length;
  return [length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255, ...body, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255];
}

describe('webview: EXIF orientation', () => {
  it('rewrites a JPEG orientation of 6 to 1 and reports it', () => {
    const bytes = jpegWithOrientation(6);
    const expected = jpegWithOrientation(1);
    assert.equal(neutralizeExifOrientation(bytes), 6);
    assert.deepEqual(bytes, expected);
    assert.equal(neutralizeExifOrientation(bytes), 1);
  });

  it('rewrites a little-endian PNG eXIf orientation and recomputes the chunk CRC', () => {
    const tiff = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0];
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const make = (o: number): Uint8Array => {
      const t = tiff.slice();
      t[18] = o;
      return Uint8Array.from([...signature, ...pngChunk('IHDR', new Array(13).fill(0)), ...pngChunk('eXIf', t), ...pngChunk('IEND', [])]);
    };
    const bytes = make(8);
    assert.equal(neutralizeExifOrientation(bytes), 8);
    assert.deepEqual(bytes, make(1));
  });

  it('leaves files without EXIF, and other formats, untouched', () => {
    const bmp = Uint8Array.from([0x42, 0x4d, 1, 2, 3]);
    assert.equal(neutralizeExifOrientation(bmp), 1);
    assert.deepEqual(Array.from(bmp), [0x42, 0x4d, 1, 2, 3]);
    const truncated = jpegWithOrientation(6).slice(0, 12);
    assert.equal(neutralizeExifOrientation(truncated), 1);
  });
});
