// One esbuild call per runtime: extension host, inference worker, the label codec thread, CLI, the webviews (mask
// editor, failure view), and the host-test bundle.
// `tsc --noEmit` (npm run typecheck) does the type checking; esbuild only bundles.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';
import { NATIVE_PACKAGES } from './nativePackages.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

// onnxruntime-node and sharp (libvips, the JPEG decoder) are native addons and stay in node_modules (the VSIX keeps
// only its target's binaries); `vscode` is provided by the extension host.
const nodeTarget = { ...common, platform: 'node', format: 'cjs', external: ['vscode', ...NATIVE_PACKAGES] };

const builds = [
  { ...nodeTarget, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...nodeTarget, entryPoints: { worker: 'src/worker/main.ts' }, outdir: 'dist' },
  { ...nodeTarget, entryPoints: { labelCodec: 'src/worker/labelCodecThread.ts' }, outdir: 'dist' },
  { ...nodeTarget, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'dist' },
  { ...common, platform: 'browser', format: 'iife', entryPoints: { failures: 'src/webview/failures/main.ts' }, outdir: 'dist' },
  // Host tests run inside a real VS Code extension host; mocha is bundled into the test entry.
  // mocha's parallel mode (unused here) resolves a worker script at run time; esbuild warns about it.
  {
    ...nodeTarget,
    entryPoints: { 'test/index': 'test/host/suite/index.ts' },
    outdir: 'dist',
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  await chmod('dist/cli.js', 0o755);
  console.log(`esbuild: built ${builds.length} bundles${production ? ' (production)' : ''}`);
}
