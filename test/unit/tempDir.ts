// A fresh temp folder per test, removed afterwards (never inside the repository or /work/shared).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function useTempDir(prefix: string): { readonly path: string } {
  const holder = { path: '' };
  beforeEach(() => {
    holder.path = mkdtempSync(path.join(tmpdir(), `segnetr-${prefix}-`));
  });
  afterEach(() => {
    rmSync(holder.path, { recursive: true, force: true });
  });
  return holder;
}

export const fixturesDir = path.join(process.cwd(), 'test', 'fixtures');
