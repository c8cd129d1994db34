#!/usr/bin/env node
// `npm start [-- FOLDER]`: build, package the linux-x64 VSIX, generate the synthetic samples, and open VS Code on
// FOLDER (default: the samples, .cache/samples) with the packaged extension installed.
//   - a `code` CLI on PATH: `code --install-extension <vsix> --force`, then `code FOLDER`;
//   - otherwise code-server (installed under .cache/ by the host-test harness's helper, on first use), with the VSIX
//     installed into its own extensions folder (.cache/start/), on 127.0.0.1 at a free port (or SEGNETR_PORT); the
//     URL is printed and it runs until Ctrl+C.
// SEGNETR_START_SMOKE=1: non-interactive check of the above (what `npm test`'s "package" layer runs): build and
// package, install the VSIX into a clean code-server profile, open fresh samples in headless Chromium, pre-label them
// from the Explorer's context menu and check the labels (scripts/host/smoke.mjs); screenshot to
// .cache/host-artifacts/start-smoke.png; exit 0, or 1 with the reason.
// SEGNETR_START_WITH=code-server forces code-server even when `code` is on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE, ensureCodeServer, installExtension, startCodeServer } from './host/code-server.mjs';
import { buildAndPackage } from './host/vsix.mjs';
import { makeSamples } from './make-samples.mjs';

const smoke = process.env.SEGNETR_START_SMOKE === '1';
const log = (msg) => console.log(`[start] ${msg}`);

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('-h') || args.includes('--help')) {
    console.log('usage: npm start [-- FOLDER]   (env: SEGNETR_PORT, SEGNETR_START_WITH=code-server, SEGNETR_START_SMOKE=1)');
    return 0;
  }
  const t0 = Date.now();
  const vsix = buildAndPackage({ log });
  if (smoke) {
    const { runSmoke } = await import('./host/smoke.mjs');
    try {
      await runSmoke({ cs: await ensureCodeServer({ log }), vsix, log });
    } catch (err) {
      console.error(`[start] smoke: FAILED: ${err?.message ?? err}`);
      return 1;
    }
    log(`smoke: OK (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }

  let folder;
  if (args[0]) {
    folder = path.resolve(args[0]);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  } else {
    folder = path.join(CACHE, 'samples');
    const { images } = await makeSamples({ outDir: folder });
    log(`samples: ${images.length} synthetic images + ground truth in ${path.relative(process.cwd(), folder)}`);
  }

  if (!smoke && process.env.SEGNETR_START_WITH !== 'code-server' && onPath('code')) {
    log('found `code` on PATH: installing the VSIX there');
    const inst = spawnSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
    if (inst.status !== 0) throw new Error(`code --install-extension failed (exit ${inst.status})`);
    spawn('code', [folder], { stdio: 'inherit', detached: true }).unref();
    log(`opened ${folder} in VS Code (right-click images/ > "Pre-label Folder with SegNetr")`);
    return 0;
  }

  const cs = await ensureCodeServer({ log });
  // Persistent state under .cache/start so settings and layout survive restarts.
  const stateDir = path.join(CACHE, 'start');
  const userDataDir = path.join(stateDir, 'user-data');
  const settings = path.join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    // First start only: afterwards the file is the user's.
    mkdirSync(path.dirname(settings), { recursive: true });
    const defaults = {
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'git.openRepositoryInParentFolders': 'never',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
    };
    writeFileSync(settings, JSON.stringify(defaults, null, 2) + '\n');
  }
  const tInstall = Date.now();
  await installExtension({ node: cs.node, entry: cs.entry, stateDir, vsix, log });
  log(`installed the VSIX into code-server in ${((Date.now() - tInstall) / 1000).toFixed(1)} s`);

  const port = process.env.SEGNETR_PORT ? Number(process.env.SEGNETR_PORT) : undefined;
  const server = await startCodeServer({ node: cs.node, entry: cs.entry, stateDir, workspace: folder, port, log });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { console.log(''); log('stopping code-server'); stop(0); });
  process.on('exit', () => { if (!server.exited()) try { process.kill(-server.child.pid, 'SIGKILL'); } catch { /* gone */ } });

  const url = `${server.url}?folder=${encodeURIComponent(folder)}`;
  console.log(`\n  SegNetr Annotator is running in code-server:\n\n    ${url}\n\n  Open it in a browser; Ctrl+C stops it.\n`);
  const exited = await server.exitPromise;
  log(`code-server exited (${exited.signal ?? exited.code})`);
  return exited.code === 0 ? 0 : 1;
}

main().then(
  (code) => { if (code !== undefined) process.exitCode = code; },
  (err) => {
    console.error(`[start] FAILED: ${err?.message ?? err}`);
    process.exit(1);
  },
);
