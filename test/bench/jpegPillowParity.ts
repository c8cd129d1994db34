// Measurement: our JPEG pixels against Pillow's Image.open(f).convert('RGB') (what training/data.py reads), per file.
//   node scripts/bench.mjs jpegPillowParity FILE_OR_FOLDER...
// Prints, over all files, the largest absolute sample difference and the fraction of pixels that differ at all,
// then the files that differ most. Debian's Pillow (/usr/bin/python3) is the reference.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeImage } from '../../src/model/decode';

const COMPARE = `
import json, sys
import numpy as np
from PIL import Image
rows = []
for f, raw in json.load(sys.stdin):
    with Image.open(f) as im:
        ref = np.asarray(im.convert("RGB")).astype(np.int16)
    ours = np.fromfile(raw, np.uint8)
    if ours.size != ref.size:
        rows.append([f, -1, -1, ref.shape[0] * ref.shape[1]])
        continue
    d = np.abs(ours.reshape(ref.shape).astype(np.int16) - ref)
    rows.append([f, int(d.max()), int((d.max(axis=2) > 0).sum()), ref.shape[0] * ref.shape[1]])
json.dump(rows, sys.stdout)
`;

function jpegsIn(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => /\.jpe?g$/i.test(name))
    .sort()
    .map((name) => path.join(target, name));
}

async function main(): Promise<void> {
  const files = process.argv.slice(2).flatMap(jpegsIn);
  if (files.length === 0) throw new Error('usage: jpegPillowParity FILE_OR_FOLDER...');
  const scratch = mkdtempSync(path.join(tmpdir(), 'segnetr-jpeg-parity-'));
  try {
    const pairs: Array<[string, string]> = [];
    for (const [i, file] of files.entries()) {
      const image = await decodeImage(readFileSync(file));
      const raw = path.join(scratch, `${i}.rgb`);
      writeFileSync(raw, image.rgb);
      pairs.push([file, raw]);
    }
    const run = spawnSync('/usr/bin/python3', ['-c', COMPARE], { input: JSON.stringify(pairs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`Pillow comparison failed:\n${run.stderr}`);
    const rows = JSON.parse(run.stdout) as Array<[string, number, number, number]>;
    const sizeMismatch = rows.filter((r) => r[1] < 0);
    const maxDiff = Math.max(...rows.map((r) => r[1]));
    const differing = rows.reduce((s, r) => s + Math.max(r[2], 0), 0);
    const pixels = rows.reduce((s, r) => s + r[3], 0);
    console.log(`${rows.length} JPEGs: max abs diff ${maxDiff}, differing pixels ${differing} of ${pixels} (${((100 * differing) / pixels).toFixed(4)} %)`);
    for (const [file] of sizeMismatch) console.log(`  size differs from Pillow's: ${file}`);
    for (const [file, max, n] of rows.filter((r) => r[1] > 0).sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${file}: max ${max}, ${n} pixels`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
