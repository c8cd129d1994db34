#!/usr/bin/env node
// Takes the README's screenshot of the mask editor (opt-in; not part of `npm test`):
//
//   node scripts/screenshot-editor.mjs [--out media/screenshots/mask-editor.png] [--image lesion-001.png]
//
// Builds and packages the VSIX, then runs the `npm start` smoke check (scripts/host/smoke.mjs: a clean code-server
// profile with the VSIX installed, the synthetic samples pre-labelled with the bundled model from the Explorer's
// context menu, labels checked) and, on that same workbench, does what a person does next: right-click a sample >
// "Open in Mask Editor", wait until the image and its mask are drawn, press U for the uncertain band, and take a
// screenshot of the browser window (1400 x 900).
import { parseArgs } from 'node:util';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, ensureCodeServer } from './host/code-server.mjs';
import { editorAction, editorFrame } from './host/editorDriver.mjs';
import { runFromExplorerMenu, runSmoke } from './host/smoke.mjs';
import { buildAndPackage } from './host/vsix.mjs';

const VIEWPORT = { width: 1400, height: 900 };
const OPEN_ITEM = 'Open in Mask Editor';
const log = (msg) => console.log(`[screenshot] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens `image` (a file in images/) in the mask editor from the Explorer, shows the uncertain band, screenshots. */
async function shootMaskEditor({ page, images }, image, out) {
  if (!images.some((f) => path.basename(f) === image)) {
    throw new Error(`${image} is not one of the samples (${images.map((f) => path.basename(f)).join(', ')})`);
  }
  // Expand images/ (a click on a collapsed folder row), then the sample's own context menu.
  const folder = page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]').filter({ hasText: /^\s*images\s*$/ }).first();
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  await runFromExplorerMenu(page, image, OPEN_ITEM);
  const { status } = await editorAction(page, { op: 'wait', image, timeoutMs: 60_000 });
  log(`${image} is open in the mask editor: "${status.trim()}"`);

  await editorAction(page, { op: 'press', image, key: 'u' });
  // U is a VS Code keybinding: the key goes to the workbench, whose command posts the action back to the webview.
  const { frame } = await editorFrame(page, image) ?? {};
  const on = await frame
    ?.waitForFunction(() => document.getElementById('show-uncertain')?.checked === true, null, { timeout: 10_000 })
    .then(() => true, () => false);
  if (!on) {
    throw new Error('pressing U did not turn the uncertain band on in 10 s (its "Uncertain" checkbox is not checked)');
  }
  const { text: limits } = await editorAction(page, { op: 'text', image, selector: '#uncertain-value' });
  // The band needs the probability map, which the webview asks the host for when the band is first shown.
  const until = Date.now() + 30_000;
  let shown = '';
  while (/loading probability map/.test((shown = (await editorAction(page, { op: 'text', image, selector: '#status' })).text))) {
    if (Date.now() > until) throw new Error(`the probability map did not arrive in 30 s (status: "${shown}")`);
    await sleep(100);
  }
  log(`uncertain band on (${limits.trim()}); status: "${shown.trim()}"`);

  // The pre-label job's toast would cover the editor's corner.
  const toast = page.locator('.notification-toast');
  if (await toast.count()) {
    await toast.first().hover();
    await toast.first().getByRole('button', { name: /^Clear Notification/ }).click({ timeout: 5000 });
    await toast.first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
    if (await toast.count()) throw new Error(`a notification still covers the editor: ${(await toast.allInnerTexts()).join(' | ')}`);
  }
  // The pointer would leave the brush cursor on the image.
  await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
  await sleep(1000); // the overlay repaints on the next frame; the toast fades out
  mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, timeout: 15_000 });
  log(`wrote ${path.relative(process.cwd(), out)} (${(statSync(out).size / 1024).toFixed(0)} KB)`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: path.join(ROOT, 'media', 'screenshots', 'mask-editor.png') },
      image: { type: 'string', default: 'lesion-001.png' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/screenshot-editor.mjs [--out PNG] [--image SAMPLE]   (SAMPLE: a file name from scripts/make-samples.mjs)');
    return;
  }
  const vsix = buildAndPackage({ log });
  const cs = await ensureCodeServer({ log });
  await runSmoke({ cs, vsix, log, viewport: VIEWPORT, then: (session) => shootMaskEditor(session, values.image, path.resolve(values.out)) });
}

main().catch((err) => {
  console.error(`[screenshot] FAILED: ${err?.message ?? err}`);
  process.exit(1);
});
