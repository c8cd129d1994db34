// Measurement: how long decodeImage takes per file (the bytes are read first, so only decoding is timed).
//   node scripts/bench.mjs decodeSpeed [--rounds N] FILE_OR_FOLDER...
// Prints the mean and median milliseconds per image over all rounds after one warm-up pass. Peak memory of one
// large image is measured from outside: /usr/bin/time -f %M node out/bench/decodeSpeed.js --rounds 1 big.jpg
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage } from '../../src/model/decode';

const { values, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '5' } }, allowPositionals: true });

function filesOf(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => /\.(png|jpe?g|bmp|tiff?)$/i.test(name))
    .sort()
    .map((name) => path.join(target, name));
}

async function main(): Promise<void> {
  const files = positionals.flatMap(filesOf);
  if (files.length === 0) throw new Error('usage: decodeSpeed [--rounds N] FILE_OR_FOLDER...');
  const bytes = files.map((f) => readFileSync(f));
  const rounds = Number(values.rounds);
  if (rounds > 1) for (const b of bytes) await decodeImage(b); // warm-up: lazy module loads, JIT
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const b of bytes) {
      const started = process.hrtime.bigint();
      await decodeImage(b);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  console.log(`${files.length} files x ${rounds} rounds: mean ${mean.toFixed(2)} ms, median ${times[times.length >> 1]!.toFixed(2)} ms per image`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
