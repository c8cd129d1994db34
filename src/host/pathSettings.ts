// Which folder and which model file the path settings may choose, given who wrote them. A cloned repository's
// .vscode/settings.json is not the user: it must not pick where files are written outside the workspace, nor,
// while the workspace is untrusted, anything at all; and a user's relative or ${workspaceFolder} model path
// must not load a model the untrusted workspace supplies. Pure (no `vscode`): settings.ts passes the values in.
import * as path from 'node:path';
import { DEFAULT_LABEL_FOLDER } from '../core/defaults';
import { labelsDirFor } from '../core/labelPaths';
import { isSameOrInside, realPathThroughExisting } from '../core/realPath';

/** One setting at each level, as `WorkspaceConfiguration.inspect()` reports it. */
export interface SettingLevels<T> {
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

export interface WorkspaceState {
  readonly trusted: boolean;
  /** File-system paths of the workspace folders. */
  readonly folders: readonly string[];
}

/** A path setting that cannot be used as written; the message says which setting, why, and what to do. */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}

/**
 * The labels folder for `imagesDir`. A workspace-level `segnetr.labelFolder` is ignored in an untrusted
 * workspace (it is a restricted setting) and, when trusted, must stay inside the workspace folder holding the
 * images; the user's own setting and the default may point anywhere, except, in an untrusted workspace, into it
 * and out again through a link it holds (a repository committing `data/masks -> /elsewhere` chose that place).
 */
export function labelsDirFromSettings(imagesDir: string, levels: SettingLevels<string> | undefined, workspace: WorkspaceState): string {
  const fromWorkspace = nonBlank(levels?.workspaceFolderValue) ?? nonBlank(levels?.workspaceValue);
  if (fromWorkspace !== undefined && workspace.trusted) {
    const labelsDir = labelsDirFor(imagesDir, fromWorkspace);
    const root = workspace.folders.find((folder) => isSameOrInside(realPathThroughExisting(imagesDir), realPathThroughExisting(folder)));
    if (root === undefined || !isSameOrInside(realPathThroughExisting(labelsDir), realPathThroughExisting(root))) {
      throw new SettingError(
        `The workspace setting segnetr.labelFolder ("${fromWorkspace}") would put labels in ${labelsDir}, outside the workspace` +
          `${root === undefined ? '' : ` folder ${root}`}. Workspace settings may only choose a folder inside the workspace; ` +
          'set segnetr.labelFolder in your user settings to write somewhere else.',
      );
    }
    return labelsDir;
  }
  const labelsDir = labelsDirFor(imagesDir, nonBlank(levels?.globalValue) ?? DEFAULT_LABEL_FOLDER);
  if (!workspace.trusted) refuseLinkOutOfWorkspace(labelsDir, workspace.folders);
  return labelsDir;
}

function refuseLinkOutOfWorkspace(labelsDir: string, folders: readonly string[]): void {
  const root = folders.find((folder) => isSameOrInside(path.resolve(labelsDir), path.resolve(folder)));
  if (root === undefined) return;
  const real = realPathThroughExisting(labelsDir);
  if (isSameOrInside(real, realPathThroughExisting(root))) return;
  throw new SettingError(
    `The labels folder ${labelsDir} is in the untrusted workspace folder ${root}, but a link there leads it to ${real}: the workspace ` +
      'would choose where labels are written. Trust the workspace (Workspaces: Manage Workspace Trust), or set segnetr.labelFolder ' +
      'in your user settings to that place.',
  );
}

/**
 * The model file the settings choose, or undefined for the bundled model. Workspace values count only in a
 * trusted workspace. `~`, `${workspaceFolder}` and paths relative to the workspace folder are expanded; in an
 * untrusted workspace a path that leads into a workspace folder is refused (the repository would supply it).
 */
export function modelPathFromSettings(
  levels: SettingLevels<string> | undefined,
  scopeFolder: string | undefined,
  workspace: WorkspaceState,
  home: string | undefined,
): string | undefined {
  const fromWorkspace = workspace.trusted ? (nonBlank(levels?.workspaceFolderValue) ?? nonBlank(levels?.workspaceValue)) : undefined;
  const configured = fromWorkspace ?? nonBlank(levels?.globalValue);
  if (configured === undefined) return undefined;
  const folder = scopeFolder ?? workspace.folders[0];
  let expanded = configured.replace(/^~(?=$|[\\/])/, home ?? '~');
  if (/\$\{workspaceFolder\}/.test(expanded)) {
    if (folder === undefined) throw new SettingError(`segnetr.modelPath ("${configured}") uses \${workspaceFolder}, but no folder is open.`);
    expanded = expanded.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (!path.isAbsolute(expanded)) {
    if (folder === undefined) throw new SettingError(`segnetr.modelPath ("${configured}") is relative, but no folder is open; use an absolute path.`);
    expanded = path.join(folder, expanded);
  }
  if (!workspace.trusted) {
    const real = realPathThroughExisting(expanded);
    const inside = workspace.folders.find((f) => isSameOrInside(real, realPathThroughExisting(f)));
    if (inside !== undefined) {
      throw new SettingError(
        `segnetr.modelPath in your user settings ("${configured}") leads to ${expanded}, inside the untrusted workspace folder ${inside}: ` +
          'the workspace would supply the model. Trust the workspace (Workspaces: Manage Workspace Trust), or set an absolute path outside it.',
      );
    }
  }
  return expanded;
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
