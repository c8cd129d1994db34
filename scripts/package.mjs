// `npm run package`: a platform-specific VSIX (default linux-x64) that carries only that platform's native
// binaries. Everything else is bundled by esbuild, so node_modules holds just onnxruntime-node and sharp and what
// they require at run time (see .vscodeignore).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r;
}

/**
 * sharp's binaries are separate npm packages per platform: @img/sharp-<target> (the addon) and, except on Windows
 * where the addon carries them, @img/sharp-libvips-<target> (libvips). npm installs only this machine's; for
 * another target the versions package-lock.json names are fetched with `npm pack`, checked against the lock's
 * integrity, and unpacked into node_modules for this run (removed again afterwards).
 */
function sharpBinaryPackages() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const addon = `@img/sharp-${target}`;
  const entry = lock[`node_modules/${addon}`];
  if (!entry) {
    console.error(`package: sharp has no prebuilt binaries for ${target} (package-lock.json lists no ${addon})`);
    process.exit(2);
  }
  const libvips = Object.keys(entry.optionalDependencies ?? {}).filter((name) => name.startsWith('@img/sharp-libvips-'));
  return [addon, ...libvips].map((name) => ({ name, ...lock[`node_modules/${name}`] }));
}

function fetchMissing(packages) {
  const added = [];
  const missing = packages.filter(({ name }) => !existsSync(join(root, 'node_modules', name, 'package.json')));
  if (missing.length === 0) return added;
  const staging = mkdtempSync(join(tmpdir(), 'segnetr-package-'));
  try {
    for (const { name, version, integrity } of missing) {
      const packed = JSON.parse(run('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', staging], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).stdout)[0];
      if (packed.integrity !== integrity) {
        console.error(`package: ${name}@${version} from the registry does not match package-lock.json's integrity`);
        process.exit(1);
      }
      const into = join(root, 'node_modules', name);
      mkdirSync(into, { recursive: true });
      added.push(into);
      run('tar', ['-xzf', join(staging, packed.filename), '-C', into, '--strip-components=1']);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return added;
}

run('node', ['scripts/build.mjs', '--production']);
rmSync(out, { force: true });
// .vscodeignore keeps linux-x64's native binaries; for another target a copy keeps that target's instead.
const ignoreFile = join(root, 'dist', `.vscodeignore-${target}`);
const sharpBinaries = sharpBinaryPackages();
const binaryLines = {
  '!node_modules/onnxruntime-node/bin/napi-v6/linux/x64/**': `!node_modules/onnxruntime-node/bin/napi-v6/${ortPlatform}/${arch}/**`,
  '!node_modules/@img/sharp-linux-x64/**': `!node_modules/${sharpBinaries[0].name}/**`,
  '!node_modules/@img/sharp-libvips-linux-x64/**': sharpBinaries.slice(1).map(({ name }) => `!node_modules/${name}/**`).join('\n'),
};
let ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
for (const [line, replacement] of Object.entries(binaryLines)) {
  if (!ignore.split('\n').includes(line)) {
    console.error(`package: .vscodeignore must contain the line ${line}`);
    process.exit(1);
  }
  ignore = ignore.replace(line, replacement);
}
writeFileSync(ignoreFile, ignore);
const fetched = fetchMissing(sharpBinaries);
process.on('exit', () => fetched.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
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
