// The label codec thread (src/worker/labelCodecThread.ts through the extension's client): every answer is
// bit-identical to the codec functions run in place (encodeLabelPng, decodeLabelPng, readMaskPng), pixel
// buffers move rather than copy, refusals keep their class and message, and a thread that cannot run fails its
// requests with a message instead of hanging. The grids are written by hand.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readMaskPng } from '../../src/core/readMask';
import { LabelPngError, decodeLabelPng, encodeLabelPng } from '../../src/mask/labelPng';
import { applyOperation, replaceMaskPatch } from '../../src/mask/operations';
import { unpackBytes } from '../../src/mask/packedBytes';
import type { WholeImageOperation } from '../../src/mask/wholeImage';
import { ImageError } from '../../src/model/errors';
import { LabelCodecThread } from '../../src/worker/labelCodecClient';
import { codecThread } from './codecThread';
import { grid, randomSource } from './maskGrid';
import { pngFromRows } from './pngBytes';

/** CPU time of this process's main thread, in ms (10 ms steps from /proc on Node before 23.9); undefined where unknown. */
function mainThreadCpuMs(): number | undefined {
  const threadCpuUsage = (process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (threadCpuUsage) {
    const usage = threadCpuUsage.call(process);
    return (usage.user + usage.system) / 1000;
  }
  try {
    // Fields after "pid (comm) ": state is the first; utime and stime are the 12th and 13th, in clock ticks (100 Hz).
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const BINARY = grid(['........', '..1111..', '.111111.', '..1111..', '........']);
const MULTI = grid(['0012', '3344', '5566', '7789', '9999'].map((row) => row.replace(/0/g, '.')));

describe('label codec thread', () => {
  let codec: LabelCodecThread;
  before(async () => {
    codec = await codecThread();
  });
  after(() => codec.dispose());

  it('encodes exactly the bytes encodeLabelPng writes in place (binary, binary255, ten classes)', async () => {
    for (const [raster, format] of [[BINARY, 'index'], [BINARY, 'binary255'], [MULTI, 'index']] as const) {
      const expected = encodeLabelPng(raster.data, raster.width, raster.height, format);
      const actual = await codec.encodeLabel(raster.data.slice(), raster.width, raster.height, format, { transfer: true });
      assert.deepEqual(Buffer.from(actual), expected, `${raster.width} x ${raster.height} ${format}`);
    }
  });

  it('round-trips a 300 x 200 mask of random runs of 4 classes, pixel for pixel', async () => {
    const random = randomSource(7);
    const data = new Uint8Array(300 * 200);
    for (let i = 0; i < data.length;) {
      const run = 1 + Math.floor(random() * 40);
      data.fill(Math.floor(random() * 4), i, i + run);
      i += run;
    }
    const bytes = await codec.encodeLabel(data, 300, 200, 'index');
    assert.deepEqual(Buffer.from(bytes), encodeLabelPng(data, 300, 200, 'index'));
    const decoded = await codec.decodeLabel(bytes, 4);
    assert.deepEqual([decoded.width, decoded.height], [300, 200]);
    assert.deepEqual(decoded.data, data);
  });

  it('decodes a label as decodeLabelPng does: 0/255 as classes 0/1, palette indices whatever the colours', async () => {
    const binary255 = encodeLabelPng(BINARY.data, BINARY.width, BINARY.height, 'binary255');
    assert.deepEqual(await codec.decodeLabel(binary255, 2), decodeLabelPng(binary255, 2));
    assert.deepEqual(Array.from((await codec.decodeLabel(binary255, 2)).data.subarray(8, 16)), [0, 0, 1, 1, 1, 1, 0, 0]);
    const palette = pngFromRows({
      width: 4, height: 2, bitDepth: 8, colorType: 3,
      palette: [[0, 0, 0], [255, 0, 0], [0, 0, 0], [0, 255, 0]],
      rows: [[0, 1, 2, 3], [3, 3, 0, 2]],
    });
    const decoded = await codec.decodeLabel(palette, 4);
    assert.deepEqual(Array.from(decoded.data), [0, 1, 2, 3, 3, 3, 0, 2]);
    assert.deepEqual(decoded, decodeLabelPng(palette, 4));
  });

  it('decodes a grey map value for value with the SHA-256 of its pixels', async () => {
    const values = Uint8Array.from({ length: 6 * 3 }, (_, i) => (i * 37) % 256);
    values[0] = 255; // a 0/255 pair must not become 0/1 here
    const bytes = encodeLabelPng(values, 6, 3, 'index');
    const decoded = await codec.decodeGrey(bytes);
    assert.deepEqual(decoded.data, values);
    assert.equal(decoded.sha256, createHash('sha256').update(values).digest('hex'));
  });

  it('reads a prediction mask by the evaluation\'s rules, as readMaskPng does', async () => {
    const mask = encodeLabelPng(Uint8Array.from([0, 255, 255, 0, 1, 0]), 3, 2, 'index');
    const expected = readMaskPng(mask, 2, 'prediction');
    assert.deepEqual(await codec.readMask(mask, 2, 'prediction'), expected);
    assert.deepEqual(Array.from(expected.data), [0, 1, 1, 0, 1, 0]);
  });

  it('refuses what the in-place codec refuses, with the same error class and message', async () => {
    const notAClass = encodeLabelPng(Uint8Array.from([0, 1, 7, 0]), 2, 2, 'index');
    const inPlace = (() => {
      try {
        decodeLabelPng(notAClass, 3);
      } catch (error) {
        return error as Error;
      }
      throw new Error('decodeLabelPng accepted a value that is not a class');
    })();
    await assert.rejects(codec.decodeLabel(notAClass, 3), (e: Error) => e instanceof LabelPngError && e.message === inPlace.message);
    await assert.rejects(codec.decodeLabel(Buffer.from('not a png at all, just text'), 2), (e: Error) => e instanceof LabelPngError && /PNG signature is missing/.test(e.message));
    await assert.rejects(codec.readMask(notAClass, 2, 'prediction'), (e: Error) => e instanceof ImageError && /pixel \(0, 1\) is 7/.test(e.message));
    await assert.rejects(codec.encodeLabel(new Uint8Array(5), 2, 2, 'index'), /mask has 5 pixels, expected 2 x 2/);
    // The thread survives refusals.
    assert.deepEqual(Buffer.from(await codec.encodeLabel(BINARY.data, 8, 5, 'index')), encodeLabelPng(BINARY.data, 8, 5, 'index'));
  });

  it('moves a handed-over mask to the thread (no copy); a mask the caller keeps is left as it was', async () => {
    const kept = BINARY.data.slice();
    await codec.encodeLabel(kept, 8, 5, 'index');
    assert.deepEqual(kept, BINARY.data, 'without transfer the caller\'s mask is intact');
    const given = BINARY.data.slice();
    await codec.encodeLabel(given, 8, 5, 'index', { transfer: true });
    assert.equal(given.byteLength, 0, 'with transfer the buffer went to the thread (detached here)');
    // A view into a larger buffer cannot be moved without the rest: it is copied, and the rest stays usable.
    const backing = new Uint8Array(100).fill(1);
    const view = backing.subarray(10, 50);
    await codec.encodeLabel(view, 8, 5, 'index', { transfer: true });
    assert.equal(backing.byteLength, 100);
  });

  it('runs whole-image edits and mask replacements as applyOperation / replaceMaskPatch do in place, handing back the packed patch', async () => {
    const holed = grid(['.........', '.1111111.', '.1.....1.', '.1.111.1.', '.1.....1.', '.1111111.', '.........', '......1..']);
    const probability = new Uint8Array(holed.data.length).map((_, i) => (i * 37) % 256);
    const operations: WholeImageOperation[] = [
      { kind: 'fillHoles', classIndex: 1 },
      { kind: 'removeIslands', minArea: 2 },
      { kind: 'keepLargest', classIndex: 1 },
      { kind: 'threshold', threshold: 128 },
    ];
    for (const operation of operations) {
      const inPlace = { ...holed, data: holed.data.slice() };
      const expected = applyOperation(inPlace, operation, { probability });
      assert.ok(expected, `${operation.kind} changes the grid`);
      const given = holed.data.slice();
      const context = { probability: operation.kind === 'threshold' ? probability.slice() : null, predictedClasses: null };
      const patch = await codec.applyWholeImage({ width: holed.width, height: holed.height, data: given }, operation, context);
      assert.equal(given.byteLength, 0, 'the mask copy moved to the thread');
      assert.ok(patch);
      assert.deepEqual(patch.rect, expected.rect, operation.kind);
      assert.deepEqual([unpackBytes(patch.before), unpackBytes(patch.after)], [expected.before, expected.after], operation.kind);
    }
    const predicted = grid(['.........', '.........', '..22.....', '..22.....', '.........', '.........', '.........', '.........']);
    const replaced = replaceMaskPatch({ ...holed, data: holed.data.slice() }, predicted.data)!;
    const threaded = (await codec.replaceMask({ width: holed.width, height: holed.height, data: holed.data.slice() }, predicted.data.slice()))!;
    assert.deepEqual([threaded.rect, unpackBytes(threaded.before), unpackBytes(threaded.after)], [replaced.rect, replaced.before, replaced.after], 'replaceMask');
    const clean = grid(['....', '.11.', '.11.', '....']);
    assert.equal(await codec.applyWholeImage({ ...clean, data: clean.data.slice() }, { kind: 'fillHoles', classIndex: 1 }, { probability: null, predictedClasses: null }), undefined, 'nothing to change');
    await assert.rejects(codec.applyWholeImage({ width: 3, height: 3, data: new Uint8Array(8) }, { kind: 'fillHoles', classIndex: 1 }, { probability: null, predictedClasses: null }), /3 x 3 mask needs 9 pixels, got 8/);
    await assert.rejects(codec.applyWholeImage({ ...clean, data: clean.data.slice() }, { kind: 'threshold', threshold: 9 }, { probability: null, predictedClasses: null }), /probability map/);
  });

  it('leaves the calling thread idle while it encodes a large mask', async function () {
    if (mainThreadCpuMs() === undefined) this.skip(); // no per-thread CPU clock on this platform
    // 2048 x 2048 of noisy runs: about half a second of deflate, all of it on the calling thread if done in place.
    const side = 2048;
    const random = randomSource(3);
    const data = new Uint8Array(side * side);
    for (let i = 0; i < data.length;) {
      const run = 1 + Math.floor(random() * 6);
      data.fill(Math.floor(random() * 3), i, i + run);
      i += run;
    }
    await codec.encodeLabel(new Uint8Array(16), 4, 4, 'index'); // the thread is running
    const cpuBefore = mainThreadCpuMs()!;
    const t0 = performance.now();
    await codec.encodeLabel(data, side, side, 'index', { transfer: true });
    const elapsed = performance.now() - t0;
    const cpu = mainThreadCpuMs()! - cpuBefore;
    // CPU time, not wall time: the machine may be busy with other work, which makes waits longer but costs no CPU here.
    assert.ok(cpu <= 40, `the calling thread used ${cpu} ms of CPU during a ${elapsed.toFixed(0)} ms encode`);
  });

  it('a thread that cannot start fails its requests with a message naming the script, and the next one too', async () => {
    const broken = new LabelCodecThread({ script: '/nonexistent/segnetr/labelCodec.js' });
    try {
      await assert.rejects(broken.encodeLabel(new Uint8Array(4), 2, 2, 'index'), /label codec thread could not start: \/nonexistent\/segnetr\/labelCodec\.js is missing/);
      await assert.rejects(broken.decodeLabel(new Uint8Array(4), 2), /could not start/);
    } finally {
      broken.dispose();
    }
    await assert.rejects(broken.decodeLabel(new Uint8Array(4), 2), /shut down/);
  });
});
