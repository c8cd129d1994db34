#!/usr/bin/env node
// Mask editor benchmark (prints numbers; not a test). Loads the built webview (dist/webview.js, run
// `npm run build` first) in headless Debian Chromium through a standalone page with a fake acquireVsCodeApi,
// serves generated JPEG images from a local HTTP server, and measures for each image size:
//   first paint  'init' posted -> image and mask drawn (#stage aria-busy=false, then one frame, canvases flushed)
//   brush move   one pointermove of a stroke: the event handler + the editor's animation-frame work (paint the
//                segment, re-render dirty tiles, composite) + a forced flush of the overlay canvas, timed inside
//                the page with performance.now (a rAF callback queued before the event starts the clock, one
//                queued after it stops it, so waiting for vsync is not counted); median and p95 over the moves
//   undo         applying a host 'patch' holding the stroke's bounding rectangle (the way VS Code's undo arrives),
//                same timing
//   view         pan moves (middle-button drag) at fit and 1:1, threshold slider steps (local re-threshold preview)
//                and the threshold commit (whole-mask operation), same timing
//   save         encodeLabelPng (src/mask/labelPng.ts) of the mask, in Node, separately (the editor runs it on the
//                label codec thread; how long the extension host's thread is blocked while saving:
//                node scripts/bench.mjs saveBlocking)
//
//   node scripts/bench/editor.mjs [--sizes 1024x1024,4096x4096,16384x8192] [--moves 60]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { launchChromium } from '../host/browser.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1024x1024,4096x4096,16384x8192' },
    moves: { type: 'string', default: '60' },
  },
});
const sizes = args.sizes.split(',').map((s) => s.split('x').map(Number));
const moves = Number(args.moves);
const bundle = path.join(root, 'dist', 'webview.js');
if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);

const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="/media/editor.css">
<style>:root { --vscode-foreground: #ccc; --vscode-editor-background: #1e1e1e; --vscode-font-family: sans-serif; --vscode-font-size: 13px; }</style>
<script>
  // What VS Code injects: messages to the host are recorded for the benchmark to read.
  window.sent = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => undefined, setState: () => {} });
</script></head><body><script src="/dist/webview.js"></script></body></html>`;

// ---- images: drawn and JPEG-encoded by Chromium itself, served back over HTTP ----
const images = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      images.set(url.pathname.slice('/upload/'.length), Buffer.concat(chunks));
      res.end('ok');
    });
    return;
  }
  const send = (type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (url.pathname === '/page.html') return send('text/html', PAGE);
  if (url.pathname === '/dist/webview.js') return send('text/javascript', readFileSync(bundle));
  if (url.pathname === '/media/editor.css') return send('text/css', readFileSync(path.join(root, 'media', 'editor.css')));
  if (url.pathname.startsWith('/img/') && images.has(url.pathname.slice(5))) return send('image/jpeg', images.get(url.pathname.slice(5)));
  res.writeHead(404);
  res.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(path.join(os.tmpdir(), 'segnetr-bench-editor-'));
const context = await launchChromium({ profileDir: profile, viewport: { width: 1440, height: 900 } });
const results = [];
let browserVersion = '';
try {
  const maker = await context.newPage();
  await maker.goto(`${origin}/page.html`);
  browserVersion = await maker.evaluate(() => navigator.userAgent.match(/Chrom\w+\/[\d.]+/)?.[0] ?? navigator.userAgent);
  for (const [width, height] of sizes) {
    const name = `${width}x${height}.jpg`;
    const bytes = await maker.evaluate(async ({ width, height, name }) => {
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d');
      const gradient = g.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, '#3a2a1a');
      gradient.addColorStop(1, '#d8b894');
      g.fillStyle = gradient;
      g.fillRect(0, 0, width, height);
      for (let i = 0; i < 200; i++) {
        g.fillStyle = `hsl(${(i * 47) % 360} 40% ${30 + (i % 40)}%)`;
        g.beginPath();
        g.arc(((i * 7919) % 1000) / 1000 * width, ((i * 104729) % 1000) / 1000 * height, (0.01 + (i % 7) * 0.01) * Math.min(width, height), 0, 7);
        g.fill();
      }
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      await fetch(`/upload/${name}`, { method: 'POST', body: blob });
      return blob.size;
    }, { width, height, name });
    console.log(`image ${name}: ${(bytes / 1e6).toFixed(1)} MB JPEG`);
  }
  await maker.close();

  for (const [width, height] of sizes) {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${origin}/page.html`);
    await page.waitForFunction(() => window.sent.some((m) => m.type === 'ready'));
    const firstPaint = await page.evaluate(async ({ width, height, url }) => {
      // The mask: a large disc of class 1 and a band of class 2 (made before the clock starts).
      const mask = new Uint8Array(width * height);
      const cx = width / 2, cy = height / 2, r = Math.min(width, height) / 3;
      for (let y = 0; y < height; y++) {
        const dy = y + 0.5 - cy;
        if (Math.abs(dy) > r) continue;
        const h = Math.sqrt(r * r - dy * dy);
        mask.fill(1, Math.max(0, Math.ceil(cx - h - 0.5)) + y * width, Math.min(width, Math.floor(cx + h - 0.5) + 1) + y * width);
      }
      mask.fill(2, Math.floor(height * 0.1) * width, Math.floor(height * 0.12) * width);
      window.benchBefore = mask.slice();
      const init = {
        imageUrl: url, imageName: 'bench.jpg', width, height, mask, source: 'label', labelDisplayPath: 'bench.png',
        classes: [{ index: 0, name: 'background', color: '#000000' }, { index: 1, name: 'lesion', color: '#ff4d4d' }, { index: 2, name: 'ruler', color: '#4dd2ff' }],
        readOnly: false, review: undefined, threshold: 128, hasStoredProbability: false,
      };
      const stage = document.getElementById('stage');
      const t0 = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'init', init } }));
      await new Promise((resolve) => {
        const check = () => (stage.getAttribute('aria-busy') === 'false' ? resolve() : setTimeout(check, 2));
        check();
      });
      const t1 = await new Promise((resolve) => requestAnimationFrame(() => {
        document.getElementById('overlay-layer').getContext('2d').getImageData(0, 0, 1, 1);
        resolve(performance.now());
      }));
      const errors = document.getElementById('banner').hidden ? '' : document.getElementById('banner-text').textContent;
      return { ms: t1 - t0, errors, heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : NaN };
    }, { width, height, url: `${origin}/img/${width}x${height}.jpg` });
    if (firstPaint.errors) throw new Error(`editor error at ${width}x${height}: ${firstPaint.errors}`);
    const row = { size: `${width}x${height}`, firstPaintMs: firstPaint.ms, heapMB: firstPaint.heapMB };

    await page.evaluate(installTimer);
    for (const [label, brush, zoom] of [['50 px fit', 50, 'view.zoomFit'], ['2000 px fit', 2000, 'view.zoomFit'], ['2000 px 1:1', 2000, 'view.zoomActual']]) {
      const r = await page.evaluate(strokeAndUndo, { width, height, brush, zoom, moves });
      row[label] = r;
    }
    row.view = await page.evaluate(panAndThreshold, { width, height, moves: Math.min(moves, 30) });
    results.push(row);
    await page.close();
  }
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}

/** In the page: the clock used by every measurement (kept on window for the later evaluations). */
function installTimer() {
  const overlay = document.getElementById('overlay-layer').getContext('2d');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  /** Handler time + the editor's next animation frame + a forced flush of the overlay canvas. */
  async function timed(dispatch) {
    let frameStart = 0;
    requestAnimationFrame(() => { frameStart = performance.now(); });
    const t0 = performance.now();
    dispatch();
    const handler = performance.now() - t0;
    const end = await new Promise((resolve) => requestAnimationFrame(() => {
      overlay.getImageData(0, 0, 1, 1);
      resolve(performance.now());
    }));
    return handler + (end - frameStart);
  }
  const stats = (costs) => {
    const sorted = costs.slice().sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return { median: q(0.5), p95: q(0.95), max: sorted.at(-1) };
  };
  window.bench = { frame, timed, stats };
}

/** In the page: pan moves (middle button) at fit and 1:1; threshold slider steps (preview) and the commit. */
async function panAndThreshold({ width, height, moves }) {
  const { frame, timed, stats } = window.bench;
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  const canvas = document.getElementById('canvas');
  const rect = canvas.getBoundingClientRect();
  const out = {};
  for (const zoom of ['view.zoomFit', 'view.zoomActual']) {
    post({ type: 'action', action: zoom });
    await frame();
    let x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    const event = (type) => new PointerEvent(type, { pointerId: 1, pointerType: 'mouse', button: 1, buttons: type === 'pointerup' ? 0 : 4, clientX: x, clientY: y, bubbles: true });
    canvas.dispatchEvent(event('pointerdown'));
    const costs = [];
    for (let i = 0; i < moves; i++) {
      x += i < moves / 2 ? 8 : -8;
      costs.push(await timed(() => canvas.dispatchEvent(event('pointermove'))));
    }
    canvas.dispatchEvent(event('pointerup'));
    out[zoom === 'view.zoomFit' ? 'pan fit' : 'pan 1:1'] = stats(costs);
  }
  post({ type: 'action', action: 'view.zoomFit' });
  // A radial probability map (p x 255), received once like the host's 'probability' answer.
  const probability = new Uint8Array(width * height);
  const r = Math.min(width, height) / 2;
  for (let yy = 0; yy < height; yy++) {
    const dy = yy - height / 2;
    for (let xx = 0; xx < width; xx++) {
      const dx = xx - width / 2;
      probability[yy * width + xx] = Math.max(0, 255 - (Math.sqrt(dx * dx + dy * dy) * 255) / r);
    }
  }
  post({ type: 'probability', probability, classes: null });
  await frame();
  const slider = document.getElementById('threshold');
  const costs = [];
  for (let i = 0; i < moves; i++) {
    slider.value = String(100 + i);
    costs.push(await timed(() => slider.dispatchEvent(new Event('input'))));
  }
  out['threshold preview'] = stats(costs);
  const commit = await timed(() => slider.dispatchEvent(new Event('change')));
  out['threshold commit'] = { median: commit, p95: NaN, max: NaN };
  const edit = window.sent.at(-1);
  if (edit.type !== 'edit' || edit.operation.kind !== 'threshold') throw new Error('the threshold commit was not sent as an edit');
  return out;
}

/** In the page: one stroke of `moves` pointer moves timed one by one, then the host's undo patch of it. */
async function strokeAndUndo({ width, height, brush, zoom, moves }) {
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  const canvas = document.getElementById('canvas');
  const overlay = document.getElementById('overlay-layer').getContext('2d');
  const { frame, timed } = window.bench;
  post({ type: 'action', action: zoom });
  post({ type: 'action', action: 'tool.brush' });
  post({ type: 'action', action: 'class.2' });
  const size = document.getElementById('brush-size');
  size.value = String(brush);
  size.dispatchEvent(new Event('change'));
  await frame();
  await frame();
  const rect = canvas.getBoundingClientRect();
  const cx = rect.left + rect.width / 2;
  const cy = rect.top + rect.height / 2;
  const event = (type, x, y) => new PointerEvent(type, { pointerId: 1, pointerType: 'mouse', isPrimary: true, button: 0, buttons: type === 'pointerup' ? 0 : 1, clientX: x, clientY: y, bubbles: true });
  // A zigzag: 8 CSS px per move (a fast hand), turning every 20 moves.
  let x = cx - 80;
  let y = cy - 40;
  canvas.dispatchEvent(event('pointerdown', x, y));
  await frame();
  const costs = [];
  for (let i = 0; i < moves; i++) {
    x += 8 * (Math.floor(i / 20) % 2 === 0 ? 1 : -1);
    y += 2;
    costs.push(await timed(() => canvas.dispatchEvent(event('pointermove', x, y))));
  }
  canvas.dispatchEvent(event('pointerup', x, y));
  await frame();
  const edit = window.sent.filter((m) => m.type === 'edit').at(-1);
  if (!edit || edit.operation.kind !== 'stroke') throw new Error(`the stroke was not sent as an edit; sent: ${JSON.stringify(window.sent.map((m) => m.type))}, status: ${document.getElementById('status').textContent}`);
  // The host's undo: the stroke's bounding rectangle with the bytes from before the stroke.
  const pts = edit.operation.points;
  const rad = edit.operation.radius;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < pts.length; i += 2) {
    x0 = Math.min(x0, pts[i]); x1 = Math.max(x1, pts[i]); y0 = Math.min(y0, pts[i + 1]); y1 = Math.max(y1, pts[i + 1]);
  }
  const px0 = Math.max(0, Math.floor(x0 - rad)), py0 = Math.max(0, Math.floor(y0 - rad));
  const px1 = Math.min(width, Math.ceil(x1 + rad)), py1 = Math.min(height, Math.ceil(y1 + rad));
  const patchRect = { x: px0, y: py0, width: px1 - px0, height: py1 - py0 };
  const data = new Uint8Array(patchRect.width * patchRect.height);
  for (let row = 0; row < patchRect.height; row++) {
    const start = (py0 + row) * width + px0;
    data.set(window.benchBefore.subarray(start, start + patchRect.width), row * patchRect.width);
  }
  const undo = await timed(() => post({ type: 'patch', rect: patchRect, data }));
  // Leave the mask as before (the next stroke starts from the same state).
  await frame();
  return { ...window.bench.stats(costs), undo, patchMP: (patchRect.width * patchRect.height) / 1e6, zoom: document.getElementById('status').textContent.match(/zoom ([\d.]+%)/)?.[1] };
}

// ---- save: encodeLabelPng in Node, on the same kind of mask ----
const encoderDir = mkdtempSync(path.join(os.tmpdir(), 'segnetr-bench-encode-'));
const encoderFile = path.join(encoderDir, 'labelPng.cjs');
await esbuild.build({ entryPoints: [path.join(root, 'src', 'mask', 'labelPng.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: encoderFile, logLevel: 'warning' });
const saveMs = {};
for (const [width, height] of sizes) {
  const script = `
    const { encodeLabelPng } = require(${JSON.stringify(encoderFile)});
    const [width, height] = [${width}, ${height}];
    const mask = new Uint8Array(width * height);
    const cx = width / 2, cy = height / 2, r = Math.min(width, height) / 3;
    for (let y = 0; y < height; y++) { const dy = y + 0.5 - cy; if (Math.abs(dy) > r) continue; const h = Math.sqrt(r * r - dy * dy);
      mask.fill(1, Math.max(0, Math.ceil(cx - h - 0.5)) + y * width, Math.min(width, Math.floor(cx + h - 0.5) + 1) + y * width); }
    mask.fill(2, Math.floor(height * 0.1) * width, Math.floor(height * 0.12) * width);
    const times = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) { const t0 = performance.now(); bytes = encodeLabelPng(mask, width, height, 'index').length; times.push(performance.now() - t0); }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ ms: times[1], bytes }));`;
  const out = spawnSync(process.execPath, ['--max-old-space-size=8192', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`encode ${width}x${height} failed: ${out.stderr}`);
  saveMs[`${width}x${height}`] = JSON.parse(out.stdout.trim().split('\n').at(-1));
}
rmSync(encoderDir, { recursive: true, force: true });

const f = (n) => (Number.isFinite(n) ? n.toFixed(1) : '-');
console.log(`\nMask editor benchmark: headless ${browserVersion} (software rendering, --disable-gpu), viewport 1440x900, ${moves} moves per stroke, 8 CSS px per move`);
console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes inflate p95 and max)`);
console.log('size         first paint  brush  zoom     move median  move p95  move max  undo (patch MP)  save (Node encode, PNG size)');
for (const row of results) {
  for (const label of ['50 px fit', '2000 px fit', '2000 px 1:1']) {
    const r = row[label];
    const first = label === '50 px fit' ? `${f(row.firstPaintMs)} ms`.padStart(11) : ''.padStart(11);
    const save = label === '50 px fit' ? `${f(saveMs[row.size].ms)} ms (${(saveMs[row.size].bytes / 1e3).toFixed(0)} kB)` : '';
    console.log(`${(label === '50 px fit' ? row.size : '').padEnd(12)} ${first}  ${label.padEnd(12)} ${String(r.zoom).padEnd(6)} ${`${f(r.median)} ms`.padStart(11)} ${`${f(r.p95)} ms`.padStart(9)} ${`${f(r.max)} ms`.padStart(9)} ${`${f(r.undo)} ms (${r.patchMP.toFixed(2)})`.padStart(16)}  ${save}`);
  }
}
console.log('\nview changes (same timing: handler + frame + flush)');
console.log('size         action               median       p95       max');
for (const row of results) {
  for (const [label, r] of Object.entries(row.view)) {
    console.log(`${row.size.padEnd(12)} ${label.padEnd(18)} ${`${f(r.median)} ms`.padStart(9)} ${`${f(r.p95)} ms`.padStart(9)} ${`${f(r.max)} ms`.padStart(9)}`);
  }
}
