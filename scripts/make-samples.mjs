#!/usr/bin/env node
// Deterministic synthetic dermoscopy-like samples: an irregular dark-brown lesion with a soft border on a noisy
// skin-like texture, with its true mask. For `npm start` (a folder to try the extension on) and the host tests.
// Never uses the ISIC files: everything is drawn from a seeded PRNG, so the same arguments give the same bytes.
//
//   node scripts/make-samples.mjs [--out .cache/samples] [--count 12] [--seed 1] [--format index|binary255]
//
// Writes <out>/images/<name>.png|.jpg and <out>/ground-truth/<name>.png (single-channel 8-bit; 0 = background,
// 1 = lesion, or 0/255 with --format binary255).
import { parseArgs } from 'node:util';
import { Jimp } from 'jimp';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** mulberry32: small, fast, deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lerp = (a, b, t) => a + (b - a) * t;
const clamp255 = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
const smoothstep = (e0, e1, x) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Smooth value noise on a coarse grid, bilinearly interpolated; returns f(x, y) in [0, 1]. */
function valueNoise(rand, width, height, cell) {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = Float32Array.from({ length: gw * gh }, rand);
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    const tx = smoothstep(0, 1, gx - x0);
    const ty = smoothstep(0, 1, gy - y0);
    const g = (i, j) => grid[j * gw + i];
    return lerp(lerp(g(x0, y0), g(x0 + 1, y0), tx), lerp(g(x0, y0 + 1), g(x0 + 1, y0 + 1), tx), ty);
  };
}

/**
 * Draws one sample. Returns RGBA pixels of the image and the 0/1 mask (Uint8Array, one byte per pixel).
 * @param {number} seed
 * @param {number} width
 * @param {number} height
 */
export function drawSample(seed, width, height) {
  const rand = prng(seed * 7919 + 17);
  const s = Math.min(width, height);
  // Skin: base tone, slow blotches, fine grain.
  const tone = rand();
  const skin = [lerp(200, 238, tone), lerp(148, 196, tone), lerp(118, 170, tone)].map((c) => c + (rand() - 0.5) * 12);
  const blotch = valueNoise(rand, width, height, s / 4);
  const grain = valueNoise(rand, width, height, 3);
  // Lesion: centre, size, elongation, rotation and a few harmonics for an irregular outline.
  const cx = width / 2 + (rand() - 0.5) * 0.3 * width;
  const cy = height / 2 + (rand() - 0.5) * 0.3 * height;
  const r0 = s * lerp(0.16, 0.3, rand());
  const stretch = lerp(0.75, 1.3, rand());
  const rot = rand() * Math.PI;
  const harmonics = Array.from({ length: 5 }, (_, i) => ({ k: i + 2, a: (0.04 + rand() * 0.24) / Math.sqrt(i + 1), p: rand() * 2 * Math.PI }));
  const soft = 0.1 * r0 + 2;
  const lesion = [lerp(105, 135, rand()), lerp(72, 92, rand()), lerp(50, 66, rand())];
  const core = lesion.map((c) => c * lerp(0.45, 0.7, rand()));
  const mottle = valueNoise(rand, width, height, Math.max(4, r0 / 4));
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);

  const rgba = Buffer.alloc(width * height * 4);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / stretch;
      const v = (-dx * sin + dy * cos) * stretch;
      const d = Math.hypot(u, v);
      const th = Math.atan2(v, u);
      let R = r0;
      for (const h of harmonics) R += r0 * h.a * Math.sin(h.k * th + h.p);
      const inside = d <= R;
      const alpha = 1 - smoothstep(R - soft, R + soft, d);
      const b = 0.88 + 0.18 * blotch(x, y);
      const n = (grain(x, y) - 0.5) * 22 + (rand() - 0.5) * 10;
      const depth = Math.min(1, Math.max(0, 1 - d / R)) * (0.6 + 0.4 * mottle(x, y));
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const les = lerp(lesion[c], core[c], depth);
        rgba[i + c] = clamp255(lerp(skin[c] * b, les, alpha) + n);
      }
      rgba[i + 3] = 255;
      mask[y * width + x] = inside ? 1 : 0;
    }
  }
  return { rgba, mask };
}

/** Single-channel 8-bit PNG (colour type 0) of a mask scaled by `scale` (1 for index masks, 255 for 0/255). */
export async function encodeMaskPng(mask, width, height, scale = 1) {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < mask.length; p++) {
    const v = mask[p] * scale;
    data[p * 4] = v;
    data[p * 4 + 1] = v;
    data[p * 4 + 2] = v;
    data[p * 4 + 3] = 255;
  }
  return Jimp.fromBitmap({ data, width, height }).getBuffer('image/png', { colorType: 0, inputHasAlpha: true });
}

export const DEFAULT_SIZES = [
  ...Array.from({ length: 10 }, () => [256, 192]),
  [640, 480],
  [1024, 768],
];

/**
 * Writes `count` samples into `<outDir>/images` and (unless `groundTruth` is false) `<outDir>/ground-truth`.
 * Every `jpegEvery`-th image is a JPEG (0 = PNG only). Sizes cycle through `sizes`.
 * @returns {Promise<{ images: string[], masks: string[] }>}
 */
export async function makeSamples({
  outDir,
  count = 12,
  seed = 1,
  sizes = DEFAULT_SIZES,
  jpegEvery = 4,
  format = 'index',
  groundTruth = true,
  prefix = 'lesion',
  clean = true,
} = {}) {
  const imagesDir = path.join(outDir, 'images');
  const truthDir = path.join(outDir, 'ground-truth');
  if (clean) {
    await rm(imagesDir, { recursive: true, force: true });
    await rm(truthDir, { recursive: true, force: true });
  }
  await mkdir(imagesDir, { recursive: true });
  if (groundTruth) await mkdir(truthDir, { recursive: true });
  const images = [];
  const masks = [];
  const digits = Math.max(3, String(count).length);
  for (let k = 0; k < count; k++) {
    const [width, height] = sizes[k % sizes.length];
    const name = `${prefix}-${String(k + 1).padStart(digits, '0')}`;
    const { rgba, mask } = drawSample(seed * 100_003 + k, width, height);
    const jpeg = jpegEvery > 0 && k % jpegEvery === jpegEvery - 1;
    const image = Jimp.fromBitmap({ data: rgba, width, height });
    const file = path.join(imagesDir, `${name}.${jpeg ? 'jpg' : 'png'}`);
    const buf = jpeg
      ? await image.getBuffer('image/jpeg', { quality: 92 })
      : await image.getBuffer('image/png', { colorType: 2, inputHasAlpha: true, deflateLevel: 6 });
    await writeFile(file, buf);
    images.push(file);
    if (groundTruth) {
      const m = path.join(truthDir, `${name}.png`);
      await writeFile(m, await encodeMaskPng(mask, width, height, format === 'binary255' ? 255 : 1));
      masks.push(m);
    }
  }
  return { images, masks };
}

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: path.join(ROOT, '.cache', 'samples') },
      count: { type: 'string', default: '12' },
      seed: { type: 'string', default: '1' },
      format: { type: 'string', default: 'index' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/make-samples.mjs [--out DIR] [--count N] [--seed S] [--format index|binary255]');
    process.exit(0);
  }
  const opts = { outDir: path.resolve(values.out), count: Number.parseInt(values.count, 10), seed: Number.parseInt(values.seed, 10), format: values.format };
  if (!(opts.count > 0)) throw new Error('--count must be a positive integer');
  if (!['index', 'binary255'].includes(opts.format)) throw new Error('--format must be index or binary255');
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseCommandLine(process.argv.slice(2));
  const t0 = Date.now();
  const { images } = await makeSamples(opts);
  console.log(`make-samples: ${images.length} images + ground truth in ${path.relative(process.cwd(), opts.outDir) || '.'} (${Date.now() - t0} ms)`);
}
