// The extension's settings, read through VS Code. Path settings go through pathSettings.ts, which decides
// what a workspace (trusted or not) may choose; this file only gathers the values.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUNDLED_MODEL_FILE } from '../common/bundledModel';
import type { LabelFormat } from '../common/prelabel';
import { inferenceThreadCount } from '../core/defaults';
import { type WorkspaceState, labelsDirFromSettings, modelPathFromSettings } from './pathSettings';

export { SettingError } from './pathSettings';

export interface ModelChoice {
  readonly modelPath: string;
  /** Where the path came from, for messages: the bundled default or the `segnetr.modelPath` setting. */
  readonly source: 'bundled' | 'setting';
}

function workspaceState(): WorkspaceState {
  return { trusted: vscode.workspace.isTrusted, folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) };
}

/**
 * The model to run. In an untrusted workspace a model path from workspace or folder settings is ignored, and a
 * user-level path that leads into the workspace is refused (SettingError): the repository must not supply it.
 */
export function resolveModel(extensionPath: string, scope: vscode.Uri | undefined): ModelChoice {
  const levels = vscode.workspace.getConfiguration('segnetr', scope).inspect<string>('modelPath');
  const folder = scope && vscode.workspace.getWorkspaceFolder(scope);
  const configured = modelPathFromSettings(levels, folder?.uri.fsPath, workspaceState(), process.env.HOME);
  if (configured !== undefined) return { modelPath: configured, source: 'setting' };
  return { modelPath: path.join(extensionPath, 'media', 'models', BUNDLED_MODEL_FILE), source: 'bundled' };
}

/** The labels folder for an images folder; throws SettingError for a workspace value that points outside the workspace. */
export function labelsDirFor(imagesDir: string, scope: vscode.Uri): string {
  const levels = vscode.workspace.getConfiguration('segnetr', scope).inspect<string>('labelFolder');
  return labelsDirFromSettings(imagesDir, levels, workspaceState());
}

export function labelFormat(scope: vscode.Uri): LabelFormat {
  return vscode.workspace.getConfiguration('segnetr', scope).get<LabelFormat>('labelFormat', 'index') === 'binary255'
    ? 'binary255'
    : 'index';
}

/** onnxruntime intra-op threads: the setting (0 = automatic), clamped to the CPUs. */
export function inferenceThreads(): number {
  return inferenceThreadCount(vscode.workspace.getConfiguration('segnetr').get<number>('threads', 0));
}
