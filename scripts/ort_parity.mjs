#!/usr/bin/env node
// Run an ONNX model in onnxruntime-node for the Python parity check and the latency benchmark.
//
// Parity: node scripts/ort_parity.mjs --model M.onnx --input IN.bin --shape N,3,H,W --output OUT.bin
//   IN.bin is raw little-endian float32 fed as `image`; `logits` is written raw to OUT.bin and
//   its dims are printed as JSON on stdout.
// Bench:  node scripts/ort_parity.mjs --bench --model M.onnx[,M2.onnx,...] [--size 256] [--threads 2]
//         [--runs 30] [--warmup 5]
//   Prints JSON with the median/min/mean latency (ms) of single-image runs after warm-up, one line per model.
//   Several models run side by side: blocks of 5 runs of each, interleaved in a rotating order, so a busy
//   neighbour slows them alike and their ratios stay comparable; each line then also has `ratio_to_first` (medians).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const args = { threads: 2, runs: 30, warmup: 5, size: 256, bench: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bench') args.bench = true;
    else if (a.startsWith('--')) args[a.slice(2)] = argv[++i];
    else throw new Error(`unexpected argument ${a}`);
  }
  for (const k of ['threads', 'runs', 'warmup', 'size']) args[k] = Number(args[k]);
  if (!args.model) throw new Error('--model is required');
  return args;
}

async function makeSession(model, threads) {
  // onnxruntime defaults measured fastest here: optimisation "all", arena on, sequential executor.
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
}

async function parity(args) {
  const dims = args.shape.split(',').map(Number);
  const buf = readFileSync(args.input);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`input has ${data.length} floats, shape needs ${expected}`);
  const session = await makeSession(args.model, args.threads);
  const out = await session.run({ image: new ort.Tensor('float32', Float32Array.from(data), dims) });
  const logits = out.logits;
  writeFileSync(args.output, Buffer.from(logits.data.buffer, logits.data.byteOffset, logits.data.byteLength));
  process.stdout.write(JSON.stringify({ dims: logits.dims, inputs: session.inputNames, outputs: session.outputNames }) + '\n');
}

const BLOCK = 5;
const PAUSE_MS = 50;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function bench(args) {
  const models = args.model.split(',');
  const sessions = [];
  for (const model of models) sessions.push(await makeSession(model, args.threads));
  const dims = [1, 3, args.size, args.size];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let seed = 1;
  for (let i = 0; i < data.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; data[i] = seed / 2 ** 32 * 4 - 2; }
  const feeds = { image: new ort.Tensor('float32', data, dims) };
  for (const session of sessions) for (let i = 0; i < args.warmup; i++) await session.run(feeds);
  const times = models.map(() => []);
  // Several models run in blocks of BLOCK back-to-back runs, the blocks interleaved in a rotating order. Each
  // block starts after a pause: onnxruntime's pool threads spin for a while after a run, and a session run right
  // after another one competed with those spinning threads (measured: twice the latency of a lone session).
  const block = sessions.length > 1 ? BLOCK : args.runs;
  for (let round = 0; round * block < args.runs; round++) {
    for (let k = 0; k < sessions.length; k++) {
      const m = (round + k) % sessions.length;
      if (sessions.length > 1) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      for (let i = 0; i < Math.min(block, args.runs - round * block); i++) {
        const t = process.hrtime.bigint();
        await sessions[m].run(feeds);
        times[m].push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
  }
  const first = median(times[0]);
  models.forEach((model, m) => {
    const line = {
      model, size: args.size, threads: args.threads, runs: args.runs, warmup: args.warmup,
      median_ms: median(times[m]), min_ms: Math.min(...times[m]),
      mean_ms: times[m].reduce((a, b) => a + b, 0) / times[m].length,
    };
    if (models.length > 1) line.ratio_to_first = line.median_ms / first;
    process.stdout.write(JSON.stringify(line) + '\n');
  });
}

const args = parseArgs(process.argv.slice(2));
(args.bench ? bench(args) : parity(args)).catch((e) => { console.error(e); process.exit(1); });
