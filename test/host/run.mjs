#!/usr/bin/env node
// Host-test harness: runs test/host/suite (bundled to dist/test/index.js by `npm run build`) inside a real VS Code
// extension host. code-server (VS Code 1.139 in the browser, real Node extension host) is installed under .cache/ on
// first run, started on a free 127.0.0.1 port with its own HOME/user-data/extensions dirs, and driven by Debian's
// Chromium through playwright-core; the workbench URL carries a `payload` (extensionDevelopmentPath +
// extensionTestsPath), honoured with `--vscode-option enable-smoke-test-driver`. See
// /work/shared/docs/offline-toolchain.md, "A real VS Code host, offline".
//
//   node test/host/run.mjs [--grep PATTERN] [--timeout-s 900] [--bulk 150] [--keep] [--self-check-failure] [--profile]
//                          [--inject-block-ms N]   (the responsiveness test blocks the host N ms mid-job: it must fail)
//                          [--screenshots DIR]     (tests that stage a view worth showing save it there, e.g. the
//                                                   README's media/screenshots/failure-view.png)
//
// Exit status: 0 only if every host test ran and passed; non-zero if any failed, none ran, or the host could not
// start (never a silent skip). code-server and Chromium are always stopped (also on Ctrl+C, SIGTERM and timeout).
// Artifacts: .cache/host-artifacts/{workbench.png,results.json,code-server.log,browser-console.log}.
//
// Environment: SEGNETR_CHROMIUM (browser binary, default /usr/bin/chromium); SEGNETR_HOST_EXTENSION_DIR (develop
// the harness against another extension folder; default: this repository); SEGNETR_HOST_USER_SETTINGS (JSON merged
// into code-server's user settings, e.g. '{"segnetr.threads":1}'); SEGNETR_HOST_TIMEOUT_S (default 900).
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer, startCodeServer, findExtHostLog, ROOT, CACHE, CODE_SERVER_VERSION } from '../../scripts/host/code-server.mjs';
import { makeSamples } from '../../scripts/make-samples.mjs';
import { CHROMIUM_PATH, cleanConsoleText, launchChromium } from '../../scripts/host/browser.mjs';
import { RELOAD_REQUEST_FILE, mergeResults, reloadIfRequested, startEditorDriver } from '../../scripts/host/editorDriver.mjs';

const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[host] ${msg}`);

function parseCommandLine(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      grep: { type: 'string', default: '' },
      'timeout-s': { type: 'string', default: process.env.SEGNETR_HOST_TIMEOUT_S ?? '900' },
      bulk: { type: 'string', default: '150' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'self-check-failure': { type: 'boolean', default: false },
      'inject-block-ms': { type: 'string', default: '0' },
      screenshots: { type: 'string', default: '' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node test/host/run.mjs [--grep PATTERN] [--timeout-s N] [--bulk N] [--keep] [--self-check-failure] [--profile] [--inject-block-ms N] [--screenshots DIR]');
    process.exit(0);
  }
  const opts = {
    grep: values.grep,
    timeoutS: Number(values['timeout-s']),
    bulk: Number.parseInt(values.bulk, 10),
    keep: values.keep,
    profile: values.profile,
    selfCheckFailure: values['self-check-failure'],
    injectBlockMs: Number(values['inject-block-ms']),
    screenshotDir: values.screenshots ? path.resolve(values.screenshots) : '',
  };
  if (!(opts.timeoutS > 0)) throw new Error('--timeout-s must be positive');
  if (!(opts.bulk > 0)) throw new Error('--bulk must be a positive integer');
  if (!(opts.injectBlockMs >= 0)) throw new Error('--inject-block-ms must be a number of ms >= 0');
  return opts;
}

/** The fixture model the worker engineer commits under test/fixtures (prefers tiny-segnetr.onnx). */
function findFixtureModel() {
  const dir = path.join(ROOT, 'test', 'fixtures');
  if (!existsSync(dir)) return '';
  const onnx = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
  return onnx.includes('tiny-segnetr.onnx') ? 'tiny-segnetr.onnx' : (onnx[0] ?? '');
}

/** A temp workspace: a copy of the fixture model, a handful of images for the contract test, N for the probe. */
async function prepareWorkspace(workspace, opts) {
  mkdirSync(workspace, { recursive: true });
  const model = findFixtureModel();
  let modelPath = '';
  if (model) {
    const dest = path.join(workspace, 'model');
    mkdirSync(dest, { recursive: true });
    for (const f of [model, model.replace(/\.onnx$/, '.json')]) {
      const src = path.join(ROOT, 'test', 'fixtures', f);
      if (existsSync(src)) cpSync(src, path.join(dest, f));
    }
    modelPath = path.join(dest, model);
  }
  // Several sizes and both formats; odd sizes catch off-by-one resizes.
  await makeSamples({
    outDir: path.join(workspace, 'contract'),
    count: 6,
    seed: 11,
    sizes: [[256, 192], [320, 240], [192, 256], [256, 192], [97, 61], [640, 480]],
    jpegEvery: 2,
  });
  await makeSamples({
    outDir: path.join(workspace, 'bulk'),
    count: opts.bulk,
    seed: 23,
    sizes: [[256, 192]],
    jpegEvery: 0,
    groundTruth: false,
    prefix: 'img',
  });
  return { modelPath, imagesDir: path.join(workspace, 'contract', 'images'), bulkImagesDir: path.join(workspace, 'bulk', 'images') };
}

/** The in-host runner must have started (written `startedPath`) this long after the workbench opened. */
const START_TIMEOUT_MS = 180_000;

const QUIET_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'remote.autoForwardPorts': false,
  'remote.autoForwardPortsSource': 'output',
  'git.openRepositoryInParentFolders': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

/** True once some webview frame shows an <img> or <canvas> with a size, false after `timeoutMs`. */
async function waitForWebviewContent(page, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const frame of page.frames()) {
      if (!/webview|vscode-resource|vscode-cdn/i.test(frame.url()) || frame === page.mainFrame()) continue;
      const ok = await frame
        .evaluate(() => [...document.querySelectorAll('img, canvas')].some((e) => e.getBoundingClientRect().width > 16))
        .catch(() => false);
      if (ok) {
        await new Promise((r) => setTimeout(r, 300));
        return true;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function tailLines(lines, n) {
  return lines.slice(-n).map((l) => `    ${l}`).join('\n');
}

async function main() {
  const opts = parseCommandLine(process.argv.slice(2));
  const extensionDir = path.resolve(process.env.SEGNETR_HOST_EXTENSION_DIR ?? ROOT);
  const testsEntry = path.join(extensionDir, 'dist', 'test', 'index.js');
  if (!existsSync(testsEntry)) throw new Error(`${path.relative(ROOT, testsEntry)} not found; run \`npm run build\` first`);
  if (!existsSync(path.join(extensionDir, 'package.json'))) throw new Error(`no package.json in ${extensionDir}`);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found; install it with \`bash scripts/system-deps.sh\``);

  const artifacts = path.join(CACHE, 'host-artifacts');
  mkdirSync(artifacts, { recursive: true });
  for (const f of ['workbench.png', 'results.json', 'code-server.log', 'browser-console.log', 'eventloop-probe.cpuprofile']) {
    rmSync(path.join(artifacts, f), { force: true });
  }

  // 1. code-server (+ Node 24), installed once under .cache/.
  const tInstall = Date.now();
  const cs = await ensureCodeServer({ log });
  const installMs = Date.now() - tInstall;
  if (cs.installedNow) log(`first-run install took ${secs(installMs)}`);

  // 2. Temp state: workspace, code-server dirs, browser profile. Removed at the end unless --keep.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'segnetr-host-'));
  const workspace = path.join(tmp, 'workspace');
  const stateDir = path.join(tmp, 'code-server');
  const resultsPath = path.join(tmp, 'results.json');
  const releasePath = path.join(tmp, 'release');
  const startedPath = path.join(tmp, 'started');

  let server;
  let context;
  let driver;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    await driver?.close();
    await Promise.race([context?.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await server?.stop();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  };
  const onSignal = (sig) => {
    console.error(`\n[host] ${sig}: stopping code-server and Chromium`);
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);
  // Last resort if something exits the process without cleanup: kill code-server's process group synchronously.
  process.on('exit', () => {
    if (server && !server.exited()) try { process.kill(-server.child.pid, 'SIGKILL'); } catch { /* gone */ }
  });

  const consoleLines = [];
  const keepConsole = (line) => {
    consoleLines.push(line);
    if (consoleLines.length > 2000) consoleLines.shift();
  };
  let exitCode = 1;
  try {
    const tPrep = Date.now();
    const ws = await prepareWorkspace(workspace, opts);
    // Mask editor tests act inside the webview through this driver (pointer, keys, reload for hot exit).
    driver = await startEditorDriver({ log });
    const config = {
      resultsPath,
      startedPath,
      releasePath,
      holdMs: 30_000,
      repoRoot: ROOT,
      modelPath: ws.modelPath,
      imagesDir: ws.imagesDir,
      bulkImagesDir: ws.bulkImagesDir,
      bulkCount: opts.bulk,
      grep: opts.grep,
      injectFailure: opts.selfCheckFailure,
      injectBlockMs: opts.injectBlockMs,
      profilePath: opts.profile ? path.join(artifacts, 'eventloop-probe.cpuprofile') : '',
      driverUrl: driver.url,
      phase: 1,
      reloadRequestPath: path.join(workspace, RELOAD_REQUEST_FILE),
      screenshotDir: opts.screenshotDir,
    };
    const configPath = path.join(workspace, '.segnetr-test', 'config.json');
    mkdirSync(path.join(workspace, '.segnetr-test'), { recursive: true });
    writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
    log(`workspace ${workspace} ready in ${secs(Date.now() - tPrep)} (model: ${ws.modelPath ? path.basename(ws.modelPath) : 'NONE'}, ${opts.bulk} probe images)`);

    // User settings: keep unrelated built-in features (port auto-detection, welcome page, chat, update checks) from
    // adding noise to the measurements; SEGNETR_HOST_USER_SETTINGS (JSON) adds or overrides entries.
    const userSettings = { ...QUIET_USER_SETTINGS, ...JSON.parse(process.env.SEGNETR_HOST_USER_SETTINGS || '{}') };
    mkdirSync(path.join(stateDir, 'user-data', 'User'), { recursive: true });
    writeFileSync(path.join(stateDir, 'user-data', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2) + '\n');

    // 3. code-server.
    const tStart = Date.now();
    server = await startCodeServer({
      node: cs.node,
      entry: cs.entry,
      stateDir,
      extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
      log,
    });

    // 4. Chromium, headless, fresh profile.
    context = await launchChromium({ profileDir: path.join(tmp, 'chromium-profile') });
    let browserClosed = false;
    context.on('close', () => { browserClosed = true; });
    const page = context.pages()[0] ?? (await context.newPage());
    driver.attach(page);
    page.on('console', (m) => keepConsole(`[${m.type()}] ${cleanConsoleText(m.text())}`));
    page.on('pageerror', (e) => keepConsole(`[pageerror] ${e.message}`));
    page.on('crash', () => keepConsole('[crash] the workbench page crashed'));

    const authority = `127.0.0.1:${server.port}`;
    const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(testsEntry)],
    ];
    const url = `${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    log(`workbench opened in ${secs(Date.now() - tStart)}; waiting for host tests (timeout ${opts.timeoutS} s)`);

    // 5. Wait for the results file, failing loudly if the host or browser dies or time runs out.
    const tTests = Date.now();
    const deadline = tTests + opts.timeoutS * 1000;
    let problem = '';
    let lastReport = tTests;
    while (!existsSync(resultsPath)) {
      if (server.exited()) { problem = `code-server exited (${JSON.stringify(server.exited())})`; break; }
      if (browserClosed) { problem = 'Chromium closed'; break; }
      if (Date.now() > deadline) { problem = `no results after ${opts.timeoutS} s`; break; }
      if (!existsSync(startedPath) && Date.now() - tTests > START_TIMEOUT_MS) {
        problem = `the in-host test runner did not start within ${START_TIMEOUT_MS / 1000} s (extension host not up, or the payload was ignored)`;
        break;
      }
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        log(`still running (${secs(Date.now() - tTests)})...`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const testsMs = Date.now() - tTests;

    // 6. Screenshot (while the runner holds the window open), then let the runner return. The runner opened an
    // image in SegNetr's label preview; give its webview a few seconds to paint something.
    if (!problem) {
      const painted = await waitForWebviewContent(page, 10_000);
      if (!painted) keepConsole('[harness] no webview content (img/canvas) appeared before the screenshot');
    }
    try {
      await page.screenshot({ path: path.join(artifacts, 'workbench.png'), timeout: 15_000 });
    } catch (e) {
      keepConsole(`[harness] screenshot failed: ${e.message}`);
    }
    // Hot exit tests: reload while the runner still holds the window, as a person reloads a live window.
    const afterReload = problem
      ? undefined
      : await reloadIfRequested({
        page, server, config, configPath, timeoutS: opts.timeoutS, log, attach: (p) => driver.attach(p), screenshotPath: path.join(artifacts, 'workbench.png'),
      });
    writeFileSync(releasePath, '');
    writeFileSync(path.join(artifacts, 'code-server.log'), server.logTail(400).join('\n') + '\n');
    writeFileSync(path.join(artifacts, 'browser-console.log'), consoleLines.join('\n') + '\n');

    if (problem) {
      console.error(`[host] FAILED: ${problem}`);
      console.error(`[host] code-server, last lines:\n${tailLines(server.logTail(40), 40)}`);
      console.error(`[host] browser console, last lines:\n${tailLines(consoleLines, 40)}`);
      const exthost = findExtHostLog(path.join(stateDir, 'user-data'));
      if (exthost) console.error(`[host] extension host log (${exthost.file}), last lines:\n${tailLines(exthost.lines, 30)}`);
      return 1;
    }

    const results = mergeResults(JSON.parse(readFileSync(resultsPath, 'utf8')), afterReload?.results);
    writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    exitCode = report(results, { installMs, installedNow: cs.installedNow, testsMs, totalMs: Date.now() - t0 });
    if (exitCode !== 0) {
      const exthost = findExtHostLog(path.join(stateDir, 'user-data'));
      if (exthost) console.error(`[host] extension host log (${exthost.file}), last lines:\n${tailLines(exthost.lines, 30)}`);
    }
    return exitCode;
  } finally {
    await cleanup();
  }
}

function report(results, timing) {
  const mark = { passed: '✓', failed: '✗', pending: '-' };
  let lastGroup = '';
  for (const t of results.tests) {
    const group = t.fullTitle.slice(0, t.fullTitle.length - t.title.length).trim();
    if (group !== lastGroup) {
      console.log(`  ${group || '(root)'}`);
      lastGroup = group;
    }
    console.log(`    ${mark[t.state] ?? '?'} ${t.title}${t.state === 'pending' ? ' (pending)' : ` (${t.durationMs} ms)`}`);
    if (t.state === 'failed' && t.error) {
      const detail = (t.error.stack ?? t.error.message).split('\n').slice(0, 8).map((l) => `        ${l}`).join('\n');
      console.log(detail);
    }
  }
  for (const m of results.measurements ?? []) {
    const detail = m.detail ? ` (${Object.entries(m.detail).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
    console.log(`[host] ${m.name}: ${m.value} ${m.unit}${detail}`);
  }
  if (results.fatal) console.error(`[host] the in-host runner failed:\n${results.fatal}`);
  const ran = results.passed + results.failed + results.pending;
  const notRun = Math.max(0, results.planned - ran);
  const ok = !results.fatal && results.failed === 0 && results.passed > 0 && notRun === 0;
  const h = results.host ?? {};
  console.log(
    `[host] ${ok ? 'PASS' : 'FAIL'}: ${results.passed} passed, ${results.failed} failed, ${results.pending} pending` +
      `${notRun ? `, ${notRun} did not run` : ''} of ${results.planned} host tests in code-server ${CODE_SERVER_VERSION}` +
      ` (VS Code ${h.vscode}, Node ${h.node}); tests ${secs(results.durationMs)}, run ${secs(timing.totalMs)}` +
      `${timing.installedNow ? `, incl. first-run install ${secs(timing.installMs)}` : ''}`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[host] FAILED: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
