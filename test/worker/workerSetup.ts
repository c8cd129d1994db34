// Paths and request defaults shared by the worker-layer tests (which run against the built dist/ bundles).
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PrelabelFolderRequest } from '../../src/common/prelabel';

export const repoRoot = process.cwd();
export const workerScript = path.join(repoRoot, 'dist', 'worker.js');
export const cliScript = path.join(repoRoot, 'dist', 'cli.js');
export const fixtures = path.join(repoRoot, 'test', 'fixtures');
export const sigmoidModel = path.join(fixtures, 'tiny-segnetr.onnx');
export const softmaxModel = path.join(fixtures, 'tiny-segnetr-softmax3.onnx');

export function requireBuild(): void {
  for (const file of [workerScript, cliScript]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
}

export function request(imagesDir: string, labelsDir: string, extra: Partial<PrelabelFolderRequest> = {}): PrelabelFolderRequest {
  return { imagesDir, labelsDir, modelPath: sigmoidModel, format: 'index', overwrite: false, threads: 1, ...extra };
}

/** A copy of the fixture model whose card no longer matches its bytes. */
export function copyModelWithWrongChecksum(dir: string): string {
  const onnx = path.join(dir, 'wrong.onnx');
  copyFileSync(sigmoidModel, onnx);
  copyFileSync(path.join(fixtures, 'tiny-segnetr-softmax3.json'), path.join(dir, 'wrong.json'));
  return onnx;
}

/**
 * A copy of the fixture model whose card matches its bytes (same SHA-256) but names an input the graph does not
 * have: only opening a session finds the mismatch.
 */
export function copyModelWithMismatchedGraph(dir: string): string {
  const onnx = path.join(dir, 'mismatch.onnx');
  copyFileSync(sigmoidModel, onnx);
  const card = JSON.parse(readFileSync(sigmoidModel.replace(/\.onnx$/, '.json'), 'utf8')) as { onnx: { inputName: string } };
  card.onnx.inputName = 'pixels';
  writeFileSync(path.join(dir, 'mismatch.json'), JSON.stringify(card));
  return onnx;
}

/** Polls `condition` every 20 ms until it holds (the mocha timeout bounds the wait). */
export async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
