// Measurement: the memory the mask editor's undo history holds for whole-image edits (threshold commits and a
// fill-holes clean-up), packed as MaskDocument keeps them against the raw copies it kept before (two of the
// changed rectangle per edit), and the time packing adds to each edit on the extension host's thread.
// The probability map is a lesion-like blob with a wavy border (smooth, as a network's maps are).
//   node scripts/bench.mjs undoMemory [--sizes 2000x1500,8000x6000] [--commits 8]
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MaskDocument } from '../../src/editor/maskDocument';
import { packBytes } from '../../src/mask/packedBytes';
import { readRect } from '../../src/mask/raster';
import { inPlaceCodec } from '../unit/inPlaceCodec';
import { pngHeaderOnly } from '../unit/pngBytes';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '2000x1500,8000x6000' }, commits: { type: 'string', default: '8' } } });
const sizes = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const commits = Number(values.commits);

function blobProbability(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const [cx, cy, radius] = [width / 2, height / 2, Math.min(width, height) / 3];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const angle = Math.atan2(y - cy, x - cx);
      const edge = radius * (1 + 0.15 * Math.sin(5 * angle) + 0.05 * Math.sin(17 * angle));
      const p = 0.5 - (Math.hypot(x - cx, y - cy) - edge) / (0.25 * radius);
      out[y * width + x] = Math.round(255 * Math.min(1, Math.max(0, p)));
    }
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'undo-memory-'));
  try {
    mkdirSync(path.join(dir, 'images'));
    console.log(`Undo history of ${commits} threshold commits and one Fill Holes (whole-image edits), MB`);
    console.log('size        | raw patches | packed | ratio | pack ms per edit (median) | edit ms (median, packing included)');
    for (const [width, height] of sizes) {
      const imagePath = path.join(dir, 'images', `${width}x${height}.png`);
      writeFileSync(imagePath, pngHeaderOnly(width, height));
      const doc = await MaskDocument.open({ imagePath, labelPath: path.join(dir, 'masks', `${width}x${height}.png`), labelsDir: path.join(dir, 'masks') }, { classCount: 2, codec: inPlaceCodec() });
      doc.probability = { probability: blobProbability(width, height), classes: null };
      let raw = 0;
      const packMs: number[] = [];
      const editMs: number[] = [];
      const operations = [...Array.from({ length: commits }, (_, i) => ({ kind: 'threshold' as const, threshold: 60 + ((i * 37) % 140) })), { kind: 'fillHoles' as const, classIndex: 1 }];
      for (const op of operations) {
        const start = performance.now();
        const edit = doc.apply(op);
        editMs.push(performance.now() - start);
        if (!edit) continue;
        raw += 2 * edit.rect.width * edit.rect.height;
        const side = readRect(doc.raster, edit.rect); // packing one side again, timed alone
        const packStart = performance.now();
        packBytes(side);
        packMs.push(2 * (performance.now() - packStart));
      }
      const packed = doc.historyBytes;
      console.log(`${`${width}x${height}`.padEnd(11)} | ${mb(raw).padStart(11)} | ${mb(packed).padStart(6)} | ${(raw / packed).toFixed(0).padStart(5)} | ${median(packMs).toFixed(1).padStart(25)} | ${median(editMs).toFixed(1)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
