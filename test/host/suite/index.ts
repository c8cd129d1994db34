// In-host test runner: VS Code's `extensionTestsPath` contract (`run(): Promise<void>`), loaded by the extension
// host that code-server spawns (see test/host/run.mjs). Runs mocha, bundled by esbuild, over an explicit list of
// test modules (globs do not survive bundling), and writes a results JSON file the harness waits for.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { config, measurements, type HostTestConfig } from './context';

/** Each entry is imported lazily, after mocha has installed `describe`/`it` as globals. */
const TEST_MODULES: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ['extension.test.ts', () => import('./extension.test')],
  ['prelabel.test.ts', () => import('./prelabel.test')],
  ['eventloop.test.ts', () => import('./eventloop.test')],
  // Before the mask editor's tests: it closes its editors, and theirs end with a reload that must find their own.
  ['failureView.test.ts', () => import('./failureView.test')],
  ['maskEditor.test.ts', () => import('./maskEditor.test')],
];

/** Run instead, after the harness reloaded the workbench for them (a phase-1 test asked for it). */
const AFTER_RELOAD_MODULES: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ['maskEditorRestore.test.ts', () => import('./maskEditorRestore.test')],
];

export interface TestResult {
  readonly title: string;
  readonly fullTitle: string;
  readonly file: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs: number;
  readonly error?: { readonly message: string; readonly stack?: string };
}

export interface HostTestResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Tests mocha registered; more than passed + failed + pending means some never ran (e.g. a hook failed). */
  readonly planned: number;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: readonly TestResult[];
  readonly measurements: typeof measurements;
  readonly host: { readonly vscode: string; readonly node: string; readonly platform: string; readonly appName: string };
  /** Set when the runner itself failed (config unreadable, a test module threw on import, ...). */
  readonly fatal?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorInfo(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

function writeAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Leaves something worth seeing for the harness's screenshot: the explorer on the contract folder and its first
 * image in SegNetr's mask editor. Cosmetic only; failures here are ignored.
 */
async function stageScreenshot(cfg: HostTestConfig): Promise<void> {
  try {
    await vscode.commands.executeCommand('workbench.view.explorer');
    const first = fs.readdirSync(cfg.imagesDir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()[0];
    if (!first) return;
    const uri = vscode.Uri.file(path.join(cfg.imagesDir, first));
    await vscode.commands.executeCommand('revealInExplorer', uri);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'segnetr.maskEditor');
    await vscode.commands.executeCommand('segnetr.editor.view.toggleUncertain'); // show the uncertain band too
    await sleep(3000); // let the webview paint
  } catch {
    // nothing to stage
  }
}

export async function run(): Promise<void> {
  const started = Date.now();
  const tests: TestResult[] = [];
  let planned = 0;
  let fatal: string | undefined;
  let cfg: HostTestConfig | undefined;
  try {
    cfg = config();
    writeAtomic(cfg.startedPath, `${new Date().toISOString()}\n`);
    const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
    if (cfg.grep) mocha.grep(cfg.grep);
    for (const [file, load] of cfg.phase === 2 ? AFTER_RELOAD_MODULES : TEST_MODULES) {
      mocha.suite.emit('pre-require', globalThis, file, mocha);
      await load();
      mocha.suite.emit('post-require', globalThis, file, mocha);
    }
    if (cfg.injectFailure) {
      mocha.suite.emit('pre-require', globalThis, 'self-check', mocha);
      describe('harness self-check', () => {
        it('fails on purpose (--self-check-failure)', () => {
          throw new Error('deliberate failure: the harness must report this and exit non-zero');
        });
      });
    }
    const fileOf = (t: Mocha.Runnable): string => t.file ?? (t.parent as Mocha.Suite & { file?: string })?.file ?? '';
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      planned = runner.total;
      runner.on('pass', (t) =>
        tests.push({ title: t.title, fullTitle: t.fullTitle(), file: fileOf(t), state: 'passed', durationMs: t.duration ?? 0 }),
      );
      runner.on('pending', (t) =>
        tests.push({ title: t.title, fullTitle: t.fullTitle(), file: fileOf(t), state: 'pending', durationMs: 0 }),
      );
      // 'fail' fires for tests and for hooks; a failed hook also means its tests never run (planned > counted).
      runner.on('fail', (t, err) =>
        tests.push({ title: t.title, fullTitle: t.fullTitle(), file: fileOf(t), state: 'failed', durationMs: t.duration ?? 0, error: errorInfo(err) }),
      );
    });
  } catch (err) {
    const e = errorInfo(err);
    fatal = e.stack ?? e.message;
  }

  const results: HostTestResults = {
    version: 1,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    planned,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
    measurements,
    host: { vscode: vscode.version, node: process.version, platform: `${process.platform}-${process.arch}`, appName: vscode.env.appName },
    ...(fatal ? { fatal } : {}),
  };
  if (!cfg) throw new Error(`segnetr host tests: no harness config (${fatal ?? 'unknown'})`);
  // With a reload ahead, the screenshot is taken after it.
  if (cfg.phase === 2 || !fs.existsSync(cfg.reloadRequestPath)) await stageScreenshot(cfg);
  writeAtomic(cfg.resultsPath, JSON.stringify(results, null, 2) + '\n');

  // Keep the window alive until the harness has taken its screenshot (the host may close when run() settles).
  const until = Date.now() + cfg.holdMs;
  while (Date.now() < until && !fs.existsSync(cfg.releasePath)) await sleep(100);

  if (fatal) throw new Error(`segnetr host tests could not run: ${fatal}`);
  if (results.failed > 0) throw new Error(`${results.failed} host test(s) failed`);
}
