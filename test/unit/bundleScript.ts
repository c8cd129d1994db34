// Bundles a TypeScript entry point for a child process or thread of a unit test, once per test file (as
// scripts/build.mjs bundles dist/, so the tests run the source, not a stale build). The bundle goes into a fresh
// folder beside the test's own bundle in out/, which the next test run deletes: no exit hook per test file.
import { mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { NATIVE_PACKAGES } from '../../scripts/nativePackages.mjs';

const built = new Map<string, Promise<string>>();

/** The path of the bundled `entry` (relative to the repository root), named `name`. */
export function bundleScript(entry: string, name: string): Promise<string> {
  let script = built.get(entry);
  if (!script) {
    script = (async () => {
      const dir = mkdtempSync(path.join(__dirname, 'scripts-'));
      const outfile = path.join(dir, name);
      await esbuild.build({
        entryPoints: [path.join(process.cwd(), entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'es2022',
        external: NATIVE_PACKAGES, // loaded from node_modules at run time, as in dist/
        logLevel: 'warning',
      });
      return outfile;
    })();
    built.set(entry, script);
  }
  return script;
}
