// Micro-benchmark of the mask module (a benchmark that prints numbers, not a test):
//   node scripts/bench/mask-ops.mjs [--quick]
// Bundles src/mask with esbuild into out/bench (inside the repository, so pngjs resolves), then times the
// operations on large rasters and prints the median (and p95 where there are many samples) of each, wall and
// CPU time. --quick runs fewer repetitions.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const quick = process.argv.includes('--quick');
const temp = join(root, 'out', 'bench');
mkdirSync(temp, { recursive: true });
const entry = join(temp, 'entry.ts');
writeFileSync(entry, ['brush', 'fill', 'polygon', 'components', 'operations', 'raster', 'threshold', 'labelPng']
  .map((m) => `export * from ${JSON.stringify(join(root, 'src', 'mask', m))};`)
  .concat(`export { randomSource } from ${JSON.stringify(join(root, 'test', 'unit', 'maskGrid'))};`).join('\n'));
const outfile = join(temp, 'mask.mjs');
await esbuild.build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'es2022', external: ['pngjs'], logLevel: 'warning' });
const mask = await import(pathToFileURL(outfile).href);

const { randomSource } = mask;

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Runs `once(i)` `count` times (each after `setup(i)`, untimed) and prints the median (and p95) wall time, and
 * the median CPU time of this process: on a shared, loaded machine the wall time includes waiting for a core,
 * the CPU time does not (the operations are single-threaded).
 */
function measure(name, count, once, setup = () => {}) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < count; i++) {
    setup(i);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    once(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const p95 = count >= 20 ? ` p95 ${percentile(wall, 0.95).toFixed(3)}` : '';
  console.log(`${name.padEnd(66)} wall median ${percentile(wall, 0.5).toFixed(3)}${p95} ms, cpu median ${percentile(cpu, 0.5).toFixed(3)} ms (n=${count})`);
}

/** A pointer path: `moves` steps of about `step` px, wandering inside the image. */
function pointerPath(random, width, height, moves, step, radius) {
  const points = [];
  let x = width / 2;
  let y = height / 2;
  let angle = random() * 2 * Math.PI;
  for (let i = 0; i <= moves; i++) {
    points.push(mask.snapBrushPoint(x, radius), mask.snapBrushPoint(y, radius));
    angle += (random() - 0.5) * 0.6;
    x = Math.min(width - 1, Math.max(0, x + Math.cos(angle) * step));
    y = Math.min(height - 1, Math.max(0, y + Math.sin(angle) * step));
  }
  return points;
}

const random = randomSource(1);
console.log(`node ${process.version}, ${quick ? 'quick' : 'full'} run, load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} CPUs`);

// --- Brush at 16384 x 8192 (134 megapixels) ---
const big = mask.createRaster(16384, 8192);
for (const [radius, step, moves] of [[25, 8, quick ? 200 : 1000], [1000, 40, quick ? 40 : 150]]) {
  const points = pointerPath(random, big.width, big.height, moves, step, radius);
  let classIndex = 1;
  measure(`paintSegment r=${radius} per pointer move (${step} px moves), 16384x8192`, moves, (i) => {
    mask.paintSegment(big, points[2 * i], points[2 * i + 1], points[2 * i + 2], points[2 * i + 3], radius, classIndex);
  });
  classIndex = 2;
  measure(`paintSegment r=${radius} over already painted pixels (no change), 16384x8192`, Math.min(moves, 100), (i) => {
    mask.paintSegment(big, points[2 * i], points[2 * i + 1], points[2 * i + 2], points[2 * i + 3], radius, 1);
  });
}
for (const radius of [25, 1000]) {
  const strokes = Array.from({ length: quick ? 3 : 7 }, () => pointerPath(random, big.width, big.height, 99, radius === 25 ? 8 : 40, radius));
  measure(`applyOperation stroke of 100 points r=${radius} (incl. patch), 16384x8192`, strokes.length, (i) => {
    mask.applyOperation(big, { kind: 'stroke', points: strokes[i], radius, classIndex: 1 + (i % 2) });
  });
}
big.data.fill(0);

// --- Whole-region operations at 4096 x 4096 ---
const side = 4096;
const blobs = mask.createRaster(side, side);
const blobRandom = randomSource(5);
for (let n = 0; n < 2000; n++) {
  const x = blobRandom() * side;
  const y = blobRandom() * side;
  const r = 2 + blobRandom() ** 3 * 70;
  mask.paintSegment(blobs, x, y, x + blobRandom() * 60, y + blobRandom() * 60, r, 1);
  if (n % 3 === 0) mask.paintSegment(blobs, x, y, x, y, r * 0.4, 0); // holes
}
const blobData = blobs.data.slice();
const reset = () => blobs.data.set(blobData);
const count = quick ? 3 : 7;
const empty = mask.createRaster(side, side);
measure('floodFill of an empty 4096^2 raster (one 16.8 MP region)', count, () => mask.floodFill(empty, 0, 0, 1), () => empty.data.fill(0));
measure('floodFill of the background around 2000 blobs, 4096^2', count, () => mask.floodFill(blobs, 0, 0, 2), reset);
measure('applyOperation fill (incl. patch) of that background, 4096^2', count, () => mask.applyOperation(blobs, { kind: 'fill', x: 0, y: 0, classIndex: 2 }), reset);
measure('fillHoles over 2000 blobs, 4096^2', count, () => mask.fillHoles(blobs, 1), reset);
measure('removeIslands(500) over 2000 blobs, 4096^2', count, () => mask.removeIslands(blobs, 500), reset);
measure('keepLargest over 2000 blobs, 4096^2', count, () => mask.keepLargest(blobs, 1), reset);
measure('applyOperation removeIslands(500) (incl. whole-image patch), 4096^2', count, () => mask.applyOperation(blobs, { kind: 'removeIslands', minArea: 500 }), reset);
const polygon = pointerPath(random, side, side, 2000, 20, 0.5);
measure('fillPolygon lasso of 2000 points, 4096^2', count, () => mask.fillPolygon(blobs, polygon, 2), reset);
const probability = Uint8Array.from({ length: side * side }, (_, k) => (k * 2654435761) >>> 24);
measure('applyOperation threshold (whole mask replaced), 4096^2', count, (i) => mask.applyOperation(blobs, { kind: 'threshold', threshold: 100 + i }, { probability }), reset);
const encoded = mask.encodeLabelPng(blobData, side, side, 'index');
measure(`encodeLabelPng 4096^2 (${(encoded.length / 1024).toFixed(0)} KiB)`, count, () => mask.encodeLabelPng(blobData, side, side, 'index'));
measure('decodeLabelPng 4096^2', count, () => mask.decodeLabelPng(encoded, 2));
