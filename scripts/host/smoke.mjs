// What a newcomer does after `npm start`, checked end to end against the packaged VSIX (`SEGNETR_START_SMOKE=1 npm
// start`, and the "package" layer of `npm test`, which runs exactly that):
//   1. install the VSIX into a clean code-server profile (`--install-extension`; temporary HOME, user data and
//      extensions folders), with nothing pointing at this repository: the only copy of the extension code-server can
//      load is the installed one;
//   2. open a fresh folder of synthetic samples in headless Chromium, right-click `images` in the Explorer and choose
//      "Pre-label Folder with SegNetr" (which activates the extension);
//   3. wait for the job, then check: the extension host activated the extension without an error, the job used the
//      model inside the installed extension, and every image got a label file (single-channel 8-bit PNG, the image's
//      size, values 0/1, Dice against the sample's true mask >= MIN_DICE);
//   4. check the packaged README's relative images are files of the installed extension.
// Anything missing from the VSIX that the extension needs at run time (dist/worker.js, onnxruntime's native binary,
// the model) fails step 3; an exception in activate() fails it with the extension host's own message.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { imageSize } from 'image-size';
import { CACHE, findExtHostLog, httpStatus, installExtension, startCodeServer } from './code-server.mjs';
import { launchChromium } from './browser.mjs';
import { makeSamples } from '../make-samples.mjs';

export const EXTENSION_ID = 'segnetr.segnetr-annotator';
const PRELABEL_MENU_ITEM = 'Pre-label Folder with SegNetr';
/** The bundled model scores 0.96-0.99 on every sample (deterministic inference); far below means a broken pipeline. */
const MIN_DICE = 0.9;
const JOB_TIMEOUT_MS = 180_000;

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Every file under `dir` whose name matches `re` (the extension host's logs live a few folders down). */
function findFiles(dir, re, depth = 0) {
  if (depth > 7 || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findFiles(p, re, depth + 1);
    return re.test(e.name) ? [p] : [];
  });
}

/** The "SegNetr" output channel as code-server writes it to disk (a log output channel), or ''. */
function segnetrLog(userDataDir) {
  return findFiles(path.join(userDataDir, 'logs'), /SegNetr\.log$/)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** An activation failure the extension host logged for our extension, or ''. */
function activationError(lines) {
  const i = lines.findIndex((l) => l.includes(EXTENSION_ID) && /activat\w* .*fail|failed to activate|activation failed/i.test(l));
  return i < 0 ? '' : lines.slice(i, i + 8).join('\n    ');
}

/** Text of the workbench's notification toasts (errors from the extension show up here). */
export async function notifications(page) {
  return page
    .locator('.notification-list-item-message')
    .allInnerTexts()
    .then((t) => t.map((s) => s.trim()).filter(Boolean))
    .catch(() => []);
}

/**
 * Opens the Explorer's context menu on the top-level folder `name` and runs `item` from it. The menu lists an
 * extension's entries only once the workbench has registered the installed extensions, so a menu without the entry
 * is closed and opened again (for up to `timeoutMs`), as a person would.
 */
export async function runFromExplorerMenu(page, name, item, timeoutMs = 60_000) {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  const menu = page.locator('.context-view .monaco-menu .action-label');
  const until = Date.now() + timeoutMs;
  for (;;) {
    await row.click({ button: 'right' });
    await menu.first().waitFor({ state: 'visible', timeout: 15_000 });
    const entry = menu.filter({ hasText: item }).first();
    if (await entry.isVisible()) {
      await entry.click();
      // A click that lands while the menu is still settling can leave it open with the entry highlighted: Enter runs it.
      const closed = await menu.first().waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false);
      if (!closed) await page.keyboard.press('Enter');
      return;
    }
    const seen = await menu.allInnerTexts();
    await page.keyboard.press('Escape');
    if (Date.now() > until) throw new Error(`the Explorer's menu on ${name}/ has no "${item}" after ${timeoutMs / 1000} s; it lists: ${seen.join(' | ')}`);
    await sleep(1000);
  }
}

/** Checks every label the job wrote; returns the mean Dice against the samples' true masks. */
function checkLabels(images, labelsDir, truthDir) {
  const problems = [];
  const dices = [];
  for (const image of images) {
    const name = `${path.basename(image, path.extname(image))}.png`;
    const labelPath = path.join(labelsDir, name);
    if (!existsSync(labelPath)) {
      problems.push(`${name}: no label file`);
      continue;
    }
    const label = PNG.sync.read(readFileSync(labelPath), { skipRescale: true });
    const { width, height } = imageSize(readFileSync(image));
    if (label.colorType !== 0 || label.depth !== 8) problems.push(`${name}: PNG colour type ${label.colorType}, depth ${label.depth} (want 0, 8)`);
    if (label.width !== width || label.height !== height) {
      problems.push(`${name}: ${label.width}x${label.height}, image is ${width}x${height}`);
      continue;
    }
    const truth = PNG.sync.read(readFileSync(path.join(truthDir, name)), { skipRescale: true });
    let both = 0;
    let sum = 0;
    const values = new Set();
    for (let p = 0; p < width * height; p++) {
      const v = label.data[p * 4];
      values.add(v);
      const predicted = v > 0;
      const actual = truth.data[p * 4] > 0;
      both += predicted && actual ? 1 : 0;
      sum += Number(predicted) + Number(actual);
    }
    const odd = [...values].filter((v) => v !== 0 && v !== 1);
    if (odd.length) problems.push(`${name}: values ${odd.slice(0, 5).join(', ')} (want 0 and 1)`);
    const dice = sum === 0 ? 1 : (2 * both) / sum;
    dices.push(dice);
    if (dice < MIN_DICE) problems.push(`${name}: Dice ${dice.toFixed(3)} against the true mask < ${MIN_DICE}`);
  }
  if (problems.length) throw new Error(`label files in ${labelsDir}:\n    ${problems.join('\n    ')}`);
  return { meanDice: dices.reduce((a, b) => a + b, 0) / dices.length, minDice: Math.min(...dices) };
}

/** Every relative image the installed extension's README links to must be a file in the installed extension. */
function checkReadmeImages(installedDir) {
  const readme = readdirSync(installedDir).find((f) => /^readme\.md$/i.test(f));
  if (!readme) throw new Error(`no README in ${installedDir}`);
  const text = readFileSync(path.join(installedDir, readme), 'utf8');
  const links = [...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z][\w+.-]*:/i.test(l));
  if (!links.length) throw new Error(`the packaged ${readme} links no relative image (expected media/screenshots/...)`);
  const missing = links.filter((l) => !existsSync(path.join(installedDir, l)));
  if (missing.length) throw new Error(`the packaged ${readme} links images the VSIX lacks: ${missing.join(', ')}`);
  return links;
}

/**
 * The files the extension loads at run time beyond what the pre-label job touches: the label codec thread (every
 * mask editor open and save), the two webview scripts and their stylesheets (scripts/build.mjs, src/host/webviewPage.ts).
 * A .vscodeignore line that dropped one would leave the pre-label working and the editor broken.
 */
const RUNTIME_FILES = ['dist/extension.js', 'dist/worker.js', 'dist/labelCodec.js', 'dist/webview.js', 'dist/failures.js', 'media/editor.css', 'media/failures.css'];

function checkRuntimeFiles(installedDir) {
  const missing = RUNTIME_FILES.filter((f) => !existsSync(path.join(installedDir, f)));
  if (missing.length) throw new Error(`the VSIX lacks files the extension loads at run time: ${missing.join(', ')}`);
  return RUNTIME_FILES;
}

/**
 * Runs the smoke check against `vsix` with code-server `cs` ({ node, entry }). Throws with what went wrong; resolves
 * with the figures it measured. Removes its temporary folders either way. `then({ page, samples, images, log })`,
 * when given, runs after the checks pass, on the same workbench with the samples pre-labelled (what
 * scripts/screenshot-editor.mjs builds on); `viewport` is the browser's size.
 */
export async function runSmoke({ cs, vsix, log, viewport, then }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'segnetr-smoke-'));
  const stateDir = path.join(tmp, 'code-server');
  const userDataDir = path.join(stateDir, 'user-data');
  let server;
  let context;
  // code-server runs in its own process group: stop it when we are stopped or exit early.
  const killServer = () => { if (server && !server.exited()) try { process.kill(-server.child.pid, 'SIGKILL'); } catch { /* gone */ } };
  const onSignal = (sig) => {
    killServer();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  process.on('exit', killServer);
  try {
    const samples = path.join(tmp, 'samples');
    const { images } = await makeSamples({ outDir: samples });
    const imagesDir = path.join(samples, 'images');
    const labelsDir = path.join(samples, 'masks');
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2) + '\n');

    let t = Date.now();
    await installExtension({ node: cs.node, entry: cs.entry, stateDir, vsix, log });
    const extensionsDir = path.join(stateDir, 'extensions');
    const installed = readdirSync(extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    if (installed.length !== 1) throw new Error(`expected one ${EXTENSION_ID} in ${extensionsDir} after --install-extension, found: ${installed.join(', ') || 'none'}`);
    const installedDir = path.join(extensionsDir, installed[0]);
    log(`installed the VSIX into a clean profile in ${secs(Date.now() - t)}: ${installedDir}`);

    server = await startCodeServer({ node: cs.node, entry: cs.entry, stateDir, workspace: samples, log });
    const url = `${server.url}?folder=${encodeURIComponent(samples)}`;
    const status = await httpStatus(url);
    if (status !== 200) throw new Error(`GET ${url} answered ${status}`);

    context = await launchChromium({ profileDir: path.join(tmp, 'chromium'), viewport });
    const page = context.pages()[0] ?? (await context.newPage());
    t = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench .part.sidebar', { timeout: 60_000 });
    await runFromExplorerMenu(page, 'images', PRELABEL_MENU_ITEM);
    log(`right-clicked images/ > "${PRELABEL_MENU_ITEM}" (${secs(Date.now() - t)} after opening the workbench)`);

    t = Date.now();
    const countLabels = () => (existsSync(labelsDir) ? readdirSync(labelsDir).filter((f) => f.endsWith('.png')).length : 0);
    for (;;) {
      const hostLines = findExtHostLog(userDataDir)?.lines ?? [];
      const failed = activationError(hostLines);
      if (failed) throw new Error(`the installed extension failed to activate; extension host log:\n    ${failed}`);
      const jobLog = segnetrLog(userDataDir);
      if (/Pre-labeled images: /.test(jobLog) && countLabels() === images.length) break;
      const jobFailed = /\[error\]/.test(jobLog);
      if (jobFailed || Date.now() - t > JOB_TIMEOUT_MS) {
        throw new Error(
          `${jobFailed ? 'the pre-label job failed' : `no complete pre-label after ${secs(JOB_TIMEOUT_MS)}`}: ` +
            `${countLabels()} of ${images.length} labels in ${labelsDir}\n` +
            `  notifications: ${JSON.stringify(await notifications(page))}\n` +
            `  SegNetr log:\n    ${segnetrLog(userDataDir).trim().split('\n').slice(-15).join('\n    ') || '(none)'}\n` +
            `  extension host log:\n    ${hostLines.slice(-20).join('\n    ') || '(none)'}`,
        );
      }
      await sleep(250);
    }
    const jobMs = Date.now() - t;

    const hostLines = findExtHostLog(userDataDir)?.lines ?? [];
    const activation = hostLines.find((l) => l.includes(`_doActivateExtension ${EXTENSION_ID}`));
    if (!activation) throw new Error(`no activation of ${EXTENSION_ID} in the extension host log`);
    const segLog = segnetrLog(userDataDir);
    const bundledModel = path.join(installedDir, 'media', 'models', 'segnetr-isic2017.onnx');
    if (!segLog.includes(`with ${bundledModel}`)) {
      throw new Error(`the job did not use the installed extension's model ${bundledModel}; SegNetr log:\n    ${segLog.trim().split('\n').join('\n    ')}`);
    }
    const errors = segLog.split('\n').filter((l) => /\[(error|warning)\]/.test(l));
    if (errors.length) throw new Error(`the SegNetr log reports problems:\n    ${errors.join('\n    ')}`);
    const dice = checkLabels(images, labelsDir, path.join(samples, 'ground-truth'));
    log(`activated from the VSIX (${activation.replace(/^.*_doActivateExtension /, '')})`);
    log(`pre-labeled ${images.length} samples in ${secs(jobMs)} after the click: every label a 0/1 8-bit PNG of its image's size; ` +
      `Dice vs the true masks: mean ${dice.meanDice.toFixed(3)}, min ${dice.minDice.toFixed(3)}`);

    log(`the packaged README's images are in the VSIX: ${checkReadmeImages(installedDir).join(', ')}`);
    log(`the VSIX holds every file the extension loads at run time: ${checkRuntimeFiles(installedDir).join(', ')}`);
    const shot = path.join(CACHE, 'host-artifacts', 'start-smoke.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, timeout: 15_000 }).catch((e) => log(`screenshot failed: ${e.message}`));
    if (then) await then({ page, samples, images, log });
    return { images: images.length, jobMs, ...dice };
  } catch (err) {
    const page = context?.pages()[0];
    if (page) {
      const shot = path.join(CACHE, 'host-artifacts', 'start-smoke-failure.png');
      mkdirSync(path.dirname(shot), { recursive: true });
      if (await page.screenshot({ path: shot, timeout: 10_000 }).then(() => true, () => false)) err.message += `\n  screenshot: ${shot}`;
    }
    if (server) err.message += `\n  code-server, last lines:\n    ${server.logTail(15).join('\n    ')}`;
    throw err;
  } finally {
    await Promise.race([context?.close().catch(() => {}), sleep(5000)]);
    await server?.stop();
    for (const sig of signals) process.off(sig, onSignal);
    process.off('exit', killServer);
    rmSync(tmp, { recursive: true, force: true });
  }
}
