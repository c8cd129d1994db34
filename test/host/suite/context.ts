// What the harness (test/host/run.mjs) tells the tests running inside the extension host, and what the tests
// record for it. The harness writes `<workspace>/.segnetr-test/config.json` before opening the workbench; the
// extension host is spawned by code-server, so a config file in the opened workspace is the reliable channel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const CONFIG_RELATIVE_PATH = path.join('.segnetr-test', 'config.json');

export interface HostTestConfig {
  /** Where the runner writes results (JSON); the harness waits for this file. */
  readonly resultsPath: string;
  /** Written as soon as run() is called, so the harness can tell "host never started" from "tests are slow". */
  readonly startedPath: string;
  /** The runner waits for this file (the harness's screenshot) before returning, at most `holdMs`. */
  readonly releasePath: string;
  readonly holdMs: number;
  /** Repository root (the extension under test). */
  readonly repoRoot: string;
  /** Tiny fixture model (.onnx with its .json card beside it), copied into the workspace; '' when none exists. */
  readonly modelPath: string;
  /** Folder of a handful of images of several sizes and formats, for the pre-label contract test. */
  readonly imagesDir: string;
  /** Folder of the event-loop probe's images (150 by default). */
  readonly bulkImagesDir: string;
  readonly bulkCount: number;
  /** Mocha grep, or '' for all. */
  readonly grep: string;
  /** Adds a test that fails on purpose: the harness's self-check that failures are reported and fail the run. */
  readonly injectFailure: boolean;
  /** When set, the event-loop test writes a CPU profile of the extension host during the probe here. */
  readonly profilePath: string;
  /** > 0: the responsiveness test blocks the extension host this long during its job, to show it then fails. */
  readonly injectBlockMs: number;
  /** The harness's webview driver (scripts/host/editorDriver.mjs): pointer, keys and text inside the mask editor. */
  readonly driverUrl: string;
  /** 1, or 2 after the harness reloaded the workbench because a test wrote reloadRequestPath (hot exit tests). */
  readonly phase: 1 | 2;
  readonly reloadRequestPath: string;
  /** When not '': tests that stage a view worth showing save a screenshot of the workbench here (run.mjs --screenshots). */
  readonly screenshotDir: string;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open; the harness opens one');
  return folder.uri.fsPath;
}

let cached: HostTestConfig | undefined;

export function config(): HostTestConfig {
  if (!cached) {
    const file = path.join(workspaceRoot(), CONFIG_RELATIVE_PATH);
    cached = JSON.parse(fs.readFileSync(file, 'utf8')) as HostTestConfig;
  }
  return cached;
}

/** Numbers a test wants the harness to print (e.g. event-loop drift). Keyed by test title + name. */
export interface Measurement {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail?: Record<string, number | string>;
}

export const measurements: Measurement[] = [];

export function record(m: Measurement): void {
  measurements.push(m);
}
