// Paths and request defaults shared by the worker-layer tests (which run against the built dist/ bundles).
import { copyFileSync, existsSync } from 'node:fs';
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
