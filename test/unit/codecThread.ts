// The real label codec thread for unit tests: src/worker/labelCodecThread.ts bundled once per run (as
// scripts/build.mjs bundles dist/labelCodec.js, so the tests see the source, not a stale build), run by the
// extension's own client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LabelCodecThread } from '../../src/worker/labelCodecClient';

let built: Promise<string> | undefined;

async function threadScript(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'segnetr-codec-thread-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = path.join(dir, 'labelCodec.js');
    await esbuild.build({
      entryPoints: [path.join(process.cwd(), 'src', 'worker', 'labelCodecThread.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}

/** A fresh client of the codec thread; dispose it after the test. */
export async function codecThread(): Promise<LabelCodecThread> {
  return new LabelCodecThread({ script: await threadScript() });
}
