// `npm test`: every layer, in order of cost. Each layer's failures are counted; the run ends with one
// "N passed, N failed" line and exits non-zero if anything failed or a layer could not run.
//   typecheck -> build -> unit (mocha, pure modules) -> worker (mocha, real onnxruntime-node)
//   -> training (pytest, Debian's torch) -> package (`SEGNETR_START_SMOKE=1 npm start`: the VSIX installed into a
//   clean code-server profile pre-labels the samples) -> host (mocha inside a real VS Code extension host)
// `npm test -- --only unit,worker` runs a subset while developing.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import Mocha from 'mocha';
import { NATIVE_PACKAGES } from './nativePackages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const onlyArg = process.argv.find((a, i) => process.argv[i - 1] === '--only' || a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.replace('--only=', '').split(',')) : undefined;
const wanted = (layer) => !only || only.has(layer);

const totals = { passed: 0, failed: 0 };
const layerReports = [];

/** Runs a command, echoing its output, and resolves with its exit code and captured text. */
function runCommand(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { text += d; process.stderr.write(d); });
    child.on('error', (error) => resolve({ code: 127, text: `${text}\n${error.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), text }));
  });
}

function banner(title) {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

function record(layer, passed, failed, note = '') {
  totals.passed += passed;
  totals.failed += failed;
  layerReports.push(`${layer}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`);
}

/** A step that is not a test suite (typecheck, build, the packaged-extension smoke) counts as one test. */
async function step(layer, command, args, env = {}) {
  banner(layer);
  const { code } = await runCommand(command, args, env);
  record(layer, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

/** Bundles each TypeScript test file with esbuild and runs them all in one mocha instance. */
async function mochaLayer(layer, sourceDir) {
  banner(layer);
  const files = testFiles(sourceDir);
  if (files.length === 0) {
    console.error(`${layer}: no test files under ${sourceDir}`);
    record(layer, 0, 1, 'no tests found');
    return;
  }
  const outDir = join(root, 'out', layer);
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files,
    outbase: sourceDir,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    sourcemap: 'inline',
    // esbuild: tests that need a thread's script bundle it at run time (test/unit/codecThread.ts).
    external: [...NATIVE_PACKAGES, 'mocha', 'vscode', 'esbuild'],
    logLevel: 'warning',
  });
  const mocha = new Mocha({ reporter: 'spec', timeout: 60_000, color: process.stdout.isTTY });
  for (const f of files) mocha.addFile(join(outDir, relative(sourceDir, f).replace(/\.ts$/, '.js')));
  await mocha.loadFilesAsync();
  let passed = 0;
  let failed = 0;
  await new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
  });
  record(layer, passed, failed);
}

/** The count before `word` on the runner's closing line (the last line that mentions it), or 0. */
function lastCount(text, word) {
  const matches = [...text.matchAll(new RegExp(`(\\d+) ${word}`, 'g'))];
  return Number(matches.at(-1)?.[1] ?? 0);
}

/** Records a layer run as a child process; a non-zero exit with no failure counted is one failure. */
function recordRun(layer, { code, text }, failed, what) {
  record(layer, lastCount(text, 'passed'), failed + (code !== 0 && failed === 0 ? 1 : 0), code === 0 ? '' : `${what} exit ${code}`);
}

async function pytestLayer() {
  banner('training (pytest)');
  const run = await runCommand('/usr/bin/python3', ['-m', 'pytest', 'training/tests', '-q', '-p', 'no:cacheprovider'], {
    OPENBLAS_NUM_THREADS: '1',
  });
  // pytest exit 5 = no tests collected: a defect here, not a pass.
  recordRun('training', run, lastCount(run.text, 'failed') + lastCount(run.text, 'error'), 'pytest');
}

async function hostLayer() {
  banner('host (real VS Code extension host in code-server)');
  const run = await runCommand('node', ['test/host/run.mjs']);
  recordRun('host', run, lastCount(run.text, 'failed'), 'harness');
}

const started = Date.now();
if (wanted('typecheck')) await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
const built = await step('build', 'npm', ['run', '--silent', 'build']);
if (wanted('unit')) await mochaLayer('unit', join(root, 'test', 'unit'));
if (wanted('worker')) await mochaLayer('worker', join(root, 'test', 'worker'));
if (wanted('training')) await pytestLayer();
// What a newcomer runs: `SEGNETR_START_SMOKE=1 npm start` packages the VSIX, installs it into a clean code-server
// profile and pre-labels the samples from the Explorer (scripts/host/smoke.mjs); the same script, not a copy.
if (wanted('package')) await step('package', 'node', ['scripts/start.mjs'], { SEGNETR_START_SMOKE: '1' });
if (wanted('host')) {
  if (built) await hostLayer();
  else record('host', 0, 1, 'not run: the build failed');
}

banner(`summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const line of layerReports) console.log(`  ${line}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
