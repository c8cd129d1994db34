#!/usr/bin/env node
// Runs a benchmark or measurement from test/bench/<name>.ts: bundled with esbuild (like the test layers), then
// run in a fresh Node process with the remaining arguments. They print numbers; none is part of `npm test`.
//   node scripts/bench.mjs <name> [args...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { NATIVE_PACKAGES } from './nativePackages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const source = join(root, 'test', 'bench', `${name}.ts`);
if (!name || !existsSync(source)) {
  const names = readdirSync(join(root, 'test', 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  console.error(`usage: node scripts/bench.mjs <name> [args...]; names: ${names.join(', ')}`);
  process.exit(2);
}
const outfile = join(root, 'out', 'bench', `${name}.js`);
await esbuild.build({
  entryPoints: [source],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  sourcemap: 'inline',
  external: NATIVE_PACKAGES,
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile, ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
