// Helpers shared by the pre-label host tests.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PrelabelSummary } from '../../../src/common/prelabel';
import { isImageFileName } from '../../../src/core/labelPaths';
import { config } from './context';

export const EXTENSION_ID = 'segnetr.segnetr-annotator';

export function listImages(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter(isImageFileName)
    .sort()
    .map((f) => path.join(dir, f));
}

export const maskPathFor = (labelsDir: string, image: string) =>
  path.join(labelsDir, `${path.basename(image, path.extname(image))}.png`);

/** Points `segnetr.modelPath` at the fixture model (user settings; code-server's user-data dir is a temp folder). */
export async function useFixtureModel(): Promise<void> {
  const { modelPath } = config();
  assert.ok(modelPath, 'no fixture model (.onnx) under test/fixtures; the host tests need one');
  assert.ok(fs.existsSync(modelPath), `fixture model missing: ${modelPath}`);
  await vscode.workspace.getConfiguration('segnetr').update('modelPath', modelPath, vscode.ConfigurationTarget.Global);
  assert.equal(vscode.workspace.getConfiguration('segnetr').get('modelPath'), modelPath);
}

export async function prelabel(folder: string, existingLabels: 'skip' | 'overwrite'): Promise<PrelabelSummary> {
  const summary = await vscode.commands.executeCommand<PrelabelSummary | undefined>(
    'segnetr.prelabelFolder',
    vscode.Uri.file(folder),
    { existingLabels },
  );
  assert.ok(summary, 'segnetr.prelabelFolder returned no summary');
  return summary;
}

export function assertSummaryShape(s: PrelabelSummary): void {
  for (const k of ['total', 'written', 'skipped', 'elapsedMs'] as const) {
    assert.equal(typeof s[k], 'number', `summary.${k} is a number (got ${JSON.stringify(s[k])})`);
  }
  assert.ok(Array.isArray(s.failed), 'summary.failed is an array');
  assert.equal(typeof s.cancelled, 'boolean', 'summary.cancelled is a boolean');
  assert.equal(typeof s.labelsDir, 'string', 'summary.labelsDir is a string');
  assert.ok(s.elapsedMs >= 0);
}
