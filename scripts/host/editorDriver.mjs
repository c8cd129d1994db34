// Lets host tests (mocha inside the extension host) act like a person inside the SegNetr mask editor's webview:
// the harness serves a small JSON API on 127.0.0.1 that moves the mouse, presses keys, types into fields and reads
// text in the visible editor webview through playwright (page.mouse / page.keyboard, so events are real input
// events: VS Code's webview forwards key presses to the workbench's keybindings exactly as for a person). It also
// runs the "after reload" phase: when a test asks for it, the harness reloads the workbench (hot exit) and runs the
// tests that check what was restored.
//
// API (POST, JSON body { op, ...args }, JSON answer { ok: true, result } or { ok: false, error }):
//   wait      { image, timeoutMs }        until the editor of `image` (its page title) shows the image and mask
//   hover     { image, px, py }           puts the pointer over image pixel (px, py), read back from the status bar
//   drag      { image, from, to, steps, hold? }  presses at pixel `from`, moves in `steps` to pixel `to`, releases
//             (with the key `hold` held down throughout, e.g. ' ' to pan)
//   press     { image, key, selector }    focuses `selector` (default the canvas), then a key chord (playwright
//                                         names, e.g. Control+z)
//   fill      { image, selector, value }  types into a field and presses Enter
//   click     { image, selector }
//   text      { image, selector }         textContent
//   post      { image, messages }         posts raw messages from the page to the host, as acquireVsCodeApi does
//   button    { name, timeoutMs }         clicks a workbench button (a notification's action) by its name
//   workbenchType { text, timeoutMs }     once a text field of the workbench has the focus (Quick Open), types
//                                         `text` as key presses; answers the field's value
//   longTasks { image, start? }           with start: begins recording the page's long tasks (the browser's
//                                         'longtask' entries: its main thread busy over 50 ms); without: the
//                                         durations (ms) recorded since
// Other webviews (the failure view), found by their page title:
//   viewWait  { title, selector, timeoutMs } until that page shows a visible `selector`
//   viewClick { title, selector }
//   viewPress { title, selector, key }    focuses `selector`, then a key chord
//   viewText  { title, selector }         textContent
//   screenshot { path }                   the whole workbench as a PNG (README screenshots: run.mjs --screenshots DIR)
import http from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The webview's inner document: VS Code names the page by our <title> (the image's file name). */
export async function editorFrame(page, image) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const title = await frame.title().catch(() => '');
    if (title !== image) continue;
    const box = await frame.locator('#canvas').boundingBox().catch(() => null);
    if (box && box.width > 0 && box.height > 0) return { frame, box };
  }
  return undefined;
}

/** A visible webview page by its <title>. */
async function viewFrame(page, title, selector) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    if ((await frame.title().catch(() => '')) !== title) continue;
    const box = await frame.locator(selector).first().boundingBox().catch(() => null);
    if (box && box.width > 0 && box.height > 0) return frame;
  }
  return undefined;
}

async function requireView(page, title, selector) {
  const frame = await viewFrame(page, title, selector);
  if (!frame) throw new Error(`no visible webview "${title}" showing ${selector}`);
  return frame;
}

async function requireFrame(page, image) {
  const found = await editorFrame(page, image);
  if (!found) throw new Error(`no visible mask editor webview for ${image}`);
  return found;
}

async function statusText(frame) {
  return (await frame.locator('#status').textContent()) ?? '';
}

/** The image pixel the status bar reports under the pointer at page position (x, y). */
async function pixelUnder(page, frame, x, y) {
  await page.mouse.move(x, y);
  const until = Date.now() + 2000;
  let text = '';
  while (Date.now() < until) {
    text = await statusText(frame);
    const m = /pixel (\d+), (\d+)/.exec(text);
    if (m) return [Number(m[1]), Number(m[2])];
    await sleep(25);
  }
  throw new Error(`the status bar shows no pixel under the pointer at ${x.toFixed(1)}, ${y.toFixed(1)}: "${text}"`);
}

/**
 * A page position over image pixel (px, py), found as a person would: read the status bar at two points to learn
 * the scale (the first at the canvas middle, always over the fitted image), aim, and correct until the status bar
 * names the wanted pixel.
 */
async function positionOf(page, frame, box, px, py) {
  // The fitted image is centred in the canvas: its middle is over the image whatever the stage's size.
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const [p1x, p1y] = await pixelUnder(page, frame, cx, cy);
  let zoomX = 0;
  let zoomY = 0;
  for (const step of [48, 24, 12]) {
    const [p2x, p2y] = await pixelUnder(page, frame, cx + step, cy + step).catch(() => [p1x, p1y]);
    if (p2x > p1x && p2y > p1y) {
      zoomX = step / (p2x - p1x);
      zoomY = step / (p2y - p1y);
      break;
    }
  }
  if (!(zoomX > 0 && zoomY > 0)) throw new Error('could not read the zoom from the status bar');
  let x = cx + (px - p1x) * zoomX;
  let y = cy + (py - p1y) * zoomY;
  for (let attempt = 0; attempt < 12; attempt++) {
    const [qx, qy] = await pixelUnder(page, frame, x, y);
    if (qx === px && qy === py) return { x, y };
    x += (px - qx) * zoomX * (Math.abs(px - qx) > 1 ? 1 : 0.5);
    y += (py - qy) * zoomY * (Math.abs(py - qy) > 1 ? 1 : 0.5);
  }
  throw new Error(`could not put the pointer over pixel ${px}, ${py}`);
}

/** Runs one API action (see the list above) on the workbench `page`; the screenshot tool uses it directly. */
export async function editorAction(page, body) {
  const { op, image } = body;
  if (!page) throw new Error('the workbench page is not open yet');
  switch (op) {
    case 'wait': {
      const until = Date.now() + (body.timeoutMs ?? 30_000);
      let last = '';
      while (Date.now() < until) {
        const found = await editorFrame(page, image);
        if (found) {
          last = await statusText(found.frame);
          const busy = await found.frame.locator('#stage').getAttribute('aria-busy').catch(() => 'true');
          if (/ × /.test(last) && busy === 'false') return { status: last };
        }
        await sleep(100);
      }
      throw new Error(`the mask editor of ${image} did not show its image and mask (last status: "${last}")`);
    }
    case 'hover': {
      const { frame, box } = await requireFrame(page, image);
      await positionOf(page, frame, box, body.px, body.py);
      return { status: await statusText(frame) };
    }
    case 'drag': {
      const { frame, box } = await requireFrame(page, image);
      const from = await positionOf(page, frame, box, body.from[0], body.from[1]);
      const to = await positionOf(page, frame, box, body.to[0], body.to[1]);
      // Same screen row for the whole drag: the stroke stays on one image row.
      await page.mouse.move(from.x, from.y);
      if (body.hold) await page.keyboard.down(body.hold);
      await page.mouse.down();
      await page.mouse.move(to.x, from.y, { steps: body.steps ?? 12 });
      await page.mouse.up();
      if (body.hold) await page.keyboard.up(body.hold);
      return { status: await statusText(frame) };
    }
    case 'press': {
      const { frame } = await requireFrame(page, image);
      await frame.locator(body.selector ?? '#canvas').focus();
      await page.keyboard.press(body.key);
      return {};
    }
    case 'fill': {
      const { frame } = await requireFrame(page, image);
      const field = frame.locator(body.selector);
      await field.fill(String(body.value));
      await field.press('Enter');
      await field.dispatchEvent('change');
      return {};
    }
    case 'click': {
      const { frame } = await requireFrame(page, image);
      await frame.locator(body.selector).click();
      return {};
    }
    case 'text': {
      const { frame } = await requireFrame(page, image);
      return { text: (await frame.locator(body.selector).textContent()) ?? '' };
    }
    case 'longTasks': {
      const { frame } = await requireFrame(page, image);
      const durations = await frame.evaluate((start) => {
        if (start) {
          window.__segnetrLongTasks = [];
          window.__segnetrLongTaskObserver?.disconnect();
          window.__segnetrLongTaskObserver = new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) window.__segnetrLongTasks.push(entry.duration);
          });
          window.__segnetrLongTaskObserver.observe({ type: 'longtask' });
        }
        return window.__segnetrLongTasks ?? null;
      }, Boolean(body.start));
      if (!durations) throw new Error('long tasks were not being recorded (longTasks with start first)');
      return { durations };
    }
    case 'post': {
      const { frame } = await requireFrame(page, image);
      // The outer webview document relays what the page posts; this is the function acquireVsCodeApi() calls.
      const outer = frame.parentFrame();
      if (!outer) throw new Error('the webview has no outer frame');
      const count = await outer.evaluate((json) => {
        const post = window['__vscode_post_message__'];
        if (typeof post !== 'function') throw new Error('the webview relay function is missing');
        // JSON has no NaN or infinities: the tests send them as tokens (test/unit/hostileMessages.ts).
        const numbers = { __NaN__: NaN, __Infinity__: Infinity, '__-Infinity__': -Infinity };
        const messages = JSON.parse(json, (_, v) => (typeof v === 'string' && Object.hasOwn(numbers, v) ? numbers[v] : v));
        for (const message of messages) post('onmessage', { message, transfer: [] });
        return messages.length;
      }, JSON.stringify(body.messages));
      return { posted: count };
    }
    case 'viewWait': {
      const until = Date.now() + (body.timeoutMs ?? 30_000);
      while (Date.now() < until) {
        if (await viewFrame(page, body.title, body.selector)) return {};
        await sleep(100);
      }
      throw new Error(`the webview "${body.title}" did not show ${body.selector}`);
    }
    case 'viewClick': {
      const frame = await requireView(page, body.title, body.selector);
      await frame.locator(body.selector).first().click();
      return {};
    }
    case 'viewPress': {
      const frame = await requireView(page, body.title, body.selector);
      await frame.locator(body.selector).first().focus();
      await page.keyboard.press(body.key);
      return {};
    }
    case 'viewText': {
      const frame = await requireView(page, body.title, body.selector);
      return { text: (await frame.locator(body.selector).first().textContent()) ?? '' };
    }
    case 'screenshot': {
      mkdirSync(path.dirname(body.path), { recursive: true });
      await page.screenshot({ path: body.path, timeout: 15_000 });
      return {};
    }
    case 'workbenchType': {
      // Into a text field of the workbench itself (Quick Open): waits for one to have the focus, types, reads it back.
      const focusedField = () => {
        const a = document.activeElement;
        return a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement;
      };
      await page.waitForFunction(focusedField, undefined, { timeout: body.timeoutMs ?? 20_000 });
      await page.keyboard.type(body.text, { delay: 50 });
      return { value: await page.evaluate(() => document.activeElement.value) };
    }
    case 'button': {
      await page.getByRole('button', { name: body.name, exact: true }).first().click({ timeout: body.timeoutMs ?? 20_000 });
      return {};
    }
    default:
      throw new Error(`unknown driver op ${JSON.stringify(op)}`);
  }
}

/** Starts the driver's HTTP server; attach(page) once the workbench page exists. */
export async function startEditorDriver({ log }) {
  let page;
  let queue = Promise.resolve();
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      // One action at a time, in arrival order: the mouse and keyboard are shared.
      queue = queue.then(async () => {
        let answer;
        try {
          answer = { ok: true, result: await editorAction(page, JSON.parse(text)) };
        } catch (error) {
          answer = { ok: false, error: error?.message ?? String(error) };
          log(`driver: ${answer.error}`);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    attach: (p) => {
      page = p;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The "after reload" phase: if a test wrote `config.reloadRequestPath`, the workbench page dies abruptly (its
 * renderer is crashed, so no orderly shutdown runs: the case hot exit exists for) while the first run still holds
 * it, and a fresh page opens the same workbench. VS Code reopens the editors it had, restoring dirty ones from
 * their backups; the tests registered for phase 2 check that. Returns their results and the new page, or
 * undefined when no reload was asked for. (An orderly page reload is not used: in the browser, VS Code's last
 * editor-state save at unload races with the extension host's teardown and can drop a custom editor's backup id.)
 */
export async function reloadIfRequested({ page, server, config, configPath, timeoutS, log, attach, screenshotPath }) {
  if (!config.reloadRequestPath || !existsSync(config.reloadRequestPath)) return undefined;
  const suffix = (p) => `${p}.after-reload`;
  const phase2 = { ...config, phase: 2, resultsPath: suffix(config.resultsPath), startedPath: suffix(config.startedPath), releasePath: suffix(config.releasePath) };
  const request = readFileSync(config.reloadRequestPath, 'utf8');
  rmSync(config.reloadRequestPath, { force: true });
  const { backupOf } = request.trim() ? JSON.parse(request) : {};
  if (backupOf) {
    const waitStart = Date.now();
    await waitForStoredBackup(page, backupOf, Math.min(60, timeoutS) * 1000);
    log(`VS Code's stored editor state names the current hot-exit backup for ${path.basename(backupOf)} (waited ${((Date.now() - waitStart) / 1000).toFixed(1)} s)`);
  }
  writeFileSync(configPath, JSON.stringify(phase2, null, 2) + '\n');
  log('a test asked for a reload: crashing the workbench page and opening it again (hot exit) for the after-reload tests');
  const url = page.url();
  const context = page.context();
  // The new page first, so the browser always has one; then the old one dies without unload handlers.
  const fresh = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await Promise.race([cdp.send('Page.crash').catch(() => {}), sleep(5000)]); // the session dies with the page
  attach(fresh);
  await fresh.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  const deadline = Date.now() + timeoutS * 1000;
  while (!existsSync(phase2.resultsPath)) {
    if (server.exited()) throw new Error(`code-server exited during the after-reload phase (${JSON.stringify(server.exited())})`);
    if (Date.now() > deadline) throw new Error(`no after-reload results after ${timeoutS} s`);
    await sleep(250);
  }
  await sleep(2000); // the runner staged an editor for the screenshot
  await fresh.screenshot({ path: screenshotPath, timeout: 15_000 }).catch((e) => log(`screenshot after the reload failed: ${e.message}`));
  writeFileSync(phase2.releasePath, '');
  return { results: JSON.parse(readFileSync(phase2.resultsPath, 'utf8')), page: fresh };
}

/**
 * Waits until VS Code's stored workbench state (IndexedDB in the browser, written when the window is idle) holds an
 * editor whose resource path ends with `resourcePath` together with its current hot-exit backup: a window that dies
 * before that write reopens without the editor, or restores an earlier backup.
 */
async function waitForStoredBackup(page, resourcePath, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await page.evaluate(storedBackupIds, resourcePath).catch(() => []);
    if (stored.some(isLatestBackupFile)) return;
    if (Date.now() > deadline) throw new Error(`VS Code's stored editor state named no current hot-exit backup for ${resourcePath} within ${timeoutMs / 1000} s (it names ${JSON.stringify(stored)})`);
    await sleep(500);
  }
}

/**
 * Whether a backup id (our extension's: the file URI VS Code gave it) names a backup file that still exists and is
 * the newest in its folder: VS Code deletes a backup once a newer one is written, and backs up again after edits,
 * so a stored id can name an earlier backup (seen: one behind the id the test last read).
 */
function isLatestBackupFile(id) {
  if (!id.startsWith('file:')) return false;
  const file = fileURLToPath(id);
  if (!existsSync(file)) return false;
  const dir = path.dirname(file);
  const newest = statSync(file).mtimeMs;
  return readdirSync(dir, { withFileTypes: true }).every((e) => !e.isFile() || statSync(path.join(dir, e.name)).mtimeMs <= newest);
}

/** Runs in the workbench page: the backup ids stored with serialized editors of `resourcePath`. */
async function storedBackupIds(resourcePath) {
  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('vscode-web-state-db-'));
  const values = [];
  for (const name of names) {
    const db = await request(indexedDB.open(name));
    try {
      if (db.objectStoreNames.contains('ItemTable')) values.push(...await request(db.transaction('ItemTable').objectStore('ItemTable').getAll()));
    } finally {
      db.close();
    }
  }
  const ids = [];
  const walk = (value) => {
    if (typeof value === 'string') {
      if (!value.includes('editorResource')) return;
      try { walk(JSON.parse(value)); } catch { /* not JSON: not a serialized editor */ }
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      const resource = value.editorResource;
      if (typeof value.backupId === 'string' && typeof resource?.path === 'string' && resource.path.endsWith(resourcePath)) ids.push(value.backupId);
      Object.values(value).forEach(walk);
    }
  };
  walk(values);
  return ids;
}

/** One results object for the report: the first run's, with the after-reload run's added. */
export function mergeResults(results, second) {
  if (!second) return results;
  return {
    ...results,
    finishedAt: second.finishedAt,
    durationMs: results.durationMs + second.durationMs,
    planned: results.planned + second.planned,
    passed: results.passed + second.passed,
    failed: results.failed + second.failed,
    pending: results.pending + second.pending,
    tests: [...results.tests, ...second.tests],
    measurements: [...(results.measurements ?? []), ...(second.measurements ?? [])],
    ...(results.fatal || second.fatal ? { fatal: [results.fatal, second.fatal].filter(Boolean).join('\n') } : {}),
  };
}

export const RELOAD_REQUEST_FILE = path.join('.segnetr-test', 'reload-request');
