// Generated test images (written into a temp folder by each test) and checks on the label files.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Jimp } from 'jimp';
import { PNG } from 'pngjs';
import { STATE_FOLDER } from '../../src/core/stateFolder';

const LIGHT = [225, 205, 190];
const DARK = [60, 40, 45];

export interface DiscImage {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** Centre of the dark disc: the tiny model must label it 1; the corners stay 0. */
  readonly discCenter: readonly [number, number];
  readonly radius: number;
}

/** RGBA pixels of a light background with a dark disc (a stand-in for a lesion on skin). */
function discPixels(width: number, height: number, cx: number, cy: number, radius: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
      const colour = inside ? DARK : LIGHT;
      data.set([colour[0]!, colour[1]!, colour[2]!, 255], (y * width + x) * 4);
    }
  }
  return data;
}

/** Writes `count` images cycling through PNG, JPEG and BMP, with varied sizes and disc positions. */
export async function writeDiscImages(dir: string, count: number, size: { width: number; height: number } = { width: 96, height: 72 }): Promise<DiscImage[]> {
  const images: DiscImage[] = [];
  for (let i = 0; i < count; i++) {
    const width = size.width + (i % 3) * 8;
    const height = size.height + (i % 2) * 6;
    const cx = Math.round(width * (0.3 + 0.4 * ((i * 7) % 5) / 4));
    const cy = Math.round(height / 2);
    const radius = Math.round(Math.min(width, height) / 5);
    const rgba = discPixels(width, height, cx, cy, radius);
    const ext = ['png', 'jpg', 'bmp'][i % 3]!;
    const file = path.join(dir, `img_${String(i).padStart(3, '0')}.${ext}`);
    if (ext === 'png') {
      const png = new PNG({ width, height });
      rgba.copy(png.data);
      writeFileSync(file, PNG.sync.write(png));
    } else {
      const image = Jimp.fromBitmap({ data: rgba, width, height });
      writeFileSync(file, ext === 'jpg' ? await image.getBuffer('image/jpeg', { quality: 95 }) : await image.getBuffer('image/bmp'));
    }
    images.push({ file, width, height, discCenter: [cx, cy], radius });
  }
  return images;
}

export interface LabelFile {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  /** One value per pixel. */
  readonly values: Uint8Array;
}

/** Reads a label PNG, checking from IHDR that it really is stored single-channel. */
export function readLabel(file: string): LabelFile {
  const bytes = readFileSync(file);
  const png = PNG.sync.read(bytes);
  const values = new Uint8Array(png.width * png.height);
  for (let i = 0; i < values.length; i++) values[i] = png.data[i * 4]!;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24]!, colorType: bytes[25]!, values };
}

/** The bad files of the brief; returns their names. Needs one good PNG in `dir` to truncate. */
export function writeBadFiles(dir: string, goodPng: string, headerOnlyPng: Buffer): string[] {
  const good = readFileSync(goodPng);
  const bad: Record<string, Buffer> = {
    'bad_empty.png': Buffer.alloc(0),
    'bad_truncated.png': good.subarray(0, Math.floor(good.length / 2)),
    'bad_text.jpg': Buffer.from('Patient notes, not an image.\nSee the other folder.\n'),
    'bad_huge.png': headerOnlyPng,
  };
  for (const [name, bytes] of Object.entries(bad)) writeFileSync(path.join(dir, name), bytes);
  return Object.keys(bad);
}

/** A labels folder's entries without SegNetr's bookkeeping folder (.segnetr: review state, prediction records). */
export function labelFolderEntries(dir: string): string[] {
  return readdirSync(dir).filter((name) => name !== STATE_FOLDER);
}
