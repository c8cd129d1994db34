// `npm run package`: a platform-specific VSIX (default linux-x64) that carries only that platform's
// onnxruntime binaries. Everything else is bundled by esbuild, so node_modules holds just onnxruntime-node
// and its runtime dependency onnxruntime-common (see .vscodeignore).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targetArg = process.argv.find((a) => a.startsWith('--target='));
const baseImagesArg = process.argv.find((a) => a.startsWith('--base-images-url='));
const target = targetArg ? targetArg.slice('--target='.length) : 'linux-x64';
const [os, arch] = target.split('-');
const ortPlatform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[os];
if (!ortPlatform || !['x64', 'arm64'].includes(arch)) {
  console.error(`package: unsupported target "${target}" (use linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64)`);
  process.exit(2);
}
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', `${name}-${version}-${target}.vsix`);

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('node', ['scripts/build.mjs', '--production']);
rmSync(out, { force: true });
// .vscodeignore keeps linux-x64's onnxruntime binaries; for another target a copy keeps that target's instead.
const ignoreFile = join(root, 'dist', `.vscodeignore-${target}`);
const defaultBinaries = '!node_modules/onnxruntime-node/bin/napi-v6/linux/x64/**';
const base = readFileSync(join(root, '.vscodeignore'), 'utf8');
if (!base.includes(defaultBinaries)) {
  console.error(`package: .vscodeignore must contain the line ${defaultBinaries}`);
  process.exit(1);
}
writeFileSync(ignoreFile, base.replace(defaultBinaries, `!node_modules/onnxruntime-node/bin/napi-v6/${ortPlatform}/${arch}/**`));
// The README's screenshot (media/screenshots) ships inside the VSIX and its link stays relative: there is no public
// repository for vsce to point it at (without one vsce refuses to package a relative image unless told not to
// rewrite links). VS Code's extension page and the Marketplace only show README images from https URLs, so whoever
// publishes passes where media/ is served: `npm run package -- --base-images-url=https://.../` (vsce --baseImagesUrl).
const readmeLinks = baseImagesArg
  ? ['--baseImagesUrl', baseImagesArg.slice('--base-images-url='.length)]
  : ['--no-rewrite-relative-links'];
run('npx', [
  '--no-install', 'vsce', 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out,
  '--allow-missing-repository', ...readmeLinks, '--skip-license',
]);
console.log(`package: ${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`);
