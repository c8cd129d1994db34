import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUNDLED_MODEL_FILE } from '../common/bundledModel';
import type { LabelFormat } from '../common/prelabel';
import { DEFAULT_LABEL_FOLDER, inferenceThreadCount } from '../core/defaults';
import { labelsDirFor as labelsDirUnder } from '../core/labelPaths';

export interface ModelChoice {
  readonly modelPath: string;
  /** Where the path came from, for messages: the bundled default or the `segnetr.modelPath` setting. */
  readonly source: 'bundled' | 'setting';
}

/**
 * The model to run. In an untrusted workspace a model path from workspace or folder settings is ignored
 * (a repository must not be able to point the extension at a file it ships); only the user's own setting counts.
 */
export function resolveModel(extensionPath: string, scope: vscode.Uri | undefined): ModelChoice {
  const inspected = vscode.workspace.getConfiguration('segnetr', scope).inspect<string>('modelPath');
  const configured = vscode.workspace.isTrusted
    ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue)
    : inspected?.globalValue;
  if (configured && configured.trim() !== '') {
    return { modelPath: expandModelPath(configured.trim(), scope), source: 'setting' };
  }
  return { modelPath: path.join(extensionPath, 'media', 'models', BUNDLED_MODEL_FILE), source: 'bundled' };
}

/** Supports `~`, `${workspaceFolder}` and paths relative to the workspace folder. */
function expandModelPath(value: string, scope: vscode.Uri | undefined): string {
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  let expanded = value.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (folder) expanded = expanded.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
  if (!path.isAbsolute(expanded) && folder) expanded = path.join(folder.uri.fsPath, expanded);
  return expanded;
}

export function labelsDirFor(imagesDir: string, scope: vscode.Uri): string {
  return labelsDirUnder(imagesDir, vscode.workspace.getConfiguration('segnetr', scope).get<string>('labelFolder', DEFAULT_LABEL_FOLDER));
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
